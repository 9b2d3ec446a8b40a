import Foundation

/// How a `train` call ended.
public enum TrainOutcome: Equatable {
    /// All requested epochs are done; `epoch` is the last completed one.
    case finished(epoch: Int)
    /// `requestStop()` took effect at a step boundary inside `epoch`; calling `train` again continues there.
    case stopped(epoch: Int, globalStep: Int)
}

/// Mini-RETURNN's training loop without the tensor work: per epoch the learning rate from the
/// control, the train steps, scores into the learning_rates file, the checkpoint every
/// `save_interval` epochs and at the last, evaluation on `dev` and `eval_datasets`, and
/// `cleanup_old_models`. `start()` resumes from the newest checkpoint (see `EpochModelChoice`).
///
/// Differences from the original, on purpose: the global step continues across a resume (the
/// original restarts it at 0), and the backend is reseeded at every epoch start from
/// (epoch, global step, random_seed), so a run killed at any moment and resumed reproduces the
/// uninterrupted run.
public final class EpochLoop<Backend: TrainingBackend> {
    public let settings: EngineSettings
    public let modelSettings: EpochModelSettings
    public let control: LearningRateControl
    public let backend: Backend
    /// Receives events and log lines (the loop never prints).
    public var events: (EngineEvent) -> Void
    /// The last completed epoch (0 before the first).
    public private(set) var epoch = 0
    /// Training steps done so far.
    public private(set) var globalStep = 0
    public let finalEpoch: Int
    private let store: CheckpointStore?
    private var progress: EpochProgress<Backend.Batch>?
    private let stopLock = NSLock()
    private var stopFlag = false
    private var datasetsPrepared = false

    public init(settings: EngineSettings, modelSettings: EpochModelSettings, control: LearningRateControl,
                backend: Backend, events: @escaping (EngineEvent) -> Void = { _ in }) {
        self.settings = settings
        self.modelSettings = modelSettings
        self.control = control
        self.backend = backend
        self.events = events
        finalEpoch = CheckpointNames.finalEpoch(numEpochs: modelSettings.numEpochs, loadEpoch: modelSettings.loadEpoch)
        store = settings.model.map(CheckpointStore.init(prefix:))
    }

    /// Asks the loop to stop at the next step boundary (safe from another thread, e.g. on Ctrl-C).
    public func requestStop() {
        stopLock.lock()
        stopFlag = true
        stopLock.unlock()
    }

    private func takeStopRequest() -> Bool {
        stopLock.lock()
        defer { stopFlag = false; stopLock.unlock() }
        return stopFlag
    }

    /// Builds the model and loads the starting checkpoint (and, when resuming, the optimizer);
    /// evaluates the loaded epoch on eval datasets whose scores are missing from the file.
    public func start() throws {
        let choice = try EpochModelChoice.choose(modelSettings) { FileManager.default.fileExists(atPath: $0) }
        choice.notes.forEach { events(.log(verbosity: 4, text: $0)) }
        var checkpoint: ModelCheckpoint?
        var optimizer: OptimizerCheckpoint?
        if let pattern = choice.filename {
            let resuming = (choice.epoch ?? 0) > 0
            let loaded = try CheckpointStore.loadForResume(pattern, allowMissingOptimizer: !resuming || settings.allowMissingOptimizerCheckpoint)
            (checkpoint, optimizer) = (loaded.0, resuming ? loaded.1 : nil)
            events(.log(verbosity: 4, text: "Load model \(pattern)"))
        }
        let loadedEpoch = choice.epoch ?? (checkpoint?.epoch ?? 0)
        let step = loadedEpoch > 0 ? (checkpoint?.step ?? 0) : 0
        backend.seed(CheckpointNames.seedAfterLoad(epoch: loadedEpoch + 1, step: step, randomSeed: settings.randomSeed))
        try backend.initModel(epoch: loadedEpoch + 1, step: step)
        if let checkpoint { try backend.loadModelState(checkpoint) }
        if let optimizer { try backend.loadOptimizerState(optimizer) }
        (epoch, globalStep) = (loadedEpoch, step)
        progress = nil
        try evaluateMissing()
    }

