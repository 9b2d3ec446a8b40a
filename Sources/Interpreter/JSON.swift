/// The `json` module: `dumps` (indent, sort_keys, separators, ensure_ascii) and `loads`.
extension Runtime {
    func makeJSON() -> PyModule {
        PyModule(name: "json", attributes: [
            "dumps": .builtin(PyBuiltin("dumps") { rt, _, args, kw in
                let a = try Arguments("dumps", args, kw, ["obj", "indent=", "sort_keys=", "separators=", "ensure_ascii=", "default="])
                var indent: String? = nil
                if let i = a[1], !i.isNone {
                    if case .str(let s) = i { indent = s } else { indent = String(repeating: " ", count: min(max(0, try intValue(i, "dumps")), 1 << 16)) }
                }
                var itemSep = indent == nil ? ", " : ",", keySep = ": "
                if let s = a[3], !s.isNone {
                    let parts = try rt.toArray(s)
                    if parts.count == 2, case .str(let x) = parts[0], case .str(let y) = parts[1] { itemSep = x; keySep = y }
                }
                let sortKeys = try a[2].map { try rt.truthy($0) } ?? false
                let ascii = try a[4].map { try rt.truthy($0) } ?? true
                var out = ""
                try rt.jsonEncode(a[0]!, &out, indent: indent, level: 0, itemSep: itemSep, keySep: keySep, sortKeys: sortKeys, ascii: ascii)
                return .str(out)
            }),
            "loads": .builtin(PyBuiltin("loads") { _, _, args, _ in
                try expectCount("loads", args, 1, 1)
                guard case .str(let s) = args[0] else { throw typeError("the JSON object must be str, not '\(typeName(args[0]))'") }
                var p = JSONParser(Array(s.unicodeScalars))
                return try p.parseDocument()
            }),
        ])
    }

    func jsonEncode(_ v: Value, _ out: inout String, indent: String?, level: Int, itemSep: String, keySep: String,
                    sortKeys: Bool, ascii: Bool) throws {
        if level > recursionLimit { throw valueError("Circular reference detected") }
        func newline(_ l: Int) { if let ind = indent { out += "\n" + String(repeating: ind, count: l) } }
        switch v {
        case .none: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .float(let d):
            if d.isNaN { out += "NaN" } else if d.isInfinite { out += d < 0 ? "-Infinity" : "Infinity" } else { out += floatRepr(d) }
        case .str(let s): out += jsonString(s, ascii: ascii)
        case .list, .tuple:
            let items = try toArray(v)
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (i, x) in items.enumerated() {
                if i > 0 { out += itemSep }
                newline(level + 1)
                try jsonEncode(x, &out, indent: indent, level: level + 1, itemSep: itemSep, keySep: keySep, sortKeys: sortKeys, ascii: ascii)
            }
            newline(level)
            out += "]"
        case .dict(let d):
            if d.count == 0 { out += "{}"; return }
            var items = try d.items.map { (k, x) -> (String, Value) in
                switch k {
                case .str(let s): return (s, x)
                case .int(let i): return (String(i), x)
                case .float(let f): return (floatRepr(f), x)
                case .bool(let b): return (b ? "true" : "false", x)
                case .none: return ("null", x)
                default: throw typeError("keys must be str, int, float, bool or None, not \(typeName(k))")
                }
            }
            if sortKeys { items.sort { strCompare($0.0, $1.0) < 0 } }
            out += "{"
            for (i, (k, x)) in items.enumerated() {
                if i > 0 { out += itemSep }
                newline(level + 1)
                out += jsonString(k, ascii: ascii) + keySep
                try jsonEncode(x, &out, indent: indent, level: level + 1, itemSep: itemSep, keySep: keySep, sortKeys: sortKeys, ascii: ascii)
            }
            newline(level)
            out += "}"
        default:
            throw typeError("Object of type \(typeName(v)) is not JSON serializable")
        }
    }
}

func jsonString(_ s: String, ascii: Bool) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "\u{08}": out += "\\b"
        case "\u{0C}": out += "\\f"
        default:
            if u.value < 0x20 || (ascii && u.value > 0x7e) {
                if u.value > 0xffff {
                    let v = u.value - 0x10000
                    out += "\\u" + hex(Int(0xd800 + (v >> 10)), 4) + "\\u" + hex(Int(0xdc00 + (v & 0x3ff)), 4)
                } else {
                    out += "\\u" + hex(Int(u.value), 4)
                }
            } else {
                out.unicodeScalars.append(u)
            }
        }
    }
    return out + "\""
}

/// A strict JSON parser producing dicts, lists, str, int, float, bool and None.
struct JSONParser {
    let s: [Unicode.Scalar]
    var i = 0
    init(_ s: [Unicode.Scalar]) { self.s = s }

