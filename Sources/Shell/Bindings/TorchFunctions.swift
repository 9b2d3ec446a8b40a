import Interpreter
import Tensor

/// `torch.*` functions under PyTorch's names and signatures. Those whose first parameter is
/// `input` are also tensor methods (`x.sum(dim=1)` is `torch.sum(x, dim=1)`).
enum TorchFunctions {
    static let table: BindingTable = {
        var t: BindingTable = [:]
        for part in [creation, elementwise, reductions, shapes, linalg] {
            for (k, v) in part { t[k] = v }
        }
        return t
    }()

    /// Applies `requires_grad=` of a creation function.
    static func finish(_ x: Tensor, _ a: Args) throws -> Value {
        try a.checkDevice()
        if try a.bool("requires_grad", false) { try rethrowing { _ = try x.requiresGrad(true) } }
        return Convert.wrap(x)
    }

    static let creation: BindingTable = [
        "tensor": Binding(["data", "*", "dtype", "device", "requires_grad"], method: false) { a in
            if case .host(let h as TensorObject)? = a.value("data") {
                // torch.tensor(t): a copy without history.
                let c = h.t.detach().clone()
                return try finish(try a.dtype().map { c.to($0) } ?? c, a)
            }
            return try finish(try Convert.fromData(try a.required("data"), dtype: try a.dtype()), a)
        },
        "as_tensor": Binding(["data", "dtype", "device"], method: false) { a in
            if case .host(let h as TensorObject)? = a.value("data") {
                return Convert.wrap(try a.dtype().map { h.t.to($0) } ?? h.t)
            }
            return try finish(try Convert.fromData(try a.required("data"), dtype: try a.dtype()), a)
        },
        "zeros": sized { Tensor.zeros($0, dtype: $1 ?? .float32) },
        "ones": sized { Tensor.ones($0, dtype: $1 ?? .float32) },
        "empty": sized { Tensor.zeros($0, dtype: $1 ?? .float32) },
        "randn": sized { shape, _ in Tensor.randn(shape) },
        "rand": sized { shape, _ in Tensor.rand(shape) },
        "full": Binding(["size", "fill_value", "*", "dtype", "device", "requires_grad"], method: false) { a in
            let v = try a.required("fill_value")
            let inferred: DType = { if case .int = v { return .int64 }; if case .bool = v { return .bool }; return .float32 }()
            return try finish(Tensor.full(try a.shape("size"), try a.double("fill_value"), dtype: try a.dtype() ?? inferred), a)
        },
        "arange": Binding(["start", "end", "step", "*", "dtype", "device", "requires_grad"], method: false) { a in
            var (start, end) = (0.0, try a.double("start"))
            if a.has("end") { (start, end) = (try a.double("start"), try a.double("end")) }
            let allInt = [a.value("start"), a.value("end"), a.value("step")].allSatisfy { v in
                if let v = v, case .float = v { return false }
                return true
            }
            let x = try rethrowing { try Tensor.arange(start, end, step: try a.double("step", 1), dtype: try a.dtype() ?? (allInt ? .int64 : .float32)) }
            return try finish(x, a)
        },
        "randint": Binding(["low", "high", "size", "*", "dtype", "device", "requires_grad"], method: false) { a in
            // torch.randint(high, size) or torch.randint(low, high, size)
            var (low, high) = (0, 0)
            var shape: [Int]
            if !a.has("size"), let s = try Convert.ints(try a.required("high")), case .tuple? = a.value("high") {
                (low, high, shape) = (0, try a.int("low"), s)
            } else if !a.has("size"), let s = a.value("high").flatMap(Convert.items) {
                (low, high, shape) = (0, try a.int("low"), try s.map { guard let n = Convert.int($0) else { throw ScriptError("TypeError", "size must be ints") }; return n })
            } else {
                (low, high, shape) = (try a.int("low"), try a.int("high"), try a.shape("size"))
            }
            let x = try rethrowing { try Tensor.randint(low, high, shape) }
            return try finish(try a.dtype().map { x.to($0) } ?? x, a)
        },
        "eye": Binding(["n", "*", "dtype", "device", "requires_grad"], method: false) { a in
            let x = Tensor.eye(try a.int("n"))
            return try finish(try a.dtype().map { x.to($0) } ?? x, a)
        },
        "zeros_like": like { Tensor.zeros($0.shape, dtype: $1) },
        "ones_like": like { Tensor.ones($0.shape, dtype: $1) },
        "empty_like": like { Tensor.zeros($0.shape, dtype: $1) },
        "randn_like": like { x, _ in Tensor.randn(x.shape) },
        "rand_like": like { x, _ in Tensor.rand(x.shape) },
        "full_like": Binding(["input", "fill_value", "*", "dtype", "device", "requires_grad"], method: false) { a in
            let x = try a.tensor("input")
            return try finish(Tensor.full(x.shape, try a.double("fill_value"), dtype: try a.dtype() ?? x.dtype), a)
        },
        "manual_seed": Binding(["seed"], method: false) { a in
            Tensor.manualSeed(UInt64(truncatingIfNeeded: try a.int("seed")))
            return .none
        },
        "set_num_threads": Binding(["int"], method: false) { a in
            let n = try a.int("int")
            guard n > 0 else { throw ScriptError("RuntimeError", "set_num_threads expects a positive integer") }
            IntraOpThreads.set(n)
            return .none
        },
        "get_num_threads": Binding([], method: false) { _ in .int(IntraOpThreads.count) },
        "is_tensor": Binding(["obj"], method: false) { a in .bool(Convert.isTensor(a.value("obj") ?? .none)) },
        "numel": Binding(["input"]) { a in .int(try a.tensor("input").numel) },
        "is_grad_enabled": Binding([], method: false) { _ in .bool(GradMode.isEnabled) },
        "no_grad": Binding([], method: false) { _ in .host(GradModeContext(enable: false)) },
        "enable_grad": Binding([], method: false) { _ in .host(GradModeContext(enable: true)) },
        "device": Binding(["type"], method: false) { a in
            let name = try a.string("type", "cpu")
            try DeviceObject.validate(name)
            return .host(DeviceObject.cpu)
        },
    ]

