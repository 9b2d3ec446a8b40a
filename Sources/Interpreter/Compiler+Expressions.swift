/// Expressions: names, operators with int/float fast paths, displays, calls, comprehensions.
extension Compiler {
    func expr(_ e: Expr) throws -> ExprFn {
        switch e {
        case .name(let n): return loadName(n)
        case .constant(let v): return { _ in v }
        case .fstring(let parts, _): return try compileFString(parts)
        case .unary(let op, let a, _):
            let af = try expr(a)
            return { f in try f.rt.unary(op, try af(f)) }
        case .binary(let op, let a, let b, _): return try compileBinary(op, a, b)
        case .and(let a, let b):
            let af = try expr(a), bf = try expr(b)
            return { f in let v = try af(f); return try f.rt.truthy(v) ? try bf(f) : v }
        case .or(let a, let b):
            let af = try expr(a), bf = try expr(b)
            return { f in let v = try af(f); return try f.rt.truthy(v) ? v : try bf(f) }
        case .not(let a):
            let af = try condition(a)
            return { f in .bool(!(try af(f))) }
        case .compare(let a, let ops, let rest, _) where ops.count == 1 && HostOperator(rawValue: ops[0].rawValue) != nil:
            // A single comparison may involve a host object whose result is not a bool
            // (`x > 0` on a tensor is a bool tensor, as in PyTorch).
            let af = try expr(a), bf = try expr(rest[0])
            let op = ops[0], hop = HostOperator(rawValue: ops[0].rawValue)!
            return { f in
                let x = try af(f), y = try bf(f)
                if case .host(let h) = x, let r = try h.binaryOp(hop, y, reflected: false) { return r }
                if case .host(let h) = y, let r = try h.binaryOp(hop, x, reflected: true) { return r }
                return .bool(try f.rt.compare(op, x, y))
            }
        case .compare:
            let c = try condition(e)
            return { f in .bool(try c(f)) }
        case .ifExp(let c, let a, let b):
            let cf = try condition(c), af = try expr(a), bf = try expr(b)
            return { f in try cf(f) ? try af(f) : try bf(f) }
        case .lambda(let def): return try makeFunction(def)
        case .call(let fn, let args, _): return try compileCall(fn, args)
        case .attr(let o, let name, _):
            let of = try expr(o)
            let cache = AttrCache()
            if let li = localSlot(o) {
                return { f in
                    if let iu = instanceRef(f.slots + li), let v = iu._withUnsafeGuaranteedRef({ cache.load($0, name) }) { return v }
                    return try f.rt.getAttr(try of(f), name)
                }
            }
            return { f in
                let obj = try of(f)
                if case .instance(let inst) = obj, let v = cache.load(inst, name) { return v }
                return try f.rt.getAttr(obj, name)
            }
        case .subscr(let o, let i, _):
            let of = try expr(o), idx = try expr(i)
            if let li = localSlot(o) {
                // A local container is read in place after the key (nothing can rebind it meanwhile).
                return { f in
                    let key = try idx(f)
                    if let lu = listRef(f.slots + li), case .int(var k) = key {
                        let v: Value? = lu._withUnsafeGuaranteedRef { l in
                            let n = l.items.count
                            if k < 0 { k += n }
                            return k >= 0 && k < n ? l.items[k] : nil
                        }
                        if let v = v { return v }
                    } else if let du = dictRef(f.slots + li), let v = du._withUnsafeGuaranteedRef({ $0.table.get(key) }) {
                        return v
                    }
                    return try f.rt.getItem(try of(f), key)
                }
            }
            return { f in
                let obj = try of(f), key = try idx(f)
                if case .list(let l) = obj, case .int(var k) = key {
                    if k < 0 { k += l.items.count }
                    if k >= 0 && k < l.items.count { return l.items[k] }
                }
                if case .dict(let d) = obj, let v = d.get(key) { return v }
                return try f.rt.getItem(obj, key)
            }
        case .slice(let a, let b, let c):
            let af = try a.map { try expr($0) }, bf = try b.map { try expr($0) }, cf = try c.map { try expr($0) }
            return { f in .slice(PySlice(try af?(f) ?? .none, try bf?(f) ?? .none, try cf?(f) ?? .none)) }
        case .tuple(let xs, _):
            let build = try sequenceBuilder(xs)
            return { f in .tuple(try build(f)) }
        case .list(let xs, _):
            let build = try sequenceBuilder(xs)
            return { f in .list(PyList(try build(f))) }
        case .set(let xs, _):
            let build = try sequenceBuilder(xs)
            return { f in
                let s = PySet()
                for v in try build(f) { try f.rt.checkHashable(v); s.add(v) }
                return .set(s)
            }
        case .dict(let items, _): return try compileDict(items)
        case .starred(_, let p):
            throw SyntaxError(file: file.name, pos: p, message: "can't use starred expression here",
                              sourceLine: file.line(Int(p.line)))
        case .comprehension(let c): return try compileComprehension(c)
        }
    }

