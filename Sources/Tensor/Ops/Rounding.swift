import Foundation

/// Piecewise-constant elementwise functions (zero gradient, as PyTorch) and a few creators.
extension Tensor {
    /// -1, 0 or 1 by the sign of x (`torch.sign`).
    public func sign() -> Tensor { piecewise { $0 > 0 ? 1 : ($0 < 0 ? -1 : $0) } }
    /// Largest integer <= x (`torch.floor`).
    public func floor() -> Tensor { piecewise { $0.rounded(.down) } }
    /// Smallest integer >= x (`torch.ceil`).
    public func ceil() -> Tensor { piecewise { $0.rounded(.up) } }
    /// Nearest integer, ties to even (`torch.round`).
    public func round() -> Tensor { piecewise { $0.rounded(.toNearestOrEven) } }
    /// Integer part toward zero (`torch.trunc`).
    public func trunc() -> Tensor { piecewise { $0.rounded(.towardZero) } }

    /// Applies `f` to float values (integer tensors are returned unchanged); the result has no
    /// gradient history, matching PyTorch's zero derivative of these functions.
    private func piecewise(_ f: @escaping (Float) -> Float) -> Tensor {
        guard dtype == .float32 else { return clone().detach() }
        return BinaryKernels.float(self, .scalar(0), shape) { x, _ in f(x) }
    }

    /// `steps` evenly spaced values from `start` to `end` inclusive (`torch.linspace`).
    public static func linspace(_ start: Double, _ end: Double, steps: Int) throws -> Tensor {
        guard steps >= 0 else { throw TensorError("linspace", "number of steps must be non-negative") }
        let t = Tensor(uninitializedShape: [steps], dtype: .float32)
        let step = steps > 1 ? (end - start) / Double(steps - 1) : 0
        for i in 0..<steps { t.floatBase[i] = Float(i < steps / 2 ? start + step * Double(i) : end - step * Double(steps - 1 - i)) }
        return t
    }

    /// Uniform [0, 1) samples shaped like `t` (`torch.rand_like`).
    public static func randLike(_ t: Tensor, generator: Generator = .default) -> Tensor { rand(t.shape, generator: generator) }
    /// Standard-normal samples shaped like `t` (`torch.randn_like`).
    public static func randnLike(_ t: Tensor, generator: Generator = .default) -> Tensor { randn(t.shape, generator: generator) }
}
