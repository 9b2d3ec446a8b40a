import Tensor

/// Values of the golden-case expression evaluator.
indirect enum PyValue {
    case tensor(Tensor)
    case int(Int)
    case float(Double)
    case bool(Bool)
    case str(String)
    case none
    case list([PyValue])
    case tuple([PyValue])
    case slice(Int?, Int?, Int?)
    case ellipsis
    /// A module or function reached by attribute access (`torch.nn.functional`).
    case path(String)
    /// A bound tensor method (`x.reshape`).
    case method(Tensor, String)
    case dict([(String, PyValue)])
    case module(Module)
    case optimizer(Optimizer)
    case lambda([String], PyExpr)
    case packed(PackedSequence)
}

/// The op is not (yet) available in mrsh: counted as "not implemented" by the runner.
struct NotImplemented: Error { let what: String }

/// Positional and keyword arguments of one call, with typed accessors by position or name.
struct PyArgs {
    var pos: [PyValue]
    var kw: [String: PyValue]

    func value(_ i: Int, _ name: String) -> PyValue? {
        if i >= 0 && i < pos.count {
            if case .none = pos[i] { return nil }
            return pos[i]
        }
        if let v = kw[name], case .none = v { return nil }
        return kw[name]
    }

    func tensor(_ i: Int, _ name: String) throws -> Tensor {
        guard let v = value(i, name) else { throw PyParseError(message: "missing argument \(name)") }
        return try PyEval.toTensor(v)
    }

    func optTensor(_ i: Int, _ name: String) throws -> Tensor? {
        try value(i, name).map { try PyEval.toTensor($0) }
    }

    func int(_ i: Int, _ name: String, _ dflt: Int? = nil) throws -> Int {
        guard let v = value(i, name) else {
            if let d = dflt { return d }
            throw PyParseError(message: "missing argument \(name)")
        }
        guard case .int(let n) = v else { throw PyParseError(message: "\(name) must be an int") }
        return n
    }

    func optInt(_ i: Int, _ name: String) throws -> Int? {
        value(i, name) == nil ? nil : try int(i, name)
    }

    func double(_ i: Int, _ name: String, _ dflt: Double? = nil) throws -> Double {
        switch value(i, name) {
        case .int(let n)?: return Double(n)
        case .float(let d)?: return d
        case .bool(let b)?: return b ? 1 : 0
        case nil:
            if let d = dflt { return d }
            throw PyParseError(message: "missing argument \(name)")
        default: throw PyParseError(message: "\(name) must be a number")
        }
    }

    func optDouble(_ i: Int, _ name: String) throws -> Double? {
        value(i, name) == nil ? nil : try double(i, name)
    }

    func bool(_ i: Int, _ name: String, _ dflt: Bool) throws -> Bool {
        switch value(i, name) {
        case .bool(let b)?: return b
        case .int(let n)?: return n != 0
        case nil: return dflt
        default: throw PyParseError(message: "\(name) must be a bool")
        }
    }

    func string(_ i: Int, _ name: String, _ dflt: String) throws -> String {
        switch value(i, name) {
        case .str(let s)?: return s
        case nil: return dflt
        default: throw PyParseError(message: "\(name) must be a string")
        }
    }

    /// An int or a tuple/list of ints (`dim=(0, 2)`), nil when absent.
    func ints(_ i: Int, _ name: String) throws -> [Int]? {
        guard let v = value(i, name) else { return nil }
        return try PyEval.toInts(v)
    }

    /// Shape-like varargs: `reshape((6, -1))` or `reshape(6, -1)`.
    func shapeArgs(from i: Int, _ name: String) throws -> [Int] {
        if pos.count > i + 1 { return try pos[i...].map { try PyEval.toInts($0)[0] } }
        guard let v = value(i, name) else { throw PyParseError(message: "missing argument \(name)") }
        return try PyEval.toInts(v)
    }
}

/// Evaluates a parsed `call` with the case's inputs bound as names.
struct PyEval {
    var env: [String: PyValue]
    let functions: [String: (PyArgs) throws -> PyValue]

