/// Decides where every name lives: a local slot, a cell (captured by a closure), a module
/// global or a class namespace. Runs once per compiled chunk, before the compiler.
final class Resolver {
    final class Scope {
        enum Kind { case module, function, classBody, comprehension }
        let kind: Kind
        let parent: Scope?
        var bound: [String] = []
        var boundSet: Set<String> = []
        var globals: Set<String> = []
        var nonlocals: Set<String> = []
        var refs: [NameRef] = []
        var captured: Set<String> = []
        /// Free variables of this frame owner, as (owning scope, name).
        var free: [(Scope, String)] = []
        var slotOf: [String: Int] = [:]
        var cellOf: [String: Int] = [:]
        var funcDef: FuncDef?
        var classDef: ClassDef?
        var slotCount = 0
        var cellCount = 0
        var members: [Scope] = []

        init(_ kind: Kind, _ parent: Scope?) { self.kind = kind; self.parent = parent }

        var frameOwner: Scope { kind == .comprehension ? parent!.frameOwner : self }

        func bind(_ n: String) {
            if boundSet.insert(n).inserted { bound.append(n) }
        }
    }

    private let file: SourceFile
    private let module: ModuleScope
    private var all: [Scope] = []
    private var current: Scope

    init(file: SourceFile, module: ModuleScope) {
        self.file = file
        self.module = module
        current = Scope(.module, nil)
        all.append(current)
    }

    /// Resolves a module body; returns the module frame's slot and cell counts.
    func resolveModule(_ body: [Stmt]) throws -> (slots: Int, cells: Int) {
        try visitBlock(body)
        try finish()
        let m = all[0]
        return (m.slotCount, m.cellCount)
    }

    private func error(_ msg: String, _ p: Pos) -> SyntaxError {
        SyntaxError(file: file.name, pos: p, message: msg, sourceLine: file.line(Int(p.line)))
    }

    // MARK: pass 1: collect bindings and references

    private func visitBlock(_ b: [Stmt]) throws { for s in b { try visit(s) } }

    private func bindTarget(_ e: Expr) throws {
        switch e {
        case .name(let n): current.bind(n.name); current.refs.append(n)
        case .tuple(let xs, _), .list(let xs, _): for x in xs { try bindTarget(x) }
        case .starred(let x, _): try bindTarget(x)
        case .attr(let o, _, _): try visit(o)
        case .subscr(let o, let i, _): try visit(o); try visit(i)
        default: try visit(e)
        }
    }

    private func bindName(_ n: NameRef) { current.bind(n.name); current.refs.append(n) }

    private func visit(_ s: Stmt) throws {
        switch s {
        case .expr(let e, _): try visit(e)
        case .assign(let ts, let v, _): try visit(v); for t in ts { try bindTarget(t) }
        case .augAssign(let t, _, let v, _): try visit(v); try bindTarget(t); if case .name = t {} else { try visit(t) }
        case .annAssign(let t, let v, _): if let v = v { try visit(v); try bindTarget(t) }
        case .delete(let ts, _): for t in ts { try bindTarget(t) }
        case .pass, .breakLoop, .continueLoop: break
        case .returnValue(let e, _): if let e = e { try visit(e) }
        case .ifElse(let bs, let orelse, _):
            for (c, b) in bs { try visit(c); try visitBlock(b) }
            if let o = orelse { try visitBlock(o) }
        case .whileLoop(let c, let b, let o, _):
            try visit(c); try visitBlock(b); if let o = o { try visitBlock(o) }
        case .forLoop(let t, let it, let b, let o, _):
            try visit(it); try bindTarget(t); try visitBlock(b); if let o = o { try visitBlock(o) }
        case .functionDef(let f, let n):
            try visitFunction(f)
            bindName(n)
        case .classDef(let c, let n):
            if let b = c.base { try visit(b) }
            for (_, e) in c.keywords { try visit(e) }
            let scope = Scope(.classBody, current)
            scope.classDef = c
            all.append(scope)
            let saved = current
            current = scope
            try visitBlock(c.body)
            current = saved
            bindName(n)
        case .global(let names, let p):
            for n in names {
                if current.boundSet.contains(n) && current.kind != .module {
                    throw error("name '\(n)' is assigned to before global declaration", p)
                }
                current.globals.insert(n)
            }
        case .nonlocal(let names, let p):
            if current.kind == .module { throw error("nonlocal declaration not allowed at module level", p) }
            for n in names { current.nonlocals.insert(n) }
        case .assert(let c, let m, _): try visit(c); if let m = m { try visit(m) }
        case .raise(let e, let c, _): if let e = e { try visit(e) }; if let c = c { try visit(c) }
        case .tryExcept(let b, let hs, let o, let f, _):
            try visitBlock(b)
            for h in hs {
                if let t = h.type { try visit(t) }
                if let n = h.name { bindName(n) }
                try visitBlock(h.body)
            }
            if let o = o { try visitBlock(o) }
            if let f = f { try visitBlock(f) }
        case .with(let items, let b, _):
            for (c, t) in items { try visit(c); if let t = t { try bindTarget(t) } }
            try visitBlock(b)
        case .importModule(let items, _): for (_, n) in items { bindName(n) }
        case .importFrom(_, let items, _): for (_, n) in items { bindName(n) }
        }
    }

