import Glibc

/// `repr(float)`: the shortest string that round-trips, in Python's layout (`1e-05`, `1e+16`,
/// `100.0`, `inf`, `nan`).
func floatRepr(_ d: Double) -> String {
    if d.isNaN { return "nan" }
    if d.isInfinite { return d < 0 ? "-inf" : "inf" }
    if d == 0 { return d.sign == .minus ? "-0.0" : "0.0" }
    var text = d.magnitude.description
    var exp = 0
    if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
        exp = Int(text[text.index(after: e)...]) ?? 0
        text = String(text[..<e])
    }
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    let intPart = String(parts[0])
    let frac = parts.count > 1 ? String(parts[1]) : ""
    var digits = Array(intPart + frac)
    var e10 = intPart.count - 1 + exp
    while digits.count > 1 && digits.first == "0" { digits.removeFirst(); e10 -= 1 }
    while digits.count > 1 && digits.last == "0" { digits.removeLast() }
    let sign = d < 0 ? "-" : ""
    if e10 >= -5 + 1 && e10 < 16 {
        if e10 >= 0 {
            var ip = String(digits.prefix(e10 + 1))
            if ip.count < e10 + 1 { ip += String(repeating: "0", count: e10 + 1 - ip.count) }
            let fp = digits.count > e10 + 1 ? String(digits[(e10 + 1)...]) : "0"
            return sign + ip + "." + fp
        }
        return sign + "0." + String(repeating: "0", count: -e10 - 1) + String(digits)
    }
    let mant = digits.count > 1 ? String(digits[0]) + "." + String(digits[1...]) : String(digits[0])
    let es = e10 < 0 ? "-" : "+"
    let ev = abs(e10)
    return sign + mant + "e" + es + (ev < 10 ? "0" : "") + String(ev)
}

/// glibc's `strfromd` (ISO C2x), found at run time: it formats one double like printf without
/// the cost of Swift's C varargs bridging. Nil if the C library lacks it.
private let strfromdFunction: (@convention(c) (UnsafeMutablePointer<CChar>?, Int, UnsafePointer<CChar>?, Double) -> Int32)? = {
    guard let sym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "strfromd") else { return nil }
    return unsafeBitCast(sym, to: (@convention(c) (UnsafeMutablePointer<CChar>?, Int, UnsafePointer<CChar>?, Double) -> Int32).self)
}()

/// printf-style formatting of one double through the C library (correctly rounded, as CPython).
func cFormat(_ d: Double, _ conv: Character, precision: Int, alternate: Bool = false) -> String {
    if d.isNaN { return conv.isUppercase ? "NAN" : "nan" }
    if d.isInfinite { return (d < 0 ? "-" : "") + (conv.isUppercase ? "INF" : "inf") }
    if conv == "f" || conv == "F", !alternate, let s = fixedPoint(d, precision) { return s }
    if !alternate, let strfromd = strfromdFunction, precision < 400 {
        let fmt = "%." + String(precision) + String(conv)
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 512) { buf -> String in
            let n = Int(strfromd(buf.baseAddress, 512, fmt, d))
            if n < 512 { return String(cString: buf.baseAddress!) }
            var big = [CChar](repeating: 0, count: n + 1)
            _ = strfromd(&big, n + 1, fmt, d)
            return String(cString: big)
        }
    }
    let fmt = "%" + (alternate ? "#" : "") + "." + String(precision) + String(conv)
    var buf = [CChar](repeating: 0, count: 512)
    let n = withVaList([d]) { vsnprintf(&buf, buf.count, fmt, $0) }
    if n >= buf.count {
        buf = [CChar](repeating: 0, count: Int(n) + 1)
        _ = withVaList([d]) { vsnprintf(&buf, buf.count, fmt, $0) }
    }
    return String(cString: buf)
}

