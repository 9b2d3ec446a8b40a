/// Compiles resolved AST into Swift closures: each expression becomes `(Frame) throws -> Value`,
/// each statement `(Frame) throws -> Ctl`. This removes tree dispatch from the hot path.
final class Compiler {
    let file: SourceFile

    init(file: SourceFile) { self.file = file }

    // MARK: blocks

    /// A block that records the failing statement's position on exceptions passing through it.
    /// Statements are composed pairwise into a balanced tree of closures: calling closures
    /// held in an array costs a reabstraction thunk each time.
    func block(_ stmts: [Stmt]) throws -> StmtFn {
        if stmts.isEmpty { return { _ in .normal } }
        return try compose(stmts[...])
    }

    /// Compiles the statements straight into the composed closures (closures taken out of an
    /// array would each carry a reabstraction thunk).
    private func compose(_ stmts: ArraySlice<Stmt>) throws -> StmtFn {
        let fileName = file.name
        if stmts.count == 1 {
            let p0 = stmts[stmts.startIndex].pos
            let s0 = try stmt(stmts[stmts.startIndex])
            return { f in
                do { return try s0(f) } catch { throw annotate(error, p0, fileName) }
            }
        }
        if stmts.count == 2 {
            let p0 = stmts[stmts.startIndex].pos, p1 = stmts[stmts.startIndex + 1].pos
            let s0 = try stmt(stmts[stmts.startIndex]), s1 = try stmt(stmts[stmts.startIndex + 1])
            return { f in
                let c: Ctl
                do { c = try s0(f) } catch { throw annotate(error, p0, fileName) }
                if c != .normal { return c }
                do { return try s1(f) } catch { throw annotate(error, p1, fileName) }
            }
        }
        let mid = stmts.startIndex + stmts.count / 2
        let a = try compose(stmts[..<mid]), b = try compose(stmts[mid...])
        return { f in
            let c = try a(f)
            if c != .normal { return c }
            return try b(f)
        }
    }

    func stmt(_ s: Stmt) throws -> StmtFn {
        switch s {
        case .expr(let e, _):
            let fn = try expr(e)
            return { f in _ = try fn(f); return .normal }
        case .assign(let targets, let value, _):
            return try compileAssign(targets, value)
        case .augAssign(let t, let op, let v, _):
            return try compileAugAssign(t, op, v)
        case .annAssign(let t, let v, _):
            guard let v = v else { return { _ in .normal } }
            return try compileAssign([t], v)
        case .delete(let ts, _):
            let fns = try ts.map { try deleter($0) }
            return { f in for d in fns { try d(f) }; return .normal }
        case .pass, .global, .nonlocal:
            return { _ in .normal }
        case .breakLoop:
            return { _ in .breakLoop }
        case .continueLoop:
            return { _ in .continueLoop }
        case .returnValue(let e, _):
            guard let e = e else { return { f in f.ret = .none; return .returned } }
            let fn = try expr(e)
            return { f in f.ret = try fn(f); return .returned }
        case .ifElse(let branches, let orelse, _):
            return try compileIf(branches, orelse)
        case .whileLoop(let c, let body, let orelse, _):
            return try compileWhile(c, body, orelse)
        case .forLoop(let t, let it, let body, let orelse, _):
            return try compileFor(t, it, body, orelse)
        case .functionDef(let def, let name):
            let make = try makeFunction(def)
            let store = try storer(.name(name))
            let kinds = def.decorators.reversed().compactMap { PyDescriptor.Kind(rawValue: $0 == "property" ? "property" : $0) }
            return { f in
                var v = try make(f)
                for k in kinds { v = .descriptor(PyDescriptor(k, v)) }
                try store(f, v)
                return .normal
            }
        case .classDef(let cd, let name):
            return try compileClass(cd, name)
        case .assert(let c, let m, _):
            let cf = try expr(c)
            let mf = try m.map { try expr($0) }
            return { f in
                if try !f.rt.truthy(try cf(f)) {
                    let inst = PyInstance(ExcTypes.assertionError)
                    inst.exc = ExceptionData(args: try mf.map { [try $0(f)] } ?? [])
                    throw PyError(inst)
                }
                return .normal
            }
        case .raise(let e, let cause, _):
            return try compileRaise(e, cause)
        case .tryExcept(let body, let handlers, let orelse, let fin, _):
            return try compileTry(body, handlers, orelse, fin)
        case .with(let items, let body, _):
            return try compileWith(items, body)
        case .importModule(let items, _):
            let stores = try items.map { (name, ref) in (name, ref.name, try storer(.name(ref))) }
            return { f in
                for (dotted, bound, store) in stores {
                    let m = try f.rt.importModule(dotted)
                    if dotted.contains("."), dotted.hasPrefix(bound + ".") {
                        try store(f, .module(try f.rt.importModule(bound)))
                    } else {
                        try store(f, .module(m))
                    }
                }
                return .normal
            }
        case .importFrom(let module, let items, _):
            let stores = try items.map { (name, ref) in (name, try storer(.name(ref))) }
            return { f in
                let m = try f.rt.importModule(module)
                for (name, store) in stores { try store(f, try f.rt.importName(name, from: m, module)) }
                return .normal
            }
        }
    }

