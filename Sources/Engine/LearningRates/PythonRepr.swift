/// Python's `repr` of floats, ints and strings, and RETURNN's deterministic `better_repr` of dicts.
public enum PythonRepr {
    /// `repr(x)` of a Python float: the shortest digits that read back as `x`, in fixed notation
    /// when the decimal exponent e satisfies -4 <= e < 16 (`2.0`, `0.0001`), otherwise scientific
    /// (`1e-05`, `1e+16`); `nan`, `inf`, `-inf` for the non-finite values.
    public static func float(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        let (negative, digits, exponent) = shortestDigits(x)
        let sign = negative ? "-" : ""
        if exponent >= -4 && exponent < 16 {
            return sign + fixed(digits, exponent)
        }
        var text = String(digits.first ?? "0")
        if digits.count > 1 { text += "." + digits.dropFirst() }
        let expSign = exponent < 0 ? "-" : "+"
        let magnitude = String(abs(exponent))
        return sign + text + "e" + expSign + (magnitude.count < 2 ? "0" + magnitude : magnitude)
    }

    /// `better_repr` of a float: like `float`, but non-finite values as `float('nan')` etc.
    public static func betterFloat(_ x: Double) -> String {
        x.isFinite ? float(x) : "float('\(float(x))')"
    }

    /// Python `repr` of a str: single quotes unless the text has `'` and no `"`; escapes for
    /// the backslash, the quote in use, `\n`, `\r`, `\t` and non-printable characters.
    public static func string(_ s: String) -> String {
        let quote: Character = s.contains("'") && !s.contains("\"") ? "\"" : "'"
        var out = String(quote)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if Character(scalar) == quote {
                    out += "\\" + String(quote)
                } else if isPrintable(scalar) {
                    out.unicodeScalars.append(scalar)
                } else {
                    out += escape(scalar)
                }
            }
        }
        out.append(quote)
        return out
    }

    /// Digits (no leading zeros) and decimal exponent of the shortest round-trip form of |x|,
    /// taken from Swift's `description`, which produces the same shortest digits as Python.
    static func shortestDigits(_ x: Double) -> (negative: Bool, digits: String, exponent: Int) {
        var text = Substring(x.description)
        let negative = text.hasPrefix("-")
        if negative { text = text.dropFirst() }
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = text[..<e]
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let integerPart = parts[0], fraction = parts.count > 1 ? parts[1] : ""
        var digits = String(integerPart + fraction)
        exponent += integerPart.count - 1
        while digits.count > 1, digits.first == "0" {
            digits.removeFirst()
            exponent -= 1
        }
        while digits.count > 1, digits.last == "0" { digits.removeLast() }
        if digits == "0" { exponent = 0 }
        return (negative, digits, exponent)
    }

    /// Fixed notation of digits d1 d2 ... × 10^(exponent), always with a fraction part.
    private static func fixed(_ digits: String, _ exponent: Int) -> String {
        if exponent < 0 {
            return "0." + String(repeating: "0", count: -exponent - 1) + digits
        }
        let integerCount = exponent + 1
        if digits.count <= integerCount {
            return digits + String(repeating: "0", count: integerCount - digits.count) + ".0"
        }
        let split = digits.index(digits.startIndex, offsetBy: integerCount)
        return digits[..<split] + "." + digits[split...]
    }

    /// Approximates `str.isprintable()`: controls, separators and unassigned code points are not.
    private static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x20 || scalar.value == 0x7F { return false }
        if scalar.value < 0x7F { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned,
             .lineSeparator, .paragraphSeparator, .spaceSeparator:
            return false
        default:
            return true
        }
    }

    private static func escape(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16)
        if scalar.value <= 0xFF { return "\\x" + String(repeating: "0", count: 2 - hex.count) + hex }
        if scalar.value <= 0xFFFF { return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex }
        return "\\U" + String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// Python's str ordering: lexicographic by code point (Swift's `<` compares normalized forms).
    public static func codePointLess(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
    }

    /// `better_repr` of a dict whose items are already rendered as `key: value`, in sorted order:
    /// one line if the items' summed length is below 40 characters, else one item per line.
    public static func betterDict(_ items: [String]) -> String {
        if items.reduce(0, { $0 + $1.unicodeScalars.count }) >= 40 {
            return "{\n" + items.map { $0 + ",\n" }.joined() + "}"
        }
        return "{" + items.joined(separator: ", ") + "}"
    }
}
