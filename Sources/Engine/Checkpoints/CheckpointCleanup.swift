import Datasets
/// Options of `cleanup_old_models` (True or a dict with these keys).
public struct CleanupOptions: Equatable {
    public var keepLastN = 2
    public var keepBestN = 4
    /// Epochs never deleted.
    public var keep: Set<Int> = []

    public init() {}

    public static let knownKeys = ["keep_last_n", "keep_best_n", "keep"]

    /// From the config value: nil when cleanup is off (unset, None, False, empty dict is on with defaults).
    public static func fromConfig(_ value: ConfigValue?) throws -> CleanupOptions? {
        let key = "cleanup_old_models"
        guard let value else { return nil }
        switch value {
        case .none, .bool(false): return nil
        case .bool(true): return CleanupOptions()
        case .dict(let items): return try fromDict(items, key: key)
        default: throw ConfigError(key: key, message: "expected True or a dict of keep_last_n/keep_best_n/keep, got \(value.typeName)")
        }
    }

    private static func fromDict(_ items: [(key: ConfigValue, value: ConfigValue)], key: String) throws -> CleanupOptions {
        var options = CleanupOptions()
        for (k, v) in items {
            guard case .string(let name) = k else { throw ConfigError(key: key, message: "option names must be strings") }
            switch (name, v) {
            case ("keep_last_n", .int(let n)): options.keepLastN = n
            case ("keep_best_n", .int(let n)): options.keepBestN = n
            case ("keep", .list(let epochs)):
                options.keep = Set(try epochs.map {
                    guard case .int(let e) = $0 else { throw ConfigError(key: key, message: "'keep' must list epochs (ints)") }
                    return e
                })
            case ("keep_last_n", _), ("keep_best_n", _), ("keep", _):
                throw ConfigError(key: key, message: "'\(name)' has the wrong type \(v.typeName)")
            default:
                let hint = DidYouMean.suggestion(for: name, among: knownKeys).map { " (did you mean '\($0)'?)" } ?? ""
                throw ConfigError(key: key, message: "unknown option '\(name)'\(hint)")
            }
        }
        guard options.keepLastN >= 1, options.keepBestN >= 0 else {
            throw ConfigError(key: key, message: "needs keep_last_n >= 1 and keep_best_n >= 0")
        }
        return options
    }
}

/// What `cleanup_old_models` decided.
public struct CleanupPlan: Equatable {
    public enum Decision: Equatable {
        case noModels
        /// max(keep_last_n, keep_best_n) >= the number of stored models.
        case tooFewModels(count: Int)
        case keepAll(count: Int)
        case delete(keep: [Int], remove: [Int])
    }

    public let decision: Decision
    /// Score keys ignored because every stored epoch has the same value.
    public let ignoredScoreKeys: [String]

    /// The epochs whose model files go.
    public var epochsToRemove: [Int] {
        if case .delete(_, let remove) = decision { return remove }
        return []
    }
}

/// RETURNN's selection of old checkpoints to delete: keep the `keep` list, the last `keep_last_n`
/// models, and for every score key (that varies) the `keep_best_n` epochs with the lowest score
/// (ties by epoch; an epoch without the key counts with the key's worst value).
public enum CheckpointCleanup {
    public static func plan(modelEpochs: [Int], epochData: [Int: EpochData], options: CleanupOptions) -> CleanupPlan {
        let epochs = modelEpochs.sorted()
        guard !epochs.isEmpty else { return CleanupPlan(decision: .noModels, ignoredScoreKeys: []) }
        guard max(options.keepLastN, options.keepBestN) < epochs.count else {
            return CleanupPlan(decision: .tooFewModels(count: epochs.count), ignoredScoreKeys: [])
        }
        var keep = options.keep.union(epochs.suffix(options.keepLastN))
        let allKeys = Set(epochData.values.flatMap(\.error.keys)).sorted(by: PythonRepr.codePointLess)
        var ignored: [String] = []
        for key in allKeys {
            let scores = epochs.compactMap { epochData[$0]?.error[key] }
            guard let worst = scores.max(by: scoreLess), let best = scores.min(by: scoreLess), !(best == worst) else {
                // All stored epochs agree (or none has the key): the key cannot rank them.
                ignored.append(key)
                continue
            }
            let ranked = epochs.map { (score: epochData[$0]?.error[key] ?? worst, epoch: $0) }
                .sorted { scoreLess($0.score, $1.score) || (!scoreLess($1.score, $0.score) && $0.epoch < $1.epoch) }
            keep.formUnion(ranked.prefix(options.keepBestN).map(\.epoch))
        }
        keep.formIntersection(epochs)
        if keep.count == epochs.count {
            return CleanupPlan(decision: .keepAll(count: epochs.count), ignoredScoreKeys: ignored)
        }
        let remove = epochs.filter { !keep.contains($0) }
        return CleanupPlan(decision: .delete(keep: keep.sorted(), remove: remove), ignoredScoreKeys: ignored)
    }

    /// Orders scores with NaN after everything (a NaN score is never "best").
    private static func scoreLess(_ a: Double, _ b: Double) -> Bool {
        if a.isNaN { return false }
        if b.isNaN { return true }
        return a < b
    }
}
