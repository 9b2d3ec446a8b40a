import Glibc

/// The built-in modules: math, os, os.path, sys, time, random, json.
extension Runtime {
    func makeBuiltinModule(_ name: String) -> PyModule? {
        switch name {
        case "math": return makeMath()
        case "os": return PyModule(name: "os", attributes: makeOS())
        case "os.path": return PyModule(name: "posixpath", attributes: makeOSPath())
        case "sys":
            return PyModule(name: "sys", attributes: [
                "argv": .list(PyList(argv.map { .str($0) })),
                "stdout": .host(FileObject(stream: .stdout, rt: self)),
                "stderr": .host(FileObject(stream: .stderr, rt: self)),
                "maxsize": .int(Int.max),
                "version": .str("3.11.0 (mrsh)"),
                "platform": .str("linux"),
                "exit": .builtin(PyBuiltin("exit") { _, _, args, _ in
                    let inst = PyInstance(ExcTypes.systemExit)
                    inst.exc = ExceptionData(args: args)
                    throw PyError(inst)
                }),
                "getrecursionlimit": .builtin(PyBuiltin("getrecursionlimit") { rt, _, _, _ in .int(rt.recursionLimit) }),
                "setrecursionlimit": .builtin(PyBuiltin("setrecursionlimit") { rt, _, args, _ in
                    rt.recursionLimit = try intValue(args.first ?? .none, "setrecursionlimit"); return .none
                }),
            ])
        case "time":
            return PyModule(name: "time", attributes: [
                "time": .builtin(PyBuiltin("time") { _, _, _, _ in
                    var ts = timespec()
                    clock_gettime(CLOCK_REALTIME, &ts)
                    return .float(Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9)
                }),
                "perf_counter": .builtin(PyBuiltin("perf_counter") { _, _, _, _ in
                    var ts = timespec()
                    clock_gettime(CLOCK_MONOTONIC, &ts)
                    return .float(Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9)
                }),
                "sleep": .builtin(PyBuiltin("sleep") { rt, _, args, _ in
                    let secs = try doubleValue(args.first ?? .int(0), "sleep")
                    if secs < 0 || secs.isNaN { throw valueError("sleep length must be non-negative") }
                    var left = min(secs, 1e9)
                    while left > 0 {
                        try rt.checkCancel()
                        let chunk = min(left, 0.05)
                        usleep(UInt32(chunk * 1e6))
                        left -= chunk
                    }
                    return .none
                }),
            ])
        case "random": return makeRandom()
        case "json": return makeJSON()
        case "collections", "functools", "itertools", "typing", "copy", "re":
            return nil
        default: return nil
        }
    }