    private func compileIf(_ branches: [(Expr, [Stmt])], _ orelse: [Stmt]?) throws -> StmtFn {
        let other = try orelse.map { try block($0) }
        if branches.count == 1 {
            let c0 = try condition(branches[0].0), b0 = try block(branches[0].1)
            if let o = other { return { f in try c0(f) ? try b0(f) : try o(f) } }
            return { f in try c0(f) ? try b0(f) : .normal }
        }
        if branches.count == 2 {
            let c0 = try condition(branches[0].0), b0 = try block(branches[0].1)
            let c1 = try condition(branches[1].0), b1 = try block(branches[1].1)
            return { f in
                if try c0(f) { return try b0(f) }
                if try c1(f) { return try b1(f) }
                if let o = other { return try o(f) }
                return .normal
            }
        }
        let conds = try branches.map { try condition($0.0) }
        let bodies = try branches.map { try block($0.1) }
        return { f in
            for i in 0..<conds.count where try conds[i](f) { return try bodies[i](f) }
            if let o = other { return try o(f) }
            return .normal
        }
    }

    private func compileWhile(_ c: Expr, _ body: [Stmt], _ orelse: [Stmt]?) throws -> StmtFn {
        let cond = try condition(c)
        let b = try block(body)
        let o = try orelse.map { try block($0) }
        return { f in
            while try cond(f) {
                let ctl = try b(f)
                if ctl == .breakLoop { return .normal }
                if ctl == .returned { return ctl }
                try f.rt.checkCancel()
            }
            if let o = o { return try o(f) }
            return .normal
        }
    }

