/// Calls: positional fast paths that fill the callee's frame directly, method calls that skip
/// the bound-method object, and the general form with `*args`/`**kwargs`.
extension Compiler {
    func compileCall(_ fnE: Expr, _ args: [Arg]) throws -> ExprFn {
        let simple = args.allSatisfy { if case .positional = $0 { return true }; return false }
        if case .name(let n) = fnE, n.name == "super", args.isEmpty, case .global = n.access {
            let load = loadName(n)
            return { f in
                let callee = try load(f)
                if case .builtin(let b) = callee, b.name == "super" { return try f.rt.zeroArgSuper(f) }
                return try f.rt.call(callee, [], [])
            }
        }
        if case .attr(let o, let name, _) = fnE, simple {
            return try compileMethodCall(o, name, args.compactMap { if case .positional(let e) = $0 { return e }; return nil })
        }
        let callee = try expr(fnE)
        if simple {
            let exprs = args.compactMap { a -> Expr? in if case .positional(let e) = a { return e }; return nil }
            let general = try positionalCall(callee, exprs)
            if exprs.count == 1, case .name(let n) = fnE, case .global(let gi) = n.access {
                return try builtinUnaryCall(gi, exprs[0], general)
            }
            return general
        }
        let build = try argumentBuilder(args)
        return { f in
            let c = try callee(f)
            let (pos, kw) = try build(f)
            return try f.rt.call(c, pos, kw)
        }
    }

    /// `len(x)`, `abs(x)`, `str(x)` ...: a global name that resolves to a built-in with a one-argument
    /// entry is called without materializing the callee, as long as no global shadows it.
    private func builtinUnaryCall(_ gi: Int, _ arg: Expr, _ general: @escaping ExprFn) throws -> ExprFn {
        let a0 = try expr(arg)
        let cache = UnaryBuiltinCache()
        return { f in
            if let u = cache.entry, case .unbound = f.globals.values[gi] {
                return try u._withUnsafeGuaranteedRef { try $0.call(f.rt, try a0(f)) }
            }
            if !cache.tried, case .unbound = f.globals.values[gi] {
                cache.tried = true
                switch try f.rt.loadBuiltin(f.globals, gi) {
                case .builtin(let b): cache.set(b.unary)
                case .type(let t): cache.set(t.constructUnary)
                default: break
                }
                if let u = cache.entry { return try u._withUnsafeGuaranteedRef { try $0.call(f.rt, try a0(f)) } }
            }
            return try general(f)
        }
    }

    /// `f(a, b)`: user functions of matching arity get their frame filled directly; arities up
    /// to 3 have their own closures (no array of argument closures on the hot path).
    private func positionalCall(_ callee: @escaping ExprFn, _ args: [Expr]) throws -> ExprFn {
        func slow(_ f: Frame, _ c: Value, _ vals: [Value]) throws -> Value { try f.rt.call(c, vals, []) }
        /// A user function of arity `n` behind `c`: its frame is filled by `fill` and run. `c` is
        /// borrowed (the caller's copy keeps the function alive), so the function is not retained again.
        @inline(__always)
        func plain(_ f: Frame, _ c: Value, _ n: Int, _ fill: (UnsafeMutablePointer<Value>) throws -> Void) throws -> Value? {
            guard let fu = functionRef(c) else { return nil }
            return try fu._withUnsafeGuaranteedRef { fn -> Value? in
                guard fn.simpleArity == n else { return nil }
                let frame = f.rt.makeFrame(fn)
                try fill(frame.slots)
                return try f.rt.runFrame(fn, frame)
            }
        }
        switch args.count {
        case 0:
            return { f in
                let c = try callee(f)
                if let r = try plain(f, c, 0, { _ in }) { return r }
                return try slow(f, c, [])
            }
        case 1:
            let a0 = try expr(args[0])
            return { f in
                let c = try callee(f)
                if let r = try plain(f, c, 1, { s in s[0] = try a0(f) }) { return r }
                switch c {
                case .builtin(let b):
                    if let u = b.unary { return try u(f.rt, try a0(f)) }
                case .type(let t):
                    if let u = t.constructUnary { return try u(f.rt, try a0(f)) }
                default: break
                }
                return try slow(f, c, [try a0(f)])
            }
        case 2:
            let a0 = try expr(args[0]), a1 = try expr(args[1])
            return { f in
                let c = try callee(f)
                if let r = try plain(f, c, 2, { s in s[0] = try a0(f); s[1] = try a1(f) }) { return r }
                let v0 = try a0(f)
                return try slow(f, c, [v0, try a1(f)])
            }
        case 3:
            let a0 = try expr(args[0]), a1 = try expr(args[1]), a2 = try expr(args[2])
            return { f in
                let c = try callee(f)
                if let r = try plain(f, c, 3, { s in s[0] = try a0(f); s[1] = try a1(f); s[2] = try a2(f) }) { return r }
                let v0 = try a0(f), v1 = try a1(f)
                return try slow(f, c, [v0, v1, try a2(f)])
            }
        default:
            let argFns = try args.map { try expr($0) }
            let n = argFns.count
            return { f in
                let c = try callee(f)
                if let r = try plain(f, c, n, { s in for i in 0..<n { s[i] = try argFns[i](f) } }) { return r }
                var vals: [Value] = []
                vals.reserveCapacity(n)
                for a in argFns { vals.append(try a(f)) }
                return try slow(f, c, vals)
            }
        }
    }

