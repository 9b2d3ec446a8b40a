import Interpreter
import Tensor

/// The arguments of one call of a binding, bound once to a PyTorch-style signature.
///
/// `params` lists the parameter names in PyTorch's order; a name starting with `*` collects the
/// remaining positional arguments (`x.view(2, 3)` and `x.view((2, 3))` both work through
/// `shape`), and names after a bare `"*"` are keyword-only. Unknown keywords, duplicates and
/// surplus positionals raise the TypeError PyTorch would.
struct Args {
    let fname: String
    /// The runtime for iterating generic iterables and calling back; nil for module calls.
    let rt: Runtime?
    private var bound: [String: Value] = [:]
    /// Extra positionals collected by a `*name` parameter.
    private(set) var rest: [Value] = []

    init(_ fname: String, _ params: [String], _ args: [Value], _ kw: [(String, Value)], _ rt: Runtime?) throws {
        self.fname = fname
        self.rt = rt
        var positional: [String] = []
        var names: [String] = []
        var star: String? = nil
        var kwOnly = false
        for p in params {
            if p == "*" { kwOnly = true; continue }
            if p.hasPrefix("*") { star = String(p.dropFirst()); kwOnly = true; continue }
            names.append(p)
            if !kwOnly { positional.append(p) }
        }
        for (i, a) in args.enumerated() {
            if i < positional.count {
                bound[positional[i]] = a
            } else if star != nil {
                rest.append(a)
            } else {
                throw ScriptError("TypeError", "\(fname)() takes \(positional.count) positional argument"
                    + "\(positional.count == 1 ? "" : "s") but \(args.count) were given")
            }
        }
        for (k, v) in kw {
            guard names.contains(k) || k == star else {
                throw ScriptError("TypeError", "\(fname)() got an unexpected keyword argument '\(k)'")
            }
            if bound[k] != nil { throw ScriptError("TypeError", "\(fname)() got multiple values for argument '\(k)'") }
            bound[k] = v
        }
    }

    // MARK: Raw access

    /// The argument, or nil when it was not given or is None.
    func value(_ name: String) -> Value? {
        guard let v = bound[name] else { return nil }
        if case .none = v { return nil }
        return v
    }

    func has(_ name: String) -> Bool { value(name) != nil }

    func required(_ name: String) throws -> Value {
        guard let v = value(name) else {
            throw ScriptError("TypeError", "\(fname)() missing required argument '\(name)'")
        }
        return v
    }

    private func wrong(_ name: String, _ want: String, _ v: Value) -> ScriptError {
        ScriptError("TypeError", "\(fname)(): argument '\(name)' must be \(want), not \(Convert.typeName(v))")
    }

    // MARK: Typed access

    func tensor(_ name: String) throws -> Tensor { try Convert.tensor(try required(name), what: "\(fname)(): argument '\(name)'") }

    func optTensor(_ name: String) throws -> Tensor? {
        try value(name).map { try Convert.tensor($0, what: "\(fname)(): argument '\(name)'") }
    }

    func int(_ name: String, _ dflt: Int? = nil) throws -> Int {
        guard let v = value(name) else {
            if let d = dflt { return d }
            _ = try required(name)
            return 0
        }
        guard let n = Convert.int(v) else { throw wrong(name, "int", v) }
        return n
    }

    func optInt(_ name: String) throws -> Int? { has(name) ? try int(name) : nil }

    func double(_ name: String, _ dflt: Double? = nil) throws -> Double {
        guard let v = value(name) else {
            if let d = dflt { return d }
            _ = try required(name)
            return 0
        }
        guard let d = Convert.double(v) else { throw wrong(name, "float", v) }
        return d
    }

    func optDouble(_ name: String) throws -> Double? { has(name) ? try double(name) : nil }

    func bool(_ name: String, _ dflt: Bool) throws -> Bool {
        guard let v = value(name) else { return dflt }
        switch v {
        case .bool(let b): return b
        case .int(let n): return n != 0
        default: throw wrong(name, "bool", v)
        }
    }

    func string(_ name: String, _ dflt: String) throws -> String {
        guard let v = value(name) else { return dflt }
        guard case .str(let s) = v else { throw wrong(name, "str", v) }
        return s
    }

    /// An int or a sequence of ints (`dim=(0, 2)`, `torch.Size`), nil when absent.
    func ints(_ name: String) throws -> [Int]? {
        guard let v = value(name) else { return nil }
        guard let xs = try Convert.ints(v) else { throw wrong(name, "int or tuple of ints", v) }
        return xs
    }

    /// A shape given as varargs or as one sequence: `view(2, -1)`, `view((2, -1))`, `zeros(size=(2,))`.
    func shape(_ name: String) throws -> [Int] {
        if let v = value(name) {
            guard let xs = try Convert.ints(v) else { throw wrong(name, "tuple of ints", v) }
            if rest.isEmpty { return xs }
            var out = xs
            for r in rest {
                guard let n = Convert.int(r) else { throw wrong(name, "tuple of ints", r) }
                out.append(n)
            }
            return out
        }
        if rest.count == 1, let xs = try Convert.ints(rest[0]) { return xs }
        return try rest.map { r in
            guard let n = Convert.int(r) else { throw wrong(name, "tuple of ints", r) }
            return n
        }
    }

    /// A list or tuple of tensors (`torch.cat([a, b])`).
    func tensors(_ name: String) throws -> [Tensor] {
        let v = try required(name)
        guard let items = try rt?.toArray(v) ?? Convert.items(v) else {
            throw ScriptError("TypeError", "\(fname)(): argument '\(name)' must be a sequence of Tensors, not \(Convert.typeName(v))")
        }
        return try items.map { try Convert.tensor($0, what: "\(fname)(): argument '\(name)'") }
    }

    /// `dtype=torch.long` and friends, nil when absent.
    func dtype(_ name: String = "dtype") throws -> DType? {
        guard let v = value(name) else { return nil }
        return try Convert.dtype(v)
    }

    /// Accepts `device="cpu"` / `torch.device("cpu")`; refuses CUDA and other devices clearly.
    func checkDevice(_ name: String = "device") throws {
        guard let v = value(name) else { return }
        try Convert.checkDevice(v)
    }
}
