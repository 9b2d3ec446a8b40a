/// Calling functions, builtins, classes, bound methods and host objects.
extension Runtime {
    /// A fresh frame for a user function, with its cells (own and captured).
    @inline(__always)
    func makeFrame(_ fn: PyFunction) -> Frame {
        if let fr = fn.takeSpare() { return fr }
        return newFrame(fn)
    }

    @inline(never)
    private func newFrame(_ fn: PyFunction) -> Frame {
        let def = fn.def
        var cells: [Cell] = []
        if def.ownCellCount > 0 || !fn.closure.isEmpty {
            cells.reserveCapacity(def.ownCellCount + fn.closure.count)
            for _ in 0..<def.ownCellCount { cells.append(Cell()) }
            cells += fn.closure
        }
        if !fn.poolRegistered {
            fn.poolRegistered = true
            registerFramePool(fn)
        }
        let frame = Frame(rt: self, slotCount: def.slotCount, cells: cells, globals: fn.module)
        frame.function = fn
        return frame
    }

    /// Runs a function body in a frame whose parameters are bound.
    func runFrame(_ fn: PyFunction, _ frame: consuming Frame) throws -> Value {
        depth += 1
        defer { depth -= 1 }
        if depth > recursionLimit {
            throw pyErr(ExcTypes.recursionError, "maximum recursion depth exceeded")
        }
        if fn.hasParamCells { for (p, c) in fn.def.paramCells { frame.cells[c].value = frame.slots[p] } }
        do {
            let r = try fn.code(frame)
            // Frames never escape a call (closures capture cells, not frames; a lazy generator
            // expression pins its frame), so it can be reused.
            if frame.cells.isEmpty && !frame.pinned {
                frame.reset()
                fn.putSpare(frame)
            }
            return r
        } catch {
            let pe = asPyError(error)
            if let d = pe.exc.exc {
                d.traceback.append((fn.name, d.pendingFile ?? fn.def.file, d.pendingPos ?? fn.def.pos))
                d.pendingPos = nil
                d.pendingFile = nil
            }
            throw pe
        }
    }

    func callFunction(_ fn: PyFunction, _ args: [Value], _ kw: [(String, Value)]) throws -> Value {
        let frame = makeFrame(fn)
        if kw.isEmpty, fn.simpleArity == args.count {
            for i in 0..<args.count { frame.slots[i] = args[i] }
        } else {
            try bindArguments(fn, frame, args, kw)
        }
        return try runFrame(fn, frame)
    }

    /// Binds positional and keyword arguments to parameters as CPython does, with its messages.
    private func bindArguments(_ fn: PyFunction, _ frame: Frame, _ args: [Value], _ kw: [(String, Value)]) throws {
        let params = fn.def.params
        let name = fn.qualname  // CPython names functions by __qualname__ in these messages
        let normal = params.indices.filter { params[$0].kind == .normal }
        let varArgs = params.firstIndex { $0.kind == .varArgs }
        let varKw = params.firstIndex { $0.kind == .varKw }
        var bound = [Bool](repeating: false, count: params.count)
        for (i, v) in args.enumerated() where i < normal.count {
            frame.slots[normal[i]] = v
            bound[normal[i]] = true
        }
        if args.count > normal.count {
            guard let va = varArgs else {
                let given = args.count
                let withDefault = params.filter { $0.kind == .normal && $0.defaultValue != nil }.count
                let takes = withDefault > 0 ? "from \(normal.count - withDefault) to \(normal.count)" : "\(normal.count)"
                throw typeError("\(name)() takes \(takes) positional argument\(normal.count == 1 && withDefault == 0 ? "" : "s") but \(given) \(given == 1 ? "was" : "were") given")
            }
            frame.slots[va] = .tuple(Array(args[normal.count...]))
            bound[va] = true
        } else if let va = varArgs {
            frame.slots[va] = .tuple([])
            bound[va] = true
        }
        let extra = varKw.map { _ in PyDict() }
        for (k, v) in kw {
            if let pi = params.firstIndex(where: { $0.name == k && ($0.kind == .normal || $0.kind == .kwOnly) }) {
                if bound[pi] { throw typeError("\(name)() got multiple values for argument '\(k)'") }
                frame.slots[pi] = v
                bound[pi] = true
            } else if let d = extra {
                d.set(.str(k), v)
            } else {
                throw typeError("\(name)() got an unexpected keyword argument '\(k)'")
            }
        }
        if let vk = varKw { frame.slots[vk] = .dict(extra!); bound[vk] = true }
        let firstDefault = normal.count - fn.defaults.count
        var missing: [String] = []
        for (j, pi) in normal.enumerated() where !bound[pi] {
            if j >= firstDefault { frame.slots[pi] = fn.defaults[j - firstDefault] } else { missing.append(params[pi].name) }
        }
        if !missing.isEmpty { throw missingError(name, missing, "positional") }
        var missingKw: [String] = []
        for (pi, p) in params.enumerated() where p.kind == .kwOnly && !bound[pi] {
            if let d = fn.kwDefaults[p.name] { frame.slots[pi] = d } else { missingKw.append(p.name) }
        }
        if !missingKw.isEmpty { throw missingError(name, missingKw, "keyword-only") }
    }

