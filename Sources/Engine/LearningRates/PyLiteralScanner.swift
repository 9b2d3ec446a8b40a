import Foundation

/// A number of a Python literal: int or float.
enum PyNumber: Equatable {
    case int(Int)
    case float(Double)

    var double: Double {
        switch self {
        case .int(let i): return Double(i)
        case .float(let d): return d
        }
    }
}

/// Reads the pieces of a Python literal (punctuation, identifiers, numbers, strings) with
/// line/column tracking; errors name the file and position.
struct PyLiteralScanner {
    private let scalars: [Unicode.Scalar]
    private let file: String
    private var index = 0
    private var line = 1
    private var lineStart = 0

    init(text: String, file: String) {
        scalars = Array(text.unicodeScalars)
        self.file = file
    }

    /// Line and column (1-based) of the next non-blank character.
    var position: (Int, Int) {
        mutating get {
            skipBlanks()
            return (line, index - lineStart + 1)
        }
    }

    func error(_ message: String, _ line: Int, _ column: Int) -> LearningRateFileError {
        LearningRateFileError(file: file, line: line, column: column, message: message)
    }

    private mutating func errorHere(_ message: String) -> LearningRateFileError {
        let (l, c) = position
        return error(message, l, c)
    }

    private mutating func skipBlanks() {
        while index < scalars.count {
            let c = scalars[index]
            if c == "\n" {
                line += 1
                lineStart = index + 1
            } else if c == "#" {
                while index < scalars.count, scalars[index] != "\n" { index += 1 }
                continue
            } else if !(c == " " || c == "\t" || c == "\r" || c == "\u{0C}") {
                return
            }
            index += 1
        }
    }

    private mutating func peek() -> Unicode.Scalar? {
        skipBlanks()
        return index < scalars.count ? scalars[index] : nil
    }

    mutating func peekIs(_ punctuation: Unicode.Scalar) throws -> Bool { peek() == punctuation }

    mutating func consumeIf(_ punctuation: Unicode.Scalar) throws -> Bool {
        guard peek() == punctuation else { return false }
        index += 1
        return true
    }

    mutating func expect(_ punctuation: Unicode.Scalar) throws {
        guard try consumeIf(punctuation) else {
            let found = peek().map { "'\($0)'" } ?? "end of file"
            throw errorHere("expected '\(punctuation)', found \(found)")
        }
    }

    mutating func expectEnd() throws {
        if let c = peek() { throw errorHere("unexpected '\(c)' after the end of the dict") }
    }

