import Foundation

/// Elementwise float functions with their PyTorch parameters.
public enum UnaryKind: Equatable, Sendable {
    case neg, exp, log, sqrt, rsqrt, abs, tanh, sigmoid, relu, sin, cos, log1p, expm1
    /// gelu with `approximate='none'` (erf) or `'tanh'`.
    case gelu(tanh: Bool)
    case silu
    case leakyRelu(slope: Float)
    case elu(alpha: Float)
    /// `(1/beta) log(1 + exp(beta x))`, linear where `beta x > threshold`.
    case softplus(beta: Float, threshold: Float)
    /// Clamp to scalar bounds; the gradient passes where `min <= x <= max`.
    case clamp(min: Float?, max: Float?)

    /// Whether the derivative reads x (else only y = f(x)).
    var derivativeNeedsInput: Bool {
        switch self {
        case .neg, .exp, .sqrt, .rsqrt, .tanh, .sigmoid, .expm1, .relu: return false
        default: return true
        }
    }

    /// Whether the derivative reads y = f(x).
    var derivativeNeedsOutput: Bool {
        switch self {
        case .exp, .sqrt, .rsqrt, .tanh, .sigmoid, .expm1, .elu, .relu: return true
        default: return false
        }
    }

    var name: String {
        switch self {
        case .gelu: return "Gelu"
        case .leakyRelu: return "LeakyRelu"
        case .softplus: return "Softplus"
        case .clamp: return "Clamp"
        case .elu: return "Elu"
        default: return String(describing: self).capitalized
        }
    }
}

extension Tensor {
    /// Applies `kind` elementwise (float32 result; integer inputs are converted first).
    public func unary(_ kind: UnaryKind) -> Tensor {
        let x = to(.float32)
        let src = x.dense()
        let out = Tensor(uninitializedShape: shape, dtype: .float32)
        UnaryKernels.forward(kind, src.floatBase, out.floatBase, out.numel)
        // Save only what the derivative reads (as PyTorch does), so activations are not kept twice.
        return out.recorded(.unary(kind), inputs: [x],
                            saved: (kind.derivativeNeedsInput ? [x] : []) + (kind.derivativeNeedsOutput ? [out.alias()] : []))
    }

    /// Elementwise -x (`torch.neg`); integer tensors stay integer.
    public func neg() -> Tensor {
        if dtype != .float32 { return BinaryKernels.int64(self, .scalar(0), shape, dtype) { a, _ in 0 &- a } }
        return unary(.neg)
    }
    /// Elementwise e^x (`torch.exp`), vectorized, about 1 ulp.
    public func exp() -> Tensor { unary(.exp) }
    /// Elementwise natural logarithm (`torch.log`).
    public func log() -> Tensor { unary(.log) }
    /// Elementwise square root (`torch.sqrt`).
    public func sqrt() -> Tensor { unary(.sqrt) }
    /// Elementwise 1/sqrt(x) (`torch.rsqrt`).
    public func rsqrt() -> Tensor { unary(.rsqrt) }
    /// Elementwise |x| (`torch.abs`); the gradient at 0 is 0.
    public func abs() -> Tensor {
        if dtype != .float32 { return BinaryKernels.int64(self, .scalar(0), shape, dtype) { a, _ in Swift.abs(a) } }
        return unary(.abs)
    }
    /// Elementwise tanh (`torch.tanh`), vectorized rational approximation.
    public func tanh() -> Tensor { unary(.tanh) }
    /// Elementwise 1/(1+e^-x) (`torch.sigmoid`), stable for large |x|.
    public func sigmoid() -> Tensor { unary(.sigmoid) }
    /// Elementwise max(x, 0) (`torch.relu`); the gradient at 0 is 0.
    public func relu() -> Tensor { unary(.relu) }
    /// Elementwise sine (`torch.sin`).
    public func sin() -> Tensor { unary(.sin) }
    /// Elementwise cosine (`torch.cos`).
    public func cos() -> Tensor { unary(.cos) }
    /// Elementwise log(1 + x) (`torch.log1p`).
    public func log1p() -> Tensor { unary(.log1p) }
    /// Elementwise e^x - 1 (`torch.expm1`).
    public func expm1() -> Tensor { unary(.expm1) }
    /// Elementwise x * x (`torch.square`).
    public func square() throws -> Tensor { try mul(self) }
    /// x * Phi(x), exactly (erf) or with the tanh approximation (`F.gelu`).
    public func gelu(approximate: String = "none") throws -> Tensor {
        guard approximate == "none" || approximate == "tanh" else {
            throw TensorError("gelu", "approximate argument must be either none or tanh, got '\(approximate)'")
        }
        return unary(.gelu(tanh: approximate == "tanh"))
    }
    /// x * sigmoid(x) (`F.silu`).
    public func silu() -> Tensor { unary(.silu) }
    /// x for x > 0, else slope * x (`F.leaky_relu`).
    public func leakyRelu(negativeSlope: Double = 0.01) -> Tensor { unary(.leakyRelu(slope: Float(negativeSlope))) }
    /// x for x > 0, else alpha (e^x - 1) (`F.elu`).
    public func elu(alpha: Double = 1) -> Tensor { unary(.elu(alpha: Float(alpha))) }
    /// (1/beta) log(1 + e^(beta x)), linear above `threshold` (`F.softplus`).
    public func softplus(beta: Double = 1, threshold: Double = 20) -> Tensor {
        unary(.softplus(beta: Float(beta), threshold: Float(threshold)))
    }

