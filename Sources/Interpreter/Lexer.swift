/// Turns source text into tokens: indentation becomes INDENT/DEDENT, line breaks inside
/// brackets are joined, literals are decoded (escapes, `_` separators, f-string fields).
struct Lexer {
    private let s: [Unicode.Scalar]
    private let file: SourceFile
    private var i = 0
    private var line = 1
    private var lineStart = 0
    private var tokens: [Token] = []
    private var indents: [Int] = [0]
    private var brackets: [(Unicode.Scalar, Pos)] = []
    /// Ends the token stream at EOF even inside brackets (to look for errors before the end).
    var allowUnclosed = false

    init(_ file: SourceFile) {
        self.file = file
        self.s = Array(file.text.unicodeScalars)
    }

    private var pos: Pos { Pos(line, i - lineStart + 1) }

    private func error(_ msg: String, at p: Pos, incomplete: Bool = false) -> SyntaxError {
        SyntaxError(file: file.name, pos: p, message: msg, incomplete: incomplete,
                    sourceLine: file.line(Int(p.line)))
    }

    private func peek(_ k: Int = 0) -> Unicode.Scalar? { i + k < s.count ? s[i + k] : nil }

    /// All tokens of the file, ending with NEWLINE, the closing DEDENTs and EOF.
    mutating func tokenize() throws -> [Token] {
        var atLineStart = true
        while true {
            if atLineStart && brackets.isEmpty {
                if try !handleIndentation() { break }
                atLineStart = false
            }
            guard let c = peek() else { break }
            switch c {
            case " ", "\t", "\u{0C}":
                i += 1
            case "#":
                while let d = peek(), d != "\n" { i += 1 }
            case "\r":
                i += 1
            case "\n":
                if brackets.isEmpty, let last = tokens.last, last.kind != .newline {
                    tokens.append(Token(kind: .newline, pos: pos))
                }
                newLine()
                atLineStart = brackets.isEmpty
            case "\\":
                let p = pos
                i += 1
                if peek() == "\r" { i += 1 }
                guard peek() == "\n" else { throw error("unexpected character after line continuation character", at: p) }
                newLine()
                if peek() == nil { throw error("unexpected end of input after line continuation", at: p, incomplete: true) }
            default:
                try lexToken(c)
            }
        }
        if let (open, p) = brackets.last, !allowUnclosed {
            throw error("'\(open)' was never closed", at: p, incomplete: true)
        }
        if let last = tokens.last, last.kind != .newline, brackets.isEmpty { tokens.append(Token(kind: .newline, pos: pos)) }
        while indents.count > 1 { indents.removeLast(); tokens.append(Token(kind: .dedent, pos: pos)) }
        tokens.append(Token(kind: .eof, pos: pos))
        return tokens
    }

    private mutating func newLine() {
        i += 1
        line += 1
        lineStart = i
    }

    /// Measures the indentation of a logical line and emits INDENT/DEDENT. Returns false at EOF.
    private mutating func handleIndentation() throws -> Bool {
        while true {
            var width = 0
            while let c = peek(), c == " " || c == "\t" || c == "\u{0C}" {
                width = c == "\t" ? (width / 8 + 1) * 8 : width + 1
                i += 1
            }
            guard let c = peek() else { return false }
            if c == "#" { while let d = peek(), d != "\n" { i += 1 } }
            if peek() == "\r" { i += 1 }
            if peek() == "\n" { newLine(); continue }
            if peek() == nil { return false }
            if width > indents.last! {
                if indents.count >= 100 { throw error("too many levels of indentation", at: pos) }
                indents.append(width)
                tokens.append(Token(kind: .indent, pos: pos))
            } else {
                while width < indents.last! {
                    indents.removeLast()
                    tokens.append(Token(kind: .dedent, pos: pos))
                }
                if width != indents.last! {
                    throw error("unindent does not match any outer indentation level", at: pos)
                }
            }
            return true
        }
    }