    private func compileFor(_ t: Expr, _ it: Expr, _ body: [Stmt], _ orelse: [Stmt]?) throws -> StmtFn {
        let iterFn = try expr(it)
        let store = try storer(t)
        let b = try block(body)
        let o = try orelse.map { try block($0) }
        var localSlot: Int? = nil
        if case .name(let n) = t, case .local(let s) = n.access { localSlot = s }
        /// `for x in d` / `d.keys()` / `d.values()` / `d.items()`: the table's entries in order,
        /// with CPython's error once the dict's size changed; nil when the loop ran to the end.
        func dictLoop(_ f: Frame, _ d: PyDict, _ kind: DictView.Kind) throws -> Ctl? {
            let t = d.table
            let size = t.count
            var p = 0
            while true {
                if t.count != size { throw pyErr(ExcTypes.runtimeError, "dictionary changed size during iteration") }
                guard p < t.slotCount else { return nil }
                guard let k = t.key(at: p) else { p += 1; continue }
                switch kind {
                case .keys: try store(f, k)
                case .values: try store(f, t.value(at: p))
                case .items: try store(f, .tuple([k, t.value(at: p)]))
                }
                p += 1
                let ctl = try b(f)
                if ctl == .breakLoop { return .normal }
                if ctl == .returned { return ctl }
                try f.rt.checkCancel()
            }
        }
        return { f in
            let iterable = try iterFn(f)
            switch iterable {
            case .range(let r) where localSlot != nil:
                let slot = localSlot!
                var i = r.start
                let stop = r.stop, step = r.step
                while step > 0 ? i < stop : i > stop {
                    f.slots[slot] = .int(i)
                    let ctl = try b(f)
                    if ctl == .breakLoop { return .normal }
                    if ctl == .returned { return ctl }
                    try f.rt.checkCancel()
                    let (next, o) = i.addingReportingOverflow(step)
                    if o { break }
                    i = next
                }
            case .list(let l):
                var i = 0
                while i < l.items.count {
                    try store(f, l.items[i])
                    let ctl = try b(f)
                    if ctl == .breakLoop { return .normal }
                    if ctl == .returned { return ctl }
                    try f.rt.checkCancel()
                    i += 1
                }
            case .dict(let d):
                if let c = try dictLoop(f, d, .keys) { return c }
            case .iterator(let it) where it.viewDict != nil:
                if let c = try dictLoop(f, it.viewDict!, it.viewKind) { return c }
            default:
                let iter = try f.rt.iterate(iterable)
                while let v = try iter.next() {
                    try store(f, v)
                    let ctl = try b(f)
                    if ctl == .breakLoop { return .normal }
                    if ctl == .returned { return ctl }
                    try f.rt.checkCancel()
                }
            }
            if let o = o { return try o(f) }
            return .normal
        }
    }

    /// A closure that creates the function object when the `def` (or `lambda`) runs.
    func makeFunction(_ def: FuncDef) throws -> ExprFn {
        def.file = file.name
        let body = try block(def.body)
        // A body that is one `return expr` (every lambda) is evaluated as an expression.
        let code: ExprFn
        if def.body.count == 1, case .returnValue(let e?, let p) = def.body[0] {
            let ef = try expr(e)
            let fileName = file.name
            code = { f in
                do { return try ef(f) } catch { throw annotate(error, p, fileName) }
            }
        } else {
            code = { f in _ = try body(f); return f.ret }
        }
        var defaultFns: [ExprFn] = []
        var kwDefaultFns: [(String, ExprFn)] = []
        for p in def.params {
            guard let d = p.defaultValue else { continue }
            if p.kind == .kwOnly { kwDefaultFns.append((p.name, try expr(d))) } else { defaultFns.append(try expr(d)) }
        }
        let sources = def.freeVarSources.map { a -> Int in if case .cell(let i) = a { return i }; return 0 }
        return { f in
            let defaults = try defaultFns.map { try $0(f) }
            var kw: [String: Value] = [:]
            for (n, fn) in kwDefaultFns { kw[n] = try fn(f) }
            let closure = sources.map { f.cells[$0] }
            let qual = f.function.map { $0.qualname + ".<locals>." + def.name } ?? def.name
            let fn = PyFunction(def: def, body: body, code: code, defaults: defaults, kwDefaults: kw,
                                closure: closure, module: f.globals, qualname: qual)
            return .function(fn)
        }
    }