/// `repr(str)`: single quotes unless the text has a single quote and no double quote.
func strRepr(_ s: String) -> String {
    let useDouble = s.contains("'") && !s.contains("\"")
    let q: Character = useDouble ? "\"" : "'"
    var out = String(q)
    for u in s.unicodeScalars {
        switch u {
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if Character(u) == q { out += "\\" + String(q); continue }
            if u.value < 0x20 || u.value == 0x7f { out += "\\x" + hex(Int(u.value), 2); continue }
            if u.value >= 0x80 && !isPrintable(u) {
                if u.value <= 0xff { out += "\\x" + hex(Int(u.value), 2) } else if u.value <= 0xffff { out += "\\u" + hex(Int(u.value), 4) } else { out += "\\U" + hex(Int(u.value), 8) }
                continue
            }
            out.unicodeScalars.append(u)
        }
    }
    out.append(q)
    return out
}

/// Python's `str.isprintable` for one character.
func isPrintable(_ u: Unicode.Scalar) -> Bool {
    switch u.properties.generalCategory {
    case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator: return false
    case .spaceSeparator: return u == " "
    default: return true
    }
}

/// Thousands grouping of a run of digits.
func groupDigits(_ digits: String, _ sep: Character, every: Int = 3) -> String {
    var out: [Character] = []
    for (i, c) in digits.reversed().enumerated() {
        if i > 0 && i % every == 0 { out.append(sep) }
        out.append(c)
    }
    return String(out.reversed())
}

extension Runtime {
    /// `repr(v)`, calling `__repr__` on user instances.
    public func repr(_ v: Value) throws -> String {
        switch v {
        case .list, .dict, .set, .tuple:
            // Self-containing containers print as `[...]`, as CPython's Py_ReprEnter does.
            let id = identity(v)
            if let i = id, reprActive.contains(i) {
                if case .dict = v { return "{...}" }
                return "[...]"
            }
            depth += 1
            defer { depth -= 1 }
            if depth > recursionLimit { throw pyErr(ExcTypes.recursionError, "maximum recursion depth exceeded while getting the repr of an object") }
            if let i = id { reprActive.insert(i) }
            defer { if let i = id { reprActive.remove(i) } }
            return try containerRepr(v)
        default:
            return try scalarRepr(v)
        }
    }

    private func containerRepr(_ v: Value) throws -> String {
        switch v {
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .float(let d): return floatRepr(d)
        case .str(let s): return strRepr(s)
        case .list(let l): return "[" + (try l.items.map { try repr($0) }.joined(separator: ", ")) + "]"
        case .tuple(let t):
            if t.count == 1 { return "(" + (try repr(t[0])) + ",)" }
            return "(" + (try t.map { try repr($0) }.joined(separator: ", ")) + ")"
        case .dict(let d):
            return "{" + (try d.items.map { try repr($0.0) + ": " + repr($0.1) }.joined(separator: ", ")) + "}"
        case .set(let s):
            if s.count == 0 { return "set()" }
            return "{" + (try s.elements.map { try repr($0) }.joined(separator: ", ")) + "}"
        default:
            return try scalarRepr(v)
        }
    }

    private func scalarRepr(_ v: Value) throws -> String {
        switch v {
        case .list, .tuple, .dict, .set, .none, .bool, .int, .float, .str: return try containerRepr(v)
        case .range(let r):
            return r.step == 1 ? "range(\(r.start), \(r.stop))" : "range(\(r.start), \(r.stop), \(r.step))"
        case .slice(let s): return "slice(\(try repr(s.start)), \(try repr(s.stop)), \(try repr(s.step)))"
        case .function(let f): return "<function \(f.qualname) at 0x\(hex(addressOf(f), 12))>"
        case .builtin(let b):
            if b.bound != nil { return "<built-in method \(b.name) of \(typeName(b.bound!)) object>" }
            return "<built-in function \(b.name)>"
        case .boundMethod(let m):
            let fname: String
            if case .function(let f) = m.function { fname = f.qualname } else { fname = "?" }
            return "<bound method \(fname) of \(try repr(m.receiver))>"
        case .type(let c):
            if c.isBuiltin { return "<class '\(c.name)'>" }
            return "<class '__main__.\(c.name)'>"
        case .instance(let inst):
            if let m = inst.cls.lookup("__repr__") { return try reprResult(try call(m, [v], []), "__repr__") }
            if let d = inst.exc { return inst.cls.name + "(" + (try d.args.map { try repr($0) }.joined(separator: ", ")) + ")" }
            if let h = inst.host { return h.repr() }
            return "<__main__.\(inst.cls.name) object at 0x\(hex(addressOf(inst), 12))>"
        case .module(let m): return "<module '\(m.name)' (built-in)>"
        case .iterator(let it) where it.viewName != nil:
            return it.viewName! + "([" + (try (it.viewItems ?? []).map { try repr($0) }.joined(separator: ", ")) + "])"
        case .iterator(let it): return "<iterator object at 0x\(hex(addressOf(it), 12))>"
        case .host(let h): return h.repr()
        case .superProxy(let s): return "<super: <class '\(s.start.name)'>, <\(typeName(s.receiver)) object>>"
        case .descriptor(let d): return "<\(d.kind.rawValue) object at 0x\(hex(addressOf(d), 12))>"
        case .unbound: return "<unbound>"
        }
    }

