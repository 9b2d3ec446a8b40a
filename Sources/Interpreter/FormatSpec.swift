/// The format-spec mini-language (`f"{x:>10.3f}"`, `format(x, spec)`, `str.format`) and
/// printf-style `%` formatting.
struct FormatSpec {
    var fill: Character = " "
    var align: Character? = nil
    var sign: Character = "-"
    var alternate = false
    var zero = false
    var width = 0
    var grouping: Character? = nil
    var precision: Int? = nil
    var type: Character? = nil

    init(_ spec: String) throws {
        var c = Array(spec)
        var i = 0
        let aligns: Set<Character> = ["<", ">", "^", "="]
        if c.count >= 2 && aligns.contains(c[1]) { fill = c[0]; align = c[1]; i = 2 } else if !c.isEmpty && aligns.contains(c[0]) { align = c[0]; i = 1 }
        if i < c.count, "+- ".contains(c[i]) { sign = c[i]; i += 1 }
        if i < c.count, c[i] == "z" { i += 1 }
        if i < c.count, c[i] == "#" { alternate = true; i += 1 }
        if i < c.count, c[i] == "0" { zero = true; i += 1 }
        var w = ""
        while i < c.count, c[i].isASCII, c[i].isNumber { w.append(c[i]); i += 1 }
        width = Int(w) ?? 0
        if i < c.count, c[i] == "," || c[i] == "_" { grouping = c[i]; i += 1 }
        if i < c.count, c[i] == "." {
            i += 1
            var p = ""
            while i < c.count, c[i].isASCII, c[i].isNumber { p.append(c[i]); i += 1 }
            guard !p.isEmpty else { throw valueError("Format specifier missing precision") }
            precision = Int(p)
        }
        if i < c.count { type = c[i]; i += 1 }
        if i != c.count { throw valueError("Invalid format specifier '\(spec)'") }
        if width > maxSequenceSize || (precision ?? 0) > maxSequenceSize { throw valueError("Too many decimal digits in format string") }
        c.removeAll()
    }

    /// Pads `body` (with its sign split off as `prefix`) to the width.
    func pad(_ body: String, prefix: String = "", numeric: Bool) -> String {
        if width == 0 { return prefix.isEmpty ? body : prefix + body }
        let total = prefix.count + body.count
        guard width > total else { return prefix + body }
        let n = width - total
        var a = align ?? (numeric ? ">" : "<")
        var f = fill
        if zero && align == nil { a = "="; f = "0" }
        switch a {
        case "<": return prefix + body + String(repeating: f, count: n)
        case "^": return String(repeating: f, count: n / 2) + prefix + body + String(repeating: f, count: n - n / 2)
        case "=": return prefix + String(repeating: f, count: n) + body
        default: return String(repeating: f, count: n) + prefix + body
        }
    }

    func signPrefix(_ negative: Bool) -> String {
        if negative { return "-" }
        return sign == "+" ? "+" : sign == " " ? " " : ""
    }
}

extension Runtime {
    /// `format(v, spec)`.
    func format(_ v: Value, _ spec: String) throws -> String {
        if spec.isEmpty { return try str(v) }
        let fs = try FormatSpec(spec)
        switch v {
        case .bool(let b) where fs.type == nil || fs.type == "s": return fs.pad(b ? "True" : "False", numeric: false)
        case .bool(let b): return try formatInt(b ? 1 : 0, fs)
        case .int(let i): return try formatInt(i, fs)
        case .float(let d): return try formatFloat(d, fs)
        case .str(let s):
            if let t = fs.type, t != "s" { throw valueError("Unknown format code '\(t)' for object of type 'str'") }
            var body = s
            if let p = fs.precision { body = String(s.unicodeScalars.prefix(p).map(Character.init)) }
            return fs.pad(body, numeric: false)
        case .instance(let inst):
            if let m = inst.cls.lookup("__format__") {
                let r = try call(m, [v, .str(spec)], [])
                if case .str(let s) = r { return s }
            }
            if let h = inst.host { return try formatHostString(h.str(), fs, spec) }
        case .host(let h):
            // Hosts may format themselves (a 0-d tensor as its number, as PyTorch does).
            if let m = try h.getAttribute("__format__"), case .str(let s) = try call(m, [.str(spec)], []) { return s }
            return try formatHostString(h.str(), fs, spec)
        default: break
        }
        throw typeError("unsupported format string passed to \(typeName(v)).__format__")
    }