    private static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        c == "_" || c.properties.isAlphabetic
    }

    mutating func identifier() throws -> String {
        guard let c = peek(), Self.isIdentifierStart(c) else { throw errorHere("expected a name") }
        var name = String.UnicodeScalarView()
        while index < scalars.count, Self.isIdentifierStart(scalars[index]) || ("0"..."9").contains(scalars[index]) {
            name.append(scalars[index])
            index += 1
        }
        return String(name)
    }

    /// `name=` of a keyword argument, or nil (nothing consumed) for a positional one.
    mutating func keywordArgument() throws -> String? {
        guard let c = peek(), Self.isIdentifierStart(c) else { return nil }
        let saved = (index, line, lineStart)
        let name = try identifier()
        if peek() == "=" {
            index += 1
            return name
        }
        (index, line, lineStart) = saved
        return nil
    }

    /// A number, `nan`/`inf`, `float('...')` (with optional sign), or nil for `None`.
    mutating func optionalNumber() throws -> PyNumber? {
        if let c = peek(), Self.isIdentifierStart(c) {
            let saved = (index, line, lineStart)
            if try identifier() == "None" { return nil }
            (index, line, lineStart) = saved
        }
        return try number()
    }

    mutating func number() throws -> PyNumber {
        var negative = false
        while let c = peek(), c == "-" || c == "+" {
            if c == "-" { negative.toggle() }
            index += 1
        }
        let value = try unsignedNumber()
        guard negative else { return value }
        switch value {
        case .int(let i): return .int(-i)
        case .float(let d): return .float(-d)
        }
    }

    private mutating func unsignedNumber() throws -> PyNumber {
        let (l, c) = position
        guard let first = peek() else { throw error("expected a number, found end of file", l, c) }
        if Self.isIdentifierStart(first) {
            let name = try identifier()
            switch name {
            case "nan": return .float(.nan)
            case "inf": return .float(.infinity)
            case "float":
                try expect("(")
                let text = try string()
                try expect(")")
                guard let value = Self.pythonFloat(text) else {
                    throw error("could not convert string to float: '\(text)'", l, c)
                }
                return .float(value)
            default:
                throw error("expected a number, found '\(name)'", l, c)
            }
        }
        return try numericLiteral(l, c)
    }

    private mutating func numericLiteral(_ l: Int, _ c: Int) throws -> PyNumber {
        var text = ""
        while index < scalars.count {
            let s = scalars[index]
            let isExponentSign = (s == "-" || s == "+") && (text.last == "e" || text.last == "E")
            guard ("0"..."9").contains(s) || s == "." || s == "e" || s == "E" || s == "_" || isExponentSign else { break }
            if s != "_" { text.unicodeScalars.append(s) }
            index += 1
        }
        if text.isEmpty { throw error("expected a number", l, c) }
        if text.allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard let i = Int(text) else { throw error("integer '\(text)' is out of range", l, c) }
            return .int(i)
        }
        guard let d = Double(text) else { throw error("malformed number '\(text)'", l, c) }
        return .float(d)
    }

    /// Python's `float(str)` for the texts RETURNN writes (numbers, nan, inf, infinity with sign).
    static func pythonFloat(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        var body = Substring(t), sign = 1.0
        if body.hasPrefix("-") { sign = -1; body = body.dropFirst() } else if body.hasPrefix("+") { body = body.dropFirst() }
        switch body {
        case "nan": return .nan
        case "inf", "infinity": return sign * .infinity
        default: return Double(body).map { sign * $0 }
        }
    }

    /// A string literal in single or double quotes with Python's backslash escapes.
    mutating func string() throws -> String {
        guard let quote = peek(), quote == "'" || quote == "\"" else { throw errorHere("expected a string in quotes") }
        let (l, c) = position
        index += 1
        var out = String.UnicodeScalarView()
        while index < scalars.count {
            let s = scalars[index]
            index += 1
            if s == quote { return String(out) }
            if s == "\n" { break }
            if s != "\\" { out.append(s); continue }
            guard index < scalars.count else { break }
            try appendEscape(&out, l, c)
        }
        throw error("unterminated string", l, c)
    }

    private mutating func appendEscape(_ out: inout String.UnicodeScalarView, _ l: Int, _ c: Int) throws {
        let e = scalars[index]
        index += 1
        let simple: [Unicode.Scalar: Unicode.Scalar] = [
            "n": "\n", "r": "\r", "t": "\t", "\\": "\\", "'": "'", "\"": "\"",
            "a": "\u{07}", "b": "\u{08}", "f": "\u{0C}", "v": "\u{0B}",
        ]
        if let mapped = simple[e] { out.append(mapped); return }
        switch e {
        case "\n":
            line += 1
            lineStart = index
        case "x", "u", "U":
            let width = e == "x" ? 2 : e == "u" ? 4 : 8
            guard index + width <= scalars.count,
                  let value = UInt32(String(String.UnicodeScalarView(scalars[index..<(index + width)])), radix: 16),
                  let scalar = Unicode.Scalar(value) else {
                throw error("bad \\\(e) escape in string", l, c)
            }
            index += width
            out.append(scalar)
        case "0"..."7":
            var value = e.value - 48
            var count = 1
            while count < 3, index < scalars.count, ("0"..."7").contains(scalars[index]) {
                value = value * 8 + scalars[index].value - 48
                index += 1
                count += 1
            }
            out.append(Unicode.Scalar(value) ?? "?")
        default:
            out.append("\\")
            out.append(e)
        }
    }
}
