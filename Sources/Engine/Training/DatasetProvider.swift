import Datasets

/// The datasets of a run by their engine names: `train`, `dev`, the `eval_datasets` keys and
/// `forward` (Mini-RETURNN's key of the forward task's dataset; mrsh's earlier name `forward_data`
/// is still read when `forward` is not set), each made once from its options dict in the config (`init_dataset`), or given
/// directly as objects (Swift callers, tests, the shell's `init_dataset` results).
public final class DatasetProvider {
    private let config: EngineConfig?
    private var made: [String: Dataset]

    public init(config: EngineConfig?, datasets: [String: Dataset] = [:]) {
        self.config = config
        made = datasets
    }

    /// Sets (or replaces) the dataset under `name`.
    public func set(_ name: String, _ dataset: Dataset) { made[name] = dataset }

    /// The dataset under `name`. - Throws: `ConfigError` naming the setting when it is missing or invalid.
    public func dataset(_ name: String) throws -> Dataset {
        if let dataset = made[name] { return dataset }
        guard let value = try options(name) else {
            throw ConfigError(key: name, message: "dataset '\(name)' is not set in the config")
        }
        let settingKey = topLevelKeys.contains(name) ? name : "eval_datasets"
        let dataset: Dataset
        do {
            dataset = try Dataset.create(options: try Self.optionValue(value, key: settingKey))
        } catch let error as DatasetError {
            throw ConfigError(key: settingKey, message: "dataset '\(name)': \(error)")
        }
        made[name] = dataset
        return dataset
    }

    private let topLevelKeys: Set<String> = ["train", "dev", "eval", "forward", "forward_data"]

    private func options(_ name: String) throws -> ConfigValue? {
        guard let config else { return nil }
        if name == "forward", config.value(forKey: "forward") == nil, let legacy = config.value(forKey: "forward_data") {
            if case .none = legacy { return nil }
            return legacy
        }
        if topLevelKeys.contains(name), let value = config.value(forKey: name) {
            if case .none = value { return nil }
            return value
        }
        guard case .dict(let items)? = config.value(forKey: "eval_datasets") else { return nil }
        return items.first { if case .string(let k) = $0.key { return k == name } else { return false } }?.value
    }

    /// A config value as a dataset options value (functions are not allowed in dataset options).
    static func optionValue(_ value: ConfigValue, key: String) throws -> OptionValue {
        switch value {
        case .none: return .none
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .float(let d): return .double(d)
        case .string(let s): return .string(s)
        case .list(let items): return .list(try items.map { try optionValue($0, key: key) })
        case .dict(let items):
            return .dict(try items.map { item in
                guard case .string(let k) = item.key else { throw ConfigError(key: key, message: "dataset option names must be strings") }
                return OptionEntry(k, try optionValue(item.value, key: key))
            })
        case .function: throw ConfigError(key: key, message: "dataset options cannot hold functions")
        }
    }

    /// The pipeline settings (`batch_size`, `max_seqs`, ...) of the config.
    public static func pipelineOptions(_ config: EngineConfig) throws -> PipelineOptions {
        var entries: [OptionEntry] = []
        for key in ["batch_size", "max_seqs", "batch_drop_last", "min_seq_length", "max_seq_length", "chunking_options"] {
            if let value = config.value(forKey: key) { entries.append(OptionEntry(key, try optionValue(value, key: key))) }
        }
        do {
            return try PipelineOptions(config: .dict(entries))
        } catch let error as DatasetError {
            throw ConfigError(key: "batch_size", message: "\(error)")
        }
    }
}
