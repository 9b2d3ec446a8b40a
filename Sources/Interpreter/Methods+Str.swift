import Glibc

/// Methods of str.
extension Runtime {
    func installStrMethods(_ m: (String, @escaping BuiltinFn) -> Void) {
        func s(_ v: Value) -> String { if case .str(let x) = v { return x }; return "" }
        func strArg(_ args: [Value], _ i: Int, _ name: String) throws -> String? {
            guard i < args.count, !args[i].isNone else { return nil }
            guard case .str(let x) = args[i] else { throw typeError("\(name)() argument must be str, not \(typeName(args[i]))") }
            return x
        }
        m("lower") { _, v, _, _ in .str(s(v).lowercased()) }
        m("upper") { _, v, _, _ in .str(s(v).uppercased()) }
        m("strip") { _, v, args, _ in .str(stripChars(s(v), try strArg(args, 0, "strip"), left: true, right: true)) }
        m("lstrip") { _, v, args, _ in .str(stripChars(s(v), try strArg(args, 0, "lstrip"), left: true, right: false)) }
        m("rstrip") { _, v, args, _ in .str(stripChars(s(v), try strArg(args, 0, "rstrip"), left: false, right: true)) }
        m("split") { _, v, args, kw in
            let a = try Arguments("split", args, kw, ["sep=", "maxsplit="])
            let sep = try a.str(0), maxsplit = try a.int(1, -1)
            if let sep = sep, maxsplit < 0, !sep.isEmpty { return .list(PyList(splitAll(s(v), sep))) }
            return .list(PyList(try splitString(s(v), sep, maxsplit).map { .str($0) }))
        }
        m("rsplit") { _, v, args, kw in
            let a = try Arguments("rsplit", args, kw, ["sep=", "maxsplit="])
            return .list(PyList(try rsplitString(s(v), try a.str(0), try a.int(1, -1)).map { .str($0) }))
        }
        m("splitlines") { _, v, args, _ in
            var out: [Value] = []
            var cur = ""
            let keep = args.first.map { if case .bool(let b) = $0 { return b }; return false } ?? false
            var it = s(v).unicodeScalars.makeIterator()
            var pending: Unicode.Scalar? = nil
            while let c = pending ?? it.next() {
                pending = nil
                if c == "\n" || c == "\r" || c == "\u{0B}" || c == "\u{0C}" || c == "\u{1C}" || c == "\u{1D}" || c == "\u{1E}" || c == "\u{85}" || c == "\u{2028}" || c == "\u{2029}" {
                    var end = String(c)
                    if c == "\r" { let n = it.next(); if n == "\n" { end += "\n" } else { pending = n } }
                    out.append(.str(keep ? cur + end : cur))
                    cur = ""
                } else {
                    cur.unicodeScalars.append(c)
                }
            }
            if !cur.isEmpty { out.append(.str(cur)) }
            return .list(PyList(out))
        }
        m("join") { rt, v, args, _ in
            try expectCount("join", args, 1, 1)
            if case .list(let l) = args[0] { return .str(try joinStrings(l.items, s(v))) }
            return .str(try joinStrings(try rt.toArray(args[0]), s(v)))
        }
        m("startswith") { rt, v, args, _ in try rt.affix(s(v), args, prefix: true) }
        m("endswith") { rt, v, args, _ in try rt.affix(s(v), args, prefix: false) }
        m("replace") { _, v, args, _ in
            try expectCount("replace", args, 2, 3)
            guard case .str(let old) = args[0], case .str(let new) = args[1] else { throw typeError("replace() arguments must be str") }
            let count = args.count == 3 ? try intValue(args[2], "replace") : -1
            return .str(replaceString(s(v), old, new, count))
        }
        m("find") { rt, v, args, _ in .int(try rt.findIn(s(v), args, reverse: false)) }
        m("rfind") { rt, v, args, _ in .int(try rt.findIn(s(v), args, reverse: true)) }
        m("index") { rt, v, args, _ in
            let i = try rt.findIn(s(v), args, reverse: false)
            if i < 0 { throw valueError("substring not found") }
            return .int(i)
        }
        m("rindex") { rt, v, args, _ in
            let i = try rt.findIn(s(v), args, reverse: true)
            if i < 0 { throw valueError("substring not found") }
            return .int(i)
        }
        m("count") { rt, v, args, _ in
            try expectCount("count", args, 1, 3)
            guard case .str(let sub) = args[0] else { throw typeError("must be str, not \(typeName(args[0]))") }
            let hay = Array(s(v).unicodeScalars)
            let (lo, hi) = try rt.clampRange(args, 1, hay.count)
            let needle = Array(sub.unicodeScalars)
            if needle.isEmpty { return .int(max(0, hi - lo) + 1) }
            var n = 0, i = lo
            while i + needle.count <= hi {
                if Array(hay[i..<(i + needle.count)]) == needle { n += 1; i += needle.count } else { i += 1 }
            }
            return .int(n)
        }
        m("format") { rt, v, args, kw in .str(try rt.strFormat(s(v), args, kw)) }
        m("zfill") { _, v, args, _ in
            try expectCount("zfill", args, 1, 1)
            let w = try intValue(args[0], "zfill")
            if w > maxSequenceSize { throw pyErr(ExcTypes.memoryError, "width too large") }
            var t = s(v)
            let n = t.unicodeScalars.count
            guard w > n else { return .str(t) }
            var sign = ""
            if let f = t.first, f == "+" || f == "-" { sign = String(f); t.removeFirst() }
            return .str(sign + String(repeating: "0", count: w - n) + t)
        }
        m("center") { rt, v, args, _ in .str(try rt.justify(s(v), args, "^")) }
        m("ljust") { rt, v, args, _ in .str(try rt.justify(s(v), args, "<")) }
        m("rjust") { rt, v, args, _ in .str(try rt.justify(s(v), args, ">")) }
        m("title") { _, v, _, _ in
            var out = ""
            var prevCased = false
            for c in s(v) {
                out += prevCased ? c.lowercased() : c.uppercased()
                prevCased = c.isLetter
            }
            return .str(out)
        }
        m("capitalize") { _, v, _, _ in
            let t = s(v)
            guard let f = t.first else { return .str("") }
            return .str(f.uppercased() + t.dropFirst().lowercased())
        }
        m("swapcase") { _, v, _, _ in .str(String(s(v).map { $0.isUppercase ? Character($0.lowercased()) : Character($0.uppercased()) })) }
        m("isdigit") { _, v, _, _ in .bool(!s(v).isEmpty && s(v).unicodeScalars.allSatisfy { $0.properties.numericType == .decimal || $0.properties.numericType == .digit }) }
        m("isdecimal") { _, v, _, _ in .bool(!s(v).isEmpty && s(v).unicodeScalars.allSatisfy { $0.properties.numericType == .decimal }) }
        m("isnumeric") { _, v, _, _ in .bool(!s(v).isEmpty && s(v).unicodeScalars.allSatisfy { $0.properties.numericType != nil }) }
        m("isalpha") { _, v, _, _ in .bool(!s(v).isEmpty && s(v).unicodeScalars.allSatisfy { $0.properties.isAlphabetic }) }
        m("isalnum") { _, v, _, _ in .bool(!s(v).isEmpty && s(v).unicodeScalars.allSatisfy { $0.properties.isAlphabetic || $0.properties.numericType != nil }) }
        m("isspace") { _, v, _, _ in .bool(!s(v).isEmpty && s(v).unicodeScalars.allSatisfy { $0.properties.isWhitespace }) }
        m("islower") { _, v, _, _ in
            let t = s(v)
            return .bool(t.contains { $0.isCased } && !t.contains { $0.isUppercase })
        }
        m("isupper") { _, v, _, _ in
            let t = s(v)
            return .bool(t.contains { $0.isCased } && !t.contains { $0.isLowercase })
        }
        m("isidentifier") { _, v, _, _ in
            let t = s(v)
            guard let f = t.unicodeScalars.first, f == "_" || f.properties.isXIDStart else { return .bool(false) }
            return .bool(t.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isXIDContinue })
        }
        m("partition") { _, v, args, _ in
            guard case .str(let sep)? = args.first, !sep.isEmpty else { throw valueError("empty separator") }
            let t = s(v)
            guard let r = t.range(of: sep) else { return .tuple([.str(t), .str(""), .str("")]) }
            return .tuple([.str(String(t[..<r.lowerBound])), .str(sep), .str(String(t[r.upperBound...]))])
        }
        m("rpartition") { _, v, args, _ in
            guard case .str(let sep)? = args.first, !sep.isEmpty else { throw valueError("empty separator") }
            let t = s(v)
            guard let r = t.range(of: sep, options: SearchDirection.backwards) else { return .tuple([.str(""), .str(""), .str(t)]) }
            return .tuple([.str(String(t[..<r.lowerBound])), .str(sep), .str(String(t[r.upperBound...]))])
        }
        m("removeprefix") { _, v, args, _ in
            guard case .str(let p)? = args.first else { throw typeError("removeprefix() argument must be str") }
            let t = s(v)
            return .str(t.hasPrefix(p) ? String(t.dropFirst(p.count)) : t)
        }
        m("removesuffix") { _, v, args, _ in
            guard case .str(let p)? = args.first else { throw typeError("removesuffix() argument must be str") }
            let t = s(v)
            return .str(t.hasSuffix(p) && !p.isEmpty ? String(t.dropLast(p.count)) : t)
        }
        m("expandtabs") { _, v, args, _ in
            let size = min(args.isEmpty ? 8 : try intValue(args[0], "expandtabs"), 1 << 16)
            var out = ""
            var col = 0
            for c in s(v).unicodeScalars {
                if c == "\t" {
                    let n = size > 0 ? size - col % size : 0
                    out += String(repeating: " ", count: n); col += n
                } else {
                    out.unicodeScalars.append(c)
                    col = (c == "\n" || c == "\r") ? 0 : col + 1
                }
            }
            return .str(out)
        }
        m("encode") { _, _, _, _ in throw pyErr(ExcTypes.notImplementedError, "bytes are not supported by mrsh") }
    }

    func affix(_ t: String, _ args: [Value], prefix: Bool) throws -> Value {
        try expectCount(prefix ? "startswith" : "endswith", args, 1, 3)
        let scalars = Array(t.unicodeScalars)
        let (lo, hi) = try clampRange(args, 1, scalars.count)
        let sub = lo <= hi ? String(String.UnicodeScalarView(scalars[lo..<hi])) : ""
        let cands: [Value]
        if case .tuple(let xs) = args[0] { cands = xs } else { cands = [args[0]] }
        for c in cands {
            guard case .str(let p) = c else {
                throw typeError("\(prefix ? "startswith" : "endswith") first arg must be str or a tuple of str, not \(typeName(c))")
            }
            if lo > scalars.count { continue }
            if prefix ? sub.unicodeScalars.starts(with: p.unicodeScalars) : Array(sub.unicodeScalars).reversed().starts(with: Array(p.unicodeScalars).reversed()) {
                return .bool(true)
            }
        }
        return .bool(false)
    }

    /// Start/end arguments at `from`, clamped like slice bounds.
    func clampRange(_ args: [Value], _ from: Int, _ count: Int) throws -> (Int, Int) {
        func get(_ i: Int, _ def: Int) throws -> Int {
            guard i < args.count, !args[i].isNone else { return def }
            var x = try intValue(args[i], "index")
            if x < 0 { x = max(0, x + count) }
            return min(x, count + (i == from ? 1 : 0))
        }
        return (try get(from, 0), min(try get(from + 1, count), count))
    }

    func findIn(_ t: String, _ args: [Value], reverse: Bool) throws -> Int {
        try expectCount("find", args, 1, 3)
        guard case .str(let sub) = args[0] else { throw typeError("must be str, not \(typeName(args[0]))") }
        let hay = Array(t.unicodeScalars)
        let (lo, hi) = try clampRange(args, 1, hay.count)
        let needle = Array(sub.unicodeScalars)
        guard lo <= hi, needle.count <= hi - lo else { return needle.isEmpty && lo <= hay.count && lo <= hi ? lo : -1 }
        let range = Array(lo...(hi - needle.count))
        for i in reverse ? range.reversed() : range {
            var ok = true
            for j in 0..<needle.count where hay[i + j] != needle[j] { ok = false; break }
            if ok { return i }
        }
        return -1
    }

    func justify(_ t: String, _ args: [Value], _ align: Character) throws -> String {
        try expectCount("justify", args, 1, 2)
        let w = try intValue(args[0], "width")
        var fill: Character = " "
        if args.count == 2 {
            guard case .str(let f) = args[1], f.count == 1 else { throw typeError("The fill character must be exactly one character long") }
            fill = f.first!
        }
        let n = t.unicodeScalars.count
        guard w > n else { return t }
        if w > maxSequenceSize { throw pyErr(ExcTypes.memoryError, "width too large") }
        let pad = w - n
        switch align {
        case "<": return t + String(repeating: fill, count: pad)
        case ">": return String(repeating: fill, count: pad) + t
        default:
            let left = pad / 2 + (pad & w & 1)
            return String(repeating: fill, count: left) + t + String(repeating: fill, count: pad - left)
        }
    }
}

