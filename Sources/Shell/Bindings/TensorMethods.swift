import Interpreter
import Tensor

/// Methods that exist only on tensors (`x.view(...)`, `x.item()`, `x.backward()`, ...); the
/// `torch.*` functions taking `input` first are methods too (see `TorchFunctions`).
enum TensorMethods {
    static func m(_ params: [String], _ body: @escaping (Tensor, Args) throws -> Value) -> Binding {
        Binding(["self"] + params) { a in try body(try a.tensor("self"), a) }
    }

    static func conv(_ d: DType) -> Binding { m([]) { t, _ in Convert.wrap(t.to(d)) } }

    static let table: BindingTable = {
        var t = views
        for (k, v) in values { t[k] = v }
        for (k, v) in inPlace { t[k] = v }
        return t
    }()

    static let views: BindingTable = [
        "view": m(["*shape"]) { t, a in
            if case .host(let d as DTypeObject)? = a.rest.first { return Convert.wrap(t.to(d.dtype)) }
            return Convert.wrap(try t.view(try a.shape("shape")))
        },
        "reshape": m(["*shape"]) { t, a in Convert.wrap(try t.reshape(try a.shape("shape"))) },
        "expand": m(["*size"]) { t, a in Convert.wrap(try t.expand(try a.shape("size"))) },
        "expand_as": m(["other"]) { t, a in Convert.wrap(try t.expand(try a.tensor("other").shape)) },
        "view_as": m(["other"]) { t, a in Convert.wrap(try t.view(try a.tensor("other").shape)) },
        "reshape_as": m(["other"]) { t, a in Convert.wrap(try t.reshape(try a.tensor("other").shape)) },
        "repeat": m(["*repeats"]) { t, a in Convert.wrap(try t.repeat(try a.shape("repeats"))) },
        "permute": m(["*dims"]) { t, a in Convert.wrap(try t.permute(try a.shape("dims"))) },
        "flip": m(["*dims"]) { t, a in Convert.wrap(try t.flip(try a.shape("dims"))) },
        "contiguous": m([]) { t, _ in Convert.wrap(t.contiguous()) },
        "clone": m([]) { t, _ in Convert.wrap(t.clone()) },
        "detach": m([]) { t, _ in Convert.wrap(t.detach()) },
        "float": conv(.float32), "long": conv(.int64), "int": conv(.int32), "bool": conv(.bool),
        "double": m([]) { _, _ in throw ScriptError("TypeError", "float64 tensors are not supported by mrsh (float32 only)") },
        "half": m([]) { _, _ in throw ScriptError("TypeError", "float16 tensors are not supported by mrsh (float32 only)") },
        "to": m(["*args", "dtype", "device", "non_blocking", "copy"]) { t, a in
            var d = try a.dtype()
            try a.checkDevice()
            for v in a.rest {
                switch v {
                case .host(let o as DTypeObject): d = o.dtype
                case .host(let o as TensorObject): d = o.t.dtype
                default: try Convert.checkDevice(v)
                }
            }
            return Convert.wrap(d.map { t.to($0) } ?? t)
        },
        "type_as": m(["other"]) { t, a in Convert.wrap(t.to(try a.tensor("other").dtype)) },
        "cpu": m([]) { t, _ in Convert.wrap(t) },
        "cuda": m(["device"]) { _, _ in try DeviceObject.validate("cuda"); return .none },
        "numpy": m([]) { _, _ in throw ScriptError("TypeError", "numpy is not available in mrsh; use .tolist() or .item()") },
    ]

