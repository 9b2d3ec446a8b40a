/// Assignment targets: names, attributes, subscripts and (starred) unpacking.
extension Compiler {
    typealias Store = (Frame, Value) throws -> Void

    func storer(_ t: Expr) throws -> Store {
        switch t {
        case .name(let n):
            switch n.access {
            case .local(let i): return { f, v in f.slots[i] = v }
            case .cell(let i): return { f, v in f.cells[i].value = v }
            case .global(let i): return { f, v in f.globals.values[i] = v }
            case .classNS(let name, _): return { f, v in f.classNS?[name] = v }
            case .unresolved: return { _, _ in }
            }
        case .attr(let o, let name, _):
            let of = try expr(o)
            let cache = AttrCache()
            if let li = localSlot(o) {
                return { f, v in
                    if let iu = instanceRef(f.slots + li), iu._withUnsafeGuaranteedRef({ cache.store($0, name, v) }) { return }
                    try f.rt.setAttr(try of(f), name, v)
                }
            }
            return { f, v in
                let obj = try of(f)
                if case .instance(let inst) = obj, cache.store(inst, name, v) { return }
                try f.rt.setAttr(obj, name, v)
            }
        case .subscr(let o, let i, _):
            let of = try expr(o), idx = try expr(i)
            if let li = localSlot(o) {
                return { f, v in
                    let key = try idx(f)
                    if let lu = listRef(f.slots + li), case .int(var k) = key {
                        let done: Bool = lu._withUnsafeGuaranteedRef { l in
                            let n = l.items.count
                            if k < 0 { k += n }
                            if k >= 0 && k < n { l.items[k] = v; return true }
                            return false
                        }
                        if done { return }
                    } else if let du = dictRef(f.slots + li) {
                        switch key {
                        case .int, .str: du._withUnsafeGuaranteedRef { $0.table.set(key, v) }; return
                        default: break
                        }
                    }
                    try f.rt.setItem(try of(f), key, v)
                }
            }
            return { f, v in
                let obj = try of(f), key = try idx(f)
                if case .list(let l) = obj, case .int(var k) = key {
                    if k < 0 { k += l.items.count }
                    if k >= 0 && k < l.items.count { l.items[k] = v; return }
                }
                if case .dict(let d) = obj {
                    switch key {
                    case .int, .str: d.set(key, v); return
                    default: break
                    }
                }
                try f.rt.setItem(obj, key, v)
            }
        case .tuple(let xs, _), .list(let xs, _):
            let star = xs.firstIndex { if case .starred = $0 { return true }; return false }
            let stores = try xs.map { x -> Store in
                if case .starred(let inner, _) = x { return try storer(inner) }
                return try storer(x)
            }
            let n = xs.count
            return { f, v in
                let items = try f.rt.unpack(v, n, star: star)
                for i in 0..<n { try stores[i](f, items[i]) }
            }
        default:
            throw SyntaxError(file: file.name, pos: t.pos, message: "cannot assign to expression",
                              sourceLine: file.line(Int(t.pos.line)))
        }
    }

    func deleter(_ t: Expr) throws -> (Frame) throws -> Void {
        switch t {
        case .name(let n):
            let name = n.name
            switch n.access {
            case .local(let i):
                return { f in
                    if f.slots[i].isUnbound { throw pyErr(ExcTypes.unboundLocalError, "cannot access local variable '\(name)' where it is not associated with a value") }
                    f.slots[i] = .unbound
                }
            case .cell(let i): return { f in f.cells[i].value = .unbound }
            case .global(let i):
                return { f in
                    if f.globals.values[i].isUnbound { throw pyErr(ExcTypes.nameError, "name '\(name)' is not defined") }
                    f.globals.values[i] = .unbound
                }
            case .classNS(let name, _): return { f in f.classNS?[name] = nil }
            case .unresolved: return { _ in }
            }
        case .attr(let o, let name, _):
            let of = try expr(o)
            return { f in try f.rt.delAttr(try of(f), name) }
        case .subscr(let o, let i, _):
            let of = try expr(o), idx = try expr(i)
            return { f in try f.rt.delItem(try of(f), try idx(f)) }
        case .tuple(let xs, _), .list(let xs, _):
            let ds = try xs.map { try deleter($0) }
            return { f in for d in ds { try d(f) } }
        default:
            throw SyntaxError(file: file.name, pos: t.pos, message: "cannot delete expression",
                              sourceLine: file.line(Int(t.pos.line)))
        }
    }