func stripChars(_ s: String, _ chars: String?, left: Bool, right: Bool) -> String {
    let set = chars.map { Set($0.unicodeScalars) }
    func strip(_ u: Unicode.Scalar) -> Bool { set?.contains(u) ?? u.properties.isWhitespace }
    var u = Substring(s).unicodeScalars
    if left { while let f = u.first, strip(f) { u.removeFirst() } }
    if right { while let l = u.last, strip(l) { u.removeLast() } }
    return String(u)
}

func splitString(_ s: String, _ sep: String?, _ maxsplit: Int) throws -> [String] {
    guard let sep = sep else {
        var out: [String] = []
        var cur = ""
        var inWord = false
        var splits = 0
        var scalars = Substring(s).unicodeScalars
        while let c = scalars.first {
            if c.properties.isWhitespace && (maxsplit < 0 || splits < maxsplit) {
                if inWord { out.append(cur); cur = ""; inWord = false; splits += 1 }
                scalars.removeFirst()
            } else if c.properties.isWhitespace {
                while let f = scalars.first, f.properties.isWhitespace, !inWord { scalars.removeFirst() }
                if scalars.isEmpty { break }
                out.append(String(scalars))
                return out
            } else {
                cur.unicodeScalars.append(c); inWord = true
                scalars.removeFirst()
            }
        }
        if inWord { out.append(cur) }
        return out
    }
    if sep.isEmpty { throw valueError("empty separator") }
    // UTF-8 is self-synchronizing: a byte match of the separator is a code point match.
    let hay = Array(s.utf8), nd = Array(sep.utf8)
    var out: [String] = []
    var start = 0, i = 0
    let first = nd[0]
    while i + nd.count <= hay.count && (maxsplit < 0 || out.count < maxsplit) {
        if hay[i] == first && (nd.count == 1 || hay[i..<(i + nd.count)].elementsEqual(nd)) {
            out.append(String(decoding: hay[start..<i], as: UTF8.self))
            i += nd.count
            start = i
        } else {
            i += 1
        }
    }
    out.append(String(decoding: hay[start...], as: UTF8.self))
    return out
}