    private func visitFunction(_ f: FuncDef) throws {
        for p in f.params { if let d = p.defaultValue { try visit(d) } }
        let scope = Scope(.function, current)
        scope.funcDef = f
        all.append(scope)
        let saved = current
        current = scope
        for p in f.params { scope.bind(p.name) }
        try visitBlock(f.body)
        current = saved
    }

    private func visit(_ e: Expr) throws {
        switch e {
        case .name(let n): current.refs.append(n)
        case .constant: break
        case .fstring(let parts, _): try visitFParts(parts)
        case .unary(_, let a, _), .not(let a), .starred(let a, _), .attr(let a, _, _): try visit(a)
        case .binary(_, let a, let b, _), .and(let a, let b), .or(let a, let b), .subscr(let a, let b, _):
            try visit(a); try visit(b)
        case .compare(let a, _, let bs, _): try visit(a); for b in bs { try visit(b) }
        case .ifExp(let c, let a, let b): try visit(c); try visit(a); try visit(b)
        case .lambda(let f): try visitFunction(f)
        case .call(let f, let args, _):
            try visit(f)
            for a in args {
                switch a {
                case .positional(let x), .star(let x), .keyword(_, let x), .starStar(let x): try visit(x)
                }
            }
        case .slice(let a, let b, let c):
            if let a = a { try visit(a) }; if let b = b { try visit(b) }; if let c = c { try visit(c) }
        case .tuple(let xs, _), .list(let xs, _), .set(let xs, _): for x in xs { try visit(x) }
        case .dict(let items, _):
            for it in items {
                switch it {
                case .pair(let k, let v): try visit(k); try visit(v)
                case .unpack(let m): try visit(m)
                }
            }
        case .comprehension(let c): try visitComprehension(c)
        }
    }

    private func visitFParts(_ parts: [FPart]) throws {
        for p in parts {
            if case .field(let e, _, let spec) = p {
                try visit(e)
                if let s = spec { try visitFParts(s) }
            }
        }
    }

    private func visitComprehension(_ c: Comprehension) throws {
        try visit(c.clauses[0].iter)
        let scope = Scope(.comprehension, current)
        all.append(scope)
        let saved = current
        current = scope
        for (i, cl) in c.clauses.enumerated() {
            if i > 0 { try visit(cl.iter) }
            try bindTarget(cl.target)
            for cond in cl.conditions { try visit(cond) }
        }
        try visit(c.element)
        if let v = c.value { try visit(v) }
        current = saved
    }

    // MARK: pass 2: decide, lay out frames, annotate

    private enum Binding {
        case global
        case classNS
        case variable(Scope)
    }

    private var refBindings: [(NameRef, Scope, Binding)] = []

