import Foundation

/// Typed reads with RETURNN's conversions (`config.float`, `config.int`, ...); a value of the wrong
/// type throws a `ConfigError` naming the key. `None` counts as unset, as in RETURNN.
extension EngineConfig {
    /// True if the key is set to something other than None.
    public func has(_ key: String) -> Bool {
        present(key) != nil
    }

    private func present(_ key: String) -> ConfigValue? {
        guard let value = value(forKey: key) else { return nil }
        if case .none = value { return nil }
        return value
    }

    public func float(_ key: String, _ defaultValue: Double) throws -> Double {
        try optionalFloat(key) ?? defaultValue
    }

    public func optionalFloat(_ key: String) throws -> Double? {
        guard let value = present(key) else { return nil }
        switch value {
        case .int(let i): return Double(i)
        case .float(let d): return d
        case .bool(let b): return b ? 1 : 0
        case .string(let s):
            guard let d = PyLiteralScanner.pythonFloat(s) else { throw ConfigError(key: key, message: "cannot read '\(s)' as a float") }
            return d
        default: throw ConfigError(key: key, message: "expected a float, got \(value.typeName)")
        }
    }

    public func int(_ key: String, _ defaultValue: Int) throws -> Int {
        try optionalInt(key) ?? defaultValue
    }

    public func optionalInt(_ key: String) throws -> Int? {
        guard let value = present(key) else { return nil }
        switch value {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        case .float(let d) where d.rounded(.towardZero) == d && abs(d) < 9e18: return Int(d)
        case .string(let s):
            guard let i = Int(s.trimmingCharacters(in: .whitespaces)) else { throw ConfigError(key: key, message: "cannot read '\(s)' as an int") }
            return i
        default: throw ConfigError(key: key, message: "expected an int, got \(value.typeName)")
        }
    }

    /// RETURNN's `config.bool`: bools, ints, and the strings true/false/yes/no/on/off/1/0.
    public func bool(_ key: String, _ defaultValue: Bool) throws -> Bool {
        guard let value = present(key) else { return defaultValue }
        switch value {
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .string(let s):
            switch s.lowercased() {
            case "true", "yes", "on", "1": return true
            case "false", "no", "off", "0": return false
            default: throw ConfigError(key: key, message: "cannot read '\(s)' as a bool")
            }
        default: throw ConfigError(key: key, message: "expected a bool, got \(value.typeName)")
        }
    }

    public func string(_ key: String, _ defaultValue: String) throws -> String {
        try optionalString(key) ?? defaultValue
    }

    public func optionalString(_ key: String) throws -> String? {
        guard let value = present(key) else { return nil }
        switch value {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .float(let d): return PythonRepr.float(d)
        case .bool(let b): return b ? "True" : "False"
        default: throw ConfigError(key: key, message: "expected a str, got \(value.typeName)")
        }
    }

    /// A str or a list of str (e.g. `learning_rate_control_error_measure`); empty if unset.
    public func stringList(_ key: String) throws -> [String] {
        guard let value = present(key) else { return [] }
        switch value {
        case .string(let s): return [s]
        case .list(let items):
            return try items.map {
                guard case .string(let s) = $0 else { throw ConfigError(key: key, message: "expected a list of str, found \($0.typeName)") }
                return s
            }
        default: throw ConfigError(key: key, message: "expected a str or a list of str, got \(value.typeName)")
        }
    }
}