    private func compileMethodCall(_ o: Expr, _ name: String, _ args: [Expr]) throws -> ExprFn {
        let of = try expr(o)
        let argFns = try args.map { try expr($0) }
        let n = argFns.count
        let a0: ExprFn? = n > 0 ? try expr(args[0]) : nil
        let a1: ExprFn? = n > 1 ? try expr(args[1]) : nil
        let cache = MethodCache()
        /// Evaluates the arguments into `dest[offset...]`.
        @inline(__always) func fill(_ f: Frame, _ dest: UnsafeMutablePointer<Value>, _ offset: Int) throws {
            if n == 0 { return }
            dest[offset] = try a0!(f)
            if n == 1 { return }
            dest[offset + 1] = try a1!(f)
            if n == 2 { return }
            for i in 2..<n { dest[offset + i] = try argFns[i](f) }
        }
        func values(_ f: Frame) throws -> [Value] {
            if n == 0 { return [] }
            if n == 1 { return [try a0!(f)] }
            if n == 2 { let v0 = try a0!(f); return [v0, try a1!(f)] }
            var vals: [Value] = []
            vals.reserveCapacity(n)
            for a in argFns { vals.append(try a(f)) }
            return vals
        }
        /// A method of a built-in type: its array-free entry when it has one for this arity.
        func builtinMethod(_ f: Frame, _ obj: Value) throws -> Value? {
            let tag = valueTag(obj)
            if tag < 0 { return nil }
            let e = cache.builtinEntry(obj, tag, name)
            guard let e = e else { return nil }
            return try e._withUnsafeGuaranteedRef { m -> Value in
                if n == 1, let m1 = m.method1 { return try m1(f.rt, obj, try a0!(f)) }
                if n == 2, let m2 = m.method2 { let v0 = try a0!(f); return try m2(f.rt, obj, v0, try a1!(f)) }
                return try m.fn(f.rt, obj, try values(f), [])
            }
        }
        func slowPath(_ f: Frame, _ obj: Value) throws -> Value {
            if case .instance(let inst) = obj, let fu = cache.method(inst, name, f.rt) {
                return try fu._withUnsafeGuaranteedRef { try f.rt.callFunction($0, [obj] + (try values(f)), []) }
            }
            if let r = try builtinMethod(f, obj) { return r }
            let callee = try f.rt.getAttr(obj, name)
            return try f.rt.call(callee, try values(f), [])
        }
        /// `obj.m(args)` on a user instance whose class provides a plain function of matching
        /// arity: the frame is filled directly (no bound method). `receiver` copies the object
        /// into the frame; `inst` is only borrowed (its owner keeps it alive during the call).
        @inline(__always)
        func userCall(_ f: Frame, _ inst: PyInstance, _ receiver: () -> Value) throws -> Value? {
            guard let fu = cache.method(inst, name, f.rt) else { return nil }
            // Unmanaged: the class's dict keeps the function alive, and a function removed from
            // a class is kept in `Runtime.retired`.
            return try fu._withUnsafeGuaranteedRef { fn -> Value? in
                guard fn.simpleArity == n + 1 else { return nil }
                let frame = f.rt.makeFrame(fn)
                frame.slots[0] = receiver()
                try fill(f, frame.slots, 1)
                return try f.rt.runFrame(fn, frame)
            }
        }
        if let li = localSlot(o) {
            // The receiver is a local variable: read in place, without a copy, unless it goes
            // into the callee's frame.
            if name == "append" && n == 1 {
                return { f in
                    if case .list(let l) = f.slots[li] { l.items.append(try a0!(f)); return .none }
                    if let iu = instanceRef(f.slots + li),
                       let r = try iu._withUnsafeGuaranteedRef({ try userCall(f, $0, { f.slots[li] }) }) { return r }
                    return try slowPath(f, try of(f))
                }
            }
            if name == "get" && (n == 1 || n == 2) {
                // dict.get(k[, default]): both arguments are evaluated first, as for any call.
                return { f in
                    if case .dict = f.slots[li] {
                        let k = try a0!(f)
                        let dflt = n == 2 ? try a1!(f) : .none
                        try f.rt.checkHashable(k)
                        // Still the same dict: arguments cannot rebind a local of this frame.
                        if let du = dictRef(f.slots + li) {
                            return du._withUnsafeGuaranteedRef { $0.table.get(k) } ?? dflt
                        }
                    }
                    if let iu = instanceRef(f.slots + li),
                       let r = try iu._withUnsafeGuaranteedRef({ try userCall(f, $0, { f.slots[li] }) }) { return r }
                    return try slowPath(f, try of(f))
                }
            }
            return { f in
                if let iu = instanceRef(f.slots + li),
                   let r = try iu._withUnsafeGuaranteedRef({ try userCall(f, $0, { f.slots[li] }) }) { return r }
                return try slowPath(f, try of(f))
            }
        }
        return { f in
            let obj = try of(f)
            if case .instance(let inst) = obj, let r = try userCall(f, inst, { obj }) { return r }
            return try slowPath(f, obj)
        }
    }