    private static let ops3: [String] = ["**=", "//=", ">>=", "<<=", "..."]
    private static let ops2: [String] = ["->", ":=", "**", "//", "<<", ">>", "<=", ">=", "==", "!=", "+=",
                                         "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@="]
    private static let ops1: Set<Unicode.Scalar> = ["+", "-", "*", "/", "%", "@", "&", "|", "^", "~", "<", ">",
                                                    "(", ")", "[", "]", "{", "}", ",", ":", ".", ";", "="]

    private mutating func lexToken(_ c: Unicode.Scalar) throws {
        let p = pos
        if isIdentStart(c) {
            var j = i
            while j < s.count, isIdentChar(s[j]) { j += 1 }
            let word = String(String.UnicodeScalarView(s[i..<j]))
            if j < s.count, s[j] == "'" || s[j] == "\"", let prefix = stringPrefix(word) {
                i = j
                try lexString(prefix: prefix, start: p)
                return
            }
            i = j
            tokens.append(Token(kind: .name(word), pos: p))
            return
        }
        if c.properties.numericType != nil && c.isASCII || (c == "." && peek(1).map(isDigit) == true) {
            try lexNumber(start: p)
            return
        }
        if c == "'" || c == "\"" {
            try lexString(prefix: "", start: p)
            return
        }
        for len in [3, 2] {
            if i + len <= s.count {
                let cand = String(String.UnicodeScalarView(s[i..<(i + len)]))
                if (len == 3 ? Lexer.ops3 : Lexer.ops2).contains(cand) {
                    i += len
                    tokens.append(Token(kind: .op(cand), pos: p))
                    return
                }
            }
        }
        guard Lexer.ops1.contains(c) else {
            if c == "!" { throw error("invalid syntax: '!' is only valid in '!='", at: p) }
            if c == "$" || c == "?" || c == "`" { throw error("invalid character '\(c)'", at: p) }
            throw error("invalid character '\(c)' (U+\(String(c.value, radix: 16, uppercase: true)))", at: p)
        }
        i += 1
        switch c {
        case "(", "[", "{": brackets.append((c, p))
        case ")", "]", "}":
            let want: Unicode.Scalar = c == ")" ? "(" : c == "]" ? "[" : "{"
            guard let (open, _) = brackets.last else { throw error("unmatched '\(c)'", at: p) }
            guard open == want else {
                throw error("closing parenthesis '\(c)' does not match opening parenthesis '\(open)'", at: p)
            }
            brackets.removeLast()
        default: break
        }
        tokens.append(Token(kind: .op(String(c)), pos: p))
    }