    /// Clamps to scalar bounds (`torch.clamp(x, min=, max=)`); at least one bound is needed.
    public func clamp(min: Double? = nil, max: Double? = nil) throws -> Tensor {
        guard min != nil || max != nil else {
            throw TensorError("clamp", "At least one of 'min' or 'max' must not be None")
        }
        return unary(.clamp(min: min.map(Float.init), max: max.map(Float.init)))
    }

    /// Clamps to tensor bounds, broadcasting (`torch.clamp(x, min=lo, max=hi)`).
    public func clamp(min lo: Tensor?, max hi: Tensor?) throws -> Tensor {
        guard lo != nil || hi != nil else {
            throw TensorError("clamp", "At least one of 'min' or 'max' must not be None")
        }
        var r = self
        if let lo = lo { r = try r.clampSide(lo, upper: false) }
        if let hi = hi { r = try r.clampSide(hi, upper: true) }
        return r
    }

    /// One side of a tensor clamp: the gradient goes to x where it is inside, else to the bound.
    private func clampSide(_ bound: Tensor, upper: Bool) throws -> Tensor {
        let outside = upper ? try gt(bound) : try lt(bound)
        return try Tensor.where(outside, bound, self)
    }

    /// The same values as a contiguous tensor, without recording autograd history.
    func dense() -> Tensor {
        if isContiguous { return self }
        let out = Tensor(uninitializedShape: shape, dtype: dtype)
        copyElements(from: self, to: out)
        return out
    }
}

/// Flat float32 loops for `UnaryKind`, forward and derivative.
enum UnaryKernels {
    static let sqrt2: Float = 1.4142135623730951
    static let sqrt2OverPi: Float = 0.7978845608028654

    static func forward(_ kind: UnaryKind, _ x: UnsafeMutablePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        parallelRange(n, minPerThread: 1 << 15) { lo, hi in
            forwardRange(kind, x + lo, y + lo, hi - lo)
        }
    }

    private static func forwardRange(_ kind: UnaryKind, _ x: UnsafeMutablePointer<Float>,
                                     _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        switch kind {
        case .neg: for i in 0..<n { y[i] = -x[i] }
        case .exp: for i in 0..<n { y[i] = FastMath.exp(x[i]) }
        case .log: for i in 0..<n { y[i] = logf(x[i]) }
        case .sqrt: for i in 0..<n { y[i] = x[i].squareRoot() }
        case .rsqrt: for i in 0..<n { y[i] = 1 / x[i].squareRoot() }
        case .abs: for i in 0..<n { y[i] = Swift.abs(x[i]) }
        case .tanh: for i in 0..<n { y[i] = FastMath.tanh(x[i]) }
        case .sigmoid: for i in 0..<n { y[i] = FastMath.sigmoid(x[i]) }
        case .relu: for i in 0..<n { y[i] = x[i] > 0 ? x[i] : (x[i].isNaN ? x[i] : 0) }
        case .sin: for i in 0..<n { y[i] = sinf(x[i]) }
        case .cos: for i in 0..<n { y[i] = cosf(x[i]) }
        case .log1p: for i in 0..<n { y[i] = log1pf(x[i]) }
        case .expm1: for i in 0..<n { y[i] = expm1f(x[i]) }
        case .gelu(tanh: false): for i in 0..<n { y[i] = 0.5 * x[i] * (1 + erff(x[i] / sqrt2)) }
        case .gelu(tanh: true):
            for i in 0..<n {
                let v = x[i]
                y[i] = 0.5 * v * (1 + FastMath.tanh((v + 0.044715 * v * v * v) * sqrt2OverPi))
            }
        case .silu: for i in 0..<n { y[i] = x[i] * FastMath.sigmoid(x[i]) }
        case .leakyRelu(let s): for i in 0..<n { y[i] = x[i] > 0 ? x[i] : x[i] * s }
        case .elu(let a): for i in 0..<n { y[i] = x[i] > 0 ? x[i] : a * expm1f(x[i]) }
        case .softplus(let beta, let th):
            for i in 0..<n {
                let bx = beta * x[i]
                y[i] = bx > th ? x[i] : log1pf(expf(bx)) / beta
            }
        case .clamp(let lo, let hi):
            for i in 0..<n {
                var v = x[i]
                if let lo = lo, v < lo { v = lo }
                if let hi = hi, v > hi { v = hi }
                y[i] = v
            }
        }
    }