    /// Evaluates call arguments into positional values and keyword pairs.
    func argumentBuilder(_ args: [Arg]) throws -> (Frame) throws -> ([Value], [(String, Value)]) {
        enum A { case pos(ExprFn), star(ExprFn), kw(String, ExprFn), starStar(ExprFn) }
        let fns: [A] = try args.map { a in
            switch a {
            case .positional(let e): return .pos(try expr(e))
            case .star(let e): return .star(try expr(e))
            case .keyword(let n, let e): return .kw(n, try expr(e))
            case .starStar(let e): return .starStar(try expr(e))
            }
        }
        return { f in
            var pos: [Value] = []
            var kw: [(String, Value)] = []
            for a in fns {
                switch a {
                case .pos(let fn): pos.append(try fn(f))
                case .star(let fn): pos += try f.rt.toArray(try fn(f))
                case .kw(let n, let fn):
                    if kw.contains(where: { $0.0 == n }) { throw typeError("keyword argument repeated: \(n)") }
                    kw.append((n, try fn(f)))
                case .starStar(let fn):
                    let m = try fn(f)
                    guard case .dict(let d) = m else {
                        throw typeError("argument after ** must be a mapping, not \(typeName(m))")
                    }
                    for (k, v) in d.items {
                        guard case .str(let ks) = k else { throw typeError("keywords must be strings") }
                        if kw.contains(where: { $0.0 == ks }) {
                            throw typeError("got multiple values for keyword argument '\(ks)'")
                        }
                        kw.append((ks, v))
                    }
                }
            }
            return (pos, kw)
        }
    }
}

/// A per-call-site cache of the method found on a built-in type (those never change), and of
/// the user function a class provides (valid while no class changed and no instance attribute
/// of that name can shadow it).
final class MethodCache {
    /// The built-in type's method, by value tag (see `valueTag`).
    private var builtinTag = -1
    private var builtinKeep: PyBuiltin?
    private var builtinRef: Unmanaged<PyBuiltin>?
    /// Strong: a freed class's address could be reused by a new class.
    private var userClass: PyClass?
    private var userClassID: ObjectIdentifier?
    /// Unmanaged: the (retained) class's dict keeps the function alive, and any change of a
    /// class bumps the version, which revalidates the entry before use.
    private var userFunction: Unmanaged<PyFunction>?
    private var version = -1
    private var layoutCount = -1
    private var shadowSlot = -1

