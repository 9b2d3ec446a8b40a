/// Unpacking of built-in arguments: declare the signature once, get values or CPython's TypeError.
struct Arguments {
    let fname: String
    let values: [Value?]

    /// Binds positional and keyword arguments to `params` ("name", "name=" optional, "*" ends positionals).
    init(_ fname: String, _ args: [Value], _ kw: [(String, Value)], _ params: [String]) throws {
        self.fname = fname
        let names = params.map { $0.hasSuffix("=") ? String($0.dropLast()) : $0 }
        var vals = [Value?](repeating: nil, count: params.count)
        if args.count > params.count {
            throw typeError("\(fname)() takes at most \(params.count) argument\(params.count == 1 ? "" : "s") (\(args.count) given)")
        }
        for (i, a) in args.enumerated() { vals[i] = a }
        for (k, v) in kw {
            guard let i = names.firstIndex(of: k) else { throw typeError("\(fname)() got an unexpected keyword argument '\(k)'") }
            if vals[i] != nil { throw typeError("\(fname)() got multiple values for argument '\(k)'") }
            vals[i] = v
        }
        for (i, p) in params.enumerated() where !p.hasSuffix("=") && vals[i] == nil {
            throw typeError("\(fname)() missing required argument '\(p)' (pos \(i + 1))")
        }
        values = vals
    }

    subscript(_ i: Int) -> Value? { values[i] }

    func int(_ i: Int, _ def: Int) throws -> Int {
        guard let v = values[i], !v.isNone else { return def }
        return try intValue(v, fname)
    }

    func str(_ i: Int) throws -> String? {
        guard let v = values[i], !v.isNone else { return nil }
        guard case .str(let s) = v else { throw typeError("\(fname)() argument must be str, not \(typeName(v))") }
        return s
    }
}

/// The int of a value that must be an integer (bools count), else TypeError.
func intValue(_ v: Value, _ ctx: String) throws -> Int {
    switch v {
    case .int(let i): return i
    case .bool(let b): return b ? 1 : 0
    default: throw typeError("'\(typeName(v))' object cannot be interpreted as an integer")
    }
}

/// A number as Double (int, bool, float), else TypeError.
func doubleValue(_ v: Value, _ ctx: String) throws -> Double {
    switch v {
    case .int(let i): return Double(i)
    case .bool(let b): return b ? 1 : 0
    case .float(let d): return d
    default: throw typeError("must be real number, not \(typeName(v))")
    }
}

func expectCount(_ name: String, _ args: [Value], _ lo: Int, _ hi: Int) throws {
    if args.count < lo || args.count > hi {
        if lo == hi { throw typeError("\(name)() takes exactly \(lo) argument\(lo == 1 ? "" : "s") (\(args.count) given)") }
        if args.count < lo { throw typeError("\(name)() takes at least \(lo) argument\(lo == 1 ? "" : "s") (\(args.count) given)") }
        throw typeError("\(name)() takes at most \(hi) argument\(hi == 1 ? "" : "s") (\(args.count) given)")
    }
}

func noKeywords(_ name: String, _ kw: [(String, Value)]) throws {
    if !kw.isEmpty { throw typeError("\(name)() takes no keyword arguments") }
}
