/// A recursive-descent parser from tokens to the AST of the mrsh subset of Python 3.
/// Constructs outside the subset are refused with an error naming them.
struct Parser {
    private var toks: [Token]
    var k = 0
    let file: SourceFile
    private var loopDepth = 0
    private var funcDepth = 0
    /// Current expression nesting; bounded so parsing and compiling never exhaust the stack.
    var nesting = 0
    static let maxNesting = 200
    static let maxChain = 2000

    init(tokens: [Token], file: SourceFile) {
        self.toks = tokens
        self.file = file
    }

    /// Lexes and parses a whole file.
    static func parse(_ file: SourceFile) throws -> [Stmt] {
        var lx = Lexer(file)
        do {
            var p = Parser(tokens: try lx.tokenize(), file: file)
            return try p.parseModule()
        } catch let e as SyntaxError where e.incomplete {
            // Input ended inside brackets: still report a real error that comes before the end.
            var tolerant = Lexer(file)
            tolerant.allowUnclosed = true
            guard let toks = try? tolerant.tokenize() else { throw e }
            var p = Parser(tokens: toks, file: file)
            do { _ = try p.parseModule() } catch let pe as SyntaxError where !pe.incomplete { throw pe }
            throw e
        }
    }

    /// Lexes and parses one expression (f-string fields, REPL helpers).
    static func parseExpression(_ text: String, file: SourceFile, at pos: Pos) throws -> Expr {
        let sub = SourceFile(name: file.name, text: "(" + text + ")")
        var lx = Lexer(sub)
        var toks = try lx.tokenize()
        for j in toks.indices { toks[j].pos = Pos(Int(pos.line) + Int(toks[j].pos.line) - 1, Int(pos.col) + Int(toks[j].pos.col) - 2) }
        var p = Parser(tokens: toks, file: file)
        let e = try p.parseTestList()
        while p.cur.kind == .newline { p.k += 1 }
        guard p.cur.kind == .eof else { throw p.error("f-string: invalid syntax") }
        return e
    }

    mutating func parseModule() throws -> [Stmt] {
        var out: [Stmt] = []
        while cur.kind != .eof {
            if cur.kind == .newline { k += 1; continue }
            out += try parseStatement()
        }
        return out
    }

    // MARK: token helpers

    var cur: Token { toks[k] }
    mutating func advance() { if k < toks.count - 1 { k += 1 } }
    func peekIsKw(_ w: String) -> Bool { peekKind() == .name(w) }
    func peekIsOp(_ o: String) -> Bool { peekKind() == .op(o) }
    private func peekKind(_ n: Int = 1) -> TokenKind { k + n < toks.count ? toks[k + n].kind : .eof }

    func error(_ msg: String, at p: Pos? = nil) -> SyntaxError {
        let pos = p ?? cur.pos
        return SyntaxError(file: file.name, pos: pos, message: msg, incomplete: cur.kind == .eof && p == nil,
                           sourceLine: file.line(Int(pos.line)))
    }

    private func isOp(_ o: String) -> Bool { if case .op(let x) = cur.kind { return x == o }; return false }
    private func isKw(_ w: String) -> Bool { if case .name(let x) = cur.kind { return x == w }; return false }

    private mutating func accept(_ o: String) -> Bool { if isOp(o) { k += 1; return true }; return false }
    private mutating func acceptKw(_ w: String) -> Bool { if isKw(w) { k += 1; return true }; return false }

    private mutating func expect(_ o: String) throws {
        guard accept(o) else { throw error("expected '\(o)', found \(cur.kind.display)") }
    }
    private mutating func expectKw(_ w: String) throws {
        guard acceptKw(w) else { throw error("expected '\(w)', found \(cur.kind.display)") }
    }

    private mutating func identifier() throws -> String {
        guard case .name(let n) = cur.kind, !pythonKeywords.contains(n) else {
            throw error("expected a name, found \(cur.kind.display)")
        }
        k += 1
        return n
    }

