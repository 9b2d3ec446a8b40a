import Tensor

/// JSON for the plain values of checkpoints (optimizer hyper-parameters, scalars), with exact
/// doubles (shortest repr out, correctly rounded in) and Python's `NaN`/`Infinity` extensions.
/// Tuples are written as lists; dict keys must be strings (or ints, written as strings).
public enum PlainJSON {
    public static func encode(_ value: PickleValue) throws -> String {
        switch value {
        case .none: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .float(let d):
            if d.isNaN { return "NaN" }
            if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
            return PythonRepr.float(d)
        case .string(let s): return jsonString(s)
        case .list(let items), .tuple(let items):
            return "[" + (try items.map(encode)).joined(separator: ", ") + "]"
        case .dict(let dict):
            var parts: [String] = []
            for (key, item) in zip(dict.keys, dict.values) {
                let name: String
                switch key {
                case .string(let s): name = s
                case .int(let i): name = String(i)
                default: throw PlainJSONError(message: "dict key \(key) cannot be written as JSON")
                }
                parts.append(jsonString(name) + ": " + (try encode(item)))
            }
            return "{" + parts.joined(separator: ", ") + "}"
        case .bytes, .tensor:
            throw PlainJSONError(message: "\(value) cannot be written as JSON")
        }
    }

    static func jsonString(_ s: String) -> String { Safetensors.jsonString(s) }

    /// Parses JSON text; objects become (non-ordered-dict) `PickleDict`s with string keys in text order.
    public static func decode(_ text: String) throws -> PickleValue {
        var parser = PlainJSONParser(Array(text.utf8))
        let value = try parser.value()
        parser.skipSpace()
        guard parser.atEnd else { throw parser.failure("unexpected text after the value") }
        return value
    }
}

public struct PlainJSONError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public var description: String { message }
}

/// Recursive-descent JSON reader behind `PlainJSON.decode`.
struct PlainJSONParser {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index >= bytes.count }

    func failure(_ message: String) -> PlainJSONError { PlainJSONError(message: "JSON at byte \(index): \(message)") }

    mutating func skipSpace() {
        while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
    }

    private mutating func consume(_ literal: String) -> Bool {
        let l = Array(literal.utf8)
        guard index + l.count <= bytes.count, Array(bytes[index..<(index + l.count)]) == l else { return false }
        index += l.count
        return true
    }

    mutating func value() throws -> PickleValue {
        skipSpace()
        guard index < bytes.count else { throw failure("unexpected end") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        default:
            if consume("true") { return .bool(true) }
            if consume("false") { return .bool(false) }
            if consume("null") { return .none }
            if consume("NaN") { return .float(.nan) }
            if consume("Infinity") { return .float(.infinity) }
            if consume("-Infinity") { return .float(-.infinity) }
            return try number()
        }
    }

    private mutating func object() throws -> PickleValue {
        index += 1
        var dict = PickleDict()
        skipSpace()
        if consume("}") { return .dict(dict) }
        while true {
            skipSpace()
            let key = try string()
            skipSpace()
            guard consume(":") else { throw failure("expected ':'") }
            dict.set(.string(key), try value())
            skipSpace()
            if consume("}") { return .dict(dict) }
            guard consume(",") else { throw failure("expected ',' or '}'") }
        }
    }

    private mutating func array() throws -> PickleValue {
        index += 1
        var items: [PickleValue] = []
        skipSpace()
        if consume("]") { return .list(items) }
        while true {
            items.append(try value())
            skipSpace()
            if consume("]") { return .list(items) }
            guard consume(",") else { throw failure("expected ',' or ']'") }
        }
    }

    private mutating func number() throws -> PickleValue {
        let start = index
        var isFloat = false
        while index < bytes.count {
            let c = bytes[index]
            let isDigit = c >= 0x30 && c <= 0x39
            guard isDigit || c == UInt8(ascii: "-") || c == UInt8(ascii: "+") || c == UInt8(ascii: ".")
                    || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") else { break }
            if !isDigit && c != UInt8(ascii: "-") { isFloat = true }
            index += 1
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if !isFloat, let i = Int(text) { return .int(i) }
        guard let d = Double(text) else { throw failure("bad number '\(text)'") }
        return .float(d)
    }

    private mutating func string() throws -> String {
        guard consume("\"") else { throw failure("expected a string") }
        var scalars = String.UnicodeScalarView()
        var high: UInt32?
        while index < bytes.count {
            let c = bytes[index]
            if c == UInt8(ascii: "\"") { index += 1; return String(scalars) }
            if c != UInt8(ascii: "\\") {
                let start = index
                index += 1
                while index < bytes.count, bytes[index] & 0xC0 == 0x80 { index += 1 }
                scalars.append(contentsOf: String(decoding: bytes[start..<index], as: UTF8.self).unicodeScalars)
                continue
            }
            index += 1
            guard index < bytes.count else { break }
            let e = bytes[index]
            index += 1
            let simple: [UInt8: Unicode.Scalar] = [0x6E: "\n", 0x74: "\t", 0x72: "\r", 0x62: "\u{08}", 0x66: "\u{0C}",
                                                   0x22: "\"", 0x5C: "\\", 0x2F: "/"]
            if let s = simple[e] { scalars.append(s); continue }
            guard e == UInt8(ascii: "u"), index + 4 <= bytes.count,
                  let v = UInt32(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16) else {
                throw failure("bad escape in string")
            }
            index += 4
            if (0xD800..<0xDC00).contains(v) { high = v; continue }
            if (0xDC00..<0xE000).contains(v), let h = high {
                scalars.append(Unicode.Scalar(0x10000 + ((h - 0xD800) << 10) + (v - 0xDC00)) ?? "?")
                high = nil
                continue
            }
            scalars.append(Unicode.Scalar(v) ?? "?")
        }
        throw failure("unterminated string")
    }
}