    private func formatHostString(_ s: String, _ fs: FormatSpec, _ spec: String) throws -> String {
        if fs.type != nil { throw typeError("unsupported format string '\(spec)'") }
        return fs.pad(s, numeric: false)
    }

    func formatInt(_ i: Int, _ fs: FormatSpec) throws -> String {
        let t = fs.type ?? "d"
        if "eEfFgG%".contains(t) { return try formatFloat(Double(i), fs) }
        if fs.precision != nil { throw valueError("Precision not allowed in integer format specifier") }
        let mag = i.magnitude
        var digits: String
        var prefix = ""
        switch t {
        case "d", "n": digits = String(mag)
        case "x": digits = String(mag, radix: 16); prefix = fs.alternate ? "0x" : ""
        case "X": digits = String(mag, radix: 16).uppercased(); prefix = fs.alternate ? "0X" : ""
        case "o": digits = String(mag, radix: 8); prefix = fs.alternate ? "0o" : ""
        case "b": digits = String(mag, radix: 2); prefix = fs.alternate ? "0b" : ""
        case "c":
            guard let u = Unicode.Scalar(UInt32(clamping: i)) else { throw overflowError("%c arg not in range(0x110000)") }
            return fs.pad(String(Character(u)), numeric: false)
        default: throw valueError("Unknown format code '\(t)' for object of type 'int'")
        }
        if let g = fs.grouping { digits = groupDigits(digits, g, every: t == "d" || t == "n" ? 3 : 4) }
        return fs.pad(digits, prefix: fs.signPrefix(i < 0) + prefix, numeric: true)
    }

    func formatFloat(_ d: Double, _ fs: FormatSpec) throws -> String {
        var body: String
        let neg = d.sign == .minus && !d.isNaN
        let mag = d.magnitude
        switch fs.type {
        case nil:
            if let p = fs.precision {
                body = cFormat(mag, "g", precision: max(p, 1), alternate: fs.alternate)
                if mag.isFinite && !body.contains(".") && !body.contains("e") { body += ".0" }
            } else {
                body = floatRepr(mag)
            }
        case "f"?, "F"?, "e"?, "E"?, "g"?, "G"?:
            body = cFormat(mag, fs.type!, precision: fs.precision ?? 6, alternate: fs.alternate)
        case "n"?:
            body = cFormat(mag, "g", precision: fs.precision ?? 6)
        case "%"?:
            body = cFormat(mag * 100, "f", precision: fs.precision ?? 6) + "%"
        default:
            throw valueError("Unknown format code '\(fs.type!)' for object of type 'float'")
        }
        if let g = fs.grouping, mag.isFinite {
            let intEnd = body.firstIndex { !$0.isNumber } ?? body.endIndex
            body = groupDigits(String(body[..<intEnd]), g) + body[intEnd...]
        }
        return fs.pad(body, prefix: fs.signPrefix(neg), numeric: true)
    }