    private func reprResult(_ r: Value, _ name: String) throws -> String {
        guard case .str(let s) = r else { throw typeError("\(name) returned non-string (type \(typeName(r)))") }
        return s
    }

    /// `str(v)`, calling `__str__` (then `__repr__`) on user instances.
    public func str(_ v: Value) throws -> String {
        switch v {
        case .str(let s): return s
        case .instance(let inst):
            if let m = inst.cls.lookup("__str__") { return try reprResult(try call(m, [v], []), "__str__") }
            if inst.exc != nil && inst.cls.lookup("__repr__") == nil { return exceptionMessage(inst, self) }
            if let h = inst.host, inst.cls.lookup("__repr__") == nil { return h.str() }
            return try repr(v)
        case .host(let h): return h.str()
        default: return try repr(v)
        }
    }
}

func addressOf(_ o: AnyObject) -> Int { Int(bitPattern: UInt(bitPattern: ObjectIdentifier(o).hashValue)) & 0xffff_ffff_ffff }

/// `%.{p}f` of a finite double without the C library: the exact binary value times 10^p,
/// rounded half to even (as glibc and CPython round), for |d| < 2^63 and p <= 17; nil otherwise.
func fixedPoint(_ d: Double, _ p: Int) -> String? {
    guard d.isFinite, d.magnitude < 9.2e18, p >= 0, p <= 17 else { return nil }
    let neg = d.sign == .minus
    let mag = d.magnitude
    var q: UInt128 = 0
    if mag != 0 {
        let m = UInt128(mag.significandBitPattern | (mag.isNormal ? (1 << 52) : 0))
        let e = mag.isNormal ? Int(mag.exponentBitPattern) - 1075 : -1074
        var pow10: UInt128 = 1
        for _ in 0..<p { pow10 *= 10 }
        if e >= 0 {
            q = (m << UInt128(e)) * pow10
        } else {
            let k = -e
            let num = m * pow10
            if k < 120 {
                q = num >> UInt128(k)
                let r = num & ((1 << UInt128(k)) - 1)
                let half: UInt128 = 1 << UInt128(k - 1)
                if r > half || (r == half && q & 1 == 1) { q += 1 }
            }
        }
    }
    // Digits written backwards into a stack buffer (q < 10^37), with the point p digits from the end.
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { buf -> String in
        var at = 64
        var nd = 0
        while q > UInt128(UInt64.max) {
            let (next, digit) = q.quotientAndRemainder(dividingBy: 10)
            at -= 1
            buf[at] = 48 + UInt8(truncatingIfNeeded: digit)
            q = next
            nd += 1
            if nd == p { at -= 1; buf[at] = 46 }
        }
        // The common case: 64-bit divisions only.
        var q64 = UInt64(q)
        repeat {
            let (next, digit) = q64.quotientAndRemainder(dividingBy: 10)
            at -= 1
            buf[at] = 48 + UInt8(truncatingIfNeeded: digit)
            q64 = next
            nd += 1
            if nd == p { at -= 1; buf[at] = 46 }
        } while q64 != 0 || nd <= p
        if neg { at -= 1; buf[at] = 45 }
        return String(decoding: UnsafeBufferPointer(rebasing: buf[at..<64]), as: UTF8.self)
    }
}