    private func isIdentStart(_ c: Unicode.Scalar) -> Bool {
        c == "_" || (c.isASCII ? (c.properties.isAlphabetic) : c.properties.isXIDStart)
    }
    private func isIdentChar(_ c: Unicode.Scalar) -> Bool {
        c == "_" || (c.isASCII ? (c.properties.isAlphabetic || isDigit(c)) : c.properties.isXIDContinue)
    }
    private func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }

    private func stringPrefix(_ w: String) -> String? {
        let l = w.lowercased()
        return ["r", "u", "f", "b", "rf", "fr", "br", "rb"].contains(l) ? l : nil
    }

    // MARK: numbers

    private mutating func lexNumber(start p: Pos) throws {
        let begin = i
        if s[i] == "0", let x = peek(1), "xXoObB".unicodeScalars.contains(x) {
            let radix = (x == "x" || x == "X") ? 16 : (x == "o" || x == "O") ? 8 : 2
            i += 2
            var digits = ""
            while let d = peek(), d.properties.isASCIIHexDigit || d == "_" {
                if d != "_" { digits.unicodeScalars.append(d) }
                i += 1
            }
            guard !digits.isEmpty, let v = Int(digits, radix: radix) else {
                if !digits.isEmpty, digits.allSatisfy({ $0.isHexDigit }) {
                    throw error("integer literal too large for a 64-bit int", at: p)
                }
                throw error("invalid \(radix == 16 ? "hexadecimal" : radix == 8 ? "octal" : "binary") literal", at: p)
            }
            try checkNoTrailingName(p)
            tokens.append(Token(kind: .int(v), pos: p))
            return
        }
        var isFloat = false
        skipDigits()
        if peek() == "." { isFloat = true; i += 1; skipDigits() }
        if let e = peek(), e == "e" || e == "E" {
            let save = i
            i += 1
            if let sg = peek(), sg == "+" || sg == "-" { i += 1 }
            if let d = peek(), isDigit(d) { isFloat = true; skipDigits() } else { i = save }
        }
        if let j = peek(), j == "j" || j == "J" { throw error("complex numbers are not supported by mrsh", at: p) }
        try checkNoTrailingName(p)
        let text = String(String.UnicodeScalarView(s[begin..<i])).replacingOccurrences("_", "")
        if isFloat {
            guard let v = Double(text) else { throw error("invalid float literal", at: p) }
            tokens.append(Token(kind: .float(v), pos: p))
        } else {
            if text.count > 1, text.hasPrefix("0"), text.contains(where: { $0 != "0" }) {
                throw error("leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers", at: p)
            }
            guard let v = Int(text) else { throw error("integer literal too large for a 64-bit int", at: p) }
            tokens.append(Token(kind: .int(v), pos: p))
        }
    }

    private mutating func skipDigits() {
        while let d = peek(), isDigit(d) || (d == "_" && peek(1).map(isDigit) == true) { i += 1 }
    }

    private func checkNoTrailingName(_ p: Pos) throws {
        if let c = peek(), isIdentChar(c) { throw error("invalid decimal literal", at: p) }
    }

    // MARK: strings

    private mutating func lexString(prefix: String, start p: Pos) throws {
        if prefix.contains("b") { throw error("bytes literals are not supported by mrsh", at: p) }
        let raw = prefix.contains("r")
        let isF = prefix.contains("f")
        let q = s[i]
        let triple = peek(1) == q && peek(2) == q
        i += triple ? 3 : 1
        var body: [Unicode.Scalar] = []
        var bodyPos: [Pos] = []
        while true {
            guard let c = peek() else {
                throw error(triple ? "unterminated triple-quoted string literal" : "unterminated string literal",
                            at: p, incomplete: triple)
            }
            if c == q {
                if !triple { i += 1; break }
                if peek(1) == q && peek(2) == q { i += 3; break }
            }
            if c == "\n" && !triple { throw error("unterminated string literal", at: p) }
            bodyPos.append(pos)
            body.append(c)
            if c == "\\", let n = peek(1) {
                i += 1
                bodyPos.append(pos)
                body.append(n)
                if n == "\n" { newLine(); continue }
            }
            if c == "\n" { newLine() } else { i += 1 }
        }
        if isF {
            let parts = try splitFString(body, bodyPos, raw: raw, start: p)
            tokens.append(Token(kind: .fstring(parts), pos: p))
        } else {
            tokens.append(Token(kind: .string(raw ? String(String.UnicodeScalarView(body)) : try unescape(body[...], p)), pos: p))
        }
    }

    /// Decodes backslash escapes as Python does; unknown escapes keep their backslash.
    private func unescape(_ b: ArraySlice<Unicode.Scalar>, _ p: Pos) throws -> String {
        var out = String.UnicodeScalarView()
        var k = b.startIndex
        while k < b.endIndex {
            let c = b[k]
            k += 1
            guard c == "\\", k < b.endIndex else { out.append(c); continue }
            let e = b[k]
            k += 1
            switch e {
            case "\n": break
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "r": out.append("\r")
            case "\\": out.append("\\")
            case "'": out.append("'")
            case "\"": out.append("\"")
            case "a": out.append("\u{07}")
            case "b": out.append("\u{08}")
            case "f": out.append("\u{0C}")
            case "v": out.append("\u{0B}")
            case "0"..."7":
                var v = Int(e.value - 48)
                var n = 1
                while n < 3, k < b.endIndex, b[k] >= "0", b[k] <= "7" { v = v * 8 + Int(b[k].value - 48); k += 1; n += 1 }
                out.append(Unicode.Scalar(UInt32(v))!)
            case "x", "u", "U":
                let len = e == "x" ? 2 : e == "u" ? 4 : 8
                guard k + len <= b.endIndex,
                      let v = UInt32(String(String.UnicodeScalarView(b[k..<(k + len)])), radix: 16),
                      let sc = Unicode.Scalar(v) else {
                    throw error("(unicode error) truncated \\\(e) escape", at: p)
                }
                out.append(sc)
                k += len
            case "N": throw error("\\N{...} escapes are not supported by mrsh", at: p)
            default:
                out.append("\\"); out.append(e)
            }
        }
        return String(out)
    }

    /// Splits an f-string body into literal text and `{expr!conv:spec}` fields.
    private func splitFString(_ b: [Unicode.Scalar], _ bp: [Pos], raw: Bool, start p: Pos) throws -> [FStringPart] {
        var k = 0
        return try splitFStringParts(b, bp, &k, raw: raw, start: p, inSpec: false)
    }

    private func splitFStringParts(_ b: [Unicode.Scalar], _ bp: [Pos], _ k: inout Int, raw: Bool, start p: Pos,
                                   inSpec: Bool) throws -> [FStringPart] {
        var parts: [FStringPart] = []
        var lit: [Unicode.Scalar] = []
        func flush() throws {
            if !lit.isEmpty {
                parts.append(.literal(raw ? String(String.UnicodeScalarView(lit)) : try unescape(lit[...], p)))
                lit.removeAll()
            }
        }
        while k < b.count {
            let c = b[k]
            if c == "\\" && k + 1 < b.count && !raw { lit.append(c); lit.append(b[k + 1]); k += 2; continue }
            if c == "{" {
                if !inSpec && k + 1 < b.count && b[k + 1] == "{" { lit.append("{"); k += 2; continue }
                try flush()
                k += 1
                parts.append(try fstringField(b, bp, &k, raw: raw, start: p))
                continue
            }
            if c == "}" {
                if inSpec { break }
                if k + 1 < b.count && b[k + 1] == "}" { lit.append("}"); k += 2; continue }
                throw error("f-string: single '}' is not allowed", at: bp[k])
            }
            lit.append(c)
            k += 1
        }
        try flush()
        return parts
    }

    private func fstringField(_ b: [Unicode.Scalar], _ bp: [Pos], _ k: inout Int, raw: Bool, start p: Pos) throws -> FStringPart {
        let exprStart = k
        var depth = 0
        var quote: Unicode.Scalar? = nil
        while k < b.count {
            let c = b[k]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == "(" || c == "[" || c == "{" {
                depth += 1
            } else if c == ")" || c == "]" || c == "}" {
                if depth == 0 { break }
                depth -= 1
            } else if depth == 0 && (c == "!" && k + 1 < b.count && b[k + 1] != "=" || c == ":") {
                break
            }
            k += 1
        }
        let fieldPos = exprStart < bp.count ? bp[exprStart] : p
        guard k < b.count else { throw error("f-string: expecting '}'", at: fieldPos) }
        let src = String(String.UnicodeScalarView(b[exprStart..<k]))
        if src.trimmingSpaces().isEmpty { throw error("f-string: empty expression not allowed", at: fieldPos) }
        var conv: Character? = nil
        if b[k] == "!" {
            guard k + 1 < b.count, "rsa".unicodeScalars.contains(b[k + 1]) else {
                throw error("f-string: invalid conversion character", at: bp[k])
            }
            conv = Character(b[k + 1])
            k += 2
        }
        var spec: [FStringPart]? = nil
        if k < b.count && b[k] == ":" {
            k += 1
            spec = try splitFStringParts(b, bp, &k, raw: raw, start: p, inSpec: true)
        }
        guard k < b.count, b[k] == "}" else { throw error("f-string: expecting '}'", at: fieldPos) }
        k += 1
        return .field(source: src, pos: fieldPos, conversion: conv, spec: spec)
    }
}

extension String {
    func replacingOccurrences(_ a: Character, _ b: String) -> String {
        var out = ""
        for c in self { if c == a { out += b } else { out.append(c) } }
        return out
    }

    func trimmingSpaces() -> String {
        var u = Substring(self)
        while let f = u.first, f == " " || f == "\t" || f == "\n" { u.removeFirst() }
        while let l = u.last, l == " " || l == "\t" || l == "\n" { u.removeLast() }
        return String(u)
    }
}
