/// Every setting the Engine reads, typed, with RETURNN's defaults; a wrong type names the key.
public struct EngineSettings: Equatable {
    public var task = "train"
    public var numEpochs = 5
    public var saveInterval = 1
    public var model: String?
    public var batchSize: PerKeyLimit = .all(1)
    public var maxSeqs = -1
    public var batchDropLast = false
    public var minSeqLength: PerKeyLimit?
    public var maxSeqLength: PerKeyLimit?
    public var numWorkersPerGpu = 1
    public var optimizer: OptimizerSettings?
    public var weightDecay: Double?
    public var gradientClip: Double?
    public var gradientClipNorm: Double?
    /// Consecutive non-finite gradient norms that abort training [3].
    public var invalidGradientThreshold = 3
    public var accumGradMultipleStep = 1
    public var stopOnNonfiniteTrainScore = true
    public var randomSeed = 42
    public var allowMissingOptimizerCheckpoint = false
    public var loadIgnoreMissingVars = false
    public var cleanup: CleanupOptions?
    public var evalDatasetNames: [String] = []
    public var device: String?
    public var dryRun = false
    public var log = LogSettings(targets: [("stdout", 3)])

    public init() {}

    public init(config: EngineConfig) throws {
        task = try config.string("task", "train")
        numEpochs = try config.int("num_epochs", 5)
        saveInterval = try config.int("save_interval", 1)
        model = try config.optionalString("model")
        batchSize = try PerKeyLimit.read(config, "batch_size") ?? .all(1)
        maxSeqs = try config.int("max_seqs", -1)
        batchDropLast = try config.bool("batch_drop_last", false)
        minSeqLength = try PerKeyLimit.read(config, "min_seq_length")
        maxSeqLength = try PerKeyLimit.read(config, "max_seq_length")
        numWorkersPerGpu = try config.int("num_workers_per_gpu", 1)
        optimizer = try OptimizerSettings.read(config)
        weightDecay = try config.optionalFloat("weight_decay")
        gradientClip = try config.optionalFloat("gradient_clip")
        gradientClipNorm = try config.optionalFloat("gradient_clip_norm")
        invalidGradientThreshold = try config.int("gradient_clip_norm_invalid_gradient_threshold", 3)
        accumGradMultipleStep = try config.int("accum_grad_multiple_step", 1)
        stopOnNonfiniteTrainScore = try config.bool("stop_on_nonfinite_train_score", true)
        randomSeed = try config.int("random_seed", 42)
        allowMissingOptimizerCheckpoint = try config.bool("allow_missing_optimizer_checkpoint", false)
        loadIgnoreMissingVars = try config.bool("load_ignore_missing_vars", false)
        cleanup = try CleanupOptions.fromConfig(config.value(forKey: "cleanup_old_models"))
        evalDatasetNames = try Self.evalDatasetNames(config)
        device = try config.optionalString("device")
        if device == "gpu" { device = "cuda" }
        dryRun = try config.bool("dry_run", false)
        log = try LogSettings.read(config)
        try validate()
    }

    /// `dev` first (when set), then the `eval_datasets` keys in their order.
    private static func evalDatasetNames(_ config: EngineConfig) throws -> [String] {
        var names = config.has("dev") ? ["dev"] : []
        switch config.value(forKey: "eval_datasets") {
        case nil, .none?: break
        case .dict(let items)?:
            for (key, _) in items {
                guard case .string(let name) = key else { throw ConfigError(key: "eval_datasets", message: "dataset names must be strings") }
                if !names.contains(name) { names.append(name) }
            }
        case let other?: throw ConfigError(key: "eval_datasets", message: "expected a dict of name → dataset, got \(other.typeName)")
        }
        return names
    }

    private func validate() throws {
        guard numEpochs >= 0 else { throw ConfigError(key: "num_epochs", message: "must be >= 0, got \(numEpochs)") }
        guard saveInterval >= 1 else { throw ConfigError(key: "save_interval", message: "must be >= 1, got \(saveInterval)") }
        guard accumGradMultipleStep >= 1 else {
            throw ConfigError(key: "accum_grad_multiple_step", message: "must be >= 1, got \(accumGradMultipleStep)")
        }
        guard numWorkersPerGpu <= 1 else {
            throw ConfigError(key: "num_workers_per_gpu", message: "only 0 or 1 loader thread is supported (the datasets are not sharded)")
        }
    }
}