    /// `torch.zeros(2, 3)`, `torch.zeros((2, 3), dtype=torch.long)`, ...
    static func sized(_ make: @escaping ([Int], DType?) -> Tensor) -> Binding {
        Binding(["*size", "dtype", "device", "requires_grad", "generator"], method: false) { a in
            try finish(make(try a.shape("size"), try a.dtype()), a)
        }
    }

    static func like(_ make: @escaping (Tensor, DType) -> Tensor) -> Binding {
        Binding(["input", "*", "dtype", "device", "requires_grad"], method: false) { a in
            let x = try a.tensor("input")
            let d = try a.dtype() ?? x.dtype
            return try finish(make(x, d).to(d), a)
        }
    }

    /// `torch.div(input, other, *, rounding_mode=None)`: true division, or "floor" / "trunc" rounding.
    static let divBinding = Binding(["input", "other", "*", "rounding_mode"]) { a in
        let (x, y) = (try a.tensor("input"), try a.tensor("other"))
        let mode: String? = a.has("rounding_mode") ? try a.string("rounding_mode", "") : nil
        switch mode {
        case nil: return Convert.wrap(try x.div(y))
        case "floor"?: return Convert.wrap(try x.floorDivide(y))
        case "trunc"?: return Convert.wrap(try truncDivide(x, y))
        case let m?: throw ScriptError("RuntimeError", "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '\(m)'")
        }
    }

    /// Division rounded toward zero. Floats: trunc(x / y) as floor of |q| with q's sign (so -0.25
    /// gives -0., as PyTorch); integers: the floor quotient plus one where the exact quotient is
    /// a negative non-integer.
    static func truncDivide(_ x: Tensor, _ y: Tensor) throws -> Tensor {
        if x.dtype.isFloatingPoint || y.dtype.isFloatingPoint {
            let q = try x.div(y)
            let down = try q.floorDivide(.scalar(1)), up = try q.neg().floorDivide(.scalar(1)).neg()
            return try Tensor.where(try q.lt(.scalar(0)), up, down)
        }
        let q = try x.floorDivide(y)
        let inexact = try x.remainder(y).ne(.scalar(0))
        let negative = try x.lt(.scalar(0)).logicalXor(try y.lt(.scalar(0)))
        return try q.add(try inexact.logicalAnd(negative).to(q.dtype))
    }

    static func bin(_ f: @escaping (Tensor, Tensor) throws -> Tensor) -> Binding {
        Binding(["input", "other"]) { a in Convert.wrap(try f(try a.tensor("input"), try a.tensor("other"))) }
    }