    @inline(__always)
    func method(_ inst: PyInstance, _ name: String, _ rt: Runtime) -> Unmanaged<PyFunction>? {
        guard inst.isPlain else { return nil }
        if ObjectIdentifier(inst.cls) != userClassID || version != rt.classVersion || layoutCount != inst.cls.layoutCount {
            refill(inst.cls, name, rt)
        }
        if shadowSlot >= 0 && shadowSlot < inst.slotCount && !inst.slots[shadowSlot].isUnbound { return nil }
        return userFunction
    }

    @inline(never)
    private func refill(_ cls: PyClass, _ name: String, _ rt: Runtime) {
        userClass = cls
        userClassID = ObjectIdentifier(cls)
        version = rt.classVersion
        layoutCount = cls.layoutCount
        shadowSlot = cls.layout[name] ?? -1
        if case .function(let fn)? = cls.lookup(name) { userFunction = .passUnretained(fn) } else { userFunction = nil }
    }

    /// The built-in method `name` of `obj`'s (built-in) type, nil when it has none.
    @inline(__always)
    func builtinEntry(_ obj: Value, _ tag: Int, _ name: String) -> Unmanaged<PyBuiltin>? {
        if tag != builtinTag {
            builtinTag = tag
            if case .builtin(let b)? = typeOf(obj).lookup(name) { builtinKeep = b; builtinRef = .passUnretained(b) } else {
                builtinKeep = nil; builtinRef = nil
            }
        }
        return builtinRef
    }
}

/// A small number per built-in value kind whose type's methods are fixed (`-1` for instances,
/// classes, modules, host objects, super proxies: their attributes can change or come from elsewhere).
@inline(__always)
func valueTag(_ v: Value) -> Int {
    switch v {
    case .none: return 0
    case .bool: return 1
    case .int: return 2
    case .float: return 3
    case .str: return 4
    case .list: return 5
    case .tuple: return 6
    case .dict: return 7
    case .set: return 8
    case .range: return 9
    case .slice: return 10
    case .function: return 11
    case .builtin: return 12
    case .boundMethod: return 13
    case .iterator: return 14
    case .descriptor: return 15
    case .instance, .type, .module, .host, .superProxy, .unbound: return -1
    }
}

/// The user function a value is, without retaining it: valid while the caller's value lives.
@inline(__always)
func functionRef(_ v: Value) -> Unmanaged<PyFunction>? {
    if case .function(let fn) = v { return .passUnretained(fn) }
    return nil
}

/// The dict a value slot holds, without retaining it (same contract as `instanceRef`).
@inline(__always)
func dictRef(_ p: UnsafeMutablePointer<Value>) -> Unmanaged<PyDict>? {
    if case .dict(let d) = p.pointee { return .passUnretained(d) }
    return nil
}

/// The list a value slot holds, without retaining it (same contract as `instanceRef`).
@inline(__always)
func listRef(_ p: UnsafeMutablePointer<Value>) -> Unmanaged<PyList>? {
    if case .list(let l) = p.pointee { return .passUnretained(l) }
    return nil
}

/// The instance a value slot holds, without retaining it: the caller must know the slot is not
/// reassigned while the reference is used (a local variable of the running frame).
@inline(__always)
func instanceRef(_ p: UnsafeMutablePointer<Value>) -> Unmanaged<PyInstance>? {
    if case .instance(let i) = p.pointee { return .passUnretained(i) }
    return nil
}

/// The one-argument entry of the built-in a call site resolved to (see `builtinUnaryCall`).
final class UnaryBuiltinCache {
    /// Held by `keep`; read unmanaged so a call costs no retain of the closure.
    private var keep: UnaryEntry?
    private(set) var entry: Unmanaged<UnaryEntry>?
    var tried = false
    func set(_ fn: ((Runtime, Value) throws -> Value)?) {
        keep = fn.map { UnaryEntry($0) }
        entry = keep.map { .passUnretained($0) }
    }
}

/// A one-argument built-in entry in a box whose field is a `let`.
final class UnaryEntry {
    let call: (Runtime, Value) throws -> Value
    init(_ call: @escaping (Runtime, Value) throws -> Value) { self.call = call }
}