    private func compileClass(_ cd: ClassDef, _ name: NameRef) throws -> StmtFn {
        let baseFn = try cd.base.map { try expr($0) }
        let body = try block(cd.body)
        let store = try storer(.name(name))
        let sources = cd.freeVarSources.map { a -> Int in if case .cell(let i) = a { return i }; return 0 }
        return { f in
            let base = try baseFn.map { try $0(f) }
            let baseClass = try f.rt.classBase(base, cd.name)
            var cells = (0..<cd.ownCellCount).map { _ in Cell() }
            cells += sources.map { f.cells[$0] }
            let frame = Frame(rt: f.rt, slotCount: cd.slotCount, cells: cells, globals: f.globals)
            frame.classNS = ["__module__": .str("__main__"), "__qualname__": .str(cd.name)]
            _ = try body(frame)
            let cls = PyClass(name: cd.name, base: baseClass.0, dict: frame.classNS ?? [:])
            if let hb = baseClass.1 { cls.hostBase = hb }
            for (_, v) in cls.dict { if case .function(let fn) = v { fn.definingClass = cls; fn.qualname = cd.name + "." + fn.name } }
            try store(f, .type(cls))
            return .normal
        }
    }

    private func compileRaise(_ e: Expr?, _ cause: Expr?) throws -> StmtFn {
        guard let e = e else {
            return { f in
                guard let cur = f.rt.handling.last else { throw pyErr(ExcTypes.runtimeError, "No active exception to reraise") }
                throw cur
            }
        }
        let fn = try expr(e)
        let cf = try cause.map { try expr($0) }
        return { f in
            let v = try fn(f)
            if let cf = cf { _ = try cf(f) }
            throw try f.rt.makeException(v)
        }
    }

    private func compileTry(_ body: [Stmt], _ handlers: [ExceptHandler], _ orelse: [Stmt]?, _ fin: [Stmt]?) throws -> StmtFn {
        let b = try block(body)
        let hs: [(ExprFn?, ((Frame, Value) throws -> Void)?, StmtFn)] = try handlers.map { h in
            (try h.type.map { try expr($0) }, try h.name.map { try storer(.name($0)) }, try block(h.body))
        }
        let o = try orelse.map { try block($0) }
        let fi = try fin.map { try block($0) }
        return { f in
            var ctl = Ctl.normal
            do {
                var raised = false
                do {
                    ctl = try b(f)
                } catch {
                    raised = true
                    let pe = asPyError(error)
                    var handled = false
                    for (typeFn, store, hbody) in hs {
                        if let tf = typeFn, try !f.rt.exceptionMatches(pe.exc, try tf(f)) { continue }
                        if let store = store { try store(f, .instance(pe.exc)) }
                        f.rt.handling.append(pe)
                        defer { f.rt.handling.removeLast() }
                        ctl = try hbody(f)
                        handled = true
                        break
                    }
                    if !handled { throw pe }
                }
                if !raised, ctl == .normal, let o = o { ctl = try o(f) }
            } catch {
                if let fi = fi {
                    let c2 = try fi(f)
                    if c2 != .normal { return c2 }
                }
                throw error
            }
            if let fi = fi {
                let c2 = try fi(f)
                if c2 != .normal { return c2 }
            }
            return ctl
        }
    }

    private func compileWith(_ items: [(Expr, Expr?)], _ body: [Stmt]) throws -> StmtFn {
        var inner = try block(body)
        for (ctxE, target) in items.reversed() {
            let cf = try expr(ctxE)
            let store = try target.map { try storer($0) }
            let next = inner
            inner = { f in
                let mgr = try cf(f)
                let entered = try f.rt.enterContext(mgr)
                if let s = store { try s(f, entered) }
                let ctl: Ctl
                do {
                    ctl = try next(f)
                } catch {
                    if try f.rt.exitContext(mgr, error) { return .normal }
                    throw error
                }
                _ = try f.rt.exitContext(mgr, nil)
                return ctl
            }
        }
        return inner
    }
}

/// Records the statement position on an exception passing through a block for the first time.
func annotate(_ error: Error, _ pos: Pos, _ file: String) -> Error {
    let pe = asPyError(error)
    if let d = pe.exc.exc, d.pendingPos == nil {
        d.pendingPos = pos
        d.pendingFile = file
    }
    return pe
}