    private func makeMath() -> PyModule {
        var a: [String: Value] = ["pi": .float(Double.pi), "e": .float(M_E), "inf": .float(.infinity), "nan": .float(.nan), "tau": .float(2 * Double.pi)]
        func f1(_ n: String, _ fn: @escaping (Double) -> Double, domain: ((Double) -> Bool)? = nil) {
            a[n] = .builtin(PyBuiltin(n) { _, _, args, _ in
                try expectCount(n, args, 1, 1)
                let x = try doubleValue(args[0], n)
                if let d = domain, !d(x) { throw valueError("math domain error") }
                return .float(fn(x))
            })
        }
        f1("sqrt", { $0.squareRoot() }, domain: { $0 >= 0 || $0.isNaN })
        f1("exp", { Glibc.exp($0) })
        f1("sin", { Glibc.sin($0) }); f1("cos", { Glibc.cos($0) }); f1("tan", { Glibc.tan($0) })
        f1("asin", { Glibc.asin($0) }); f1("acos", { Glibc.acos($0) }); f1("atan", { Glibc.atan($0) })
        f1("sinh", { Glibc.sinh($0) }); f1("cosh", { Glibc.cosh($0) }); f1("tanh", { Glibc.tanh($0) })
        f1("log2", { Glibc.log2($0) }, domain: { $0 > 0 }); f1("log10", { Glibc.log10($0) }, domain: { $0 > 0 })
        f1("log1p", { Glibc.log1p($0) }, domain: { $0 > -1 }); f1("expm1", { Glibc.expm1($0) })
        f1("fabs", { $0.magnitude }); f1("erf", { Glibc.erf($0) }); f1("erfc", { Glibc.erfc($0) })
        f1("degrees", { $0 * 180 / Double.pi }); f1("radians", { $0 * Double.pi / 180 })
        f1("lgamma", { Glibc.lgamma($0) }); f1("gamma", { Glibc.tgamma($0) })
        a["log"] = .builtin(PyBuiltin("log") { _, _, args, _ in
            try expectCount("log", args, 1, 2)
            let x = try doubleValue(args[0], "log")
            if x <= 0 { throw valueError("math domain error") }
            if args.count == 2 { return .float(Glibc.log(x) / Glibc.log(try doubleValue(args[1], "log"))) }
            return .float(Glibc.log(x))
        })
        a["pow"] = .builtin(PyBuiltin("pow") { _, _, args, _ in
            try expectCount("pow", args, 2, 2)
            return .float(Glibc.pow(try doubleValue(args[0], "pow"), try doubleValue(args[1], "pow")))
        })
        a["atan2"] = .builtin(PyBuiltin("atan2") { _, _, args, _ in
            try expectCount("atan2", args, 2, 2)
            return .float(Glibc.atan2(try doubleValue(args[0], "atan2"), try doubleValue(args[1], "atan2")))
        })
        a["hypot"] = .builtin(PyBuiltin("hypot") { _, _, args, _ in
            .float(try args.map { try doubleValue($0, "hypot") }.reduce(0) { Glibc.hypot($0, $1) })
        })
        a["copysign"] = .builtin(PyBuiltin("copysign") { _, _, args, _ in
            try expectCount("copysign", args, 2, 2)
            return .float(Glibc.copysign(try doubleValue(args[0], "copysign"), try doubleValue(args[1], "copysign")))
        })
        a["fmod"] = .builtin(PyBuiltin("fmod") { _, _, args, _ in
            try expectCount("fmod", args, 2, 2)
            return .float(Glibc.fmod(try doubleValue(args[0], "fmod"), try doubleValue(args[1], "fmod")))
        })
        for (n, rule) in [("floor", FloatingPointRoundingRule.down), ("ceil", .up), ("trunc", .towardZero)] {
            a[n] = .builtin(PyBuiltin(n) { _, _, args, _ in
                try expectCount(n, args, 1, 1)
                if case .int = args[0] { return args[0] }
                let x = try doubleValue(args[0], n).rounded(rule)
                guard x.isFinite else { throw overflowError("cannot convert float infinity to integer") }
                guard x.magnitude < 9.2e18 else { throw overflowError("result does not fit a 64-bit int") }
                return .int(Int(x))
            })
        }
        a["isinf"] = .builtin(PyBuiltin("isinf") { _, _, args, _ in .bool(try doubleValue(args.first ?? .none, "isinf").isInfinite) })
        a["isnan"] = .builtin(PyBuiltin("isnan") { _, _, args, _ in .bool(try doubleValue(args.first ?? .none, "isnan").isNaN) })
        a["isfinite"] = .builtin(PyBuiltin("isfinite") { _, _, args, _ in .bool(try doubleValue(args.first ?? .none, "isfinite").isFinite) })
        a["isclose"] = .builtin(PyBuiltin("isclose") { _, _, args, kw in
            let p = try Arguments("isclose", args, kw, ["a", "b", "rel_tol=", "abs_tol="])
            let x = try doubleValue(p[0]!, "isclose"), y = try doubleValue(p[1]!, "isclose")
            let rel = try p[2].map { try doubleValue($0, "isclose") } ?? 1e-9
            let abst = try p[3].map { try doubleValue($0, "isclose") } ?? 0
            if x == y { return .bool(true) }
            if x.isInfinite || y.isInfinite { return .bool(false) }
            let d = (x - y).magnitude
            return .bool(d <= max(rel * max(x.magnitude, y.magnitude), abst))
        })
        a["gcd"] = .builtin(PyBuiltin("gcd") { _, _, args, _ in
            var g = 0
            for v in args {
                var x = try intValue(v, "gcd").magnitude, y = UInt(g)
                while y != 0 { (x, y) = (y, x % y) }
                g = Int(x)
            }
            return .int(g)
        })
        a["factorial"] = .builtin(PyBuiltin("factorial") { _, _, args, _ in
            let n = try intValue(args.first ?? .none, "factorial")
            if n < 0 { throw valueError("factorial() not defined for negative values") }
            var r = 1
            for k in stride(from: 2, through: n, by: 1) {
                let (p, o) = r.multipliedReportingOverflow(by: k)
                if o { throw overflowError("integer result too large for a 64-bit int") }
                r = p
            }
            return .int(r)
        })
        a["prod"] = .builtin(PyBuiltin("prod") { rt, _, args, _ in
            var r: Value = .int(1)
            for v in try rt.toArray(args.first ?? .list(PyList())) { r = try rt.binary(.mul, r, v) }
            return r
        })
        a["fsum"] = .builtin(PyBuiltin("fsum") { rt, _, args, _ in
            var s = 0.0, c = 0.0
            for v in try rt.toArray(args.first ?? .list(PyList())) {
                let y = try doubleValue(v, "fsum") - c
                let t = s + y
                c = (t - s) - y
                s = t
            }
            return .float(s)
        })
        return PyModule(name: "math", attributes: a)
    }