    /// Evaluates an expression for its truth value, with fast paths for comparisons.
    func condition(_ e: Expr) throws -> (Frame) throws -> Bool {
        switch e {
        case .compare(let a, let ops, let rest, _):
            let af = try expr(a)
            let rfs = try rest.map { try expr($0) }
            if ops.count == 1 {
                let op = ops[0], bf = rfs[0]
                return { f in
                    let x = try af(f), y = try bf(f)
                    if case .int(let i) = x, case .int(let j) = y {
                        switch op {
                        case .lt: return i < j
                        case .le: return i <= j
                        case .gt: return i > j
                        case .ge: return i >= j
                        case .eq: return i == j
                        case .ne: return i != j
                        default: break
                        }
                    }
                    if case .float(let i) = x, case .float(let j) = y {
                        switch op {
                        case .lt: return i < j
                        case .le: return i <= j
                        case .gt: return i > j
                        case .ge: return i >= j
                        case .eq: return i == j
                        case .ne: return i != j
                        default: break
                        }
                    }
                    return try f.rt.compare(op, x, y)
                }
            }
            return { f in
                var left = try af(f)
                for i in 0..<ops.count {
                    let right = try rfs[i](f)
                    if try !f.rt.compare(ops[i], left, right) { return false }
                    left = right
                }
                return true
            }
        case .not(let a):
            let c = try condition(a)
            return { f in !(try c(f)) }
        case .constant(.bool(let b)):
            return { _ in b }
        default:
            let fn = try expr(e)
            return { f in
                let v = try fn(f)
                if case .bool(let b) = v { return b }
                return try f.rt.truthy(v)
            }
        }
    }

    // MARK: names

    /// The slot of a plain local variable of the running frame (read in place by fast paths:
    /// no other code can rebind it while an expression of this frame evaluates).
    func localSlot(_ e: Expr) -> Int? {
        if case .name(let n) = e, case .local(let i) = n.access { return i }
        return nil
    }

    func loadName(_ n: NameRef) -> ExprFn {
        let name = n.name
        switch n.access {
        case .local(let i):
            return { f in
                let v = f.slots[i]
                if case .unbound = v { throw pyErr(ExcTypes.unboundLocalError, "cannot access local variable '\(name)' where it is not associated with a value") }
                return v
            }
        case .cell(let i):
            return { f in
                let v = f.cells[i].value
                if case .unbound = v { throw pyErr(ExcTypes.nameError, "cannot access free variable '\(name)' where it is not associated with a value in enclosing scope") }
                return v
            }
        case .global(let i):
            // Builtins never change while a program runs, so the site remembers the one it found.
            let cache = BuiltinSiteCache()
            return { f in
                let v = f.globals.values[i]
                if case .unbound = v {
                    if let b = cache.value { return b }
                    let b = try f.rt.loadBuiltin(f.globals, i)
                    cache.value = b
                    return b
                }
                return v
            }
        case .classNS(let name, let i):
            return { f in
                if let v = f.classNS?[name] { return v }
                let v = f.globals.values[i]
                if case .unbound = v { return try f.rt.loadBuiltin(f.globals, i) }
                return v
            }
        case .unresolved:
            return { _ in throw pyErr(ExcTypes.nameError, "name '\(name)' is not defined") }
        }
    }

    // MARK: operators