    func compileAssign(_ targets: [Expr], _ value: Expr) throws -> StmtFn {
        let vf = try expr(value)
        if targets.count == 1 {
            if case .name(let n) = targets[0], case .local(let i) = n.access {
                return { f in f.slots[i] = try vf(f); return .normal }
            }
            let s = try storer(targets[0])
            return { f in try s(f, try vf(f)); return .normal }
        }
        let stores = try targets.map { try storer($0) }
        return { f in
            let v = try vf(f)
            for s in stores { try s(f, v) }
            return .normal
        }
    }

    func compileAugAssign(_ t: Expr, _ op: BinOp, _ value: Expr) throws -> StmtFn {
        let vf = try expr(value)
        switch t {
        case .name(let n):
            let load = loadName(n)
            let store = try storer(t)
            if case .local(let i) = n.access, op == .add {
                return { f in
                    let v = try vf(f)
                    let cur = f.slots[i]
                    if case .int(let a) = cur, case .int(let b) = v {
                        let (r, o) = a.addingReportingOverflow(b)
                        if !o { f.slots[i] = .int(r); return .normal }
                    }
                    if cur.isUnbound { _ = try load(f) }
                    if case .str(var a) = cur, case .str(let b) = v {
                        // Take the string out of the slot so it is uniquely referenced and
                        // grows in place (CPython's `s += t` is amortized too).
                        f.slots[i] = .none
                        a += b
                        f.slots[i] = .str(a)
                        return .normal
                    }
                    f.slots[i] = try f.rt.inplace(op, cur, v)
                    return .normal
                }
            }
            return { f in
                let cur = try load(f)
                try store(f, try f.rt.inplace(op, cur, try vf(f)))
                return .normal
            }
        case .attr(let o, let name, _):
            let of = try expr(o)
            let cache = AttrCache()
            if let li = localSlot(o) {
                // `self.x += v`: the receiver is read in place (a local is not rebound meanwhile).
                return { f in
                    if let iu = instanceRef(f.slots + li) {
                        let done = try iu._withUnsafeGuaranteedRef { inst -> Bool in
                            guard let cur = cache.load(inst, name) else { return false }
                            let v = try vf(f)
                            let r: Value
                            if case .int(let a) = cur, case .int(let b) = v, op == .add, case let (x, false) = a.addingReportingOverflow(b) {
                                r = .int(x)
                            } else {
                                r = try f.rt.inplace(op, cur, v)
                            }
                            if cache.store(inst, name, r) { return true }
                            try f.rt.setAttr(.instance(inst), name, r)
                            return true
                        }
                        if done { return .normal }
                    }
                    let obj = try of(f)
                    let cur = try f.rt.getAttr(obj, name)
                    try f.rt.setAttr(obj, name, try f.rt.inplace(op, cur, try vf(f)))
                    return .normal
                }
            }
            return { f in
                let obj = try of(f)
                if case .instance(let inst) = obj, let cur = cache.load(inst, name) {
                    let v = try vf(f)
                    let r: Value
                    if case .int(let a) = cur, case .int(let b) = v, op == .add, case let (x, false) = a.addingReportingOverflow(b) {
                        r = .int(x)
                    } else {
                        r = try f.rt.inplace(op, cur, v)
                    }
                    if cache.store(inst, name, r) { return .normal }
                    try f.rt.setAttr(obj, name, r)
                    return .normal
                }
                let cur = try f.rt.getAttr(obj, name)
                try f.rt.setAttr(obj, name, try f.rt.inplace(op, cur, try vf(f)))
                return .normal
            }
        case .subscr(let o, let i, _):
            let of = try expr(o), idx = try expr(i)
            return { f in
                let obj = try of(f), key = try idx(f)
                let cur = try f.rt.getItem(obj, key)
                try f.rt.setItem(obj, key, try f.rt.inplace(op, cur, try vf(f)))
                return .normal
            }
        default:
            throw SyntaxError(file: file.name, pos: t.pos, message: "illegal expression for augmented assignment",
                              sourceLine: file.line(Int(t.pos.line)))
        }
    }
}