    private func unsupported(_ what: String, at p: Pos? = nil) -> SyntaxError {
        error("\(what) is not supported by mrsh", at: p ?? cur.pos)
    }

    // MARK: statements

    private mutating func parseStatement() throws -> [Stmt] {
        let p = cur.pos
        if case .name(let w) = cur.kind {
            switch w {
            case "if": return [try parseIf()]
            case "while": return [try parseWhile()]
            case "for": return [try parseFor()]
            case "try": return [try parseTry()]
            case "with": return [try parseWith()]
            case "def": return [try parseDef()]
            case "class": return [try parseClass()]
            case "async": throw unsupported("'async'")
            default: break
            }
        }
        if isOp("@") { return [try parseDecorated()] }
        if cur.kind == .indent { throw error("unexpected indent") }
        var out = [try parseSmallStatement()]
        while accept(";") {
            if cur.kind == .newline { break }
            out.append(try parseSmallStatement())
        }
        guard cur.kind == .newline || cur.kind == .eof else { throw error("invalid syntax: unexpected \(cur.kind.display)") }
        if cur.kind == .newline { k += 1 }
        return out
    }

    private mutating func parseBlock() throws -> [Stmt] {
        try expect(":")
        if cur.kind != .newline {
            var out = [try parseSmallStatement()]
            while accept(";") {
                if cur.kind == .newline { break }
                out.append(try parseSmallStatement())
            }
            guard cur.kind == .newline || cur.kind == .eof else { throw error("invalid syntax") }
            if cur.kind == .newline { k += 1 }
            return out
        }
        k += 1
        guard cur.kind == .indent else {
            // A nested block header on the last line (`class A:` / `    def f(self):`) ends in
            // dedents, not at EOF: still only incomplete input for the REPL.
            let e = error("expected an indented block")
            let atEnd = toks[k...].allSatisfy { $0.kind == .dedent || $0.kind == .newline || $0.kind == .eof }
            throw atEnd ? SyntaxError(file: e.file, pos: e.pos, message: e.message, incomplete: true, sourceLine: e.sourceLine) : e
        }
        k += 1
        var out: [Stmt] = []
        while cur.kind != .dedent && cur.kind != .eof {
            if cur.kind == .newline { k += 1; continue }
            out += try parseStatement()
        }
        if cur.kind == .dedent { k += 1 }
        return out
    }

    private mutating func parseSmallStatement() throws -> Stmt {
        let p = cur.pos
        if case .name(let w) = cur.kind {
            switch w {
            case "pass": k += 1; return .pass(p)
            case "break":
                guard loopDepth > 0 else { throw error("'break' outside loop") }
                k += 1; return .breakLoop(p)
            case "continue":
                guard loopDepth > 0 else { throw error("'continue' not properly in loop") }
                k += 1; return .continueLoop(p)
            case "return":
                guard funcDepth > 0 else { throw error("'return' outside function") }
                k += 1
                if cur.kind == .newline || isOp(";") || cur.kind == .eof { return .returnValue(nil, p) }
                return .returnValue(try parseTestListStar(), p)
            case "global", "nonlocal":
                k += 1
                var names = [try identifier()]
                while accept(",") { names.append(try identifier()) }
                return w == "global" ? .global(names, p) : .nonlocal(names, p)
            case "del":
                k += 1
                var targets = [try parseExprOrStar()]
                while accept(",") { if cur.kind == .newline { break }; targets.append(try parseExprOrStar()) }
                for t in targets { try checkTarget(t, del: true) }
                return .delete(targets, p)
            case "assert":
                k += 1
                let c = try parseTest()
                let m = accept(",") ? try parseTest() : nil
                return .assert(c, m, p)
            case "raise":
                k += 1
                if cur.kind == .newline || isOp(";") || cur.kind == .eof { return .raise(nil, nil, p) }
                let e = try parseTest()
                let cause = acceptKw("from") ? try parseTest() : nil
                return .raise(e, cause, p)
            case "import": return try parseImport()
            case "from": return try parseFromImport()
            case "yield": throw unsupported("'yield'")
            case "await": throw unsupported("'await'")
            default: break
            }
        }
        return try parseExpressionStatement()
    }

