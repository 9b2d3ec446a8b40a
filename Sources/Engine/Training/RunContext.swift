import Tensor

/// A loss as `run_ctx.mark_as_loss` recorded it, still a Tensor (for backward).
public struct MarkedLoss {
    public let name: String
    public let loss: Tensor
    public let scale: Double
    /// The normalization (`inv_norm_factor`), e.g. the number of frames; nil means 1.
    public let invNormFactor: Tensor?
}

/// Mini-RETURNN's `run_ctx` of one step: `mark_as_loss`, `total_loss()`, `mark_as_output` (forward),
/// `epoch`, `global_step`, `stage`, `device`.
public final class RunContext {
    public let epoch: Int
    public let globalStep: Int
    /// The step's index within the epoch (0-based).
    public let stepInEpoch: Int
    /// "train_step" (training and evaluation) or "forward_step".
    public let stage: String
    public let device: String
    public private(set) var losses: [MarkedLoss] = []
    /// Outputs marked in a forward step, in order.
    public private(set) var outputs: [(name: String, tensor: Tensor, lengths: [Int]?)] = []

    public init(epoch: Int, globalStep: Int, stepInEpoch: Int = 0, stage: String, device: String = "cpu") {
        self.epoch = epoch
        self.globalStep = globalStep
        self.stepInEpoch = stepInEpoch
        self.stage = stage
        self.device = device
    }

    convenience init(_ context: StepContext, device: String = "cpu") {
        self.init(epoch: context.epoch, globalStep: context.globalStep, stepInEpoch: context.stepInEpoch,
                  stage: context.stage, device: device)
    }

    /// `mark_as_loss(loss, name, scale=1.0, inv_norm_factor=None)`: `loss` must be a scalar tensor,
    /// `inv_norm_factor` a scalar tensor (or nil); names must be unique within a step.
    public func markAsLoss(_ loss: Tensor, name: String, scale: Double = 1.0, invNormFactor: Tensor? = nil) throws {
        guard loss.numel == 1 else {
            throw EngineRunError(message: "mark_as_loss('\(name)'): the loss must be a scalar, got shape \(loss.shape)")
        }
        if let f = invNormFactor, f.numel != 1 {
            throw EngineRunError(message: "mark_as_loss('\(name)'): inv_norm_factor must be a scalar, got shape \(f.shape)")
        }
        guard !losses.contains(where: { $0.name == name }) else {
            throw EngineRunError(message: "mark_as_loss: loss '\(name)' was already marked in this step")
        }
        losses.append(MarkedLoss(name: name, loss: loss, scale: scale, invNormFactor: invNormFactor))
    }

    /// `mark_as_loss` with a plain number as `inv_norm_factor`.
    public func markAsLoss(_ loss: Tensor, name: String, scale: Double = 1.0, invNormFactor: Double) throws {
        try markAsLoss(loss, name: name, scale: scale, invNormFactor: Tensor.scalar(invNormFactor))
    }

    /// `total_loss()`: Σ scale · loss / inv_norm_factor over the losses with scale ≠ 0 (a 0-d tensor).
    public func totalLoss() throws -> Tensor {
        var total: Tensor?
        for marked in losses where marked.scale != 0 {
            var value = marked.loss.ndim == 0 ? marked.loss : try marked.loss.reshape([])
            if let f = marked.invNormFactor { value = try value.div(try f.to(.float32).reshape([])) }
            if marked.scale != 1 { value = try value.mul(marked.scale) }
            total = try total.map { try $0.add(value) } ?? value
        }
        guard let total else { throw EngineRunError(message: "total_loss(): no loss with a non-zero scale was marked") }
        return total
    }

    /// `mark_as_output(tensor, name)` of a forward step: `tensor` is `[B, T, ...]`; `lengths` (per
    /// sequence, along T) crop the padding when written; nil keeps all T frames.
    public func markAsOutput(_ tensor: Tensor, name: String, lengths: [Int]? = nil) {
        outputs.append((name, tensor, lengths))
    }

    /// The losses reduced to numbers for the epoch's bookkeeping.
    func stepLosses() throws -> [StepLoss] {
        try losses.map {
            StepLoss(name: $0.name, value: try $0.loss.item(), scale: $0.scale, invNormFactor: try $0.invNormFactor?.item())
        }
    }
}