    static let values: BindingTable = [
        "size": m(["dim"]) { t, a in
            guard let d = try a.optInt("dim") else { return .host(SizeObject(t.shape)) }
            return .int(try t.size(d))
        },
        "dim": m([]) { t, _ in .int(t.ndim) },
        "ndimension": m([]) { t, _ in .int(t.ndim) },
        "nelement": m([]) { t, _ in .int(t.numel) },
        "element_size": m([]) { t, _ in .int(t.dtype.itemSize) },
        "is_contiguous": m([]) { t, _ in .bool(t.isContiguous) },
        "is_floating_point": m([]) { t, _ in .bool(t.dtype.isFloatingPoint) },
        "item": m([]) { t, _ in try TensorMethods.scalar(try t.item(), t.dtype) },
        "tolist": m([]) { t, _ in TensorMethods.toList(t) },
        "backward": m(["gradient", "retain_graph", "create_graph"]) { t, a in
            try t.backward(try a.optTensor("gradient"), retainGraph: try a.bool("retain_graph", false))
            return .none
        },
        "retain_grad": m([]) { t, _ in t.retainGrad(); return .none },
        "requires_grad_": m(["requires_grad"]) { t, a in
            _ = try t.requiresGrad(try a.bool("requires_grad", true))
            return a.value("self") ?? .none
        },
        "new_zeros": m(["*size", "dtype", "device", "requires_grad"]) { t, a in
            Convert.wrap(Tensor.zeros(try a.shape("size"), dtype: try a.dtype() ?? t.dtype))
        },
        "new_ones": m(["*size", "dtype", "device", "requires_grad"]) { t, a in
            Convert.wrap(Tensor.ones(try a.shape("size"), dtype: try a.dtype() ?? t.dtype))
        },
        "new_full": m(["size", "fill_value", "dtype", "device", "requires_grad"]) { t, a in
            Convert.wrap(Tensor.full(try a.shape("size"), try a.double("fill_value"), dtype: try a.dtype() ?? t.dtype))
        },
        "new_tensor": m(["data", "dtype", "device", "requires_grad"]) { t, a in
            Convert.wrap(try Convert.fromData(try a.required("data"), dtype: try a.dtype() ?? t.dtype))
        },
    ]

    /// In-place methods return the tensor itself, as PyTorch's do.
    static func inplace(_ params: [String], _ body: @escaping (Tensor, Args) throws -> Void) -> Binding {
        m(params) { t, a in
            try body(t, a)
            return a.value("self") ?? .none
        }
    }

    static let inPlace: BindingTable = [
        "zero_": inplace([]) { t, _ in _ = try t.zero() },
        "fill_": inplace(["value"]) { t, a in _ = try t.fill(try a.double("value")) },
        "add_": inplace(["other", "*", "alpha"]) { t, a in _ = try t.addInPlace(try a.tensor("other"), alpha: try a.double("alpha", 1)) },
        "sub_": inplace(["other", "*", "alpha"]) { t, a in _ = try t.subInPlace(try a.tensor("other"), alpha: try a.double("alpha", 1)) },
        "mul_": inplace(["other"]) { t, a in _ = try t.mulInPlace(try a.tensor("other")) },
        "div_": inplace(["other"]) { t, a in _ = try t.divInPlace(try a.tensor("other")) },
        "clamp_": inplace(["min", "max"]) { t, a in _ = try t.clampInPlace(min: try a.optDouble("min"), max: try a.optDouble("max")) },
        "copy_": inplace(["src"]) { t, a in _ = try t.copyFrom(try a.tensor("src")) },
        "masked_fill_": inplace(["mask", "value"]) { t, a in _ = try t.maskedFillInPlace(try a.tensor("mask"), try a.double("value")) },
        "uniform_": inplace(["a", "b"]) { t, a in _ = try t.uniform(try a.double("a", 0), try a.double("b", 1)) },
        "normal_": inplace(["mean", "std"]) { t, a in _ = try t.normal(mean: try a.double("mean", 0), std: try a.double("std", 1)) },
    ]

    /// A Python number of the tensor's kind: int for integer dtypes, bool, or float.
    static func scalar(_ v: Double, _ d: DType) throws -> Value {
        switch d {
        case .float32: return .float(v)
        case .bool: return .bool(v != 0)
        case .int32, .int64: return .int(Int(v))
        }
    }

    /// `tolist()`: nested lists of Python numbers (a number for a 0-d tensor).
    static func toList(_ t: Tensor) -> Value {
        let flat = t.toDoubleArray()
        func build(_ dim: Int, _ offset: Int) -> Value {
            if dim == t.ndim { return (try? scalar(flat[offset], t.dtype)) ?? .none }
            let stride = t.shape[(dim + 1)...].reduce(1, *)
            return .list((0..<t.shape[dim]).map { build(dim + 1, offset + $0 * stride) })
        }
        return build(0, 0)
    }
}
