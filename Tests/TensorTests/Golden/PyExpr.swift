/// A small parser for the Python expressions in the golden cases' `call` text (calls,
/// attributes, subscripts with slices, tuples/lists, operators with Python's precedence).
indirect enum PyExpr {
    case name(String)
    case int(Int)
    case float(Double)
    case str(String)
    case ellipsis
    case attr(PyExpr, String)
    case call(PyExpr, [PyExpr], [(String, PyExpr)])
    case subscr(PyExpr, [PyExpr])
    case slice(PyExpr?, PyExpr?, PyExpr?)
    case binary(String, PyExpr, PyExpr)
    case unary(String, PyExpr)
    case tuple([PyExpr])
    case list([PyExpr])
    case dict([(PyExpr, PyExpr)])
    case lambda([String], PyExpr)
}

struct PyParseError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

struct PyParser {
    private enum Tok: Equatable { case name(String), int(Int), float(Double), str(String), op(String), end }
    private var toks: [Tok] = []
    private var pos = 0

    static func parse(_ text: String) throws -> PyExpr {
        var p = PyParser()
        p.toks = try tokenize(text)
        let e = try p.tupleOrExpr(until: .end)
        guard p.peek == .end else { throw PyParseError(message: "trailing input in `\(text)`") }
        return e
    }

    private static func tokenize(_ s: String) throws -> [Tok] {
        let c = Array(s)
        var out: [Tok] = []
        var i = 0
        let ops3 = ["..."], ops2 = ["**", "//", "==", "!=", "<=", ">="]
        while i < c.count {
            let ch = c[i]
            if ch.isWhitespace { i += 1; continue }
            if ch.isLetter || ch == "_" {
                var j = i
                while j < c.count && (c[j].isLetter || c[j].isNumber || c[j] == "_") { j += 1 }
                out.append(.name(String(c[i..<j])))
                i = j
            } else if ch.isNumber || (ch == "." && i + 1 < c.count && c[i + 1].isNumber) {
                var j = i
                var isFloat = false
                while j < c.count && (c[j].isNumber || c[j] == "." || c[j] == "e" || c[j] == "E"
                                      || ((c[j] == "-" || c[j] == "+") && (c[j - 1] == "e" || c[j - 1] == "E"))) {
                    if !c[j].isNumber { isFloat = true }
                    j += 1
                }
                let text = String(c[i..<j])
                if isFloat { out.append(.float(Double(text) ?? .nan)) } else { out.append(.int(Int(text) ?? 0)) }
                i = j
            } else if ch == "'" || ch == "\"" {
                var j = i + 1
                while j < c.count && c[j] != ch { j += 1 }
                out.append(.str(String(c[(i + 1)..<min(j, c.count)])))
                i = j + 1
            } else {
                let rest3 = String(c[i..<min(i + 3, c.count)]), rest2 = String(c[i..<min(i + 2, c.count)])
                if ops3.contains(rest3) { out.append(.op(rest3)); i += 3 }
                else if ops2.contains(rest2) { out.append(.op(rest2)); i += 2 }
                else if "()[]{},:.=+-*/@<>~&|%".contains(ch) { out.append(.op(String(ch))); i += 1 }
                else { throw PyParseError(message: "unexpected character '\(ch)'") }
            }
        }
        out.append(.end)
        return out
    }

    private var peek: Tok { toks[pos] }
    private mutating func next() -> Tok { defer { pos += 1 }; return toks[pos] }
    private mutating func accept(_ op: String) -> Bool {
        if peek == .op(op) { pos += 1; return true }
        return false
    }
    private mutating func expect(_ op: String) throws {
        guard accept(op) else { throw PyParseError(message: "expected '\(op)' at token \(pos)") }
    }

    /// `a, b, c` (a tuple when a comma appears) or a single expression.
    private mutating func tupleOrExpr(until end: Tok) throws -> PyExpr {
        var items: [PyExpr] = []
        var sawComma = false
        while peek != end {
            items.append(try expr())
            if accept(",") { sawComma = true } else { break }
        }
        return (items.count == 1 && !sawComma) ? items[0] : .tuple(items)
    }

    private mutating func expr() throws -> PyExpr { try binary(0) }

    private static let levels: [[String]] = [["==", "!=", "<", ">", "<=", ">="], ["|"], ["&"],
                                             ["+", "-"], ["*", "/", "//", "%", "@"]]

    private mutating func binary(_ level: Int) throws -> PyExpr {
        if level == PyParser.levels.count { return try unary() }
        var lhs = try binary(level + 1)
        while case .op(let o) = peek, PyParser.levels[level].contains(o) {
            pos += 1
            lhs = .binary(o, lhs, try binary(level + 1))
        }
        return lhs
    }

    private mutating func unary() throws -> PyExpr {
        if accept("-") { return .unary("-", try unary()) }
        if accept("+") { return try unary() }
        if accept("~") { return .unary("~", try unary()) }
        return try power()
    }

    private mutating func power() throws -> PyExpr {
        let base = try postfix()
        if accept("**") { return .binary("**", base, try unary()) }
        return base
    }

    private mutating func postfix() throws -> PyExpr {
        var e = try atom()
        while true {
            if accept(".") {
                guard case .name(let n) = next() else { throw PyParseError(message: "expected attribute name") }
                e = .attr(e, n)
            } else if accept("(") {
                var args: [PyExpr] = [], kwargs: [(String, PyExpr)] = []
                while !accept(")") {
                    if case .name(let n) = peek, toks[pos + 1] == .op("=") {
                        pos += 2
                        kwargs.append((n, try expr()))
                    } else {
                        args.append(try expr())
                    }
                    if !accept(",") { try expect(")"); break }
                }
                e = .call(e, args, kwargs)
            } else if accept("[") {
                var items: [PyExpr] = []
                while !accept("]") {
                    items.append(try sliceItem())
                    if !accept(",") { try expect("]"); break }
                }
                e = .subscr(e, items)
            } else {
                return e
            }
        }
    }

    private mutating func sliceItem() throws -> PyExpr {
        func isEnd(_ t: Tok) -> Bool { t == .op(":") || t == .op(",") || t == .op("]") }
        let start: PyExpr? = isEnd(peek) ? nil : try expr()
        guard accept(":") else { return start ?? .tuple([]) }
        let stop: PyExpr? = isEnd(peek) ? nil : try expr()
        var step: PyExpr? = nil
        if accept(":") { step = isEnd(peek) ? nil : try expr() }
        return .slice(start, stop, step)
    }

    private mutating func atom() throws -> PyExpr {
        switch next() {
        case .name("lambda"):
            var params: [String] = []
            while case .name(let p) = peek {
                pos += 1
                params.append(p)
                if !accept(",") { break }
            }
            try expect(":")
            return .lambda(params, try expr())
        case .name(let n): return .name(n)
        case .int(let v): return .int(v)
        case .float(let v): return .float(v)
        case .str(let s): return .str(s)
        case .op("..."): return .ellipsis
        case .op("("):
            let e = try tupleOrExpr(until: .op(")"))
            try expect(")")
            return e
        case .op("{"):
            var pairs: [(PyExpr, PyExpr)] = []
            while !accept("}") {
                let k = try expr()
                try expect(":")
                pairs.append((k, try expr()))
                if !accept(",") { try expect("}"); break }
            }
            return .dict(pairs)
        case .op("["):
            var items: [PyExpr] = []
            while !accept("]") {
                items.append(try expr())
                if !accept(",") { try expect("]"); break }
            }
            return .list(items)
        case let t: throw PyParseError(message: "unexpected token \(t)")
        }
    }
}
