import Interpreter

/// RETURNN's command-line overrides `++key value`.
enum Overrides {
    struct UsageError: Error, CustomStringConvertible { let description: String }

    /// Pairs of `++key value` from the arguments after the file; anything else is a usage error.
    static func parse(_ args: [String]) throws -> [(String, String)] {
        var out: [(String, String)] = []
        var i = 0
        while i < args.count {
            let a = args[i]
            guard a.hasPrefix("++"), a.count > 2 else {
                throw UsageError(description: "unexpected argument '\(a)' (overrides are written '++key value')")
            }
            guard i + 1 < args.count else { throw UsageError(description: "override '\(a)' needs a value") }
            let key = String(a.dropFirst(2))
            guard isIdentifier(key) else { throw UsageError(description: "override name '\(key)' is not an identifier") }
            out.append((key, args[i + 1]))
            i += 2
        }
        return out
    }

    static func isIdentifier(_ s: String) -> Bool {
        guard let f = s.first, f == "_" || f.isLetter else { return false }
        return s.allSatisfy { $0 == "_" || $0.isLetter || $0.isNumber }
    }

    /// The value of an override: a Python literal where the text parses as one (`0.01`, `3`,
    /// `True`, `"out/m"`, `[1, 2]`), else the text itself as a string (`out/m`).
    static func value(_ text: String) -> Value {
        let scratch = Interpreter(stdout: { _ in }, stderr: { _ in })
        guard isLiteral(text), let v = try? scratch.evaluate(text, file: "<override>") else { return .str(text) }
        return v
    }

    /// Only literal syntax counts: names (other than True/False/None) and calls stay strings.
    private static func isLiteral(_ text: String) -> Bool {
        let t = text.trimmingTrailingNewlines()
        if ["True", "False", "None"].contains(t) { return true }
        var inString: Character? = nil
        for c in t {
            if let q = inString { if c == q { inString = nil }; continue }
            if c == "\"" || c == "'" { inString = c; continue }
            if c.isLetter && c != "e" && c != "E" && c != "j" { return false }
            if c == "(" && !t.hasPrefix("(") { return false }
        }
        return !t.isEmpty
    }

    /// Sets each override as a global of the session (after the file's top level ran).
    static func apply(_ pairs: [(String, String)], to interp: Interpreter) {
        for (k, v) in pairs { interp[global: k] = value(v) }
    }
}