    private func finish() throws {
        for s in all {
            for r in s.refs { refBindings.append((r, s, try binding(of: r, in: s))) }
        }
        for s in all where s.frameOwner === s { layout(s) }
        for (r, s, b) in refBindings { r.access = access(b, r.name, from: s) }
        for s in all where s.frameOwner === s { fillDefinition(s) }
    }

    private func binding(of r: NameRef, in s: Scope) throws -> Binding {
        let name = r.name
        if s.globals.contains(name) { return .global }
        switch s.kind {
        case .module:
            return .global
        case .classBody:
            if s.boundSet.contains(name) && !s.nonlocals.contains(name) { return .classNS }
        case .function, .comprehension:
            if s.boundSet.contains(name) && !s.nonlocals.contains(name) { return .variable(s) }
        }
        var p = s.parent
        while let q = p {
            if q.kind == .module { break }
            if q.kind != .classBody, q.boundSet.contains(name), !q.nonlocals.contains(name), !q.globals.contains(name) {
                noteCapture(of: name, owner: q, from: s)
                return .variable(q)
            }
            if q.globals.contains(name) && q.kind != .classBody { return .global }
            p = q.parent
        }
        if s.nonlocals.contains(name) { throw error("no binding for nonlocal '\(name)' found", r.pos) }
        return .global
    }

    /// Marks a variable of `owner` as a cell and makes it a free variable of every frame in between.
    private func noteCapture(of name: String, owner: Scope, from s: Scope) {
        let target = owner.frameOwner
        var f = s.frameOwner
        guard f !== target else { return }
        owner.captured.insert(name)
        while f !== target {
            if !f.free.contains(where: { $0.0 === owner && $0.1 == name }) { f.free.append((owner, name)) }
            guard let up = f.parent?.frameOwner else { break }
            f = up
        }
    }

    private func layout(_ f: Scope) {
        let members = all.filter { $0.frameOwner === f }
        f.members = members
        var slots = 0
        var cells = 0
        if let def = f.funcDef {
            for p in def.params {
                f.slotOf[p.name] = slots
                slots += 1
            }
        }
        for m in members where m.kind == .function || m.kind == .comprehension {
            for n in m.bound where !m.globals.contains(n) && !m.nonlocals.contains(n) {
                if m.captured.contains(n) {
                    if m.cellOf[n] == nil { m.cellOf[n] = cells; cells += 1 }
                } else if m.slotOf[n] == nil {
                    m.slotOf[n] = slots; slots += 1
                }
            }
        }
        if let def = f.funcDef {
            def.paramSlots = def.params.indices.map { $0 }
            def.paramCells = def.params.enumerated().compactMap { i, p in f.cellOf[p.name].map { (i, $0) } }
        }
        f.slotCount = slots
        f.cellCount = cells
    }

    private func access(_ b: Binding, _ name: String, from s: Scope) -> Access {
        switch b {
        case .global: return .global(module.index(of: name))
        case .classNS: return .classNS(name, module.index(of: name))
        case .variable(let owner):
            let f = s.frameOwner
            if owner.frameOwner === f {
                if let c = owner.cellOf[name] { return .cell(c) }
                return .local(owner.slotOf[name] ?? 0)
            }
            let idx = f.free.firstIndex(where: { $0.0 === owner && $0.1 == name }) ?? 0
            return .cell(f.cellCount + idx)
        }
    }

    /// Tells each def/class where the defining frame keeps the cells it captures.
    private func fillDefinition(_ f: Scope) {
        let sources: [Access] = f.free.map { owner, name in
            guard let parentFrame = f.parent?.frameOwner else { return .cell(0) }
            if owner.frameOwner === parentFrame { return .cell(owner.cellOf[name] ?? 0) }
            let idx = parentFrame.free.firstIndex(where: { $0.0 === owner && $0.1 == name }) ?? 0
            return .cell(parentFrame.cellCount + idx)
        }
        if let def = f.funcDef {
            def.slotCount = f.slotCount
            def.ownCellCount = f.cellCount
            def.freeVarSources = sources
        } else if let c = f.classDef {
            c.slotCount = f.slotCount
            c.ownCellCount = f.cellCount
            c.freeVarSources = sources
        }
    }
}
