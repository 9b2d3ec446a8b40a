import Interpreter
import Tensor

/// `torch.float32`, `torch.long`, ...: one object per dtype, so `x.dtype == torch.long` and
/// `x.dtype is torch.int64` both hold as in PyTorch.
final class DTypeObject: HostObject {
    let dtype: DType
    private init(_ d: DType) { dtype = d }

    static let float32 = DTypeObject(.float32)
    static let int64 = DTypeObject(.int64)
    static let int32 = DTypeObject(.int32)
    static let bool = DTypeObject(.bool)

    /// PyTorch's names and aliases of the supported dtypes.
    static let byName: [String: DTypeObject] = [
        "float32": float32, "float": float32, "int64": int64, "long": int64,
        "int32": int32, "int": int32, "bool": bool,
    ]

    static func of(_ d: DType) -> DTypeObject {
        switch d {
        case .float32: return float32
        case .int64: return int64
        case .int32: return int32
        case .bool: return bool
        }
    }

    var typeName: String { "dtype" }
    func repr() -> String { dtype.description }
    func getAttribute(_ name: String) throws -> Value? {
        switch name {
        case "is_floating_point": return .bool(dtype.isFloatingPoint)
        case "itemsize": return .int(dtype.itemSize)
        default: return nil
        }
    }
    var attributeNames: [String] { ["is_floating_point", "itemsize"] }
    func binaryOp(_ op: HostOperator, _ other: Value, reflected: Bool) throws -> Value? {
        guard op == .eq || op == .ne else { return nil }
        var same = false
        if case .host(let o as DTypeObject) = other { same = o.dtype == dtype }
        return .bool(op == .eq ? same : !same)
    }
}

/// `torch.device("cpu")`: mrsh computes on the CPU only; CUDA is refused with a clear error.
final class DeviceObject: HostObject {
    let name: String
    init(_ name: String) { self.name = name }
    static let cpu = DeviceObject("cpu")

    static func validate(_ name: String) throws {
        if name == "cpu" || name.hasPrefix("cpu:") { return }
        if name.hasPrefix("cuda") || name == "mps" {
            throw ScriptError("RuntimeError", "device '\(name)' is not available: mrsh computes on the CPU only (use device=\"cpu\")")
        }
        throw ScriptError("RuntimeError", "Expected one of cpu, cuda, ... device type at start of device string: \(name)")
    }

    var typeName: String { "device" }
    func repr() -> String { "device(type='cpu')" }
    func str() -> String { "cpu" }
    func getAttribute(_ name: String) throws -> Value? {
        switch name {
        case "type": return .str("cpu")
        case "index": return .none
        default: return nil
        }
    }
    func binaryOp(_ op: HostOperator, _ other: Value, reflected: Bool) throws -> Value? {
        guard op == .eq || op == .ne else { return nil }
        var same = false
        if case .host(is DeviceObject) = other { same = true }
        if case .str(let s) = other { same = s == "cpu" }
        return .bool(op == .eq ? same : !same)
    }
}

/// `x.shape` / `x.size()`: a tuple of ints that prints as `torch.Size([2, 3])`.
final class SizeObject: HostObject {
    let dims: [Int]
    init(_ dims: [Int]) { self.dims = dims }

    var typeName: String { "Size" }
    func repr() -> String { "torch.Size([" + dims.map(String.init).joined(separator: ", ") + "])" }
    func iterate() throws -> [Value]? { dims.map { .int($0) } }
    func length() throws -> Int? { dims.count }
    func truthy() throws -> Bool { !dims.isEmpty }

    func getItem(_ index: Value) throws -> Value {
        switch index {
        case .int(let i):
            let j = i < 0 ? i + dims.count : i
            guard j >= 0 && j < dims.count else { throw ScriptError("IndexError", "tuple index out of range") }
            return .int(dims[j])
        case .slice(let s):
            let items = pySlice(dims.count, s)
            return .host(SizeObject(items.map { dims[$0] }))
        default:
            throw ScriptError("TypeError", "tuple indices must be integers or slices, not \(Convert.typeName(index))")
        }
    }