    static let elementwise: BindingTable = [
        "add": Binding(["input", "other", "*", "alpha"]) { a in
            Convert.wrap(try a.tensor("input").add(try a.tensor("other"), alpha: try a.double("alpha", 1)))
        },
        "sub": Binding(["input", "other", "*", "alpha"]) { a in
            Convert.wrap(try a.tensor("input").sub(try a.tensor("other"), alpha: try a.double("alpha", 1)))
        },
        "mul": bin { try $0.mul($1) }, "multiply": bin { try $0.mul($1) },
        "div": divBinding, "divide": divBinding,
        "true_divide": bin { try $0.div($1) },
        "floor_divide": bin { try $0.floorDivide($1) }, "remainder": bin { try $0.remainder($1) },
        "pow": Binding(["input", "exponent"]) { a in Convert.wrap(try a.tensor("input").pow(try a.tensor("exponent"))) },
        "maximum": bin { try $0.maximum($1) }, "minimum": bin { try $0.minimum($1) },
        "eq": bin { try $0.eq($1) }, "ne": bin { try $0.ne($1) }, "lt": bin { try $0.lt($1) },
        "le": bin { try $0.le($1) }, "gt": bin { try $0.gt($1) }, "ge": bin { try $0.ge($1) },
        "logical_and": bin { try $0.logicalAnd($1) }, "logical_or": bin { try $0.logicalOr($1) },
        "logical_xor": bin { try $0.logicalXor($1) }, "logical_not": unaryBinding { $0.logicalNot() },
        "neg": unaryBinding { $0.neg() }, "negative": unaryBinding { $0.neg() },
        "exp": unaryBinding { $0.exp() }, "log": unaryBinding { $0.log() }, "sqrt": unaryBinding { $0.sqrt() },
        "rsqrt": unaryBinding { $0.rsqrt() }, "abs": unaryBinding { $0.abs() }, "tanh": unaryBinding { $0.tanh() },
        "sigmoid": unaryBinding { $0.sigmoid() }, "relu": unaryBinding { $0.relu() }, "sin": unaryBinding { $0.sin() },
        "cos": unaryBinding { $0.cos() }, "log1p": unaryBinding { $0.log1p() }, "expm1": unaryBinding { $0.expm1() },
        "square": unaryBinding { try $0.square() }, "isnan": unaryBinding { $0.isnan() }, "isinf": unaryBinding { $0.isinf() },
        "isfinite": unaryBinding { try $0.isnan().logicalOr($0.isinf()).logicalNot() },
        "clamp": clampBinding, "clip": clampBinding,
        "where": Binding(["condition", "input", "other"], method: false) { a in
            Convert.wrap(try Tensor.where(try a.tensor("condition"), try a.tensor("input"), try a.tensor("other")))
        },
        "masked_fill": Binding(["input", "mask", "value"]) { a in
            Convert.wrap(try a.tensor("input").maskedFill(try a.tensor("mask"), try a.double("value")))
        },
        "softmax": Binding(["input", "dim", "dtype"]) { a in Convert.wrap(try a.tensor("input").softmax(dim: try a.int("dim"))) },
        "log_softmax": Binding(["input", "dim", "dtype"]) { a in Convert.wrap(try a.tensor("input").logSoftmax(dim: try a.int("dim"))) },
        "allclose": Binding(["input", "other", "rtol", "atol", "equal_nan"]) { a in
            let (x, y) = (try a.tensor("input"), try a.tensor("other"))
            let (rtol, atol) = (try a.double("rtol", 1e-5), try a.double("atol", 1e-8))
            let diff = try x.sub(y).abs(), bound = try y.abs().mul(rtol).add(atol)
            return .bool(try diff.gt(bound).to(.int64).sum().item() == 0)
        },
        "equal": Binding(["input", "other"]) { a in
            let (x, y) = (try a.tensor("input"), try a.tensor("other"))
            return .bool(try x.shape == y.shape && x.ne(y).to(.int64).sum().item() == 0)
        },
    ]

    static let clampBinding = Binding(["input", "min", "max"]) { a in
        let x = try a.tensor("input")
        if Convert.isTensor(a.value("min") ?? .none) || Convert.isTensor(a.value("max") ?? .none) {
            return Convert.wrap(try x.clamp(min: try a.optTensor("min"), max: try a.optTensor("max")))
        }
        return Convert.wrap(try x.clamp(min: try a.optDouble("min"), max: try a.optDouble("max")))
    }

