/// How a name is reached at run time; filled in by the resolver.
enum Access {
    case unresolved
    /// A slot in the current frame's locals.
    case local(Int)
    /// A cell of the current frame (a captured local, or a free variable of a closure).
    case cell(Int)
    /// A module global (index into the module's table); builtins are the fallback.
    case global(Int)
    /// A name bound in a class body: the class namespace, then the global at the index.
    case classNS(String, Int)
}

/// One occurrence of a name in the source; the resolver decides where it lives.
final class NameRef {
    let name: String
    let pos: Pos
    var access: Access = .unresolved
    init(_ name: String, _ pos: Pos) { self.name = name; self.pos = pos }
}

enum BinOp: String {
    case add = "+", sub = "-", mul = "*", truediv = "/", floordiv = "//", mod = "%", pow = "**"
    case matmul = "@", lshift = "<<", rshift = ">>", bitand = "&", bitor = "|", bitxor = "^"
}

enum CmpOp: String {
    case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">="
    case isIn = "in", notIn = "not in", isSame = "is", isNot = "is not"
}

enum UnaryOp: String { case neg = "-", pos = "+", invert = "~" }

/// An argument at a call site.
enum Arg {
    case positional(Expr)
    case star(Expr)
    case keyword(String, Expr)
    case starStar(Expr)
}

/// An entry of a dict display: `k: v` or `**mapping`.
enum DictItem {
    case pair(Expr, Expr)
    case unpack(Expr)
}

/// A compiled f-string part: literal text or a field with its expression.
indirect enum FPart {
    case literal(String)
    case field(Expr, Character?, [FPart]?)
}

indirect enum Expr {
    case name(NameRef)
    case constant(Value)
    case fstring([FPart], Pos)
    case unary(UnaryOp, Expr, Pos)
    case binary(BinOp, Expr, Expr, Pos)
    case and(Expr, Expr)
    case or(Expr, Expr)
    case not(Expr)
    case compare(Expr, [CmpOp], [Expr], Pos)
    case ifExp(Expr, Expr, Expr)
    case lambda(FuncDef)
    case call(Expr, [Arg], Pos)
    case attr(Expr, String, Pos)
    case subscr(Expr, Expr, Pos)
    case slice(Expr?, Expr?, Expr?)
    case tuple([Expr], Pos)
    case list([Expr], Pos)
    case set([Expr], Pos)
    case dict([DictItem], Pos)
    case starred(Expr, Pos)
    case comprehension(Comprehension)

    /// A position for error messages (the operator or the start of the expression).
    var pos: Pos {
        switch self {
        case .name(let n): return n.pos
        case .constant: return .none
        case .fstring(_, let p), .unary(_, _, let p), .binary(_, _, _, let p), .compare(_, _, _, let p),
             .call(_, _, let p), .attr(_, _, let p), .subscr(_, _, let p), .tuple(_, let p),
             .list(_, let p), .set(_, let p), .dict(_, let p), .starred(_, let p):
            return p
        case .and(let a, _), .or(let a, _), .not(let a), .ifExp(let a, _, _): return a.pos
        case .lambda(let f): return f.pos
        case .slice(let a, let b, _): return a?.pos ?? b?.pos ?? .none
        case .comprehension(let c): return c.pos
        }
    }
}

/// One `for target in iter if cond...` clause of a comprehension.
struct CompClause {
    var target: Expr
    var iter: Expr
    var conditions: [Expr]
}

/// A list/set/dict comprehension or a generator expression (evaluated lazily).
final class Comprehension {
    enum Kind { case list, set, dict, generator }
    let kind: Kind
    let element: Expr
    let value: Expr?
    let clauses: [CompClause]
    let pos: Pos
    init(kind: Kind, element: Expr, value: Expr?, clauses: [CompClause], pos: Pos) {
        self.kind = kind; self.element = element; self.value = value; self.clauses = clauses; self.pos = pos
    }
}