    /// printf-style `fmt % args`.
    func percentFormat(_ fmt: String, _ args: Value) throws -> String {
        var values: [Value]
        var mapping: PyDict? = nil
        switch args {
        case .tuple(let t): values = t
        case .dict(let d): values = [args]; mapping = d
        default: values = [args]
        }
        var next = 0
        func take() throws -> Value {
            guard next < values.count else { throw typeError("not enough arguments for format string") }
            defer { next += 1 }
            return values[next]
        }
        let c = Array(fmt)
        var out = ""
        var i = 0
        var usedMapping = false
        while i < c.count {
            if c[i] != "%" { out.append(c[i]); i += 1; continue }
            i += 1
            guard i < c.count else { throw valueError("incomplete format") }
            var key: String? = nil
            if c[i] == "(" {
                var depth = 1
                var j = i + 1
                while j < c.count && depth > 0 { if c[j] == "(" { depth += 1 } else if c[j] == ")" { depth -= 1 }; j += 1 }
                key = String(c[(i + 1)..<(j - 1)])
                i = j
            }
            var flags = Set<Character>()
            while i < c.count, "-+ 0#".contains(c[i]) { flags.insert(c[i]); i += 1 }
            var width = 0
            if i < c.count, c[i] == "*" {
                guard case .int(let w) = try take() else { throw typeError("* wants int") }
                width = w; i += 1
            } else {
                while i < c.count, c[i].isASCII, let dv = c[i].wholeNumberValue {
                    width = min(width * 10 + dv, 1 << 40); i += 1
                }
            }
            var precision: Int? = nil
            if i < c.count, c[i] == "." {
                i += 1
                if i < c.count, c[i] == "*" {
                    guard case .int(let p) = try take() else { throw typeError("* wants int") }
                    precision = p; i += 1
                } else {
                    var p = 0
                    while i < c.count, c[i].isASCII, let dv = c[i].wholeNumberValue {
                        p = min(p * 10 + dv, 1 << 40); i += 1
                    }
                    precision = p
                }
            }
            guard i < c.count else { throw valueError("incomplete format") }
            let t = c[i]
            i += 1
            if t == "%" { out.append("%"); continue }
            let v: Value
            if let k = key {
                guard let m = mapping else { throw typeError("format requires a mapping") }
                guard let x = m.get(.str(k)) else { throw keyError(.str(k)) }
                v = x
                usedMapping = true
            } else {
                v = try take()
            }
            out += try percentOne(v, t, flags: flags, width: width, precision: precision)
        }
        if !usedMapping && mapping == nil && next < values.count {
            throw typeError("not all arguments converted during string formatting")
        }
        return out
    }

    private func percentOne(_ v: Value, _ t: Character, flags: Set<Character>, width: Int, precision: Int?) throws -> String {
        if width > maxSequenceSize || (precision ?? 0) > maxSequenceSize { throw valueError("width or precision too big") }
        var fs = try FormatSpec("")
        fs.width = width
        fs.align = flags.contains("-") ? "<" : nil
        fs.zero = flags.contains("0") && !flags.contains("-")
        fs.sign = flags.contains("+") ? "+" : flags.contains(" ") ? " " : "-"
        fs.alternate = flags.contains("#")
        switch t {
        case "s", "r", "a":
            var s = t == "s" ? try str(v) : t == "r" ? try repr(v) : asciiRepr(try repr(v))
            if let p = precision { s = String(s.prefix(p)) }
            fs.zero = false
            return fs.pad(s, numeric: !flags.contains("-"))
        case "d", "i", "u", "x", "X", "o":
            let n: Int
            switch v {
            case .int(let x): n = x
            case .bool(let b): n = b ? 1 : 0
            case .float(let d):
                guard d.isFinite, d.magnitude < 9.2e18 else { throw overflowError("cannot convert float to a 64-bit int") }
                n = Int(d)
            default: throw typeError("%\(t) format: a real number is required, not \(typeName(v))")
            }
            fs.type = (t == "i" || t == "u") ? "d" : t
            if let p = precision, p > 0 {
                let digits = String(n.magnitude, radix: t == "o" ? 8 : (t == "x" || t == "X") ? 16 : 10)
                let padded = String(repeating: "0", count: max(0, p - digits.count)) + digits
                return fs.pad(t == "X" ? padded.uppercased() : padded, prefix: fs.signPrefix(n < 0), numeric: true)
            }
            return try formatInt(n, fs)
        case "e", "E", "f", "F", "g", "G":
            let d: Double
            switch v {
            case .int(let x): d = Double(x)
            case .bool(let b): d = b ? 1 : 0
            case .float(let x): d = x
            default: throw typeError("must be real number, not \(typeName(v))")
            }
            fs.type = t
            fs.precision = precision ?? 6
            return try formatFloat(d, fs)
        case "c":
            if case .str(let s) = v, s.unicodeScalars.count == 1 { return fs.pad(s, numeric: false) }
            guard case .int(let x) = v else { throw typeError("%c requires int or char") }
            fs.type = "c"
            return try formatInt(x, fs)
        default:
            throw valueError("unsupported format character '\(t)'")
        }
    }
}