    func eval(_ e: PyExpr) throws -> PyValue {
        switch e {
        case .name(let n):
            switch n {
            case "None": return .none
            case "True": return .bool(true)
            case "False": return .bool(false)
            default: return env[n] ?? .path(n)
            }
        case .int(let v): return .int(v)
        case .float(let v): return .float(v)
        case .str(let s): return .str(s)
        case .ellipsis: return .ellipsis
        case .tuple(let items): return .tuple(try items.map(eval))
        case .dict(let pairs):
            return .dict(try pairs.map { k, v in
                guard case .str(let key) = try eval(k) else { throw NotImplemented(what: "non-string dict key") }
                return (key, try eval(v))
            })
        case .lambda(let params, let body): return .lambda(params, body)
        case .list(let items): return .list(try items.map(eval))
        case .attr(let base, let name):
            switch try eval(base) {
            case .path(let p): return .path(p + "." + name)
            case .tensor(let t): return try attribute(t, name)
            default: throw NotImplemented(what: "attribute .\(name)")
            }
        case .call(let f, let args, let kwargs):
            var kw: [String: PyValue] = [:]
            for (k, v) in kwargs { kw[k] = try eval(v) }
            var a = PyArgs(pos: try args.map(eval), kw: kw)
            let name: String
            switch try eval(f) {
            case .path(let p): name = PyEval.normalize(p)
            case .method(let t, let m):
                name = "Tensor." + m
                a.pos.insert(.tensor(t), at: 0)
            case .module(let m):
                return try GoldenModules.call(m, a)
            case .lambda(let params, let body):
                var inner = self
                for (p, v) in zip(params, a.pos) { inner.env[p] = v }
                return try inner.eval(body)
            default: throw NotImplemented(what: "call of a non-function")
            }
            guard let fn = functions[name] else { throw NotImplemented(what: name) }
            return try fn(a)
        case .subscr(let base, let items):
            let b = try eval(base)
            if case .tuple(let xs) = b, items.count == 1, case .int(let i) = try eval(items[0]) {
                return xs[i < 0 ? i + xs.count : i]
            }
            guard case .tensor(let t) = b else { throw NotImplemented(what: "subscript of a non-tensor") }
            return .tensor(try t.index(try items.map { try indexItem($0) }))
        case .slice:
            throw PyParseError(message: "slice outside a subscript")
        case .unary(let op, let x):
            let v = try eval(x)
            if op == "-" {
                switch v {
                case .int(let n): return .int(-n)
                case .float(let d): return .float(-d)
                default: return .tensor(try PyEval.toTensor(v).neg())
                }
            }
            return .tensor(try PyEval.toTensor(v).logicalNot())
        case .binary(let op, let l, let r):
            return try binary(op, try eval(l), try eval(r))
        }
    }

    private func attribute(_ t: Tensor, _ name: String) throws -> PyValue {
        switch name {
        case "T": return .tensor(try t.permute(Array((0..<t.ndim).reversed())))
        case "shape": return .tuple(t.shape.map { .int($0) })
        default: return .method(t, name)
        }
    }

    private func indexItem(_ e: PyExpr) throws -> TensorIndex {
        if case .slice(let a, let b, let c) = e {
            func bound(_ x: PyExpr?) throws -> Int? {
                guard let x = x else { return nil }
                guard case .int(let n) = try eval(x) else { throw PyParseError(message: "slice bounds must be ints") }
                return n
            }
            return .slice(try bound(a), try bound(b), try bound(c))
        }
        switch try eval(e) {
        case .int(let n): return .int(n)
        case .none: return .newAxis
        case .ellipsis: return .ellipsis
        case .tensor(let t): return .tensor(t)
        case .bool(let b): return .tensor(try Tensor(bools: [b], shape: []))
        default: throw NotImplemented(what: "index item")
        }
    }

    private func binary(_ op: String, _ l: PyValue, _ r: PyValue) throws -> PyValue {
        if case .int(let a) = l, case .int(let b) = r, op != "/" && op != "**" {
            switch op {
            case "+": return .int(a + b)
            case "-": return .int(a - b)
            case "*": return .int(a * b)
            default: break
            }
        }
        let a = try PyEval.toTensor(l), b = try PyEval.toTensor(r)
        switch op {
        case "+": return .tensor(try a.add(b))
        case "-": return .tensor(try a.sub(b))
        case "*": return .tensor(try a.mul(b))
        case "/": return .tensor(try a.div(b))
        case "**": return .tensor(try a.pow(b))
        case "@": return .tensor(try a.matmul(b))
        case "//": return .tensor(try a.floorDivide(b))
        case "%": return .tensor(try a.remainder(b))
        case "==": return .tensor(try a.eq(b))
        case "!=": return .tensor(try a.ne(b))
        case "<": return .tensor(try a.lt(b))
        case "<=": return .tensor(try a.le(b))
        case ">": return .tensor(try a.gt(b))
        case ">=": return .tensor(try a.ge(b))
        case "&": return .tensor(try a.logicalAnd(b))
        case "|": return .tensor(try a.logicalOr(b))
        default: throw NotImplemented(what: "operator \(op)")
        }
    }

    /// `torch.nn.functional.x` and `F.x` name the same function.
    static func normalize(_ path: String) -> String {
        if path.hasPrefix("torch.nn.functional.") { return "F." + path.dropFirst("torch.nn.functional.".count) }
        return path
    }

    static func toTensor(_ v: PyValue) throws -> Tensor {
        switch v {
        case .tensor(let t): return t
        case .int(let n): return Tensor.scalar(n)
        case .float(let d): return Tensor.scalar(d)
        case .bool(let b): return try Tensor(bools: [b], shape: [])
        default: throw PyParseError(message: "expected a tensor or number")
        }
    }

    static func toInts(_ v: PyValue) throws -> [Int] {
        switch v {
        case .int(let n): return [n]
        case .tuple(let xs), .list(let xs): return try xs.map { try toInts($0)[0] }
        default: throw PyParseError(message: "expected ints")
        }
    }

    static func toDouble(_ v: PyValue) throws -> Double {
        switch v {
        case .int(let n): return Double(n)
        case .float(let d): return d
        default: throw PyParseError(message: "expected a number")
        }
    }

    /// Tensors of a (nested) result in depth-first order; `None` becomes nil.
    static func flatten(_ v: PyValue) -> [Tensor?] {
        switch v {
        case .tensor(let t): return [t]
        case .none: return [nil]
        case .tuple(let xs), .list(let xs): return xs.flatMap(flatten)
        case .int(let n): return [Tensor.scalar(n)]
        case .float(let d): return [Tensor.scalar(d)]
        default: return [nil]
        }
    }
}