    private func fail(_ what: String) -> PyError {
        valueError("\(what): line 1 column \(i + 1) (char \(i))")
    }

    mutating func parseDocument() throws -> Value {
        let v = try parseValue()
        skipWS()
        if i != s.count { throw fail("Extra data") }
        return v
    }

    private mutating func skipWS() { while i < s.count, [" ", "\t", "\n", "\r"].contains(s[i]) { i += 1 } }

    private mutating func literal(_ word: String, _ v: Value) throws -> Value {
        let w = Array(word.unicodeScalars)
        guard i + w.count <= s.count, Array(s[i..<(i + w.count)]) == w else { throw fail("Expecting value") }
        i += w.count
        return v
    }

    mutating func parseValue() throws -> Value {
        skipWS()
        guard i < s.count else { throw fail("Expecting value") }
        switch s[i] {
        case "{":
            i += 1
            let d = PyDict()
            skipWS()
            if i < s.count, s[i] == "}" { i += 1; return .dict(d) }
            while true {
                skipWS()
                guard i < s.count, s[i] == "\"" else { throw fail("Expecting property name enclosed in double quotes") }
                let k = try parseString()
                skipWS()
                guard i < s.count, s[i] == ":" else { throw fail("Expecting ':' delimiter") }
                i += 1
                d.set(.str(k), try parseValue())
                skipWS()
                guard i < s.count else { throw fail("Expecting ',' delimiter") }
                if s[i] == "," { i += 1; continue }
                if s[i] == "}" { i += 1; return .dict(d) }
                throw fail("Expecting ',' delimiter")
            }
        case "[":
            i += 1
            var items: [Value] = []
            skipWS()
            if i < s.count, s[i] == "]" { i += 1; return .list(PyList(items)) }
            while true {
                items.append(try parseValue())
                skipWS()
                guard i < s.count else { throw fail("Expecting ',' delimiter") }
                if s[i] == "," { i += 1; continue }
                if s[i] == "]" { i += 1; return .list(PyList(items)) }
                throw fail("Expecting ',' delimiter")
            }
        case "\"": return .str(try parseString())
        case "t": return try literal("true", .bool(true))
        case "f": return try literal("false", .bool(false))
        case "n": return try literal("null", .none)
        case "N": return try literal("NaN", .float(.nan))
        case "I": return try literal("Infinity", .float(.infinity))
        default: return try parseNumber()
        }
    }

    private mutating func parseNumber() throws -> Value {
        let start = i
        if i < s.count, s[i] == "-" {
            i += 1
            if i < s.count, s[i] == "I" { return try literal("Infinity", .float(-.infinity)) }
        }
        var isFloat = false
        while i < s.count, ("0"..."9").contains(s[i]) || s[i] == "." || s[i] == "e" || s[i] == "E" || s[i] == "+" || s[i] == "-" {
            if s[i] == "." || s[i] == "e" || s[i] == "E" { isFloat = true }
            i += 1
        }
        let text = String(String.UnicodeScalarView(s[start..<i]))
        if text.isEmpty || text == "-" { i = start; throw fail("Expecting value") }
        if !isFloat, let v = Int(text) { return .int(v) }
        guard let d = Double(text) else { i = start; throw fail("Expecting value") }
        return .float(d)
    }

    private mutating func parseString() throws -> String {
        i += 1
        var out = String.UnicodeScalarView()
        while i < s.count {
            let c = s[i]
            i += 1
            if c == "\"" { return String(out) }
            if c != "\\" { out.append(c); continue }
            guard i < s.count else { break }
            let e = s[i]
            i += 1
            switch e {
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "r": out.append("\r")
            case "b": out.append("\u{08}")
            case "f": out.append("\u{0C}")
            case "/", "\\", "\"": out.append(e)
            case "u":
                var v = try hex4()
                if (0xd800..<0xdc00).contains(v), i + 1 < s.count, s[i] == "\\", s[i + 1] == "u" {
                    i += 2
                    let lo = try hex4()
                    v = 0x10000 + ((v - 0xd800) << 10) + (lo - 0xdc00)
                }
                out.append(Unicode.Scalar(v) ?? "\u{FFFD}")
            default: throw fail("Invalid \\escape")
            }
        }
        throw fail("Unterminated string starting at")
    }

    private mutating func hex4() throws -> UInt32 {
        guard i + 4 <= s.count, let v = UInt32(String(String.UnicodeScalarView(s[i..<(i + 4)])), radix: 16) else {
            throw fail("Invalid \\uXXXX escape")
        }
        i += 4
        return v
    }
}
