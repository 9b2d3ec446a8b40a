/// The batch limit `batch_size` / `max_seq_length`-style settings: one number for every key, or per key.
public enum PerKeyLimit: Equatable {
    case all(Int)
    case perKey([String: Int])

    static func read(_ config: EngineConfig, _ key: String) throws -> PerKeyLimit? {
        guard config.has(key), let value = config.value(forKey: key) else { return nil }
        switch value {
        case .int(let n): return .all(n)
        case .float(let d) where d == d.rounded(): return .all(Int(d))
        case .dict(let items):
            var limits: [String: Int] = [:]
            for (k, v) in items {
                guard case .string(let name) = k, case .int(let n) = v else {
                    throw ConfigError(key: key, message: "expected a dict of data key (str) → int")
                }
                limits[name] = n
            }
            return .perKey(limits)
        default:
            throw ConfigError(key: key, message: "expected an int or a dict of data key → int, got \(value.typeName)")
        }
    }
}

/// The `optimizer` setting: `{"class": "adam", ...options}`, class matched case-insensitively,
/// `epsilon` renamed to `eps`, and `learning_rate_multiplier` applied to the LR (as the updater does).
public struct OptimizerSettings: Equatable {
    /// Lower-cased class name (`adam`, `adamw`, `sgd`, ...).
    public var className: String
    /// The remaining options in their order (passed through to the optimizer).
    public var options: [String]
    public var values: [String: ConfigValueBox]
    public var learningRateMultiplier: Double

    static func read(_ config: EngineConfig) throws -> OptimizerSettings? {
        let key = "optimizer"
        guard config.has(key), let value = config.value(forKey: key) else { return nil }
        guard case .dict(let items) = value else { throw ConfigError(key: key, message: "expected a dict with a 'class' entry, got \(value.typeName)") }
        var settings = OptimizerSettings(className: "", options: [], values: [:], learningRateMultiplier: 1)
        for (k, v) in items {
            guard case .string(var name) = k else { throw ConfigError(key: key, message: "option names must be strings") }
            switch name {
            case "class":
                guard case .string(let cls) = v else { throw ConfigError(key: key, message: "'class' must be the optimizer's name (e.g. 'adam')") }
                settings.className = cls.lowercased()
                continue
            case "learning_rate":
                throw ConfigError(key: key, message: "'learning_rate' should be set outside of the 'optimizer' dict")
            case "learning_rate_multiplier":
                guard let m = v.number else { throw ConfigError(key: key, message: "'learning_rate_multiplier' must be a number") }
                settings.learningRateMultiplier = m
                continue
            case "epsilon": name = "eps"
            default: break
            }
            settings.options.append(name)
            settings.values[name] = ConfigValueBox(v)
        }
        guard !settings.className.isEmpty else {
            throw ConfigError(key: key, message: "'class' field of 'optimizer' dict was not set (use e.g. 'SGD', 'Adam', ...)")
        }
        return settings
    }
}

/// A `ConfigValue` that compares equal by its printed form (functions never compare equal).
public struct ConfigValueBox: Equatable {
    public let value: ConfigValue
    public init(_ value: ConfigValue) { self.value = value }

    public static func == (a: ConfigValueBox, b: ConfigValueBox) -> Bool {
        switch (a.value, b.value) {
        case (.function, _), (_, .function): return false
        default: return "\(a.value)" == "\(b.value)"
        }
    }
}

/// Log targets (`log`: "stdout", a file path, ...) with their verbosity (`log_verbosity`, default 3),
/// as RETURNN's log: stdout is always added; one verbosity applies to all, else per target.
public struct LogSettings: Equatable {
    public var targets: [(target: String, verbosity: Int)]

    public static func == (a: LogSettings, b: LogSettings) -> Bool {
        a.targets.map(\.target) == b.targets.map(\.target) && a.targets.map(\.verbosity) == b.targets.map(\.verbosity)
    }

    static func read(_ config: EngineConfig) throws -> LogSettings {
        var logs = try config.stringList("log")
        let verbosities: [Int]
        switch config.value(forKey: "log_verbosity") {
        case .int(let v)?: verbosities = [v]
        case .list(let items)?:
            verbosities = try items.map {
                guard case .int(let v) = $0 else { throw ConfigError(key: "log_verbosity", message: "expected ints") }
                return v
            }
        case nil, .none?: verbosities = []
        case let other?: throw ConfigError(key: "log_verbosity", message: "expected an int or a list of ints, got \(other.typeName)")
        }
        if !logs.contains("stdout") { logs.append("stdout") }
        let targets = try logs.enumerated().map { (i, target) -> (String, Int) in
            let v = i < verbosities.count ? verbosities[i] : verbosities.count == 1 ? verbosities[0] : 3
            guard (0...5).contains(v) else { throw ConfigError(key: "log_verbosity", message: "invalid verbosity \(v) (0...5)") }
            return (target, v)
        }
        return LogSettings(targets: targets)
    }
}