func rsplitString(_ s: String, _ sep: String?, _ maxsplit: Int) throws -> [String] {
    if maxsplit < 0 { return try splitString(s, sep, -1) }
    guard let sep = sep else {
        let words = try splitString(s, nil, -1)
        if words.count <= maxsplit + 1 { return words }
        var t = stripChars(s, nil, left: false, right: true)
        var tail: [String] = []
        for _ in 0..<maxsplit {
            let w = words[words.count - 1 - tail.count]
            t = String(t.dropLast(w.count))
            t = stripChars(t, nil, left: false, right: true)
            tail.insert(w, at: 0)
        }
        return [t] + tail
    }
    if sep.isEmpty { throw valueError("empty separator") }
    var out: [String] = []
    var rest = Substring(s)
    while out.count < maxsplit, let r = rest.range(of: sep, options: SearchDirection.backwards) {
        out.insert(String(rest[r.upperBound...]), at: 0)
        rest = rest[..<r.lowerBound]
    }
    out.insert(String(rest), at: 0)
    return out
}

func replaceString(_ s: String, _ old: String, _ new: String, _ count: Int) -> String {
    if old.isEmpty {
        var out = ""
        var n = 0
        for c in s.unicodeScalars {
            if count < 0 || n < count { out += new; n += 1 }
            out.unicodeScalars.append(c)
        }
        if count < 0 || n < count { out += new }
        return out
    }
    var out = ""
    var rest = Substring(s)
    var n = 0
    while count < 0 || n < count, let r = rest.range(of: old) {
        out += rest[..<r.lowerBound]
        out += new
        rest = rest[r.upperBound...]
        n += 1
    }
    return out + rest
}