    private mutating func parseExpressionStatement() throws -> Stmt {
        let p = cur.pos
        let first = try parseTestListStar()
        if case .op(let o) = cur.kind, o.count >= 2, o.hasSuffix("="), !["==", "<=", ">=", "!="].contains(o) {
            let opPos = cur.pos
            guard let op = BinOp(rawValue: String(o.dropLast())) else { throw error("invalid syntax") }
            k += 1
            switch first {
            case .name, .attr, .subscr: break
            default: throw error("'\(describe(first))' is an illegal expression for augmented assignment", at: p)
            }
            let v = try parseTestListStar()
            return .augAssign(first, op, v, opPos)
        }
        if isOp(":") {
            k += 1
            _ = try parseTest()
            try checkTarget(first, del: false)
            let v = accept("=") ? try parseTestListStar() : nil
            return .annAssign(first, v, p)
        }
        if isOp(":=") { throw unsupported("the walrus operator ':='") }
        guard isOp("=") else { return .expr(first, p) }
        var targets = [first]
        var value = first
        while accept("=") {
            if isKw("yield") { throw unsupported("'yield'") }
            value = try parseTestListStar()
            targets.append(value)
        }
        targets.removeLast()
        for t in targets { try checkTarget(t, del: false) }
        return .assign(targets, value, p)
    }

    /// Where an expression starts in the source (for messages about the whole expression).
    private func startPos(_ e: Expr) -> Pos {
        switch e {
        case .call(let f, _, _), .attr(let f, _, _), .subscr(let f, _, _), .binary(_, let f, _, _),
             .compare(let f, _, _, _):
            return startPos(f)
        default: return e.pos
        }
    }

    private func describe(_ e: Expr) -> String {
        switch e {
        case .call: return "function call"
        case .constant: return "literal"
        case .binary, .unary: return "expression"
        case .tuple: return "tuple"
        case .list: return "list"
        case .comprehension: return "comprehension"
        default: return "expression"
        }
    }

    private func checkTarget(_ e: Expr, del: Bool) throws {
        switch e {
        case .name(let n):
            if ["True", "False", "None"].contains(n.name) { throw error("cannot assign to \(n.name)", at: n.pos) }
        case .attr, .subscr: break
        case .tuple(let xs, _), .list(let xs, _):
            var stars = 0
            for x in xs {
                if case .starred(let inner, let sp) = x {
                    if del { throw error("cannot delete starred", at: sp) }
                    stars += 1
                    if stars > 1 { throw error("multiple starred expressions in assignment", at: sp) }
                    try checkTarget(inner, del: del)
                } else {
                    try checkTarget(x, del: del)
                }
            }
        case .starred(_, let sp): throw error("starred assignment target must be in a list or tuple", at: sp)
        default:
            let p = startPos(e)
            throw error("cannot \(del ? "delete" : "assign to") \(describe(e))", at: p == .none ? cur.pos : p)
        }
    }

    private mutating func parseImport() throws -> Stmt {
        let p = cur.pos
        k += 1
        var items: [(String, NameRef)] = []
        repeat {
            let np = cur.pos
            var dotted = try identifier()
            while accept(".") { dotted += "." + (try identifier()) }
            if acceptKw("as") {
                let ap = cur.pos
                items.append((dotted, NameRef(try identifier(), ap)))
            } else {
                let top = String(dotted.split(separator: ".")[0])
                items.append((dotted, NameRef(top, np)))
            }
        } while accept(",")
        return .importModule(items, p)
    }