    func getAttribute(_ name: String) throws -> Value? {
        switch name {
        case "numel": return .builtin(PyBuiltin("numel") { [dims] _, _, _, _ in .int(dims.reduce(1, *)) })
        case "index", "count":
            return .builtin(PyBuiltin(name) { [dims] _, _, args, _ in
                guard let x = args.first.flatMap(Convert.int) else { throw ScriptError("TypeError", "\(name)() needs an int") }
                if name == "count" { return .int(dims.filter { $0 == x }.count) }
                guard let i = dims.firstIndex(of: x) else { throw ScriptError("ValueError", "tuple.index(x): x not in tuple") }
                return .int(i)
            })
        default: return nil
        }
    }

    func binaryOp(_ op: HostOperator, _ other: Value, reflected: Bool) throws -> Value? {
        var otherDims: [Int]? = nil
        switch other {
        case .host(let s as SizeObject): otherDims = s.dims
        case .tuple(let xs): otherDims = xs.compactMap { if case .int(let n) = $0 { return n }; return nil }
            if otherDims?.count != xs.count { otherDims = nil }
        default: break
        }
        switch op {
        case .eq: return .bool(otherDims == dims)
        case .ne: return .bool(otherDims != dims)
        case .add:
            guard let o = otherDims else { return nil }
            return .host(SizeObject(reflected ? o + dims : dims + o))
        default: return nil
        }
    }
}

/// Python slice semantics over `count` items: the selected indices.
func pySlice(_ count: Int, _ s: PySlice) -> [Int] {
    func bound(_ v: Value) -> Int? { if case .int(let n) = v { return n }; return nil }
    let step = bound(s.step) ?? 1
    guard step != 0 else { return [] }
    func clamp(_ v: Int?, _ dflt: Int, lo: Int, hi: Int) -> Int {
        guard var x = v else { return dflt }
        if x < 0 { x += count }
        return Swift.min(Swift.max(x, lo), hi)
    }
    var out: [Int] = []
    if step > 0 {
        var i = clamp(bound(s.start), 0, lo: 0, hi: count)
        let stop = clamp(bound(s.stop), count, lo: 0, hi: count)
        while i < stop { out.append(i); i += step }
    } else {
        var i = clamp(bound(s.start), count - 1, lo: -1, hi: count - 1)
        let stop = clamp(bound(s.stop), -1, lo: -1, hi: count - 1)
        while i > stop { out.append(i); i += step }
    }
    return out
}

/// `with torch.no_grad():` (and `torch.enable_grad()`): gradient recording off for the block.
final class GradModeContext: HostObject {
    let enable: Bool
    init(enable: Bool) { self.enable = enable }
    var typeName: String { enable ? "enable_grad" : "no_grad" }
    func enter() throws -> Value {
        if !enable { GradMode.beginNoGrad() }
        return .none
    }
    func exit(_ error: Error?) throws -> Bool {
        if !enable { GradMode.endNoGrad() }
        return false
    }
}

/// `x.grad_fn`: the name of the op that made a tensor (PyTorch's backward node class).
final class GradFnObject: HostObject {
    let name: String
    init(_ name: String) { self.name = name }
    var typeName: String { name }
    func repr() -> String { "<\(name) object>" }
    func getAttribute(_ n: String) throws -> Value? { n == "name" ? .builtin(PyBuiltin("name") { [name] _, _, _, _ in .str(name) }) : nil }
}

/// The result of `pack_padded_sequence`: padded data in the producer's layout and the lengths.
final class PackedSequenceObject: HostObject {
    let data: Tensor, lengths: [Int], batchFirst: Bool
    init(_ data: Tensor, _ lengths: [Int], batchFirst: Bool) {
        self.data = data
        self.lengths = lengths
        self.batchFirst = batchFirst
    }
    var typeName: String { "PackedSequence" }
    func repr() -> String { "PackedSequence(lengths=\(lengths))" }
}
