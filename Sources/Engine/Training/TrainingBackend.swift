/// The compute side of training, as the Engine sees it: the model, the optimizer and the data of a
/// tensor library, driven by `EpochLoop` (which owns the bookkeeping: learning rates, scores,
/// checkpoints, cleanup, resume, events). The shell implements it with Tensor modules and the
/// user's `get_model` / `train_step`; tests implement it with plain Swift numbers.
public protocol TrainingBackend: AnyObject {
    associatedtype Batch

    /// Seeds every random generator of the backend (called before building the model and at the
    /// start of each epoch, so a resumed run draws the same numbers as an uninterrupted one).
    func seed(_ seed: Int)
    /// Builds the model and optimizer (`get_model(epoch=, step=)`), before any state is loaded.
    func initModel(epoch: Int, step: Int) throws
    /// The batches of dataset `name` ("train", "dev", an `eval_datasets` key) for `epoch`.
    func batches(dataset name: String, epoch: Int) throws -> AnyIterator<Batch>
    /// Forward and backward for one batch; on an update step, clipping and the optimizer step
    /// (asking `context.acceptGradient(norm:)` first when it computes a norm).
    func trainStep(_ batch: Batch, context: StepContext) throws -> StepOutcome
    /// Forward only, for evaluation.
    func evalStep(_ batch: Batch, context: StepContext) throws -> StepOutcome
    func setLearningRate(_ learningRate: Double)
    func modelState() throws -> ModelCheckpoint
    func loadModelState(_ checkpoint: ModelCheckpoint) throws
    func optimizerState() throws -> OptimizerCheckpoint?
    func loadOptimizerState(_ checkpoint: OptimizerCheckpoint) throws
    /// Opens the datasets under `names` (train and the eval datasets before the first epoch), so
    /// that a missing or unreadable file is reported before any training time is spent.
    func prepareDatasets(_ names: [String]) throws
}

public extension TrainingBackend {
    func prepareDatasets(_ names: [String]) throws {}
}

/// What a step reports back.
public struct StepOutcome {
    public var losses: [StepLoss]
    /// Frames (time steps) of the batch, for frames/s.
    public var frames: Int

    public init(losses: [StepLoss], frames: Int = 0) {
        self.losses = losses
        self.frames = frames
    }
}

/// The run context of one step (`run_ctx`): epoch, global step, stage, and the update policy.
public final class StepContext {
    public let epoch: Int
    /// Training steps done before this one (RETURNN's global_step).
    public let globalStep: Int
    /// Index of the step within the epoch (0-based).
    public let stepInEpoch: Int
    /// "train_step" (training and evaluation) or "forward_step".
    public let stage: String
    /// True when this step ends an `accum_grad_multiple_step` window: clip and update now.
    public let isUpdateStep: Bool
    private let gradientGuard: (Double) throws -> Bool

    init(epoch: Int, globalStep: Int, stepInEpoch: Int, stage: String, isUpdateStep: Bool,
         gradientGuard: @escaping (Double) throws -> Bool) {
        self.epoch = epoch
        self.globalStep = globalStep
        self.stepInEpoch = stepInEpoch
        self.stage = stage
        self.isUpdateStep = isUpdateStep
        self.gradientGuard = gradientGuard
    }

    /// Reports the (clipped) gradient norm; false means skip the optimizer step (non-finite norm).
    /// Throws `InvalidGradientError` after too many in succession.
    public func acceptGradient(norm: Double) throws -> Bool { try gradientGuard(norm) }
}

/// What the loop tells its observer (the shell draws progress bars or writes log lines from these).
public enum EngineEvent {
    /// A log line of the original at its verbosity (1...5).
    case log(verbosity: Int, text: String)
    case epochStarted(epoch: Int, learningRate: Double)
    case trainStep(epoch: Int, step: Int, losses: [String: Double], totalLoss: Double)
    case epochTrained(epoch: Int, scores: [String: Double], steps: Int, frames: Int, seconds: Double)
    case evaluated(epoch: Int, dataset: String, scores: [String: Double])
    case checkpointSaved(epoch: Int, files: [String])
    case modelsDeleted(epochs: [Int])
    /// The epoch summary line (mrsh's own).
    case epochSummary(String)
}