    /// Trains until `num_epochs` (or `epochs` more epochs), or until a stop request.
    public func train(epochs: Int? = nil) throws -> TrainOutcome {
        let target = epochs.map { epoch + $0 } ?? finalEpoch
        if epoch < target && !datasetsPrepared {
            try backend.prepareDatasets(["train"] + settings.evalDatasetNames)
            datasetsPrepared = true
        }
        while epoch < target {
            guard try runEpoch(epoch + 1, isFinal: epoch + 1 == max(target, finalEpoch)) else {
                return .stopped(epoch: epoch + 1, globalStep: globalStep)
            }
        }
        return .finished(epoch: epoch)
    }

    /// One epoch; false when stopped at a step boundary (the epoch continues on the next call).
    private func runEpoch(_ e: Int, isFinal: Bool) throws -> Bool {
        if progress?.epoch != e { try beginEpoch(e) }
        guard var current = progress else { return false }
        defer { progress = current.finished ? nil : current }
        while true {
            if takeStopRequest() { return false }
            guard let batch = current.iterator.next() else { break }
            try trainStep(batch, &current)
        }
        current.finished = true
        try finishEpoch(e, current, isFinal: isFinal)
        return true
    }

    private func beginEpoch(_ e: Int) throws {
        let lr = try control.learningRate(forEpoch: e) ?? control.options.defaultLearningRate
        backend.setLearningRate(lr)
        backend.seed(CheckpointNames.seedAfterLoad(epoch: e, step: globalStep, randomSeed: settings.randomSeed))
        events(.epochStarted(epoch: e, learningRate: lr))
        events(.log(verbosity: 4, text: EngineLogLines.startEpoch(e, learningRate: lr)))
        progress = EpochProgress(epoch: e, learningRate: lr, iterator: try backend.batches(dataset: "train", epoch: e),
                                 guardian: InvalidGradientGuard(threshold: settings.invalidGradientThreshold))
    }

    private func trainStep(_ batch: Backend.Batch, _ current: inout EpochProgress<Backend.Batch>) throws {
        let started = Date()
        var guardian = current.guardian
        let context = StepContext(epoch: current.epoch, globalStep: globalStep, stepInEpoch: current.steps, stage: "train_step",
                                  isUpdateStep: isUpdateStep(current.steps, accumGradMultipleStep: settings.accumGradMultipleStep),
                                  gradientGuard: { try guardian.record(norm: $0) })
        let outcome = try backend.trainStep(batch, context: context)
        current.guardian = guardian
        if settings.stopOnNonfiniteTrainScore {
            try NonFiniteLossError.check(outcome.losses, epoch: current.epoch, step: globalStep)
        }
        current.losses.add(outcome.losses)
        current.frames += outcome.frames
        let normalized = Dictionary(outcome.losses.map { ($0.name, $0.normalized) }, uniquingKeysWith: { a, _ in a })
        let total = LossAccumulator.totalLoss(outcome.losses)
        events(.trainStep(epoch: current.epoch, step: current.steps, losses: normalized, totalLoss: total))
        events(.log(verbosity: 5, text: EngineLogLines.step("train epoch \(current.epoch)", step: current.steps,
                                                             stepTime: Date().timeIntervalSince(started), totalTime: nil,
                                                             totalLoss: total, losses: normalized)))
        current.steps += 1
        globalStep += 1
    }