    private func compileBinary(_ op: BinOp, _ a: Expr, _ b: Expr) throws -> ExprFn {
        let af = try expr(a), bf = try expr(b)
        switch op {
        case .add:
            return { f in
                let x = try af(f), y = try bf(f)
                if case .int(let i) = x, case .int(let j) = y {
                    let (r, o) = i.addingReportingOverflow(j)
                    if !o { return .int(r) }
                }
                if case .float(let i) = x, case .float(let j) = y { return .float(i + j) }
                return try f.rt.binary(.add, x, y)
            }
        case .sub:
            return { f in
                let x = try af(f), y = try bf(f)
                if case .int(let i) = x, case .int(let j) = y {
                    let (r, o) = i.subtractingReportingOverflow(j)
                    if !o { return .int(r) }
                }
                if case .float(let i) = x, case .float(let j) = y { return .float(i - j) }
                return try f.rt.binary(.sub, x, y)
            }
        case .mul:
            return { f in
                let x = try af(f), y = try bf(f)
                if case .int(let i) = x, case .int(let j) = y {
                    let (r, o) = i.multipliedReportingOverflow(by: j)
                    if !o { return .int(r) }
                }
                if case .float(let i) = x, case .float(let j) = y { return .float(i * j) }
                return try f.rt.binary(.mul, x, y)
            }
        case .mod:
            return { f in
                let x = try af(f), y = try bf(f)
                if case .int(let i) = x, case .int(let j) = y, j > 0 { return .int(floorMod(i, j)) }
                return try f.rt.binary(.mod, x, y)
            }
        case .floordiv:
            return { f in
                let x = try af(f), y = try bf(f)
                if case .int(let i) = x, case .int(let j) = y, j > 0 { return .int(floorDiv(i, j)) }
                return try f.rt.binary(.floordiv, x, y)
            }
        case .truediv:
            return { f in
                let x = try af(f), y = try bf(f)
                if case .float(let i) = x, case .float(let j) = y, j != 0 { return .float(i / j) }
                return try f.rt.binary(.truediv, x, y)
            }
        default:
            return { f in try f.rt.binary(op, try af(f), try bf(f)) }
        }
    }

    // MARK: displays

    /// Builds the items of a tuple/list/set display, expanding `*iterable`.
    func sequenceBuilder(_ xs: [Expr]) throws -> (Frame) throws -> [Value] {
        var hasStar = false
        let fns: [(Bool, ExprFn)] = try xs.map { x in
            if case .starred(let inner, _) = x { hasStar = true; return (true, try expr(inner)) }
            return (false, try expr(x))
        }
        if !hasStar {
            let plain = fns.map { $0.1 }
            return { f in
                var out: [Value] = []
                out.reserveCapacity(plain.count)
                for fn in plain { out.append(try fn(f)) }
                return out
            }
        }
        return { f in
            var out: [Value] = []
            for (star, fn) in fns {
                if star { out += try f.rt.toArray(try fn(f)) } else { out.append(try fn(f)) }
            }
            return out
        }
    }

    private func compileDict(_ items: [DictItem]) throws -> ExprFn {
        let fns: [(ExprFn?, ExprFn)] = try items.map { it in
            switch it {
            case .pair(let k, let v): return (try expr(k), try expr(v))
            case .unpack(let m): return (nil, try expr(m))
            }
        }
        return { f in
            let d = PyDict()
            for (kf, vf) in fns {
                if let kf = kf {
                    let k = try kf(f)
                    try f.rt.checkHashable(k)
                    d.set(k, try vf(f))
                } else {
                    let m = try vf(f)
                    guard case .dict(let src) = m else {
                        throw typeError("'\(typeName(m))' object is not a mapping")
                    }
                    for (k, v) in src.items { d.set(k, v) }
                }
            }
            return .dict(d)
        }
    }

    private func compileFString(_ parts: [FPart]) throws -> ExprFn {
        if parts.isEmpty { return { _ in .str("") } }
        let whole = try fstringTree(parts[...])
        return { f in
            var s = ""
            try whole(f, &s)
            return .str(s)
        }
    }

    /// The parts composed pairwise (no array of closures on the evaluation path), each appending
    /// to one result string.
    private func fstringTree(_ parts: ArraySlice<FPart>) throws -> (Frame, inout String) throws -> Void {
        if parts.count == 1 { return try fpart(parts[parts.startIndex]) }
        let mid = parts.startIndex + parts.count / 2
        let a = try fstringTree(parts[..<mid]), b = try fstringTree(parts[mid...])
        return { f, s in
            try a(f, &s)
            try b(f, &s)
        }
    }

