import Datasets
import Tensor

/// One entry of `preload_from_files`: parameters taken from another checkpoint after the model is built.
public struct PreloadOptions: Equatable {
    public var key: String
    public var filename: String
    /// Prepended to every name of the file (so only the model's `prefix...` parameters are set).
    public var prefix = ""
    public var ignoreParams: [String] = []
    public var ignoreParamsPrefixes: [String] = []
    /// Model name → name in the (prefixed) file.
    public var varNameMapping: [(new: String, inFile: String)] = []
    public var ignoreMissing = false
    /// True: applied at the start of training (epoch 1); false: only outside training.
    public var initForTrain = false
    /// The top-level key of the state dict in the file (nil: the file is the state dict).
    public var checkpointKey: String? = "model"

    public static func == (a: PreloadOptions, b: PreloadOptions) -> Bool {
        a.key == b.key && a.filename == b.filename && a.prefix == b.prefix && a.ignoreParams == b.ignoreParams
            && a.ignoreParamsPrefixes == b.ignoreParamsPrefixes && a.varNameMapping.map(\.new) == b.varNameMapping.map(\.new)
            && a.varNameMapping.map(\.inFile) == b.varNameMapping.map(\.inFile) && a.ignoreMissing == b.ignoreMissing
            && a.initForTrain == b.initForTrain && a.checkpointKey == b.checkpointKey
    }

    static let knownKeys = ["filename", "prefix", "ignore_params", "ignore_params_prefixes", "var_name_mapping",
                            "ignore_missing", "init_for_train", "checkpoint_key"]

    /// All entries of `preload_from_files`, in the order the original applies them (reverse-sorted keys,
    /// so the first key in sorted order is applied last and wins).
    public static func fromConfig(_ config: EngineConfig) throws -> [PreloadOptions] {
        let setting = "preload_from_files"
        guard let value = config.value(forKey: setting) else { return [] }
        if case .none = value { return [] }
        guard case .dict(let items) = value else {
            throw ConfigError(key: setting, message: "expected a dict of name → options dict, got \(value.typeName)")
        }
        var entries: [PreloadOptions] = []
        for (key, options) in items {
            guard case .string(let name) = key, case .dict(let opts) = options else {
                throw ConfigError(key: setting, message: "each entry must be 'name': {options}")
            }
            entries.append(try parse(name, opts))
        }
        return entries.sorted { PythonRepr.codePointLess($1.key, $0.key) }
    }

    private static func parse(_ name: String, _ items: [(key: ConfigValue, value: ConfigValue)]) throws -> PreloadOptions {
        let setting = "preload_from_files"
        var options = PreloadOptions(key: name, filename: "")
        var hasFilename = false
        for (k, v) in items {
            guard case .string(let option) = k else { throw ConfigError(key: setting, message: "'\(name)': option names must be strings") }
            func fail(_ what: String) -> ConfigError { ConfigError(key: setting, message: "'\(name)': '\(option)' must be \(what)") }
            switch (option, v) {
            case ("filename", .string(let s)): options.filename = s; hasFilename = true
            case ("prefix", .string(let s)): options.prefix = s
            case ("ignore_params", _): options.ignoreParams = try strings(v) ?? { throw fail("a list of str") }()
            case ("ignore_params_prefixes", _): options.ignoreParamsPrefixes = try strings(v) ?? { throw fail("a list of str") }()
            case ("var_name_mapping", .dict(let pairs)):
                options.varNameMapping = try pairs.map {
                    guard case .string(let a) = $0.key, case .string(let b) = $0.value else { throw fail("a dict of str → str") }
                    return (a, b)
                }
            case ("ignore_missing", .bool(let b)): options.ignoreMissing = b
            case ("init_for_train", .bool(let b)): options.initForTrain = b
            case ("checkpoint_key", .string(let s)): options.checkpointKey = s
            case ("checkpoint_key", .none): options.checkpointKey = nil
            default:
                if knownKeys.contains(option) { throw fail("of another type, not \(v.typeName)") }
                let hint = DidYouMean.suggestion(for: option, among: knownKeys).map { " (did you mean '\($0)'?)" } ?? ""
                throw ConfigError(key: setting, message: "'\(name)': unknown option '\(option)'\(hint)")
            }
        }
        guard hasFilename else { throw ConfigError(key: setting, message: "'\(name)' needs a 'filename'") }
        return options
    }

    private static func strings(_ value: ConfigValue) throws -> [String]? {
        guard case .list(let items) = value else { return nil }
        var result: [String] = []
        for item in items {
            guard case .string(let s) = item else { return nil }
            result.append(s)
        }
        return result
    }

    /// Whether this entry applies: `init_for_train` entries only in the first training epoch,
    /// the others only outside training.
    public func applies(task: String, epoch: Int) -> Bool {
        let training = task == "train"
        if initForTrain { return epoch == 1 && (training || task == "initialize_model") }
        return !training
    }

    /// The file's records renamed for the model: prefix added, ignored names dropped, mapping applied.
    public func transform(_ records: [TensorRecord]) throws -> [TensorRecord] {
        var result = records.map { record -> TensorRecord in
            var r = record
            r.name = prefix + r.name
            return r
        }
        result.removeAll { r in ignoreParams.contains(r.name) || ignoreParamsPrefixes.contains { r.name.hasPrefix($0) } }
        for (new, inFile) in varNameMapping {
            guard let index = result.firstIndex(where: { $0.name == inFile }) else {
                throw CheckpointError(path: filename, message: "preload '\(key)': var_name_mapping source '\(inFile)' is not in the checkpoint")
            }
            var record = result.remove(at: index)
            record.name = new
            result.removeAll { $0.name == new }
            result.append(record)
        }
        return result
    }

    /// Model keys under `prefix` the file did not provide; an error unless `ignore_missing`.
    public func checkMissing(modelKeys: [String], loadedKeys: Set<String>) throws {
        guard !ignoreMissing else { return }
        let missing = modelKeys.filter { $0.hasPrefix(prefix) && !loadedKeys.contains($0) }
        if !missing.isEmpty {
            throw CheckpointError(path: filename, message: "preload '\(key)': missing keys and ignore_missing=False: \(missing.joined(separator: ", "))")
        }
    }
}
