/// Classification and regression losses as `torch.nn.functional` computes them.
public enum Reduction: String, Sendable {
    case none, sum, mean

    public init(parsing s: String, op: String) throws {
        guard let r = Reduction(rawValue: s) else { throw TensorError(op, "\(s) is not a valid value for reduction") }
        self = r
    }
}

extension Functional {
    /// Cross entropy of logits `input` ([N, C], [N, C, d1, ...] or [C]) against class indices
    /// (int64, [N, d1, ...]) or class probabilities (input's shape), with PyTorch's `weight`,
    /// `ignore_index`, `reduction` and `label_smoothing` (`F.cross_entropy`).
    public static func crossEntropy(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil, ignoreIndex: Int = -100,
                                    reduction: Reduction = .mean, labelSmoothing: Double = 0) throws -> Tensor {
        guard input.ndim >= 1 else { throw TensorError("cross_entropy", "input must have at least 1 dim, got \(fmt(input.shape))") }
        guard labelSmoothing >= 0 && labelSmoothing <= 1 else {
            throw TensorError("cross_entropy", "label_smoothing must be between 0.0 and 1.0. Got: \(labelSmoothing)")
        }
        if input.ndim == 1 {
            let r = try crossEntropy(try input.unsqueeze(0), try target.unsqueeze(0), weight: weight, ignoreIndex: ignoreIndex,
                                     reduction: reduction, labelSmoothing: labelSmoothing)
            return reduction == .none ? try r.squeeze([0]) : r
        }
        let c = input.shape[1]
        let logp = try input.logSoftmax(dim: 1)
        let w = try weight.map { try classWeights($0, c, ndim: input.ndim, op: "cross_entropy") }
        if target.dtype == .float32 {
            guard target.shape == input.shape else {
                throw TensorError("cross_entropy", "probability target of shape \(fmt(target.shape)) must match input \(fmt(input.shape))")
            }
            var t = target
            if labelSmoothing > 0 { t = try t.mul(1 - labelSmoothing).add(labelSmoothing / Double(c)) }
            var terms = try logp.mul(t)
            if let w = w { terms = try terms.mul(w) }
            let loss = try terms.sum(dims: [1]).neg()
            switch reduction {
            case .none: return loss
            case .sum: return try loss.sum()
            case .mean: return try loss.sum().div(Double(input.numel / Swift.max(c, 1)))
            }
        }
        let nll = try nllLoss(logp, target, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction)
        guard labelSmoothing > 0 else { return nll }
        let ignored = try target.eq(.scalar(ignoreIndex))
        let weighted = try w.map { try logp.mul($0) } ?? logp
        let smooth = try weighted.sum(dims: [1]).neg().maskedFill(ignored, 0)
        let smoothReduced: Tensor
        switch reduction {
        case .none: smoothReduced = smooth
        case .sum: smoothReduced = try smooth.sum()
        case .mean:
            smoothReduced = try smooth.sum().div(try targetWeightTotal(target, ignored, weight))
        }
        return try nll.mul(1 - labelSmoothing).add(try smoothReduced.mul(labelSmoothing / Double(c)))
    }

    /// Negative log-likelihood of log-probabilities [N, C, d1, ...] at class indices [N, d1, ...]
    /// (`F.nll_loss`); ignored targets contribute 0 and leave the `mean` denominator.
    public static func nllLoss(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil, ignoreIndex: Int = -100,
                               reduction: Reduction = .mean) throws -> Tensor {
        if input.ndim == 1 {
            let r = try nllLoss(try input.unsqueeze(0), try target.unsqueeze(0), weight: weight, ignoreIndex: ignoreIndex, reduction: reduction)
            return reduction == .none ? try r.squeeze([0]) : r
        }
        guard target.dtype.isIntegral else {
            throw TensorError("nll_loss", "expected target of dtype int64, got \(target.dtype)")
        }
        var expected = input.shape
        expected.remove(at: 1)
        guard target.shape == expected else {
            throw TensorError("nll_loss", "expected target of shape \(fmt(expected)) for input \(fmt(input.shape)), got \(fmt(target.shape))")
        }
        let c = input.shape[1]
        let ignored = try target.eq(.scalar(ignoreIndex))
        let safe = try Tensor.where(ignored, Tensor.scalar(0), target.to(.int64))
        if let bad = safe.toIntArray().first(where: { $0 < 0 || $0 >= Int64(c) }) {
            throw TensorError("nll_loss", "Target \(bad) is out of bounds (\(c) classes)")
        }
        let picked = try input.gather(dim: 1, index: try safe.unsqueeze(1)).squeeze([1])
        var loss = picked.neg()
        if let w = weight { loss = try loss.mul(try w.indexSelect(dim: 0, index: safe.reshape([-1])).reshape(safe.shape)) }
        loss = try loss.maskedFill(ignored, 0)
        switch reduction {
        case .none: return loss
        case .sum: return try loss.sum()
        case .mean: return try loss.sum().div(try targetWeightTotal(target, ignored, weight))
        }
    }

    /// Sum of the weights of non-ignored targets (their count without `weight`).
    private static func targetWeightTotal(_ target: Tensor, _ ignored: Tensor, _ weight: Tensor?) throws -> Tensor {
        let keep = ignored.logicalNot().to(.float32)
        guard let w = weight else { return try keep.sum() }
        let safe = try Tensor.where(ignored, Tensor.scalar(0), target.to(.int64))
        let wt = try w.detach().indexSelect(dim: 0, index: try safe.reshape([-1])).reshape(safe.shape)
        return try wt.mul(keep).sum()
    }

    /// Class weights [C] shaped to broadcast along dim 1 of an `ndim`-d input.
    private static func classWeights(_ w: Tensor, _ c: Int, ndim: Int, op: String) throws -> Tensor {
        guard w.shape == [c] else { throw TensorError(op, "weight tensor should be defined either for all \(c) classes or no classes but got weight tensor of shape: \(fmt(w.shape))") }
        return try w.reshape([1, c] + [Int](repeating: 1, count: ndim - 2))
    }

    /// Mean squared error (`F.mse_loss`).
    public static func mseLoss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) throws -> Tensor {
        let d = try input.sub(target)
        return try reduce(try d.mul(d), reduction)
    }

    /// Mean absolute error (`F.l1_loss`).
    public static func l1Loss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) throws -> Tensor {
        try reduce(try input.sub(target).abs(), reduction)
    }

    /// Binary cross entropy on logits, stable form (1 - y) x + (1 + (p - 1) y) softplus(-x)
    /// with pos_weight p (`F.binary_cross_entropy_with_logits`).
    public static func binaryCrossEntropyWithLogits(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                                    posWeight: Tensor? = nil, reduction: Reduction = .mean) throws -> Tensor {
        let softplusNeg = input.neg().softplus(beta: 1, threshold: 20)
        let oneMinusY = try Tensor.scalar(1).sub(target)
        var loss: Tensor
        if let p = posWeight {
            let coef = try p.sub(1).mul(target).add(1)
            loss = try oneMinusY.mul(input).add(try coef.mul(softplusNeg))
        } else {
            loss = try oneMinusY.mul(input).add(softplusNeg)
        }
        if let w = weight { loss = try loss.mul(w) }
        return try reduce(loss, reduction)
    }

    static func reduce(_ loss: Tensor, _ reduction: Reduction) throws -> Tensor {
        switch reduction {
        case .none: return loss
        case .sum: return try loss.sum()
        case .mean: return try loss.mean()
        }
    }
}
