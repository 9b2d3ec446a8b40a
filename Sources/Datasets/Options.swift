/// A value of a RETURNN-style options dict (`{"class": "HDFDataset", "files": [...], ...}`).
public indirect enum OptionValue: Equatable, CustomStringConvertible {
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([OptionValue])
    /// Keeps insertion order, like a Python dict.
    case dict([OptionEntry])

    public var description: String {
        switch self {
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .string(let s): return "'\(s)'"
        case .list(let l): return "[" + l.map(\.description).joined(separator: ", ") + "]"
        case .dict(let d): return "{" + d.map { "'\($0.key)': \($0.value)" }.joined(separator: ", ") + "}"
        }
    }

    /// The entry of a dict value, or nil.
    public subscript(key: String) -> OptionValue? {
        if case .dict(let entries) = self { return entries.first { $0.key == key }?.value }
        return nil
    }
}

/// One key/value pair of a dict option.
public struct OptionEntry: Equatable {
    public var key: String
    public var value: OptionValue
    public init(_ key: String, _ value: OptionValue) {
        self.key = key
        self.value = value
    }
}

extension OptionValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: OptionValue...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, OptionValue)...) {
        self = .dict(elements.map { OptionEntry($0.0, $0.1) })
    }
    public init(nilLiteral: ()) { self = .none }
}

/// Reads the options of one dataset class, remembering every key it asks for, so that
/// `finish()` can reject keys nobody asked for (with a did-you-mean hint).
public final class OptionReader {
    public let context: String
    private let entries: [OptionEntry]
    private var known: [String] = ["class"]

    var rawEntries: [OptionEntry] { entries }

    public init(_ options: OptionValue, context: String) throws {
        guard case .dict(let entries) = options else {
            throw DatasetError(file: context, "dataset options must be a dict, got \(options)")
        }
        self.entries = entries
        self.context = context
    }

    /// The raw value, or nil if absent or None.
    public func value(_ key: String) -> OptionValue? {
        if !known.contains(key) { known.append(key) }
        guard let v = entries.first(where: { $0.key == key })?.value, v != .none else { return nil }
        return v
    }

    public func has(_ key: String) -> Bool { value(key) != nil }

    private func typeError(_ key: String, _ want: String, _ got: OptionValue) -> DatasetError {
        DatasetError(file: context, key: key, "expected \(want), got \(got)")
    }

    public func string(_ key: String) throws -> String? {
        guard let v = value(key) else { return nil }
        guard case .string(let s) = v else { throw typeError(key, "a string", v) }
        return s
    }

    public func string(_ key: String, default d: String) throws -> String { try string(key) ?? d }

    public func int(_ key: String) throws -> Int? {
        guard let v = value(key) else { return nil }
        switch v {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        default: throw typeError(key, "an int", v)
        }
    }

    public func int(_ key: String, default d: Int) throws -> Int { try int(key) ?? d }

    public func double(_ key: String) throws -> Double? {
        guard let v = value(key) else { return nil }
        switch v {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: throw typeError(key, "a number", v)
        }
    }

    public func bool(_ key: String, default d: Bool) throws -> Bool {
        guard let v = value(key) else { return d }
        switch v {
        case .bool(let b): return b
        case .int(let i): return i != 0
        default: throw typeError(key, "a bool", v)
        }
    }

    public func strings(_ key: String) throws -> [String]? {
        guard let v = value(key) else { return nil }
        switch v {
        case .string(let s): return [s]
        case .list(let l):
            return try l.map { item in
                guard case .string(let s) = item else { throw typeError(key, "a list of strings", v) }
                return s
            }
        default: throw typeError(key, "a list of strings", v)
        }
    }

    /// An unknown key that looks like a typo of a key asked for so far, as an error (or nil).
    /// Used when construction fails early, so that `pat` reports "did you mean 'path'" rather
    /// than "needs 'path'".
    public func likelyTypo() -> DatasetError? {
        for e in entries where !known.contains(e.key) {
            if let match = closestMatch(e.key, in: known) {
                return DatasetError(file: context, key: e.key, "unknown option (did you mean '\(match)'?)")
            }
        }
        return nil
    }

    /// Fails on the first key that no `value(_:)` call asked for.
    public func finish() throws {
        for e in entries where !known.contains(e.key) {
            throw DatasetError(file: context, key: e.key, "unknown option" + didYouMean(e.key, in: known))
        }
    }
}
