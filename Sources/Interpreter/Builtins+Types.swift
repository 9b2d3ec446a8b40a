import Glibc

/// Numeric built-ins (round, divmod, pow) and the constructors of the built-in types.
extension Runtime {
    func installNumericBuiltins(_ def: (String, @escaping BuiltinFn) -> Void) {
        def("round") { rt, _, args, kw in
            let a = try Arguments("round", args, kw, ["number", "ndigits="])
            let nd = a[1].flatMap { $0.isNone ? nil : $0 }
            switch a[0]! {
            case .int(let i):
                guard let n = nd else { return .int(i) }
                return .int(roundInt(i, try intValue(n, "round")))
            case .bool(let b):
                return .int(b ? 1 : 0)
            case .float(let d):
                guard let n = nd else {
                    guard d.isFinite else { throw d.isNaN ? valueError("cannot convert float NaN to integer") : overflowError("cannot convert float infinity to integer") }
                    let r = d.rounded(.toNearestOrEven)
                    guard r.magnitude < 9.2e18 else { throw overflowError("result does not fit a 64-bit int") }
                    return .int(Int(r))
                }
                return .float(roundFloat(d, try intValue(n, "round")))
            case .instance(let inst):
                if let m = inst.cls.lookup("__round__") { return try rt.call(m, [a[0]!] + (nd.map { [$0] } ?? []), []) }
            default: break
            }
            throw typeError("type \(typeName(a[0]!)) doesn't define __round__ method")
        }
        def("divmod") { rt, _, args, _ in
            try expectCount("divmod", args, 2, 2)
            return .tuple([try rt.binary(.floordiv, args[0], args[1]), try rt.binary(.mod, args[0], args[1])])
        }
        def("pow") { rt, _, args, _ in
            try expectCount("pow", args, 2, 3)
            if args.count == 3 {
                var b = try intValue(args[0], "pow"), e = try intValue(args[1], "pow")
                let m = try intValue(args[2], "pow")
                if m == 0 { throw valueError("pow() 3rd argument cannot be 0") }
                if e < 0 { throw valueError("pow() negative exponent with modulus is not supported by mrsh") }
                var r = 1 % m
                b = floorMod(b, m)
                while e > 0 {
                    if e & 1 == 1 { r = Int((Int64(r).multipliedFullWidth(by: Int64(b))).low % UInt64(m.magnitude)) }
                    b = Int((Int64(b).multipliedFullWidth(by: Int64(b))).low % UInt64(m.magnitude))
                    e >>= 1
                }
                return .int(floorMod(r, m))
            }
            return try rt.binary(.pow, args[0], args[1])
        }
    }

    func installTypeConstructors() {
        BuiltinTypes.int.construct = { rt, _, args, kw in
            let a = try Arguments("int", args, kw, ["x=", "base="])
            guard let x = a[0] else { return .int(0) }
            if let b = a[1] {
                guard case .str(let s) = x else { throw typeError("int() can't convert non-string with explicit base") }
                return .int(try parseInt(s, base: try intValue(b, "int")))
            }
            return .int(try rt.toInt(x))
        }
        BuiltinTypes.bool.construct = { rt, _, args, _ in
            try expectCount("bool", args, 0, 1)
            return .bool(args.isEmpty ? false : try rt.truthy(args[0]))
        }
        BuiltinTypes.float.construct = { rt, _, args, _ in
            try expectCount("float", args, 0, 1)
            guard let x = args.first else { return .float(0) }
            switch x {
            case .float: return x
            case .int(let i): return .float(Double(i))
            case .bool(let b): return .float(b ? 1 : 0)
            case .str(let s): return .float(try parseFloat(s))
            case .instance(let inst):
                if let m = inst.cls.lookup("__float__") { return try rt.call(m, [x], []) }
            case .host(let h):
                if let m = try h.getAttribute("item") { return .float(try doubleValue(try rt.call(m, [], []), "float")) }
            default: break
            }
            throw typeError("float() argument must be a string or a real number, not '\(typeName(x))'")
        }
        BuiltinTypes.str.construct = { rt, _, args, _ in
            try expectCount("str", args, 0, 1)
            return .str(args.isEmpty ? "" : try rt.str(args[0]))
        }
        BuiltinTypes.list.construct = { rt, _, args, _ in
            try expectCount("list", args, 0, 1)
            return .list(PyList(args.isEmpty ? [] : try rt.toArray(args[0])))
        }
        BuiltinTypes.tuple.construct = { rt, _, args, _ in
            try expectCount("tuple", args, 0, 1)
            if case .tuple? = args.first { return args[0] }
            return .tuple(args.isEmpty ? [] : try rt.toArray(args[0]))
        }
        BuiltinTypes.set.construct = { rt, _, args, _ in
            try expectCount("set", args, 0, 1)
            let s = PySet()
            if let x = args.first { for v in try rt.toArray(x) { try rt.checkHashable(v); s.add(v) } }
            return .set(s)
        }
        BuiltinTypes.dict.construct = { rt, _, args, kw in
            try expectCount("dict", args, 0, 1)
            let d = PyDict()
            if let x = args.first { try rt.dictUpdate(d, x) }
            for (k, v) in kw { d.set(.str(k), v) }
            return .dict(d)
        }
        BuiltinTypes.range.construct = { _, _, args, kw in
            try noKeywords("range", kw)
            try expectCount("range", args, 1, 3)
            let ints = try args.map { try intValue($0, "range") }
            let (start, stop, step) = ints.count == 1 ? (0, ints[0], 1) : (ints[0], ints[1], ints.count == 3 ? ints[2] : 1)
            if step == 0 { throw valueError("range() arg 3 must not be zero") }
            return .range(PyRange(start, stop, step))
        }
        BuiltinTypes.type.construct = { _, _, args, _ in
            guard args.count == 1 else { throw typeError("type() takes 1 argument in mrsh") }
            return .type(typeOf(args[0]))
        }
        BuiltinTypes.object.construct = { _, _, _, _ in .instance(PyInstance(PyClass(name: "object", base: nil))) }
        BuiltinTypes.slice.construct = { _, _, args, _ in
            try expectCount("slice", args, 1, 3)
            if args.count == 1 { return .slice(PySlice(.none, args[0], .none)) }
            return .slice(PySlice(args[0], args[1], args.count == 3 ? args[2] : .none))
        }
    }