    private func missingError(_ name: String, _ missing: [String], _ kind: String) -> PyError {
        let quoted = missing.map { "'\($0)'" }
        let list = quoted.count == 1 ? quoted[0] : quoted.dropLast().joined(separator: ", ") + " and " + quoted.last!
        return typeError("\(name)() missing \(missing.count) required \(kind) argument\(missing.count == 1 ? "" : "s"): \(list)")
    }

    /// Calls any callable value.
    public func call(_ callee: Value, _ args: [Value], _ kw: [(String, Value)]) throws -> Value {
        switch callee {
        case .function(let fn):
            return try callFunction(fn, args, kw)
        case .builtin(let b):
            if b.bound == nil && b.isMethod {
                guard let recv = args.first else { throw typeError("unbound method \(b.name)() needs an argument") }
                return try b.fn(self, recv, Array(args.dropFirst()), kw)
            }
            return try b.fn(self, b.bound ?? .none, args, kw)
        case .boundMethod(let m):
            return try call(m.function, [m.receiver] + args, kw)
        case .type(let cls):
            return try instantiate(cls, args, kw)
        case .instance(let inst):
            if let m = inst.cls.lookup("__call__") { return try call(m, [callee] + args, kw) }
            if let h = inst.host, h.isCallable {
                if let fwd = inst.cls.lookup("forward") { return try call(fwd, [callee] + args, kw) }
                return try h.call(args, kw)
            }
        case .host(let h):
            if h.isCallable { return try h.call(args, kw) }
        default:
            break
        }
        throw typeError("'\(typeName(callee))' object is not callable")
    }

    func isCallable(_ v: Value) -> Bool {
        switch v {
        case .function, .builtin, .boundMethod, .type: return true
        case .instance(let i): return i.cls.lookup("__call__") != nil || (i.host?.isCallable ?? false)
        case .host(let h): return h.isCallable
        default: return false
        }
    }

    /// `Cls(args)`: built-in constructors, exceptions, user classes with `__init__`.
    func instantiate(_ cls: PyClass, _ args: [Value], _ kw: [(String, Value)]) throws -> Value {
        if let ctor = cls.construct { return try ctor(self, .type(cls), args, kw) }
        let inst = PyInstance(cls)
        if let hb = cls.hostBase {
            let h = try hb.instantiate(className: cls.name)
            inst.host = h
            hb.bind(h, to: .instance(inst))
        }
        if let d = inst.exc { d.args = args }
        if let initFn = cls.lookup("__init__") {
            let r = try call(initFn, [.instance(inst)] + args, kw)
            if !r.isNone { throw typeError("__init__() should return None, not '\(typeName(r))'") }
        } else if inst.exc == nil && (!args.isEmpty || !kw.isEmpty) && cls.hostBase == nil {
            throw typeError("\(cls.name)() takes no arguments")
        }
        return .instance(inst)
    }

    /// The base of a new class: a user class, an exception class, `object`, or a host class.
    func classBase(_ base: Value?, _ name: String) throws -> (PyClass?, HostClass?) {
        guard let base = base else { return (nil, nil) }
        switch base {
        case .type(let c):
            if c === BuiltinTypes.object { return (nil, nil) }
            if c.isBuiltin && !c.isException {
                throw typeError("subclassing the built-in type '\(c.name)' is not supported by mrsh")
            }
            return (c, c.hostBase)
        case .host(let h):
            guard let hc = h as? HostClass else { throw typeError("cannot derive class '\(name)' from '\(h.typeName)'") }
            return (nil, hc)
        default:
            throw typeError("class base must be a class, not '\(typeName(base))'")
        }
    }

    /// `super()` inside a method: the defining class and the first argument of the frame.
    func zeroArgSuper(_ f: Frame) throws -> Value {
        guard let fn = f.function, let cls = fn.definingClass, f.slotCount > 0, !f.slots[0].isUnbound else {
            throw pyErr(ExcTypes.runtimeError, "super(): no arguments")
        }
        return .superProxy(PySuper(start: cls, receiver: f.slots[0]))
    }
}
