import Glibc
import Interpreter

/// Tab completion at the prompt: names and keywords, attributes of the value before the dot
/// (`model.ls<TAB>`), dict keys (`data["<TAB>`) and file names inside strings. Only dotted
/// names are looked up, so completing never runs a call.
struct Completion {
    let interp: Interpreter

    static let keywords = ["False", "None", "True", "and", "as", "assert", "break", "class", "continue", "def", "del",
                           "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is",
                           "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with"]

    static let methodsByType: [String: [String]] = [
        "dict": ["clear", "copy", "get", "items", "keys", "pop", "setdefault", "update", "values"],
        "list": ["append", "clear", "copy", "count", "extend", "index", "insert", "pop", "remove", "reverse", "sort"],
        "str": ["endswith", "find", "format", "join", "lower", "replace", "split", "splitlines", "startswith", "strip", "upper", "zfill"],
    ]

    /// Candidates replacing `word`, the text before the cursor being `line`.
    func candidates(line: String, word: String) -> [String] {
        let before = String(line.dropLast(word.count))
        if let quote = openQuote(before) {
            let beforeQuote = String(before.dropLast())
            if beforeQuote.hasSuffix("["), quote == before.last {
                return dictKeys(String(beforeQuote.dropLast())).filter { $0.hasPrefix(word) }.sorted()
            }
            return files(word)
        }
        if let dot = word.lastIndex(of: ".") {
            let base = String(word[..<dot]), partial = String(word[word.index(after: dot)...])
            return attributes(of: base).filter { $0.hasPrefix(partial) && (!$0.hasPrefix("_") || partial.hasPrefix("_")) }
                .sorted().map { base + "." + $0 }
        }
        let names = interp.globalNames.filter { !$0.hasPrefix("__mrsh") } + interp.builtinNames + Completion.keywords
        return Array(Set(names.filter { $0.hasPrefix(word) })).sorted()
    }

    /// The quote character of a string literal left open in `text`, if any.
    func openQuote(_ text: String) -> Character? {
        var open: Character? = nil
        var escaped = false
        for c in text {
            if escaped { escaped = false; continue }
            if c == "\\" { escaped = true; continue }
            if let q = open { if c == q { open = nil } } else if c == "\"" || c == "'" { open = c }
        }
        return open
    }

    /// The value of a dotted name (`model.encoder`), or nil when it is anything else.
    func lookup(_ dotted: String) -> Value? {
        let parts = dotted.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let first = parts.first, parts.allSatisfy(Overrides.isIdentifier), var v = interp[global: first] else { return nil }
        for p in parts.dropFirst() {
            guard let next = try? interp.runtime.getAttr(v, p) else { return nil }
            v = next
        }
        return v
    }

    func attributes(of dotted: String) -> [String] {
        guard let v = lookup(dotted) else { return [] }
        switch v {
        case .host(let h): return h.attributeNames
        case .module(let m): return Array(m.attributes.keys)
        case .instance(let inst):
            var names = inst.host?.attributeNames ?? []
            if case .dict(let d)? = try? interp.runtime.getAttr(v, "__dict__") {
                names += d.keys.compactMap { if case .str(let s) = $0 { return s }; return nil }
            }
            return names + ["forward"]
        case .dict: return Completion.methodsByType["dict"]!
        case .list: return Completion.methodsByType["list"]!
        case .str: return Completion.methodsByType["str"]!
        default: return []
        }
    }

    func dictKeys(_ dotted: String) -> [String] {
        guard case .dict(let d)? = lookup(dotted) else { return [] }
        return d.keys.compactMap { if case .str(let s) = $0 { return s }; return nil }
    }

    /// File names starting with `prefix` (a path); directories end in "/".
    func files(_ prefix: String) -> [String] {
        let slash = prefix.lastIndex(of: "/")
        let dir = slash.map { String(prefix[...$0]) } ?? ""
        let partial = slash.map { String(prefix[prefix.index(after: $0)...]) } ?? prefix
        guard let d = opendir(dir.isEmpty ? "." : dir) else { return [] }
        defer { closedir(d) }
        var out: [String] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            guard name != "." && name != "..", name.hasPrefix(partial), !name.hasPrefix(".") || partial.hasPrefix(".") else { continue }
            let isDir = e.pointee.d_type == UInt8(DT_DIR)
            out.append(dir + name + (isDir ? "/" : ""))
        }
        return out.sorted()
    }
}