    /// One part of an f-string: literal text, or a field with conversion and format spec.
    private func fpart(_ part: FPart) throws -> (Frame, inout String) throws -> Void {
        switch part {
        case .literal(let t): return { _, s in s += t }
        case let .field(e, conv, spec):
            let ef = try expr(e)
            let sf = try spec.map { try compileFString($0) }
            var literalSpec: String? = nil
            if let sp = spec, sp.allSatisfy({ if case .literal = $0 { return true }; return false }) {
                literalSpec = sp.map { if case .literal(let t) = $0 { return t }; return "" }.joined()
            }
            let parsed = literalSpec.flatMap { try? FormatSpec($0) }
            if conv == nil, spec == nil {
                return { f, s in
                    let v = try ef(f)
                    switch v {
                    case .str(let t): s += t
                    case .int(let i): s += String(i)
                    default: s += try f.rt.str(v)
                    }
                }
            }
            return { f, s in
                var v = try ef(f)
                if let c = conv { v = .str(c == "s" ? try f.rt.str(v) : c == "a" ? asciiRepr(try f.rt.repr(v)) : try f.rt.repr(v)) }
                if let fs = parsed {
                    switch v {
                    case .float(let d): s += try f.rt.formatFloat(d, fs)
                    case .int(let i): s += try f.rt.formatInt(i, fs)
                    default: s += try f.rt.format(v, literalSpec!)
                    }
                    return
                }
                guard let sf = sf else {
                    if case .str(let t) = v { s += t; return }
                    s += try f.rt.str(v)
                    return
                }
                guard case .str(let specText) = try sf(f) else { s += try f.rt.str(v); return }
                s += try f.rt.format(v, specText)
            }
        }
    }

    // MARK: comprehensions

    private func compileComprehension(_ c: Comprehension) throws -> ExprFn {
        let element = try expr(c.element)
        let valueFn = try c.value.map { try expr($0) }
        let clauses: [(ExprFn, (Frame, Value) throws -> Void, [(Frame) throws -> Bool])] = try c.clauses.map { cl in
            (try expr(cl.iter), try storer(cl.target), try cl.conditions.map { try condition($0) })
        }
        let kind = c.kind
        if kind == .generator { return lazyGenerator(element, clauses) }
        if kind == .list && clauses.count == 1 {
            return singleListComprehension(element, clauses[0], localSlot(c.clauses[0].target))
        }
        return { f in
            var items: [Value] = []
            let dict = kind == .dict ? PyDict() : nil
            func run(_ level: Int) throws {
                if level == clauses.count {
                    if let d = dict {
                        let k = try element(f)
                        try f.rt.checkHashable(k)
                        d.set(k, try valueFn!(f))
                    } else {
                        items.append(try element(f))
                    }
                    return
                }
                let (iterFn, store, conds) = clauses[level]
                func body(_ v: Value) throws {
                    try store(f, v)
                    for cond in conds where try !cond(f) { return }
                    try run(level + 1)
                }
                let iterable = try iterFn(f)
                switch iterable {
                case .list(let l):
                    var i = 0
                    while i < l.items.count {
                        try body(l.items[i])
                        i += 1
                        try f.rt.checkCancel()
                    }
                case .range(let r):
                    var i = r.start
                    while r.step > 0 ? i < r.stop : i > r.stop {
                        try body(.int(i))
                        let (next, o) = i.addingReportingOverflow(r.step)
                        if o { break }
                        i = next
                        try f.rt.checkCancel()
                    }
                default:
                    let iter = try f.rt.iterate(iterable)
                    while let v = try iter.next() {
                        try f.rt.checkCancel()
                        try body(v)
                    }
                }
            }
            try run(0)
            switch kind {
            case .list: return .list(PyList(items))
            case .generator: return .iterator(PyIterator(.array(items, 0)))  // not reached: lazy above
            case .dict: return .dict(dict!)
            case .set:
                let s = PySet()
                for v in items { try f.rt.checkHashable(v); s.add(v) }
                return .set(s)
            }
        }
    }
}

extension Compiler {
    /// `[e for x in it if c]`: one loop without the nesting machinery; a local target is
    /// stored directly.
    fileprivate func singleListComprehension(_ element: @escaping ExprFn,
                                             _ clause: (ExprFn, (Frame, Value) throws -> Void, [(Frame) throws -> Bool]),
                                             _ target: Int?) -> ExprFn {
        let (iterFn, store, conds) = clause
        let cond: ((Frame) throws -> Bool)? = conds.isEmpty ? nil : conds.count == 1 ? conds[0] : { f in
            for c in conds where try !c(f) { return false }
            return true
        }
        return { f in
            var items: [Value] = []
            @inline(__always) func step(_ v: Value) throws {
                if let t = target { f.slots[t] = v } else { try store(f, v) }
                if let c = cond, try !c(f) { return }
                items.append(try element(f))
            }
            let iterable = try iterFn(f)
            switch iterable {
            case .list(let l):
                var i = 0
                while i < l.items.count {
                    try step(l.items[i])
                    i += 1
                    try f.rt.checkCancel()
                }
            case .range(let r):
                items.reserveCapacity(cond == nil ? min(r.count, 1 << 20) : 0)
                var i = r.start
                while r.step > 0 ? i < r.stop : i > r.stop {
                    try step(.int(i))
                    let (next, o) = i.addingReportingOverflow(r.step)
                    if o { break }
                    i = next
                    try f.rt.checkCancel()
                }
            default:
                let iter = try f.rt.iterate(iterable)
                while let v = try iter.next() {
                    try f.rt.checkCancel()
                    try step(v)
                }
            }
            return .list(PyList(items))
        }
    }

