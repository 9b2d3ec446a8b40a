import Foundation

/// A small JSON reader that parses numbers with Swift's correctly rounded `Double(String)`
/// (Foundation's JSONSerialization on Linux can be off by an ulp, and fixture floats are exact).
/// Integers become `Int`, other numbers `Double`, objects `[String: Any]` (key order in `ExactJSON.keyOrder`).
struct ExactJSON {
    private let bytes: [UInt8]
    private var index = 0

    static func parse(_ data: Data) throws -> Any {
        var parser = ExactJSON(bytes: [UInt8](data))
        let value = try parser.value()
        parser.skipSpace()
        guard parser.index == parser.bytes.count else { throw parser.failure("trailing characters") }
        return value
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private func failure(_ message: String) -> TestFailure { TestFailure("JSON at byte \(index): \(message)") }

    private mutating func skipSpace() {
        while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
    }

    private mutating func value() throws -> Any {
        skipSpace()
        guard index < bytes.count else { throw failure("unexpected end") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return try string()
        case UInt8(ascii: "t"): return try literal("true", true)
        case UInt8(ascii: "f"): return try literal("false", false)
        case UInt8(ascii: "n"): return try literal("null", NSNull())
        case UInt8(ascii: "N"): return try literal("NaN", Double.nan)
        case UInt8(ascii: "I"): return try literal("Infinity", Double.infinity)
        default: return try number()
        }
    }

    private mutating func literal(_ text: String, _ result: Any) throws -> Any {
        let t = Array(text.utf8)
        guard index + t.count <= bytes.count, Array(bytes[index..<(index + t.count)]) == t else { throw failure("bad literal") }
        index += t.count
        return result
    }

    private mutating func object() throws -> [String: Any] {
        index += 1
        var result: [String: Any] = [:]
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return result }
        while true {
            skipSpace()
            let key = try string()
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw failure("expected ':'") }
            index += 1
            result[key] = try value()
            skipSpace()
            guard index < bytes.count else { throw failure("unterminated object") }
            index += 1
            if bytes[index - 1] == UInt8(ascii: "}") { return result }
            guard bytes[index - 1] == UInt8(ascii: ",") else { throw failure("expected ','") }
        }
    }

    private mutating func array() throws -> [Any] {
        index += 1
        var result: [Any] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return result }
        while true {
            result.append(try value())
            skipSpace()
            guard index < bytes.count else { throw failure("unterminated array") }
            index += 1
            if bytes[index - 1] == UInt8(ascii: "]") { return result }
            guard bytes[index - 1] == UInt8(ascii: ",") else { throw failure("expected ','") }
        }
    }

    private mutating func number() throws -> Any {
        let start = index
        var isFloat = false
        while index < bytes.count, let c = Optional(bytes[index]),
              (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "-") || c == UInt8(ascii: "+") || c == UInt8(ascii: ".")
                || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
            if c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") { isFloat = true }
            index += 1
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if text == "-" { return try literal("Infinity", -Double.infinity) }
        if !isFloat, let i = Int(text) { return i }
        guard let d = Double(text) else { throw failure("bad number '\(text)'") }
        return d
    }

    private mutating func string() throws -> String {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw failure("expected a string") }
        index += 1
        var scalars = String.UnicodeScalarView()
        var pendingHigh: UInt32?
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
            let e = bytes[index]
            index += 1
            let simple: [UInt8: Unicode.Scalar] = [0x6E: "\n", 0x74: "\t", 0x72: "\r", 0x62: "\u{08}", 0x66: "\u{0C}",
                                                   0x22: "\"", 0x5C: "\\", 0x2F: "/"]
            if let s = simple[e] { scalars.append(s); continue }
            guard e == UInt8(ascii: "u"), index + 4 <= bytes.count,
                  let v = UInt32(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16) else {
                throw failure("bad escape")
            }
            index += 4
            if v >= 0xD800 && v < 0xDC00 { pendingHigh = v; continue }
            if v >= 0xDC00 && v < 0xE000, let high = pendingHigh {
                scalars.append(Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (v - 0xDC00))!)
                pendingHigh = nil
                continue
            }
            scalars.append(Unicode.Scalar(v) ?? "?")
        }
        throw failure("unterminated string")
    }
}
