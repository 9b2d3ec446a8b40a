/// A position in a source file: 1-based line and column (columns count Unicode scalars).
public struct Pos: Equatable, Sendable {
    public var line: Int32
    public var col: Int32
    public init(_ line: Int, _ col: Int) { self.line = Int32(line); self.col = Int32(col) }
    public static let none = Pos(0, 0)
}

/// A source text with its file name, kept for error messages that quote the offending line.
public final class SourceFile: @unchecked Sendable {
    public let name: String
    public let text: String
    public private(set) lazy var lines: [Substring] = text.split(separator: "\n", omittingEmptySubsequences: false)
    public init(name: String, text: String) { self.name = name; self.text = text }

    /// The text of a 1-based line without its newline, or "" when out of range.
    public func line(_ n: Int) -> String {
        guard n >= 1, n <= lines.count else { return "" }
        var s = String(lines[n - 1])
        if s.hasSuffix("\r") { s.removeLast() }
        return s
    }
}

/// A syntax error (or a refused construct) at a position: printed as `file:line:col: message`.
public struct SyntaxError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let pos: Pos
    public let message: String
    /// True when the error arises only because the input ended early (an open bracket, a block
    /// header without body, an unterminated triple-quoted string): the REPL asks for more input.
    public let incomplete: Bool
    public let sourceLine: String

    public init(file: String, pos: Pos, message: String, incomplete: Bool = false, sourceLine: String = "") {
        self.file = file; self.pos = pos; self.message = message
        self.incomplete = incomplete; self.sourceLine = sourceLine
    }

    public var description: String { "\(file):\(pos.line):\(pos.col): \(message)" }

    /// The message, the source line and a caret under the column, as the shell prints it.
    public var rendered: String {
        var out = description + "\n"
        if !sourceLine.isEmpty {
            out += "    " + sourceLine + "\n"
            let pad = String(repeating: " ", count: max(0, Int(pos.col) - 1))
            out += "    " + pad + "^\n"
        }
        return out
    }
}

/// The state of a chunk of input for an interactive reader.
public enum ParseStatus: Sendable {
    case complete
    case incomplete
    case error(SyntaxError)
}