    func toInt(_ x: Value) throws -> Int {
        switch x {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        case .float(let d):
            guard d.isFinite else { throw d.isNaN ? valueError("cannot convert float NaN to integer") : overflowError("cannot convert float infinity to integer") }
            guard d.magnitude < 9.223372036854775807e18 else { throw overflowError("int too large for a 64-bit int") }
            return Int(d)
        case .str(let s): return try parseInt(s, base: 10)
        case .instance(let inst):
            if let m = inst.cls.lookup("__int__") { return try toInt(try call(m, [x], [])) }
        case .host(let h):
            if let m = try h.getAttribute("item") { return try toInt(try call(m, [], [])) }
        default: break
        }
        throw typeError("int() argument must be a string, a bytes-like object or a real number, not '\(typeName(x))'")
    }

    func dictUpdate(_ d: PyDict, _ x: Value) throws {
        if case .dict(let src) = x { for (k, v) in src.items { d.set(k, v) }; return }
        for (n, item) in try toArray(x).enumerated() {
            let pair = try toArray(item)
            guard pair.count == 2 else {
                throw valueError("dictionary update sequence element #\(n) has length \(pair.count); 2 is required")
            }
            try checkHashable(pair[0])
            d.set(pair[0], pair[1])
        }
    }
}

/// `int(s, base)` with Python's rules: whitespace, sign, `_` between digits, base prefixes.
func parseInt(_ s: String, base: Int) throws -> Int {
    guard base == 0 || (2...36).contains(base) else { throw valueError("int() base must be >= 2 and <= 36, or 0") }
    let err = valueError("invalid literal for int() with base \(base): \(strRepr(s))")
    var t = Substring(s.trimmingSpaces())
    var neg = false
    if let f = t.first, f == "+" || f == "-" { neg = f == "-"; t = t.dropFirst() }
    var b = base
    let lower = t.lowercased()
    for (p, pb) in [("0x", 16), ("0o", 8), ("0b", 2)] where lower.hasPrefix(p) && (b == pb || b == 0) {
        b = pb
        t = t.dropFirst(2)
        if t.first == "_" { t = t.dropFirst() }
    }
    if b == 0 { b = 10 }
    guard !t.isEmpty, t.first != "_", t.last != "_", !t.contains("__") else { throw err }
    let digits = t.filter { $0 != "_" }
    guard let v = Int(digits, radix: b) else {
        if digits.allSatisfy({ $0.isHexDigit || $0.isLetter }) && !digits.isEmpty && digits.allSatisfy({ Int(String($0), radix: b) != nil }) {
            throw overflowError("int too large for a 64-bit int")
        }
        throw err
    }
    return neg ? -v : v
}

/// `float(s)`: decimal literals with `_` between digits, inf/nan spellings.
func parseFloat(_ s: String) throws -> Double {
    let t = s.trimmingSpaces()
    let lower = t.lowercased()
    var body = Substring(lower)
    var sign = 1.0
    if let f = body.first, f == "+" || f == "-" { sign = f == "-" ? -1 : 1; body = body.dropFirst() }
    if body == "inf" || body == "infinity" { return sign * Double.infinity }
    if body == "nan" { return Double.nan }
    let err = valueError("could not convert string to float: \(strRepr(s))")
    guard !body.isEmpty, body.allSatisfy({ "0123456789._e+-".contains($0) }), !body.contains("__"),
          body.first != "_", body.last != "_" else { throw err }
    let chars = Array(body)
    for (i, c) in chars.enumerated() where c == "_" {
        guard i > 0, i + 1 < chars.count, chars[i - 1].isASCII, chars[i - 1].isNumber, chars[i + 1].isASCII, chars[i + 1].isNumber else { throw err }
    }
    guard let d = Double(String(body.filter { $0 != "_" })) else { throw err }
    return sign * d
}

/// round(int, ndigits) with half-to-even.
func roundInt(_ i: Int, _ nd: Int) -> Int {
    guard nd < 0 else { return i }
    if nd < -18 { return 0 }
    var m = 1
    for _ in 0..<(-nd) { m *= 10 }
    var q = floorDiv(i, m)
    let r = i - q * m
    if 2 * r > m || (2 * r == m && q & 1 == 1) { q += 1 }
    return q * m
}

/// round(float, ndigits): correctly rounded through the C library, as CPython.
func roundFloat(_ d: Double, _ nd: Int) -> Double {
    guard d.isFinite else { return d }
    if nd > 300 { return d }
    if nd >= 0 { return Double(cFormat(d, "f", precision: nd)) ?? d }
    let p = Glibc.pow(10.0, Double(-nd))
    let r = (d / p).rounded(.toNearestOrEven) * p
    return r == 0 ? copysign(0, d) : r
}
