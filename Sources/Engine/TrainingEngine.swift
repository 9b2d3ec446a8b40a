import Datasets
import Foundation
import Tensor

/// The training engine of a config, in Swift: the batch tasks (`task = "train" | "eval" | "forward"`)
/// and the prompt's functions (`train(epochs=None)`, `evaluate()`, `forward()`, `init_model()`,
/// `load_model(epoch=None)`, `next_batch(dataset=)`, `run_train_step(batch)`, `grads()`, `lr()`,
/// `scores()`). It knows no language: the user's functions come in as `ModelFunctions` closures,
/// settings through `EngineConfig`, and everything it reports goes to the `events` sink.
///
/// One object serves a whole session: train an epoch, change the learning rate, inspect, continue.
/// `requestStop()` (e.g. on Ctrl-C, from any thread) stops `train` at the next step boundary with
/// model, optimizer and epoch state intact; the next `train` call continues the epoch.
public final class Engine {
    public let config: EngineConfig
    public let settings: EngineSettings
    public let backend: TensorTrainingBackend
    public let loop: EpochLoop<TensorTrainingBackend>
    public private(set) var started = false
    private var interactiveBatches: [String: AnyIterator<LoadedBatch>] = [:]

    /// Reads the settings; `datasets` overrides dataset settings by name (`train`, `dev`, ...).
    public init(config: EngineConfig, functions: ModelFunctions, datasets: [String: Dataset] = [:],
                events: @escaping (EngineEvent) -> Void = { _ in }) throws {
        self.config = config
        settings = try EngineSettings(config: config)
        let provider = DatasetProvider(config: config, datasets: datasets)
        backend = TensorTrainingBackend(functions: functions, settings: settings, datasets: provider,
                                        pipeline: try DatasetProvider.pipelineOptions(config))
        var settingsForModel = try EpochModelSettings(config: config)
        settingsForModel.task = settings.task
        let control = try LearningRateControl(options: LearningRateControlOptions(config: config))
        loop = EpochLoop(settings: settings, modelSettings: settingsForModel, control: control, backend: backend, events: events)
    }

    /// The event sink (log lines, progress, epoch summaries).
    public var events: (EngineEvent) -> Void {
        get { loop.events }
        set { loop.events = newValue }
    }

    /// Runs the config's `task`: train, eval (scores per dataset) or forward.
    public func run() throws {
        switch settings.task {
        case "train": _ = try train()
        case "eval": _ = try evaluate()
        case "forward": try forward()
        default: throw ConfigError(key: "task", message: "unknown task '\(settings.task)' (train, eval, forward)")
        }
    }

    /// `init_model()`: builds the model and loads the starting checkpoint (resuming a run when
    /// checkpoints exist). Called by the other functions when needed.
    public func initModel() throws {
        try loop.start()
        started = true
    }

    private func ensureStarted() throws { try ensureModel() }

    /// `train(epochs=None)`: up to `num_epochs`, or `epochs` more epochs.
    @discardableResult
    public func train(epochs: Int? = nil) throws -> TrainOutcome {
        try ensureStarted()
        interactiveBatches = [:]  // a loader owns its dataset; the epoch's loader needs it now
        return try loop.train(epochs: epochs)
    }

    /// Asks `train` to stop at the next step boundary (thread-safe).
    public func requestStop() { loop.requestStop() }

    /// `evaluate()`: the current model on `dev` and every `eval_datasets` entry (scores not stored).
    public func evaluate() throws -> [(dataset: String, scores: [String: Double])] {
        try ensureStarted()
        interactiveBatches = [:]
        return try loop.evaluateLoadedModel()
    }

    /// `load_model(epoch=None)`: loads the model of `epoch` (default: the newest) into the current
    /// model, without touching the optimizer or the epoch counter.
    public func loadModel(epoch: Int? = nil) throws {
        try ensureStarted()
        guard let prefix = settings.model else { throw ConfigError(key: "model", message: "not set; no checkpoints to load") }
        let store = CheckpointStore(prefix: prefix)
        let existing = store.existingModels(finalEpoch: max(loop.finalEpoch, loop.epoch, epoch ?? 0))
        guard let chosen = epoch ?? existing.keys.max(), existing[chosen] != nil else {
            throw CheckpointError(path: prefix, message: "no checkpoint for epoch \(epoch.map(String.init) ?? "any") (have \(existing.keys.sorted()))")
        }
        let (model, _) = try CheckpointStore.loadForResume(CheckpointNames.epochModelFilename(prefix, epoch: chosen), allowMissingOptimizer: true)
        try backend.loadModelState(model)
    }

    /// `next_batch(dataset="train")`: the next batch dict of `dataset` (starting over after its end).
    public func nextBatch(dataset name: String = "train") throws -> TensorBatch {
        let epoch = max(loop.epoch, 1)
        if let batch = interactiveBatches[name]?.next() { return try batch.get() }
        let fresh = try backend.batches(dataset: name, epoch: epoch)
        interactiveBatches[name] = fresh
        guard let batch = fresh.next() else { throw EngineRunError(message: "No data in dataset '\(name)'.") }
        return try batch.get()
    }

    /// `run_train_step(batch)`: `train_step` + backward without an update; losses normalized by name.
    public func runTrainStep(_ batch: TensorBatch) throws -> [String: Double] {
        try ensureStarted()
        let context = StepContext(epoch: max(loop.epoch, 1), globalStep: loop.globalStep, stepInEpoch: 0, stage: "train_step",
                                  isUpdateStep: false, gradientGuard: { _ in false })
        let losses = try backend.lossesWithoutUpdate(batch, context: context)
        return Dictionary(losses.map { ($0.name, $0.normalized) }, uniquingKeysWith: { a, _ in a })
    }

    /// `grads()`: per-parameter gradient norms of the last step, by parameter name.
    public func grads() -> [(name: String, norm: Double)] { backend.lastGradientNorms }

    /// Records per-parameter gradient norms on every train step (for `grads()` after `train`).
    public var recordsGradientNorms: Bool {
        get { backend.recordsGradientNorms }
        set { backend.recordsGradientNorms = newValue }
    }

    /// `lr()`: the learning rate in use (as set by the learning-rate control for the current epoch).
    public func lr() -> Double { backend.learningRate }

    /// Sets the learning rate for the rest of the current epoch (the control sets it again at the next).
    public func setLearningRate(_ learningRate: Double) { backend.setLearningRate(learningRate) }

    /// `scores()`: the learning_rates table and a plot of the dev score per epoch, as lines.
    public func scores() -> [String] {
        let table = ScoreReport.table(loop.control.epochData)
        let values = ScoreReport.controlScores(loop.control)
        return values.isEmpty ? table : table + [""] + ScoreReport.plot(values, title: "dev score per epoch")
    }

    /// The current model (after `initModel`).
    public var model: Module? { backend.model }
}
