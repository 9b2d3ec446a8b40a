/// Reading the learning-rate settings from the config, with RETURNN's names and defaults.
extension LearningRateControlOptions {
    public init(config: EngineConfig) throws {
        self.init()
        let kindName = try config.string("learning_rate_control", "constant")
        guard let kind = LearningRateControlKind(configName: kindName) else {
            throw ConfigError(key: "learning_rate_control",
                              message: "unknown learning-rate control '\(kindName)' (one of \(LearningRateControlKind.configNames.joined(separator: ", ")))")
        }
        self.kind = kind
        defaultLearningRate = try config.float("learning_rate", 1.0)
        minLearningRate = try config.float("min_learning_rate", 0.0)
        presetLearningRates = try Self.presetLearningRates(config)
        errorMeasureKeys = try config.stringList("learning_rate_control_error_measure")
        relativeErrorRelativeToLearningRate = try config.bool("learning_rate_control_relative_error_relative_lr", false)
        minNumEpochsPerNewLearningRate = try config.int("learning_rate_control_min_num_epochs_per_new_lr", 0)
        relativeErrorDivByOld = try config.bool("newbob_relative_error_div_by_old", false)
        decay = try Self.update(config, "learning_rate_decay", "newbob_learning_rate_decay", 0.5)
        growth = try Self.update(config, "learning_rate_growth", "newbob_learning_rate_growth", 1.0)
        filename = try config.optionalString("learning_rate_file")
        let threshold = try config.float("newbob_relative_error_threshold", -0.01)
        relativeErrorThreshold = threshold
        errorThreshold = try config.float("newbob_error_threshold", -0.01)
        multiNumEpochs = try config.int("newbob_multi_num_epochs", 5)
        multiUpdateInterval = try config.int("newbob_multi_update_interval", multiNumEpochs)
        relativeErrorGrowThreshold = try config.float("newbob_relative_error_grow_threshold", threshold)
    }

    /// `learning_rates`: a list (epochs 1, 2, ...), a dict epoch → LR, or a string of either.
    private static func presetLearningRates(_ config: EngineConfig) throws -> [Int: Double] {
        let key = "learning_rates"
        guard config.has(key), let value = config.value(forKey: key) else { return [:] }
        switch value {
        case .list(let items):
            var rates: [Int: Double] = [:]
            for (i, item) in items.enumerated() {
                guard let lr = item.number else { throw ConfigError(key: key, message: "item \(i) is a \(item.typeName), not a number") }
                rates[i + 1] = lr
            }
            return rates
        case .dict(let items):
            var rates: [Int: Double] = [:]
            for (epochValue, lrValue) in items {
                guard case .int(let epoch) = epochValue, let lr = lrValue.number else {
                    throw ConfigError(key: key, message: "expected a dict of epoch (int) to learning rate (float)")
                }
                rates[epoch] = lr
            }
            return rates
        case .string(let text):
            return try parseRateList(text, key: key)
        default:
            throw ConfigError(key: key, message: "expected a list or dict of learning rates, got \(value.typeName)")
        }
    }

    /// A comma-separated list (`"0.1,0.05"`, RETURNN's float_list) or a list/dict literal in a string.
    private static func parseRateList(_ text: String, key: String) throws -> [Int: Double] {
        let trimmed = text.filter { !$0.isWhitespace }
        let body = trimmed.trimmingPrefix("[").split(separator: "]").first.map(String.init) ?? ""
        if trimmed.hasPrefix("{") {
            var rates: [Int: Double] = [:]
            for pair in trimmed.dropFirst().dropLast().split(separator: ",") {
                let parts = pair.split(separator: ":")
                guard parts.count == 2, let epoch = Int(parts[0]), let lr = PyLiteralScanner.pythonFloat(String(parts[1])) else {
                    throw ConfigError(key: key, message: "cannot read '\(text)' as learning rates")
                }
                rates[epoch] = lr
            }
            return rates
        }
        var rates: [Int: Double] = [:]
        for (i, item) in body.split(separator: ",").enumerated() {
            guard let lr = PyLiteralScanner.pythonFloat(String(item)) else {
                throw ConfigError(key: key, message: "cannot read '\(text)' as learning rates")
            }
            rates[i + 1] = lr
        }
        return rates
    }

    /// `learning_rate_decay` / `learning_rate_growth`, else the newbob_* name: a number or a function.
    private static func update(_ config: EngineConfig, _ key: String, _ fallbackKey: String,
                               _ defaultFactor: Double) throws -> LearningRateUpdate? {
        let usedKey = config.value(forKey: key) != nil ? key : fallbackKey
        guard let value = config.value(forKey: usedKey) else { return .factor(defaultFactor) }
        switch value {
        case .none: return nil
        case .int(let i): return .factor(Double(i))
        case .float(let d): return .factor(d)
        case .function(let f):
            return .function { lr in
                guard case .float(let result) = try f(.float(lr)) else {
                    throw ConfigError(key: usedKey, message: "the function must return a float")
                }
                return result
            }
        default:
            throw ConfigError(key: usedKey, message: "expected a float or a function, got \(value.typeName)")
        }
    }
}
