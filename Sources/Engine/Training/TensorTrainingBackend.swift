import Datasets
import Foundation
import Tensor

/// The `TrainingBackend` of real training: a Tensor `Module` from `get_model`, the optimizer of the
/// `optimizer` setting, datasets and the batch pipeline of Datasets, and the user's `train_step`.
///
/// Per train step (Mini-RETURNN's updater): `train_step` → `run_ctx.total_loss().backward()`; on the
/// last step of an `accum_grad_multiple_step` window `gradient_clip` (value), `gradient_clip_norm`
/// (a non-finite norm skips the update; several in succession abort), `optimizer.step()`, zero grads.
/// A non-finite loss with `stop_on_nonfinite_train_score` stops before the update.
public final class TensorTrainingBackend: TrainingBackend {
    public typealias Batch = LoadedBatch

    public let functions: ModelFunctions
    public let settings: EngineSettings
    public let datasets: DatasetProvider
    public let pipeline: PipelineOptions
    public private(set) var model: Module?
    public private(set) var optimizer: Optimizer?
    public private(set) var parameters: [(name: String, tensor: Tensor)] = []
    /// The learning rate the control set (before `learning_rate_multiplier`).
    public private(set) var learningRate: Double = 0
    /// Per-parameter gradient norms of the last train step, before clipping (`grads()`).
    public private(set) var lastGradientNorms: [(name: String, norm: Double)] = []
    /// Whether train steps record `lastGradientNorms` (the interactive engine turns it on).
    public var recordsGradientNorms = false

    public init(functions: ModelFunctions, settings: EngineSettings, datasets: DatasetProvider, pipeline: PipelineOptions) {
        self.functions = functions
        self.settings = settings
        self.datasets = datasets
        self.pipeline = pipeline
    }

    public func seed(_ seed: Int) { Tensor.manualSeed(UInt64(seed)) }

    public func initModel(epoch: Int, step: Int) throws {
        let model = try running("get_model") { try functions.getModel(epoch, step) }
        self.model = model
        parameters = model.namedParameters().map { ($0.0, $0.1) }
        guard !parameters.isEmpty else { throw EngineRunError(message: "get_model returned a model without parameters") }
        optimizer = try OptimizerFactory.make(settings.optimizer, parameters: parameters.map(\.tensor),
                                              learningRate: effectiveLearningRate, weightDecay: settings.weightDecay)
    }

    private var effectiveLearningRate: Double { learningRate * (settings.optimizer?.learningRateMultiplier ?? 1) }

    public func setLearningRate(_ learningRate: Double) {
        self.learningRate = learningRate
        optimizer?.setLearningRate(effectiveLearningRate)
    }

    public func prepareDatasets(_ names: [String]) throws {
        for name in names { _ = try datasets.dataset(name) }
    }

    public func batches(dataset name: String, epoch: Int) throws -> AnyIterator<LoadedBatch> {
        let loader = try BatchLoader(dataset: try datasets.dataset(name), epoch: epoch, options: pipeline)
        var done = false
        return AnyIterator {
            guard !done else { return nil }
            do {
                guard let batch = try loader.next() else { done = true; return nil }
                return .batch(try batch.tensors())
            } catch {
                done = true
                return .failure(error)
            }
        }
    }

    func requireModel() throws -> (Module, Optimizer) {
        guard let model, let optimizer else { throw EngineRunError(message: "no model yet: call init_model() or train() first") }
        return (model, optimizer)
    }

    public func trainStep(_ batch: LoadedBatch, context: StepContext) throws -> StepOutcome {
        let (model, optimizer) = try requireModel()
        let data = try batch.get()
        let run = RunContext(context, device: settings.device ?? "cpu")
        model.train()
        try running("train_step") { try functions.trainStep(model, data, run) }
        let losses = try run.stepLosses()
        try running("backward") { try run.totalLoss().backward() }
        if settings.stopOnNonfiniteTrainScore {
            do {
                try NonFiniteLossError.check(losses, epoch: context.epoch, step: context.globalStep)
            } catch {
                try optimizer.zeroGrad()  // a session that continues must not apply these gradients later
                throw error
            }
        }
        if recordsGradientNorms { lastGradientNorms = try gradientNorms() }
        if context.isUpdateStep {
            try update(optimizer, context: context)
        }
        return StepOutcome(losses: losses, frames: Self.frames(data))
    }

    private func update(_ optimizer: Optimizer, context: StepContext) throws {
        let tensors = parameters.map(\.tensor)
        if let clip = settings.gradientClip { try Clip.gradValue(tensors, clipValue: clip) }
        var apply = true
        if let maxNorm = settings.gradientClipNorm {
            let norm = try Clip.gradNorm(tensors, maxNorm: maxNorm).item()
            apply = try context.acceptGradient(norm: norm)
        }
        if apply { try optimizer.step() }
        try optimizer.zeroGrad()
    }

    /// Forward only (`train_step` under no-grad, model in eval mode), for evaluation and `run_train_step`.
    public func evalStep(_ batch: LoadedBatch, context: StepContext) throws -> StepOutcome {
        let (model, _) = try requireModel()
        let data = try batch.get()
        let run = RunContext(context, device: settings.device ?? "cpu")
        model.eval()
        defer { model.train() }
        try noGrad { try running("train_step") { try functions.trainStep(model, data, run) } }
        return StepOutcome(losses: try run.stepLosses(), frames: Self.frames(data))
    }

    /// Losses and gradients of one batch without an update (the prompt's `run_train_step`).
    public func lossesWithoutUpdate(_ data: TensorBatch, context: StepContext) throws -> [StepLoss] {
        let (model, optimizer) = try requireModel()
        try optimizer.zeroGrad()
        let run = RunContext(context, device: settings.device ?? "cpu")
        model.train()
        try running("train_step") { try functions.trainStep(model, data, run) }
        try running("backward") { try run.totalLoss().backward() }
        lastGradientNorms = try gradientNorms()
        try optimizer.zeroGrad()
        return try run.stepLosses()
    }

    /// L2 norm of each parameter's gradient (0 for parameters without one).
    func gradientNorms() throws -> [(name: String, norm: Double)] {
        try noGrad { try parameters.map { ($0.name, try $0.tensor.grad.map { try $0.norm().item() } ?? 0) } }
    }

    /// Frames of a batch: Σ `data:size1` (else the first `:size1` entry), for frames/s.
    static func frames(_ data: TensorBatch) -> Int {
        let key = data["data:size1"] != nil ? "data:size1" : data.keys.first { $0.hasSuffix(":size1") }
        guard let key, case .tensor(let t)? = data[key] else { return 0 }
        return Int(t.toIntArray().reduce(0, +))
    }

    public func modelState() throws -> ModelCheckpoint {
        TensorState.modelCheckpoint(try requireModel().0)
    }

    public func loadModelState(_ checkpoint: ModelCheckpoint) throws {
        try TensorState.load(checkpoint, into: try requireModel().0, ignoreMissing: settings.loadIgnoreMissingVars,
                             path: checkpoint.epoch.map { "checkpoint of epoch \($0)" } ?? "checkpoint")
    }

    public func optimizerState() throws -> OptimizerCheckpoint? {
        TensorState.optimizerCheckpoint(try requireModel().1, parameters: parameters.map(\.tensor))
    }

    public func loadOptimizerState(_ checkpoint: OptimizerCheckpoint) throws {
        try TensorState.load(checkpoint, into: try requireModel().1, parameters: parameters.map(\.tensor),
                             path: checkpoint.epoch.map { "optimizer checkpoint of epoch \($0)" } ?? "optimizer checkpoint")
    }
}