    private func makeOSPath() -> [String: Value] {
        func strArgs(_ n: String, _ args: [Value]) throws -> [String] {
            try args.map { v in
                guard case .str(let s) = v else { throw typeError("\(n)() argument must be str, not '\(typeName(v))'") }
                return s
            }
        }
        func one(_ n: String, _ fn: @escaping (String) -> Value) -> Value {
            .builtin(PyBuiltin(n) { _, _, args, _ in
                try expectCount(n, args, 1, 1)
                return fn(try strArgs(n, args)[0])
            })
        }
        return [
            "join": .builtin(PyBuiltin("join") { _, _, args, _ in
                let parts = try strArgs("join", args)
                guard var out = parts.first else { throw typeError("join() missing required argument") }
                for p in parts.dropFirst() {
                    if p.hasPrefix("/") { out = p } else if out.isEmpty || out.hasSuffix("/") { out += p } else { out += "/" + p }
                }
                return .str(out)
            }),
            "exists": one("exists") { p in var st = stat(); return .bool(stat(p, &st) == 0) },
            "isfile": one("isfile") { p in var st = stat(); return .bool(stat(p, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG) },
            "isdir": one("isdir") { p in var st = stat(); return .bool(stat(p, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR) },
            "basename": one("basename") { p in .str(p.lastIndex(of: "/").map { String(p[p.index(after: $0)...]) } ?? p) },
            "dirname": one("dirname") { p in
                guard let i = p.lastIndex(of: "/") else { return .str("") }
                var head = String(p[...i])
                if head != String(repeating: "/", count: head.count) { while head.hasSuffix("/") { head.removeLast() } }
                return .str(head)
            },
            "splitext": one("splitext") { p in
                let base = p.lastIndex(of: "/").map { p.index(after: $0) } ?? p.startIndex
                let name = p[base...]
                guard let dot = name.lastIndex(of: "."), name[name.startIndex..<dot].contains(where: { $0 != "." }) else {
                    return .tuple([.str(p), .str("")])
                }
                return .tuple([.str(String(p[..<dot])), .str(String(p[dot...]))])
            },
            "split": one("split") { p in
                guard let i = p.lastIndex(of: "/") else { return .tuple([.str(""), .str(p)]) }
                var head = String(p[...i])
                if head != String(repeating: "/", count: head.count) { while head.hasSuffix("/") { head.removeLast() } }
                return .tuple([.str(head), .str(String(p[p.index(after: i)...]))])
            },
            "isabs": one("isabs") { p in .bool(p.hasPrefix("/")) },
            "abspath": one("abspath") { p in
                if p.hasPrefix("/") { return .str(p) }
                var buf = [CChar](repeating: 0, count: 4096)
                guard getcwd(&buf, buf.count) != nil else { return .str(p) }
                return .str(String(cString: buf) + "/" + p)
            },
            "expanduser": one("expanduser") { p in
                guard p.hasPrefix("~"), let h = getenv("HOME") else { return .str(p) }
                return .str(String(cString: h) + p.dropFirst())
            },
            "sep": .str("/"),
        ]
    }

    private func makeOS() -> [String: Value] {
        let env = PyDict()
        var e = environ
        while let p = e.pointee {
            let s = String(cString: p)
            if let eq = s.firstIndex(of: "=") { env.set(.str(String(s[..<eq])), .str(String(s[s.index(after: eq)...]))) }
            e += 1
        }
        return [
            "path": .module((try? importModule("os.path")) ?? PyModule(name: "posixpath", attributes: makeOSPath())),
            "environ": .dict(env),
            "sep": .str("/"),
            "getcwd": .builtin(PyBuiltin("getcwd") { _, _, _, _ in
                var buf = [CChar](repeating: 0, count: 4096)
                return .str(getcwd(&buf, buf.count) != nil ? String(cString: buf) : ".")
            }),
            "getenv": .builtin(PyBuiltin("getenv") { _, _, args, _ in
                guard case .str(let k)? = args.first else { throw typeError("getenv() argument must be str") }
                if let v = getenv(k) { return .str(String(cString: v)) }
                return args.count > 1 ? args[1] : .none
            }),
            "makedirs": .builtin(PyBuiltin("makedirs") { rt, _, args, kw in
                let a = try Arguments("makedirs", args, kw, ["name", "mode=", "exist_ok="])
                guard let path = try a.str(0) else { throw typeError("makedirs() path must be str") }
                let existOK = try a[2].map { try rt.truthy($0) } ?? false
                var st = stat()
                if stat(path, &st) == 0 {
                    if existOK { return .none }
                    throw pyErr(ExcTypes.fileExistsError, "[Errno 17] File exists: \(strRepr(path))")
                }
                var cur = path.hasPrefix("/") ? "" : "."
                for comp in path.split(separator: "/") {
                    cur += "/" + comp
                    if stat(cur, &st) != 0 && mkdir(cur, 0o777) != 0 {
                        throw pyErr(ExcTypes.osError, "cannot create directory \(strRepr(cur))")
                    }
                }
                return .none
            }),
            "listdir": .builtin(PyBuiltin("listdir") { _, _, args, _ in
                var path = "."
                if case .str(let p)? = args.first { path = p }
                guard let dir = opendir(path) else { throw pyErr(ExcTypes.fileNotFoundError, "[Errno 2] No such file or directory: \(strRepr(path))") }
                defer { closedir(dir) }
                var out: [Value] = []
                while let ent = readdir(dir) {
                    let name = withUnsafePointer(to: ent.pointee.d_name) { $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) } }
                    if name != "." && name != ".." { out.append(.str(name)) }
                }
                return .list(PyList(out))
            }),
            "remove": .builtin(PyBuiltin("remove") { _, _, args, _ in
                guard case .str(let p)? = args.first else { throw typeError("remove() argument must be str") }
                if unlink(p) != 0 { throw pyErr(ExcTypes.fileNotFoundError, "[Errno 2] No such file or directory: \(strRepr(p))") }
                return .none
            }),
        ]
    }
}