extension StringProtocol {
    /// The first (or last) occurrence of `needle`, compared by Unicode scalar.
    func range(of needle: String, options: SearchDirection = .forwards) -> Range<String.Index>? {
        let hay = self.unicodeScalars
        let nd = Array(needle.unicodeScalars)
        guard !nd.isEmpty else { return nil }
        func match(at s: String.Index) -> String.Index? {
            var j = s
            var k = 0
            while k < nd.count, j != hay.endIndex, hay[j] == nd[k] { j = hay.index(after: j); k += 1 }
            return k == nd.count ? j : nil
        }
        if options == .forwards {
            var i = hay.startIndex
            while i != hay.endIndex {
                if hay[i] == nd[0], let e = match(at: i) { return i..<e }
                i = hay.index(after: i)
            }
            return nil
        }
        var i = hay.endIndex
        while i != hay.startIndex {
            i = hay.index(before: i)
            if hay[i] == nd[0], let e = match(at: i) { return i..<e }
        }
        return nil
    }
}

enum SearchDirection { case forwards, backwards }

/// `sep.join(items)`: the UTF-8 bytes copied once into a string of the exact size.
func joinStrings(_ items: [Value], _ sep: String) throws -> String {
    var total = 0
    for (i, x) in items.enumerated() {
        guard case .str(let p) = x else { throw typeError("sequence item \(i): expected str instance, \(typeName(x)) found") }
        total += p.utf8.count
    }
    if items.isEmpty { return "" }
    var sep = sep
    total += sep.utf8.count * (items.count - 1)
    if total <= 15 {
        var out = ""
        for (i, x) in items.enumerated() {
            if i > 0 { out += sep }
            if case .str(let p) = x { out += p }
        }
        return out
    }
    return sep.withUTF8 { sb in
        String(unsafeUninitializedCapacity: total) { buf in
            var at = 0
            for (i, x) in items.enumerated() {
                if i > 0 && sb.count > 0 {
                    (buf.baseAddress! + at).update(from: sb.baseAddress!, count: sb.count)
                    at += sb.count
                }
                guard case .str(var p) = x else { continue }
                p.withUTF8 { pb in
                    if pb.count > 0 { (buf.baseAddress! + at).update(from: pb.baseAddress!, count: pb.count) }
                    at += pb.count
                }
            }
            return at
        }
    }
}