    private mutating func parseFromImport() throws -> Stmt {
        let p = cur.pos
        k += 1
        if isOp(".") || isOp("...") { throw unsupported("relative import") }
        var dotted = try identifier()
        while accept(".") { dotted += "." + (try identifier()) }
        try expectKw("import")
        if isOp("*") { throw unsupported("'from ... import *'") }
        let paren = accept("(")
        var items: [(String, NameRef)] = []
        repeat {
            if paren && isOp(")") { break }
            let np = cur.pos
            let n = try identifier()
            if acceptKw("as") {
                let ap = cur.pos
                items.append((n, NameRef(try identifier(), ap)))
            } else {
                items.append((n, NameRef(n, np)))
            }
        } while accept(",")
        if paren { try expect(")") }
        return .importFrom(dotted, items, p)
    }

    private mutating func parseIf() throws -> Stmt {
        let p = cur.pos
        k += 1
        var branches = [(try parseTest(), try parseBlock())]
        var orelse: [Stmt]? = nil
        while true {
            if acceptKw("elif") { branches.append((try parseTest(), try parseBlock())); continue }
            if acceptKw("else") { orelse = try parseBlock() }
            break
        }
        return .ifElse(branches, orelse, p)
    }

    private mutating func parseLoopBody() throws -> [Stmt] {
        loopDepth += 1
        defer { loopDepth -= 1 }
        return try parseBlock()
    }

    private mutating func parseWhile() throws -> Stmt {
        let p = cur.pos
        k += 1
        let cond = try parseTest()
        let body = try parseLoopBody()
        let orelse = acceptKw("else") ? try parseBlock() : nil
        return .whileLoop(cond, body, orelse, p)
    }

    private mutating func parseFor() throws -> Stmt {
        let p = cur.pos
        k += 1
        let target = try parseTargetList()
        try expectKw("in")
        let iter = try parseTestListStar()
        let body = try parseLoopBody()
        let orelse = acceptKw("else") ? try parseBlock() : nil
        return .forLoop(target, iter, body, orelse, p)
    }

    /// A `for` target: expressions up to `in`, a tuple when separated by commas.
    private mutating func parseTargetList() throws -> Expr {
        let p = cur.pos
        var xs = [try parseExprOrStar()]
        var comma = false
        while accept(",") {
            comma = true
            if isKw("in") { break }
            xs.append(try parseExprOrStar())
        }
        let t: Expr = comma ? .tuple(xs, p) : xs[0]
        try checkTarget(t, del: false)
        return t
    }

    private mutating func parseTry() throws -> Stmt {
        let p = cur.pos
        k += 1
        let body = try parseBlock()
        var handlers: [ExceptHandler] = []
        while isKw("except") {
            let hp = cur.pos
            k += 1
            if isOp("*") { throw unsupported("'except*'") }
            var type: Expr? = nil
            var name: NameRef? = nil
            if !isOp(":") {
                type = try parseTest()
                if accept(",") { throw error("multiple exception types must be parenthesized", at: hp) }
                if acceptKw("as") {
                    let np = cur.pos
                    name = NameRef(try identifier(), np)
                }
            }
            handlers.append(ExceptHandler(type: type, name: name, body: try parseBlock(), pos: hp))
        }
        var orelse: [Stmt]? = nil
        var final: [Stmt]? = nil
        if !handlers.isEmpty && acceptKw("else") { orelse = try parseBlock() }
        if acceptKw("finally") { final = try parseBlock() }
        if handlers.isEmpty && final == nil { throw error("expected 'except' or 'finally' block") }
        return .tryExcept(body, handlers, orelse, final, p)
    }

    private mutating func parseWith() throws -> Stmt {
        let p = cur.pos
        k += 1
        var items: [(Expr, Expr?)] = []
        repeat {
            let ctx = try parseTest()
            var target: Expr? = nil
            if acceptKw("as") {
                let t = try parseExprOrStar()
                try checkTarget(t, del: false)
                target = t
            }
            items.append((ctx, target))
        } while accept(",")
        return .with(items, try parseBlock(), p)
    }