    private func finishEpoch(_ e: Int, _ current: EpochProgress<Backend.Batch>, isFinal: Bool) throws {
        let seconds = Date().timeIntervalSince(current.started)
        let scores = current.losses.scores()
        events(.log(verbosity: 2, text: EngineLogLines.trained(steps: current.steps, seconds: seconds)))
        events(.epochTrained(epoch: e, scores: scores, steps: current.steps, frames: current.frames, seconds: seconds))
        try control.setEpochError(e, scores)
        try control.save()
        if let store, CheckpointNames.shouldSave(epoch: e, saveInterval: settings.saveInterval, finalEpoch: finalEpoch) || isFinal {
            var model = try backend.modelState()
            model.step = globalStep
            let files = try store.save(epoch: e, model: model, optimizer: try backend.optimizerState())
            events(.checkpointSaved(epoch: e, files: files))
        }
        epoch = e
        var evalScores: [(dataset: String, scores: [String: Double])] = []
        for name in settings.evalDatasetNames {
            evalScores.append((name, try evaluate(name, epoch: e)))
        }
        try cleanup()
        events(.epochSummary(ScoreReport.epochSummary(epoch: e, train: scores, eval: evalScores,
                                                      learningRate: current.learningRate, seconds: seconds, frames: current.frames)))
    }

    /// `task = "eval"` (mrsh's addition): the loaded model on `dev` and every `eval_datasets` entry,
    /// without touching the learning_rates file. Call after `start()`.
    public func evaluateLoadedModel() throws -> [(dataset: String, scores: [String: Double])] {
        try settings.evalDatasetNames.map { ($0, try evaluate($0, epoch: max(epoch, 1), store: false)) }
    }

    /// Evaluates dataset `name` with the current model; stores `<name>_loss_<loss>` scores and saves the file.
    @discardableResult
    public func evaluate(_ name: String, epoch e: Int, store: Bool = true) throws -> [String: Double] {
        events(.log(verbosity: 3, text: EngineLogLines.evaluating(name)))
        var losses = LossAccumulator()
        let iterator = try backend.batches(dataset: name, epoch: e)
        while let batch = iterator.next() {
            let context = StepContext(epoch: e, globalStep: globalStep, stepInEpoch: losses.steps, stage: "train_step",
                                      isUpdateStep: false, gradientGuard: { _ in false })
            losses.add(try backend.evalStep(batch, context: context).losses)
        }
        guard losses.steps > 0 else { throw EngineRunError(message: "No data in dataset '\(name)'.") }
        let scores = losses.scores(dataset: name)
        if store {
            try control.setEpochError(e, scores)
            try control.save()
        }
        events(.evaluated(epoch: e, dataset: name, scores: scores))
        return scores
    }

    /// After a resume: eval datasets without scores for the loaded epoch are evaluated now.
    private func evaluateMissing() throws {
        guard modelSettings.task == "train", epoch > 0, control.options.filename != nil else { return }
        let keys = control.epochData[epoch]?.error.keys.map { $0 } ?? []
        for name in settings.evalDatasetNames where !keys.contains(where: { $0.hasPrefix(name) }) {
            events(.log(verbosity: 3, text: "Last epoch model not yet evaluated on \(name). Doing that now."))
            try evaluate(name, epoch: epoch)
        }
    }

    private func cleanup() throws {
        guard let store, let options = settings.cleanup else { return }
        let plan = CheckpointCleanup.plan(modelEpochs: Array(store.existingModels(finalEpoch: max(finalEpoch, epoch)).keys),
                                          epochData: control.epochData, options: options)
        guard !plan.epochsToRemove.isEmpty else { return }
        if settings.dryRun {
            events(.log(verbosity: 2, text: "Dry-run, will not delete models of epochs \(plan.epochsToRemove)."))
            return
        }
        try store.apply(plan)
        events(.modelsDeleted(epochs: plan.epochsToRemove))
    }
}

/// An error that ends a run (empty dataset, ...).
public struct EngineRunError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

/// The state of an epoch in progress (kept across a stop request).
struct EpochProgress<Batch> {
    let epoch: Int
    let learningRate: Double
    let iterator: AnyIterator<Batch>
    var guardian: InvalidGradientGuard
    var losses = LossAccumulator()
    var steps = 0
    var frames = 0
    var finished = false
    let started = Date()

    init(epoch: Int, learningRate: Double, iterator: AnyIterator<Batch>, guardian: InvalidGradientGuard) {
        self.epoch = epoch
        self.learningRate = learningRate
        self.iterator = iterator
        self.guardian = guardian
    }
}