/// `s.split(sep)` without a limit: pieces cut at byte matches of the separator (UTF-8 is
/// self-synchronizing, so a byte match is a code point match) and made straight into values.
func splitAll(_ s: String, _ sep: String) -> [Value] {
    var s = s, sep = sep
    return s.withUTF8 { hay in
        sep.withUTF8 { nd in
            let n = hay.count, m = nd.count
            let first = nd[0]
            // Count the pieces first: the result array is allocated once.
            var pieces = 1, j = 0
            while j + m <= n {
                if hay[j] == first && (m == 1 || memcmp(hay.baseAddress! + j, nd.baseAddress!, m) == 0) { pieces += 1; j += m } else { j += 1 }
            }
            var out: [Value] = []
            out.reserveCapacity(pieces)
            var start = 0, i = 0
            while i + m <= n {
                if hay[i] == first && (m == 1 || memcmp(hay.baseAddress! + i, nd.baseAddress!, m) == 0) {
                    out.append(.str(String(decoding: UnsafeBufferPointer(rebasing: hay[start..<i]), as: UTF8.self)))
                    i += m
                    start = i
                } else {
                    i += 1
                }
            }
            out.append(.str(String(decoding: UnsafeBufferPointer(rebasing: hay[start..<n]), as: UTF8.self)))
            return out
        }
    }
}