    static func reduce(_ f: @escaping (Tensor, [Int]?, Bool) throws -> Tensor) -> Binding {
        Binding(["input", "dim", "keepdim", "*", "dtype"]) { a in
            let r = try f(try a.tensor("input"), try a.ints("dim"), try a.bool("keepdim", false))
            return Convert.wrap(try a.dtype().map { r.to($0) } ?? r)
        }
    }

    static let reductions: BindingTable = [
        "sum": reduce { try $0.sum(dims: $1, keepdim: $2) },
        "mean": reduce { try $0.mean(dims: $1, keepdim: $2) },
        "amax": reduce { try $0.amax(dims: $1, keepdim: $2) },
        "amin": reduce { try $0.amin(dims: $1, keepdim: $2) },
        "logsumexp": reduce { try $0.logsumexp(dims: $1 ?? [], keepdim: $2) },
        "max": extreme(max: true), "min": extreme(max: false),
        "argmax": Binding(["input", "dim", "keepdim"]) { a in
            Convert.wrap(try a.tensor("input").argmax(dim: try a.optInt("dim"), keepdim: try a.bool("keepdim", false)))
        },
        "argmin": Binding(["input", "dim", "keepdim"]) { a in
            Convert.wrap(try a.tensor("input").argmin(dim: try a.optInt("dim"), keepdim: try a.bool("keepdim", false)))
        },
        "var": varStd(std: false), "std": varStd(std: true),
        "norm": Binding(["input", "p", "dim", "keepdim", "dtype"]) { a in
            var p = 2.0
            if let v = a.value("p") {
                if case .str(let s) = v { guard s == "fro" else { throw ScriptError("RuntimeError", "norm: p='\(s)' is not supported") } } else { p = try a.double("p") }
            }
            return Convert.wrap(try a.tensor("input").norm(p: p, dims: try a.ints("dim"), keepdim: try a.bool("keepdim", false)))
        },
        "any": anyAll(all: false), "all": anyAll(all: true),
        "count_nonzero": Binding(["input", "dim"]) { a in
            Convert.wrap(try a.tensor("input").ne(.scalar(0)).to(.int64).sum(dims: try a.ints("dim")))
        },
    ]

    /// `torch.max(x)`, `torch.max(x, dim)` -> (values, indices), `torch.max(x, other)`.
    static func extreme(max: Bool) -> Binding {
        Binding(["input", "dim", "keepdim"]) { a in
            let x = try a.tensor("input")
            if case .host(let o as TensorObject)? = a.value("dim") {
                return Convert.wrap(max ? try x.maximum(o.t) : try x.minimum(o.t))
            }
            guard let dim = try a.optInt("dim") else { return Convert.wrap(max ? try x.max() : try x.min()) }
            let keep = try a.bool("keepdim", false)
            let r = max ? try x.max(dim: dim, keepdim: keep) : try x.min(dim: dim, keepdim: keep)
            return .tuple([Convert.wrap(r.values), Convert.wrap(r.indices)])
        }
    }

    /// `torch.var(x, dim, unbiased, keepdim, *, correction)`, also `torch.var(x, unbiased)`.
    static func varStd(std: Bool) -> Binding {
        Binding(["input", "dim", "unbiased", "keepdim", "*", "correction"]) { a in
            let x = try a.tensor("input")
            var dims: [Int]? = nil
            var correction = 1
            if case .bool(let b)? = a.value("dim") { correction = b ? 1 : 0 } else {
                dims = try a.ints("dim")
                correction = try a.bool("unbiased", true) ? 1 : 0
            }
            if let c = try a.optInt("correction") { correction = c }
            let keep = try a.bool("keepdim", false)
            return Convert.wrap(std ? try x.std(dims: dims, correction: correction, keepdim: keep)
                                    : try x.variance(dims: dims, correction: correction, keepdim: keep))
        }
    }

    static func anyAll(all: Bool) -> Binding {
        Binding(["input", "dim", "keepdim"]) { a in
            let x = try a.tensor("input")
            let zeros = try x.eq(.scalar(0)).to(.int64).sum(dims: try a.ints("dim"), keepdim: try a.bool("keepdim", false))
            if all { return Convert.wrap(try zeros.eq(.scalar(0))) }
            let nonzero = try x.ne(.scalar(0)).to(.int64).sum(dims: try a.ints("dim"), keepdim: try a.bool("keepdim", false))
            return Convert.wrap(try nonzero.gt(.scalar(0)))
        }
    }
}
