import Interpreter
import Tensor

/// Conversions between language values and tensor-library values.
enum Convert {
    static func typeName(_ v: Value) -> String {
        switch v {
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .str: return "str"
        case .list: return "list"
        case .tuple: return "tuple"
        case .dict: return "dict"
        case .host(let h): return h.typeName
        case .instance(let i): return i.cls.name
        default: return "object"
        }
    }

    static func int(_ v: Value) -> Int? {
        switch v {
        case .int(let n): return n
        case .bool(let b): return b ? 1 : 0
        case .host(let h as TensorObject) where h.t.numel == 1 && h.t.dtype != .float32:
            return (try? h.t.item()).map { Int($0) }
        default: return nil
        }
    }

    static func double(_ v: Value) -> Double? {
        switch v {
        case .int(let n): return Double(n)
        case .float(let d): return d
        case .bool(let b): return b ? 1 : 0
        case .host(let h as TensorObject) where h.t.numel == 1: return try? h.t.item()
        default: return nil
        }
    }

    /// An int, or a list/tuple/torch.Size of ints; nil for anything else.
    static func ints(_ v: Value) throws -> [Int]? {
        if let n = int(v), !isTensor(v) { return [n] }
        if let items = items(v) {
            var out: [Int] = []
            for x in items {
                guard let n = int(x) else { return nil }
                out.append(n)
            }
            return out
        }
        return nil
    }

    /// The items of a list, tuple or torch.Size; nil for other values.
    static func items(_ v: Value) -> [Value]? {
        switch v {
        case .list(let l): return l.items
        case .tuple(let t): return t
        case .host(let s as SizeObject): return s.dims.map { .int($0) }
        default: return nil
        }
    }

    static func isTensor(_ v: Value) -> Bool {
        if case .host(is TensorObject) = v { return true }
        return false
    }

    /// The tensor of a tensor value; numbers become 0-d tensors (Python scalars in PyTorch ops),
    /// nested lists become tensors as `torch.tensor` makes them.
    static func tensor(_ v: Value, what: String = "argument") throws -> Tensor {
        switch v {
        case .host(let h as TensorObject): return h.t
        case .int(let n): return Tensor.scalar(n)
        case .float(let d): return Tensor.scalar(d)
        case .bool(let b): return try Tensor(bools: [b], shape: [])
        case .list, .tuple: return try fromData(v, dtype: nil)
        default: throw ScriptError("TypeError", "\(what) must be Tensor, not \(typeName(v))")
        }
    }

    /// `torch.tensor(data)`: nested lists of numbers/bools; the dtype inferred as PyTorch does
    /// (any float makes float32, else any int makes int64, else bool) unless given.
    static func fromData(_ v: Value, dtype: DType?) throws -> Tensor {
        var shape: [Int] = []
        var flat: [Double] = []
        var kind = 0 // 0 bool, 1 int, 2 float
        var leafDepth: Int? = nil
        func leaf(_ depth: Int) throws {
            if leafDepth == nil { leafDepth = depth }
            if leafDepth != depth || depth != shape.count { throw ScriptError("ValueError", "expected a sequence at dim \(depth)") }
        }
        func walk(_ x: Value, _ depth: Int) throws {
            switch x {
            case .list, .tuple:
                let items = Convert.items(x) ?? []
                if depth == shape.count && leafDepth == nil { shape.append(items.count) } else if depth >= shape.count || shape[depth] != items.count {
                    throw ScriptError("ValueError", "expected sequence of length \(depth < shape.count ? shape[depth] : 0) at dim \(depth) (got \(items.count))")
                }
                for i in items { try walk(i, depth + 1) }
            case .bool(let b): try leaf(depth); flat.append(b ? 1 : 0)
            case .int(let n): try leaf(depth); flat.append(Double(n)); kind = Swift.max(kind, 1)
            case .float(let d): try leaf(depth); flat.append(d); kind = 2
            case .host(let h as TensorObject) where h.t.numel == 1:
                try leaf(depth)
                flat.append(try h.t.item())
                kind = Swift.max(kind, h.t.dtype == .float32 ? 2 : (h.t.dtype == .bool ? 0 : 1))
            default:
                throw ScriptError("TypeError", "new(): invalid data type '\(typeName(x))'")
            }
        }
        try walk(v, 0)
        let target = dtype ?? (kind == 2 ? .float32 : kind == 1 ? .int64 : .bool)
        switch target {
        case .float32: return try Tensor(flat.map { Float($0) }, shape: shape)
        case .int64, .int32: return try Tensor(ints: flat.map { Int64($0) }, shape: shape, dtype: target)
        case .bool: return try Tensor(bools: flat.map { $0 != 0 }, shape: shape)
        }
    }

    static func dtype(_ v: Value) throws -> DType {
        if case .host(let d as DTypeObject) = v { return d.dtype }
        if case .str(let s) = v, let d = DTypeObject.byName[s] { return d.dtype }
        throw ScriptError("TypeError", "dtype must be a torch.dtype (e.g. torch.float32), not \(typeName(v))")
    }

    static func checkDevice(_ v: Value) throws {
        var name = ""
        if case .str(let s) = v { name = s } else if case .host(let d as DeviceObject) = v { name = d.name } else {
            throw ScriptError("TypeError", "device must be a string or torch.device, not \(typeName(v))")
        }
        try DeviceObject.validate(name)
    }

    /// Wraps a tensor as a language value.
    static func wrap(_ t: Tensor) -> Value { .host(TensorWrappers.wrap(t, parameter: false)) }
    static func wrap(_ t: Tensor?) -> Value { t.map { wrap($0) } ?? .none }
    /// A module's parameter (prints as `Parameter containing:`, registers on assignment).
    static func parameter(_ t: Tensor) -> Value { .host(TensorWrappers.wrap(t, parameter: true)) }
    static func tuple(_ ts: [Tensor]) -> Value { .tuple(ts.map { wrap($0) }) }

    /// A Swift module as a language value: the user's instance when it is a user module.
    static func wrap(_ m: Module) -> Value {
        if let u = m as? UserModule, let inst = u.instance { return .instance(inst) }
        return .host(ModuleObject(m))
    }

    /// The module behind a module value (built-in layer or user `nn.Module` subclass instance).
    static func module(_ v: Value) -> Module? {
        switch v {
        case .host(let h as ModuleObject): return h.module
        case .instance(let inst):
            guard let h = inst.host as? ModuleObject else { return nil }
            if let u = h.module as? UserModule, u.instance == nil { u.instance = inst }
            return h.module
        default: return nil
        }
    }
}
