/// A Python literal value: what RETURNN evaluates from vocab dict files and OggZip `.txt` lists.
public indirect enum PyLiteral: Equatable {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case list([PyLiteral])
    /// Keeps file order.
    case dict([(PyLiteral, PyLiteral)])

    public static func == (a: PyLiteral, b: PyLiteral) -> Bool {
        switch (a, b) {
        case (.none, .none): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.float(let x), .float(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.list(let x), .list(let y)): return x == y
        case (.dict(let x), .dict(let y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// The value of a str key of a dict.
    public subscript(key: String) -> PyLiteral? {
        if case .dict(let items) = self { return items.first { $0.0 == .string(key) }?.1 }
        return nil
    }
}

/// Parses Python literals: lists, dicts, sets (as lists), tuples (as lists), strings with
/// escapes, ints, floats, `None`, `True`, `False`; trailing commas allowed.
/// Errors name `file:line:col`.
public struct PyLiteralParser {
    private let scalars: [Unicode.Scalar]
    private var pos = 0
    private let file: String

    public init(_ text: String, file: String) {
        scalars = Array(text.unicodeScalars)
        self.file = file
    }

    /// Parses the whole text as one literal.
    public static func parse(_ text: String, file: String) throws -> PyLiteral {
        var p = PyLiteralParser(text, file: file)
        let v = try p.value()
        p.skipSpace()
        guard p.pos == p.scalars.count else { throw p.error("unexpected text after the literal") }
        return v
    }

    private func error(_ message: String) -> DatasetError {
        var line = 1, col = 1
        for s in scalars[0..<min(pos, scalars.count)] {
            if s == "\n" { line += 1; col = 1 } else { col += 1 }
        }
        return DatasetError(file: "\(file):\(line):\(col)", message)
    }

    private mutating func skipSpace() {
        while pos < scalars.count {
            let c = scalars[pos]
            if c == "#" {
                while pos < scalars.count && scalars[pos] != "\n" { pos += 1 }
            } else if c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0C}" {
                pos += 1
            } else {
                return
            }
        }
    }

    private var peek: Unicode.Scalar? { pos < scalars.count ? scalars[pos] : nil }

    private mutating func value() throws -> PyLiteral {
        skipSpace()
        guard let c = peek else { throw error("unexpected end of input") }
        switch c {
        case "[": pos += 1; return .list(try sequence(close: "]"))
        case "(": pos += 1; return .list(try sequence(close: ")"))
        case "{": pos += 1; return try dictOrSet()
        case "'", "\"": return .string(try string())
        case "-", "+", ".", "0"..."9": return try number()
        default:
            for (word, v) in [("None", PyLiteral.none), ("True", .bool(true)), ("False", .bool(false))] where matches(word) {
                pos += word.unicodeScalars.count
                return v
            }
            throw error("unexpected character '\(c)'")
        }
    }

    private func matches(_ word: String) -> Bool {
        let w = Array(word.unicodeScalars)
        return pos + w.count <= scalars.count && Array(scalars[pos..<(pos + w.count)]) == w
    }

    private mutating func sequence(close: Unicode.Scalar) throws -> [PyLiteral] {
        var items: [PyLiteral] = []
        while true {
            skipSpace()
            if peek == close { pos += 1; return items }
            items.append(try value())
            skipSpace()
            if peek == "," { pos += 1; continue }
            guard peek == close else { throw error("expected ',' or '\(close)'") }
        }
    }

    private mutating func dictOrSet() throws -> PyLiteral {
        var items: [(PyLiteral, PyLiteral)] = []
        var setItems: [PyLiteral] = []
        while true {
            skipSpace()
            if peek == "}" { pos += 1; return setItems.isEmpty ? .dict(items) : .list(setItems) }
            let k = try value()
            skipSpace()
            if peek == ":" && setItems.isEmpty {
                pos += 1
                items.append((k, try value()))
            } else if items.isEmpty {
                setItems.append(k)
            } else {
                throw error("expected ':' in dict")
            }
            skipSpace()
            if peek == "," { pos += 1; continue }
            guard peek == "}" else { throw error("expected ',' or '}'") }
        }
    }

    private mutating func number() throws -> PyLiteral {
        let start = pos
        while let c = peek, "0123456789+-.eEjxXabcdefABCDEF_".unicodeScalars.contains(c) {
            if (c == "+" || c == "-") && pos > start && !"eE".unicodeScalars.contains(scalars[pos - 1]) { break }
            pos += 1
        }
        let text = String(String.UnicodeScalarView(scalars[start..<pos])).replacingOccurrences(of: "_", with: "")
        if let i = Int(text) { return .int(i) }
        if let d = Double(text), !text.lowercased().hasPrefix("0x") { return .float(d) }
        pos = start
        throw error("invalid number '\(text)'")
    }

    private mutating func string() throws -> String {
        let quote = scalars[pos]
        pos += 1
        var out = String.UnicodeScalarView()
        while true {
            guard let c = peek else { throw error("unterminated string") }
            pos += 1
            if c == quote { return String(out) }
            if c == "\n" { throw error("newline in string") }
            if c != "\\" { out.append(c); continue }
            guard let e = peek else { throw error("unterminated string") }
            pos += 1
            switch e {
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "t": out.append("\t")
            case "0": out.append("\0")
            case "a": out.append("\u{07}")
            case "b": out.append("\u{08}")
            case "f": out.append("\u{0C}")
            case "v": out.append("\u{0B}")
            case "\n": out.append("\n")
            case "x": out.append(try hexEscape(2))
            case "u": out.append(try hexEscape(4))
            case "U": out.append(try hexEscape(8))
            default: out.append(e)
            }
        }
    }

    private mutating func hexEscape(_ n: Int) throws -> Unicode.Scalar {
        guard pos + n <= scalars.count,
              let v = UInt32(String(String.UnicodeScalarView(scalars[pos..<(pos + n)])), radix: 16),
              let s = Unicode.Scalar(v) else { throw error("invalid \\x/\\u escape") }
        pos += n
        return s
    }
}