    /// A generator expression: as in CPython, the first iterable is evaluated (and `iter()` taken)
    /// when the expression runs, everything else one item at a time as the consumer asks, so
    /// `any(f(x) for x in xs)` stops calling `f` at the first true result. The loop variables live
    /// in hidden slots of the creating frame, which is therefore kept out of frame reuse; each
    /// resumption stores the outer loops' current items again, so two live instances of the same
    /// expression do not see each other's variables.
    fileprivate func lazyGenerator(_ element: @escaping ExprFn,
                                   _ clauses: [(ExprFn, (Frame, Value) throws -> Void, [(Frame) throws -> Bool])]) -> ExprFn {
        let n = clauses.count
        return { f in
            let first = try f.rt.iterate(try clauses[0].0(f))
            f.pinned = true
            var iters: [PyIterator?] = [first] + Array(repeating: nil, count: n - 1)
            var current: [Value] = Array(repeating: .none, count: n)
            var depth = 0
            var done = false
            var running = false
            return .iterator(PyIterator(.custom {
                if done { return nil }
                if running { throw valueError("generator already executing") }
                running = true
                defer { running = false }
                for l in 0..<depth { try clauses[l].1(f, current[l]) }
                while depth >= 0 {
                    guard let v = try iters[depth]!.next() else {
                        iters[depth] = nil
                        depth -= 1
                        continue
                    }
                    let (_, store, conds) = clauses[depth]
                    try store(f, v)
                    current[depth] = v
                    var pass = true
                    for cond in conds where try !cond(f) { pass = false; break }
                    if !pass { continue }
                    if depth == n - 1 { return try element(f) }
                    depth += 1
                    iters[depth] = try f.rt.iterate(try clauses[depth].0(f))
                }
                done = true
                return nil
            }))
        }
    }
}

/// `ascii()` of a repr: non-ASCII characters escaped.
func asciiRepr(_ s: String) -> String {
    var out = ""
    for u in s.unicodeScalars {
        if u.isASCII { out.unicodeScalars.append(u) } else if u.value <= 0xff {
            out += "\\x" + hex(Int(u.value), 2)
        } else if u.value <= 0xffff { out += "\\u" + hex(Int(u.value), 4) } else { out += "\\U" + hex(Int(u.value), 8) }
    }
    return out
}

func hex(_ v: Int, _ width: Int) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: max(0, width - s.count)) + s
}

/// A per-site cache of the slot an instance attribute lives in, for one class. A class never
/// moves an attribute to another slot, so the entry stays valid while the class matches.
final class AttrCache {
    /// Strong: a freed class's address could be reused by a new class with another layout.
    private var cls: PyClass?
    /// Compared on the hot path (a strong field would be retained to be compared).
    private var clsID: ObjectIdentifier?
    private var slot = 0

    @inline(__always)
    func load(_ inst: PyInstance, _ name: String) -> Value? {
        if ObjectIdentifier(inst.cls) != clsID {
            guard fillForLoad(inst, name) else { return nil }
        }
        guard slot < inst.slotCount else { return nil }
        let v = inst.slots[slot]
        if case .unbound = v { return nil }
        return v
    }

    @inline(never)
    private func fillForLoad(_ inst: PyInstance, _ name: String) -> Bool {
        guard inst.isPlain, let i = inst.cls.layout[name] else { return false }
        cls = inst.cls
        clsID = ObjectIdentifier(inst.cls)
        slot = i
        return true
    }

    /// Stores into the cached slot; false when the slow path must run (other class, host part).
    @inline(__always)
    func store(_ inst: PyInstance, _ name: String, _ v: Value) -> Bool {
        if ObjectIdentifier(inst.cls) != clsID {
            guard fillForStore(inst, name) else { return false }
        }
        inst.ensureSlot(slot)
        inst.slots[slot] = v
        return true
    }

    @inline(never)
    private func fillForStore(_ inst: PyInstance, _ name: String) -> Bool {
        guard inst.isPlain, inst.exc == nil else { return false }
        if case .descriptor? = inst.cls.lookup(name) { return false }
        cls = inst.cls
        clsID = ObjectIdentifier(inst.cls)
        slot = inst.cls.slot(for: name)
        return true
    }
}

/// The builtin a global-name site resolved to (see `loadName`).
final class BuiltinSiteCache {
    var value: Value?
}
