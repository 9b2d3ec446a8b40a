/// A setting's value as the config script left it (the shell converts its Python values to these).
public enum ConfigValue {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case list([ConfigValue])
    /// Keys in the dict's order; keys that are not strings are rendered as in Python (`1`, `'a'`).
    case dict([(key: ConfigValue, value: ConfigValue)])
    /// A function of the config (e.g. `learning_rate_decay = lambda lr: lr * 0.7`).
    case function((ConfigValue) throws -> ConfigValue)

    /// The Python type name, for error messages.
    public var typeName: String {
        switch self {
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .string: return "str"
        case .list: return "list"
        case .dict: return "dict"
        case .function: return "function"
        }
    }

    /// The number as a Double (ints and floats; bools are not numbers here).
    public var number: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .float(let d): return d
        default: return nil
        }
    }
}

/// A setting of the wrong type or value; names the key.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
    public let key: String
    public let message: String

    public init(key: String, message: String) {
        self.key = key
        self.message = message
    }

    public var description: String { "config setting '\(key)': \(message)" }
}

/// Where the Engine reads its settings from: the globals of a config script, a dict in tests.
/// Unknown keys are not errors (configs carry their own helpers); see `ConfigKeys.warnings`.
public protocol EngineConfig {
    /// The value of `key`, or nil if the config does not set it.
    func value(forKey key: String) -> ConfigValue?
    /// All keys the config sets (for the did-you-mean check).
    var keys: [String] { get }
}

/// An `EngineConfig` from a Swift dictionary.
public struct DictionaryConfig: EngineConfig {
    public var values: [String: ConfigValue]

    public init(_ values: [String: ConfigValue]) { self.values = values }

    public func value(forKey key: String) -> ConfigValue? { values[key] }
    public var keys: [String] { Array(values.keys) }
}
