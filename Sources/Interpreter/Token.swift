/// One lexical token with its start position.
struct Token {
    var kind: TokenKind
    var pos: Pos
}

/// A part of an f-string literal: literal text, or an embedded expression with its conversion
/// (`!r`, `!s`, `!a`) and a format spec that may itself contain replacement fields.
enum FStringPart {
    case literal(String)
    case field(source: String, pos: Pos, conversion: Character?, spec: [FStringPart]?)
}

/// The kinds of token the lexer produces. Keywords arrive as `.name` and the parser tells them apart.
enum TokenKind: Equatable {
    case name(String)
    case int(Int)
    case float(Double)
    case string(String)
    case fstring([FStringPart])
    case op(String)
    case newline
    case indent
    case dedent
    case eof

    static func == (a: TokenKind, b: TokenKind) -> Bool {
        switch (a, b) {
        case let (.name(x), .name(y)): return x == y
        case let (.int(x), .int(y)): return x == y
        case let (.float(x), .float(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case (.fstring, .fstring): return true
        case let (.op(x), .op(y)): return x == y
        case (.newline, .newline), (.indent, .indent), (.dedent, .dedent), (.eof, .eof): return true
        default: return false
        }
    }

    /// A short description for error messages.
    var display: String {
        switch self {
        case .name(let n): return "'\(n)'"
        case .int(let v): return "'\(v)'"
        case .float(let v): return "'\(v)'"
        case .string, .fstring: return "string literal"
        case .op(let o): return "'\(o)'"
        case .newline: return "end of line"
        case .indent: return "indent"
        case .dedent: return "dedent"
        case .eof: return "end of input"
        }
    }
}

/// Python's keywords; a name token spelled like one is never an identifier.
let pythonKeywords: Set<String> = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
]