    /// dx = g * f'(x) given x, y = f(x) and g, all contiguous of `n` elements.
    static func backward(_ kind: UnaryKind, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>,
                         _ g: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, _ n: Int) {
        switch kind {
        case .neg: for i in 0..<n { dx[i] = -g[i] }
        case .exp: for i in 0..<n { dx[i] = g[i] * y[i] }
        case .log: for i in 0..<n { dx[i] = g[i] / x[i] }
        case .sqrt: for i in 0..<n { dx[i] = g[i] / (2 * y[i]) }
        case .rsqrt: for i in 0..<n { dx[i] = -0.5 * g[i] * y[i] * y[i] * y[i] }
        case .abs: for i in 0..<n { dx[i] = x[i] > 0 ? g[i] : (x[i] < 0 ? -g[i] : 0) }
        case .tanh: for i in 0..<n { dx[i] = g[i] * (1 - y[i] * y[i]) }
        case .sigmoid: for i in 0..<n { dx[i] = g[i] * y[i] * (1 - y[i]) }
        case .relu: for i in 0..<n { dx[i] = y[i] > 0 ? g[i] : 0 }  // y > 0 exactly where x > 0
        case .sin: for i in 0..<n { dx[i] = g[i] * cosf(x[i]) }
        case .cos: for i in 0..<n { dx[i] = -g[i] * sinf(x[i]) }
        case .log1p: for i in 0..<n { dx[i] = g[i] / (1 + x[i]) }
        case .expm1: for i in 0..<n { dx[i] = g[i] * (y[i] + 1) }
        case .gelu(tanh: false):
            for i in 0..<n {
                let cdf = 0.5 * (1 + erff(x[i] / sqrt2))
                let pdf = expf(-0.5 * x[i] * x[i]) * 0.3989422804014327
                dx[i] = g[i] * (cdf + x[i] * pdf)
            }
        case .gelu(tanh: true):
            for i in 0..<n {
                let v = x[i]
                let inner = sqrt2OverPi * (v + 0.044715 * v * v * v)
                let t = FastMath.tanh(inner)
                let dinner = sqrt2OverPi * (1 + 3 * 0.044715 * v * v)
                dx[i] = g[i] * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * dinner)
            }
        case .silu:
            for i in 0..<n {
                let s = FastMath.sigmoid(x[i])
                dx[i] = g[i] * s * (1 + x[i] * (1 - s))
            }
        case .leakyRelu(let s): for i in 0..<n { dx[i] = x[i] > 0 ? g[i] : g[i] * s }
        case .elu(let a): for i in 0..<n { dx[i] = x[i] > 0 ? g[i] : g[i] * (y[i] + a) }
        case .softplus(let beta, let th):
            for i in 0..<n {
                let bx = beta * x[i]
                dx[i] = bx > th ? g[i] : g[i] * FastMath.sigmoid(bx)
            }
        case .clamp(let lo, let hi):
            for i in 0..<n {
                let inside = (lo.map { x[i] >= $0 } ?? true) && (hi.map { x[i] <= $0 } ?? true)
                dx[i] = inside ? g[i] : 0
            }
        }
    }
}
