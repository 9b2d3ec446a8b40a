/// The built-in functions of the language.
extension Runtime {
    func makeBuiltins() -> [String: Value] {
        installTypeConstructors()
        installMethods()
        var b: [String: Value] = [:]
        func def(_ name: String, _ fn: @escaping BuiltinFn) { b[name] = .builtin(PyBuiltin(name, fn)) }
        for (n, c) in [("int", BuiltinTypes.int), ("float", BuiltinTypes.float), ("str", BuiltinTypes.str),
                       ("bool", BuiltinTypes.bool), ("list", BuiltinTypes.list), ("tuple", BuiltinTypes.tuple),
                       ("dict", BuiltinTypes.dict), ("set", BuiltinTypes.set), ("range", BuiltinTypes.range),
                       ("object", BuiltinTypes.object), ("type", BuiltinTypes.type), ("slice", BuiltinTypes.slice),
                       ("frozenset", BuiltinTypes.set)] {
            b[n] = .type(c)
        }
        for c in ExcTypes.all { b[c.name] = .type(c) }
        installUnaryFastPaths(&b)
        b["Ellipsis"] = .ellipsis
        b["NotImplemented"] = .builtin(PyBuiltin("NotImplemented", { _, _, _, _ in .none }))
        def("print") { rt, _, args, kw in try rt.builtinPrint(args, kw) }
        def("repr") { rt, _, args, _ in try expectCount("repr", args, 1, 1); return .str(try rt.repr(args[0])) }
        def("ascii") { rt, _, args, _ in try expectCount("ascii", args, 1, 1); return .str(asciiRepr(try rt.repr(args[0]))) }
        def("format") { rt, _, args, _ in
            try expectCount("format", args, 1, 2)
            var spec = ""
            if args.count == 2, case .str(let s) = args[1] { spec = s }
            return .str(try rt.format(args[0], spec))
        }
        def("abs") { rt, _, args, _ in
            try expectCount("abs", args, 1, 1)
            switch args[0] {
            case .int(let i):
                if i == Int.min { throw overflowError("integer result too large for a 64-bit int") }
                return .int(abs(i))
            case .bool(let x): return .int(x ? 1 : 0)
            case .float(let d): return .float(d.magnitude)
            case .instance(let inst):
                if let m = inst.cls.lookup("__abs__") { return try rt.call(m, [args[0]], []) }
            case .host(let h):
                if let a = try h.getAttribute("abs") { return try rt.call(a, [], []) }
            default: break
            }
            throw typeError("bad operand type for abs(): '\(typeName(args[0]))'")
        }
        def("isinstance") { rt, _, args, _ in
            try expectCount("isinstance", args, 2, 2)
            return .bool(try rt.isInstance(args[0], args[1]))
        }
        def("issubclass") { rt, _, args, _ in
            try expectCount("issubclass", args, 2, 2)
            guard case .type(let c) = args[0] else { throw typeError("issubclass() arg 1 must be a class") }
            return .bool(try rt.classMatches(c, args[1]))
        }
        def("hasattr") { rt, _, args, _ in
            try expectCount("hasattr", args, 2, 2)
            guard case .str(let n) = args[1] else { throw typeError("attribute name must be string, not '\(typeName(args[1]))'") }
            return .bool(rt.hasAttr(args[0], n))
        }
        def("getattr") { rt, _, args, _ in
            try expectCount("getattr", args, 2, 3)
            guard case .str(let n) = args[1] else { throw typeError("attribute name must be string, not '\(typeName(args[1]))'") }
            if args.count == 3 {
                do { return try rt.getAttr(args[0], n) } catch let e as PyError where e.exc.cls.isSubclass(of: ExcTypes.attributeError) { return args[2] }
            }
            return try rt.getAttr(args[0], n)
        }
        def("setattr") { rt, _, args, _ in
            try expectCount("setattr", args, 3, 3)
            guard case .str(let n) = args[1] else { throw typeError("attribute name must be string, not '\(typeName(args[1]))'") }
            try rt.setAttr(args[0], n, args[2])
            return .none
        }
        def("delattr") { rt, _, args, _ in
            try expectCount("delattr", args, 2, 2)
            guard case .str(let n) = args[1] else { throw typeError("attribute name must be string") }
            try rt.delAttr(args[0], n)
            return .none
        }
        def("callable") { rt, _, args, _ in try expectCount("callable", args, 1, 1); return .bool(rt.isCallable(args[0])) }
        def("iter") { rt, _, args, _ in try expectCount("iter", args, 1, 1); return .iterator(try rt.iterate(args[0])) }
        def("next") { rt, _, args, _ in
            try expectCount("next", args, 1, 2)
            guard case .iterator(let it) = args[0], it.viewDict == nil else { throw typeError("'\(typeName(args[0]))' object is not an iterator") }
            if let v = try it.next() { return v }
            if args.count == 2 { return args[1] }
            throw pyErr(ExcTypes.stopIteration, "")
        }
        def("chr") { _, _, args, _ in
            try expectCount("chr", args, 1, 1)
            let i = try intValue(args[0], "chr")
            guard i >= 0, let u = Unicode.Scalar(UInt32(clamping: i)) else { throw valueError("chr() arg not in range(0x110000)") }
            return .str(String(Character(u)))
        }
        def("ord") { _, _, args, _ in
            try expectCount("ord", args, 1, 1)
            guard case .str(let s) = args[0], s.unicodeScalars.count == 1 else {
                throw typeError("ord() expected a character, but string of length \(args[0]) found")
            }
            return .int(Int(s.unicodeScalars.first!.value))
        }
        def("hex") { _, _, args, _ in let i = try intValue(args.first ?? .none, "hex"); return .str((i < 0 ? "-0x" : "0x") + String(i.magnitude, radix: 16)) }
        def("oct") { _, _, args, _ in let i = try intValue(args.first ?? .none, "oct"); return .str((i < 0 ? "-0o" : "0o") + String(i.magnitude, radix: 8)) }
        def("bin") { _, _, args, _ in let i = try intValue(args.first ?? .none, "bin"); return .str((i < 0 ? "-0b" : "0b") + String(i.magnitude, radix: 2)) }
        def("hash") { rt, _, args, _ in
            try expectCount("hash", args, 1, 1)
            try rt.checkHashable(args[0])
            if case .int(let i) = args[0] { return .int(i == -1 ? -2 : i) }
            return .int(HKey(v: args[0]).hashValue)
        }
        def("id") { _, _, args, _ in
            try expectCount("id", args, 1, 1)
            if let o = identity(args[0]) { return .int(Int(bitPattern: UInt(bitPattern: o.hashValue)) & 0xffff_ffff_ffff) }
            return .int(HKey(v: args[0]).hashValue & 0xffff_ffff_ffff)
        }
        def("super") { rt, _, args, _ in
            guard args.count == 2, case .type(let c) = args[0] else { throw pyErr(ExcTypes.runtimeError, "super(): no arguments") }
            return .superProxy(PySuper(start: c, receiver: args[1]))
        }
        def("vars") { rt, _, args, _ in
            try expectCount("vars", args, 1, 1)
            return try rt.getAttr(args[0], "__dict__")
        }
        def("globals") { rt, _, _, _ in
            let d = PyDict()
            for (i, n) in rt.main.nameList.enumerated() where !rt.main.values[i].isUnbound { d.set(.str(n), rt.main.values[i]) }
            return .dict(d)
        }
        for refused in ["eval", "exec", "compile", "input", "breakpoint", "__import__", "memoryview", "bytes", "bytearray", "complex"] {
            def(refused) { _, _, _, _ in throw pyErr(ExcTypes.notImplementedError, "'\(refused)' is not supported by mrsh") }
        }
        installIterationBuiltins(def)
        installNumericBuiltins(def)
        if case .builtin(let absFn)? = b["abs"] {
            absFn.unary = { rt, v in
                switch v {
                case .int(let i) where i != Int.min: return .int(Swift.abs(i))
                case .float(let d): return .float(d.magnitude)
                default: return try absFn.fn(rt, .none, [v], [])
                }
            }
        }
        def("open") { rt, _, args, kw in try rt.openFile(args, kw) }
        return b
    }