    /// `@staticmethod`, `@classmethod` and `@property` before a `def`; other decorators are refused.
    private mutating func parseDecorated() throws -> Stmt {
        var names: [String] = []
        while isOp("@") {
            let p = cur.pos
            k += 1
            guard case .name(let n) = cur.kind, ["staticmethod", "classmethod", "property"].contains(n),
                  peekKind() == .newline else {
                throw error("decorators other than @staticmethod, @classmethod and @property are not supported by mrsh", at: p)
            }
            names.append(n)
            k += 2
        }
        guard isKw("def") else { throw error("a decorator must be followed by 'def'") }
        let s = try parseDef()
        if case .functionDef(let f, _) = s { f.decorators = names }
        return s
    }

    private mutating func parseDef() throws -> Stmt {
        let p = cur.pos
        k += 1
        let np = cur.pos
        let name = try identifier()
        try expect("(")
        let params = try parseParams(closing: ")")
        try expect(")")
        if accept("->") { _ = try parseTest() }
        let savedLoop = loopDepth
        loopDepth = 0
        funcDepth += 1
        let body = try parseBlock()
        funcDepth -= 1
        loopDepth = savedLoop
        let f = FuncDef(name: name, params: params, body: body, pos: p, isLambda: false)
        if case .expr(.constant(.str(let doc)), _)? = body.first { f.docstring = doc }
        return .functionDef(f, NameRef(name, np))
    }

    /// Parameters of a def (closing ")") or a lambda (closing ":").
    private mutating func parseParams(closing: String) throws -> [Param] {
        var params: [Param] = []
        var seenStar = false
        var seenDefault = false
        var names = Set<String>()
        while !isOp(closing) {
            let pp = cur.pos
            if accept("**") {
                let n = try identifier()
                if closing == ")" && accept(":") { _ = try parseTest() }
                params.append(Param(name: n, kind: .varKw, defaultValue: nil, pos: pp))
                guard names.insert(n).inserted else { throw error("duplicate argument '\(n)' in function definition", at: pp) }
                _ = accept(",")
                break
            }
            if accept("*") {
                if seenStar { throw error("* argument may appear only once", at: pp) }
                seenStar = true
                if isOp(",") { k += 1; continue }
                let n = try identifier()
                if closing == ")" && accept(":") { _ = try parseTest() }
                params.append(Param(name: n, kind: .varArgs, defaultValue: nil, pos: pp))
                guard names.insert(n).inserted else { throw error("duplicate argument '\(n)' in function definition", at: pp) }
            } else {
                if accept("/") { _ = accept(","); continue }
                let n = try identifier()
                if closing == ")" && accept(":") { _ = try parseTest() }
                var def: Expr? = nil
                if accept("=") { def = try parseTest() }
                if !seenStar {
                    if def != nil { seenDefault = true } else if seenDefault {
                        throw error("non-default argument follows default argument", at: pp)
                    }
                }
                params.append(Param(name: n, kind: seenStar ? .kwOnly : .normal, defaultValue: def, pos: pp))
                guard names.insert(n).inserted else { throw error("duplicate argument '\(n)' in function definition", at: pp) }
            }
            if !accept(",") { break }
        }
        return params
    }

    private mutating func parseClass() throws -> Stmt {
        let p = cur.pos
        k += 1
        let np = cur.pos
        let name = try identifier()
        var base: Expr? = nil
        var keywords: [(String, Expr)] = []
        if accept("(") {
            var bases: [Expr] = []
            while !isOp(")") {
                if case .name(let kw) = cur.kind, peekKind() == .op("=") {
                    k += 2
                    if kw == "metaclass" { throw unsupported("metaclasses", at: p) }
                    keywords.append((kw, try parseTest()))
                } else {
                    bases.append(try parseTest())
                }
                if !accept(",") { break }
            }
            try expect(")")
            if bases.count > 1 { throw error("multiple inheritance is not supported by mrsh", at: bases[1].pos) }
            base = bases.first
        }
        let savedLoop = loopDepth
        let savedFunc = funcDepth
        loopDepth = 0
        funcDepth = 0
        let body = try parseBlock()
        loopDepth = savedLoop
        funcDepth = savedFunc
        return .classDef(ClassDef(name: name, base: base, keywords: keywords, body: body, pos: p), NameRef(name, np))
    }
}