/// A function parameter.
struct Param {
    enum Kind { case normal, varArgs, kwOnly, varKw }
    let name: String
    let kind: Kind
    let defaultValue: Expr?
    let pos: Pos
}

/// A `def` or `lambda`; the resolver adds the frame layout.
final class FuncDef {
    let name: String
    let params: [Param]
    let body: [Stmt]
    let pos: Pos
    let isLambda: Bool
    // Filled by the resolver.
    var slotCount = 0
    /// Parameter index -> local slot.
    var paramSlots: [Int] = []
    /// Number of cells created fresh on each call (captured locals).
    var ownCellCount = 0
    /// For each parameter that lives in a cell: (slot of the parameter, cell index).
    var paramCells: [(Int, Int)] = []
    /// For each free variable, where the defining scope keeps it (always a cell there).
    var freeVarSources: [Access] = []
    var docstring: String?
    var file = ""
    /// `staticmethod`, `classmethod` or `property`, innermost last.
    var decorators: [String] = []

    init(name: String, params: [Param], body: [Stmt], pos: Pos, isLambda: Bool) {
        self.name = name; self.params = params; self.body = body; self.pos = pos; self.isLambda = isLambda
    }
}

/// A `class` statement; its body runs once in a frame of its own.
final class ClassDef {
    let name: String
    let base: Expr?
    let keywords: [(String, Expr)]
    let body: [Stmt]
    let pos: Pos
    var slotCount = 0
    var ownCellCount = 0
    var freeVarSources: [Access] = []
    init(name: String, base: Expr?, keywords: [(String, Expr)], body: [Stmt], pos: Pos) {
        self.name = name; self.base = base; self.keywords = keywords; self.body = body; self.pos = pos
    }
}

/// An `except` clause.
struct ExceptHandler {
    let type: Expr?
    let name: NameRef?
    let body: [Stmt]
    let pos: Pos
}

indirect enum Stmt {
    case expr(Expr, Pos)
    case assign([Expr], Expr, Pos)
    case augAssign(Expr, BinOp, Expr, Pos)
    case annAssign(Expr, Expr?, Pos)
    case delete([Expr], Pos)
    case pass(Pos)
    case breakLoop(Pos)
    case continueLoop(Pos)
    case returnValue(Expr?, Pos)
    case ifElse([(Expr, [Stmt])], [Stmt]?, Pos)
    case whileLoop(Expr, [Stmt], [Stmt]?, Pos)
    case forLoop(Expr, Expr, [Stmt], [Stmt]?, Pos)
    case functionDef(FuncDef, NameRef)
    case classDef(ClassDef, NameRef)
    case global([String], Pos)
    case nonlocal([String], Pos)
    case assert(Expr, Expr?, Pos)
    case raise(Expr?, Expr?, Pos)
    case tryExcept([Stmt], [ExceptHandler], [Stmt]?, [Stmt]?, Pos)
    case with([(Expr, Expr?)], [Stmt], Pos)
    case importModule([(String, NameRef)], Pos)
    case importFrom(String, [(String, NameRef)], Pos)

    var pos: Pos {
        switch self {
        case .expr(_, let p), .assign(_, _, let p), .augAssign(_, _, _, let p), .annAssign(_, _, let p),
             .delete(_, let p), .pass(let p), .breakLoop(let p), .continueLoop(let p), .returnValue(_, let p),
             .ifElse(_, _, let p), .whileLoop(_, _, _, let p), .forLoop(_, _, _, _, let p), .global(_, let p),
             .nonlocal(_, let p), .assert(_, _, let p), .raise(_, _, let p), .tryExcept(_, _, _, _, let p),
             .with(_, _, let p), .importModule(_, let p), .importFrom(_, _, let p):
            return p
        case .functionDef(let f, _): return f.pos
        case .classDef(let c, _): return c.pos
        }
    }
}