    func isInstance(_ v: Value, _ spec: Value) throws -> Bool {
        if case .host(let h) = v, case .host(let hc) = spec {
            if let f = try hc.getAttribute("__instancecheck__") { return try truthy(try call(f, [v], [])) }
            return h.typeName == hc.typeName
        }
        if case .instance(let inst) = v, case .host(let hc) = spec {
            return inst.cls.hostBase.map { ObjectIdentifier($0) == ObjectIdentifier(hc) } ?? false
        }
        return try classMatches(typeOf(v), spec)
    }

    func classMatches(_ c: PyClass, _ spec: Value) throws -> Bool {
        switch spec {
        case .type(let k):
            if k === BuiltinTypes.object { return true }
            return c.isSubclass(of: k)
        case .tuple(let xs):
            for x in xs where try classMatches(c, x) { return true }
            return false
        case .host: return false
        default:
            throw typeError("isinstance() arg 2 must be a type, a tuple of types, or a union")
        }
    }

    private func builtinPrint(_ args: [Value], _ kw: [(String, Value)]) throws -> Value {
        var sep = " ", end = "\n"
        var toErr = false
        var file: FileObject? = nil
        for (k, v) in kw {
            switch k {
            case "sep": if case .str(let s) = v { sep = s } else if !v.isNone { throw typeError("sep must be None or a string, not \(typeName(v))") }
            case "end": if case .str(let s) = v { end = s } else if !v.isNone { throw typeError("end must be None or a string, not \(typeName(v))") }
            case "file":
                if case .host(let h) = v, let f = h as? FileObject {
                    if f.stream == .stderr { toErr = true } else if f.stream == .stdout {} else { file = f }
                } else if !v.isNone { throw typeError("print() file must be a file object") }
            case "flush": break
            default: throw typeError("'\(k)' is an invalid keyword argument for print()")
            }
        }
        var text = ""
        for (i, a) in args.enumerated() {
            if i > 0 { text += sep }
            text += try str(a)
        }
        text += end
        if let f = file { try f.write(text) } else if toErr { stderr(text) } else { stdout(text) }
        return .none
    }
}

extension Runtime {
    /// One-argument entries of common built-ins, so `len(x)` or `str(i)` in a loop builds no array.
    func installUnaryFastPaths(_ b: inout [String: Value]) {
        BuiltinTypes.str.constructUnary = { rt, v in
            if case .str = v { return v }
            if case .int(let i) = v { return .str(String(i)) }
            return .str(try rt.str(v))
        }
        BuiltinTypes.int.constructUnary = { rt, v in .int(try rt.toInt(v)) }
        BuiltinTypes.float.constructUnary = { rt, v in
            switch v {
            case .float: return v
            case .int(let i): return .float(Double(i))
            default: return try rt.call(.builtin(PyBuiltin("float", BuiltinTypes.float.construct!)), [v], [])
            }
        }
        let len = PyBuiltin("len") { rt, _, args, kw in
            try noKeywords("len", kw); try expectCount("len", args, 1, 1)
            return .int(try rt.length(args[0]))
        }
        len.unary = { rt, v in .int(try rt.length(v)) }
        b["len"] = .builtin(len)
    }
}
