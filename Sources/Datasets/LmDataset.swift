import Foundation

/// RETURNN's `LmDataset` for text corpora: each line (stripped; empty lines skipped) becomes a
/// sequence of symbol ids (`data`), with `seq_end_symbol` appended; tags are `line-<n>`.
///
/// Supports `orth_symbols_file` / `orth_symbols_map_file` vocabularies, `word_based`,
/// `word_end_symbol`, `unknown_symbol` with `auto_replace_unknown_symbol`, `error_on_invalid_seq`
/// and `add_delayed_seq_data`. Lexicon/phone mode, bliss and gzip corpora are not supported yet.
public final class LmDataset: Dataset {
    public private(set) var orths: [String] = []
    public let symbols: [String]
    private let symbolMap: [String: Int]
    private let wordBased: Bool
    private let wordEndSymbol: String?
    private let unknownSymbol: String?
    private let autoReplaceUnknown: Bool
    private let errorOnInvalidSeq: Bool
    private let delayedStartSymbol: String?
    private let prefix: [String]
    private let postfix: [String]
    private var replaceMap: [String: [String]] = [:]
    public let dtype: DType
    private var cache: [Int: [Int]?] = [:]

    public init(options r: OptionReader) throws {
        let files: [String]
        switch r.value("corpus_file") {
        case .string(let f)?: files = [f]
        case .list?: files = try r.strings("corpus_file")!
        default: throw DatasetError(file: r.context, key: "corpus_file", "is required (a path or a list of paths)")
        }
        let skipEmpty = try r.bool("skip_empty_lines", default: true)
        wordBased = try r.bool("word_based", default: false)
        wordEndSymbol = try r.string("word_end_symbol")
        let seqEnd: String? = r.optionIsNone("seq_end_symbol") ? nil : try r.string("seq_end_symbol", default: "[END]")
        unknownSymbol = r.optionIsNone("unknown_symbol") ? nil : try r.string("unknown_symbol", default: "[UNKNOWN]")
        autoReplaceUnknown = try r.bool("auto_replace_unknown_symbol", default: false)
        errorOnInvalidSeq = try r.bool("error_on_invalid_seq", default: true)
        let delayed = try r.bool("add_delayed_seq_data", default: false)
        let startSymbol = try r.string("delayed_seq_data_start_symbol", default: "[START]")
        delayedStartSymbol = delayed ? startSymbol : nil
        for key in ["phone_info", "orth_replace_map_file"] where r.value(key) != nil {
            throw DatasetError(file: r.context, key: key, "not yet supported")
        }
        if try r.int("add_random_phone_seqs", default: 0) != 0 { throw DatasetError(file: r.context, key: "add_random_phone_seqs", "not yet supported") }
        _ = r.value("log_auto_replace_unknown_symbols")
        _ = r.value("log_skipped_seqs")
        var parsePrefix: [String] = [], parsePostfix: [String]? = nil
        if case .dict(let opts)? = r.value("parse_orth_opts") {
            for e in opts {
                switch (e.key, e.value) {
                case ("prefix", .list(let l)): parsePrefix = l.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
                case ("postfix", .list(let l)): parsePostfix = l.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
                case ("word_based", _): break
                default: throw DatasetError(file: r.context, key: "parse_orth_opts", "option '\(e.key)' not yet supported")
                }
            }
        }
        prefix = parsePrefix
        if let p = parsePostfix {
            postfix = p
        } else if let w = wordEndSymbol, !wordBased {
            postfix = seqEnd.map { [w, $0] } ?? [w]
        } else {
            postfix = seqEnd.map { [$0] } ?? []
        }
        (symbols, symbolMap) = try LmDataset.loadSymbols(r)
        let n = symbols.count
        dtype = n <= 128 ? .int8 : .int32
        super.init(name: try r.string("name", default: "LmDataset"), ordering: try SeqOrdering(options: r))
        if let w = wordEndSymbol, !wordBased { replaceMap[" "] = [w] }
        numOutputs["data"] = .dims(dim: n, ndim: 1)
        numInputs = n
        labels["data"] = symbols
        if delayed {
            numOutputs["delayed"] = .dims(dim: n, ndim: 1)
            labels["delayed"] = symbols
        }
        for f in files { orths += try LmDataset.readCorpus(f, skipEmptyLines: skipEmpty) }
    }

    private static func loadSymbols(_ r: OptionReader) throws -> ([String], [String: Int]) {
        if let file = try r.string("orth_symbols_file") {
            guard r.value("orth_symbols_map_file") == nil else {
                throw DatasetError(file: r.context, key: "orth_symbols_map_file", "give either orth_symbols_file or orth_symbols_map_file")
            }
            guard let data = FileManager.default.contents(atPath: file) else { throw DatasetError(file: file, key: "orth_symbols_file", "cannot read") }
            let syms = pythonSplitLines(String(decoding: data, as: UTF8.self))
            return (syms, Dictionary(syms.enumerated().map { ($1, $0) }, uniquingKeysWith: { _, b in b }))
        }
        guard let file = try r.string("orth_symbols_map_file") else {
            throw DatasetError(file: r.context, key: "orth_symbols_file", "LmDataset needs orth_symbols_file or orth_symbols_map_file")
        }
        guard let data = FileManager.default.contents(atPath: file) else { throw DatasetError(file: file, key: "orth_symbols_map_file", "cannot read") }
        let text = String(decoding: data, as: UTF8.self)
        var pairs: [(Int, String)]
        if text.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\n", with: "").hasPrefix("{") {
            pairs = try Vocabulary.readVocabFile(file).map { ($1, $0) }
        } else {
            pairs = try pythonSplitLines(text).map { line in
                let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
                guard parts.count == 2, let i = Int(parts[1].trimmingCharacters(in: .whitespaces)) else {
                    throw DatasetError(file: file, key: line, "expected '<symbol> <index>'")
                }
                return (i, parts[0])
            }
        }
        pairs.sort { $0.0 != $1.0 ? $0.0 < $1.0 : pythonLess($0.1, $1.1) }
        guard pairs.first?.0 == 0 else { throw DatasetError(file: file, "symbol indices must start at 0") }
        var byId: [Int: String] = [:]
        for (i, s) in pairs { byId[i] = s }
        let labels = byId.keys.sorted().map { byId[$0]! }
        return (labels, Dictionary(pairs.map { ($1, $0) }, uniquingKeysWith: { _, b in b }))
    }

    /// Lines of a text corpus (UTF-8, Latin-1 fallback), stripped; bliss and gzip are not supported yet.
    static func readCorpus(_ file: String, skipEmptyLines: Bool) throws -> [String] {
        let data = try Gzip.readFile(file, key: "corpus_file")
        var out: [String] = []
        for line in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
            let bytes = Array(line)
            let text = String(validatingUTF8: bytes.map { CChar(bitPattern: $0) } + [0]) ?? String(bytes.map { Character(Unicode.Scalar($0)) })
            let stripped = pythonStrip(text)
            if skipEmptyLines && stripped.isEmpty { continue }
            out.append(stripped)
        }
        if !data.isEmpty && data.last == 0x0A && !skipEmptyLines { out.removeLast() }
        if let first = out.first, first.hasPrefix("<?xml") || first.hasPrefix("<corpus") {
            throw DatasetError(file: file, key: "corpus_file", "bliss XML corpora are not yet supported")
        }
        return out
    }

    public override var totalNumSeqs: Int { orths.count }
    public override var dataKeys: [String] { numOutputs.keys.sorted(by: pythonLess) }
    /// The original swaps the roles: `data` is the target.
    public override var targetList: [String] { ["data"] }
    public override func dataDType(_ key: String) throws -> String { dtype.rawValue }
    public override func corpusSortLength(_ corpusIdx: Int) throws -> Int { orths[corpusIdx].count }
    public override func corpusTag(_ corpusIdx: Int) throws -> String { "line-\(corpusIdx)" }

    /// Orders the corpus, then drops `</s>` lines (and invalid ones unless `error_on_invalid_seq`).
    public override func initSeqOrder(epoch: Int?) throws {
        try super.initSeqOrder(epoch: epoch)
        var kept: [Int] = []
        for c in seqOrder where orths[c] != "</s>" {
            if !errorOnInvalidSeq, try symbolIds(c) == nil { continue }
            kept.append(c)
        }
        seqOrder = kept
    }

    /// `parse_orthography` + replacements + space collapsing; nil if a symbol is unknown.
    private func symbolIds(_ corpusIdx: Int) throws -> [Int]? {
        if let hit = cache[corpusIdx] { return hit }
        var syms = parseOrthography(orths[corpusIdx])
        while true {
            syms = syms.flatMap { replaceMap[$0] ?? [$0] }
            let space = wordEndSymbol != nil && !wordBased ? wordEndSymbol! : " "
            var i = 0
            while i < syms.count - 1 {
                if syms[i] == space && syms[i + 1] == space { syms.remove(at: i + 1) } else { i += 1 }
            }
            if autoReplaceUnknown, let missing = syms.first(where: { symbolMap[$0] == nil }) {
                replaceMap[missing] = unknownSymbol.map { [$0] } ?? []
                continue
            }
            break
        }
        let ids = syms.map { symbolMap[$0] }
        let result: [Int]? = ids.contains(where: { $0 == nil }) ? nil : ids.map { $0! }
        if result == nil && errorOnInvalidSeq {
            let missing = syms.first { symbolMap[$0] == nil }!
            throw DatasetError(file: name, key: "line-\(corpusIdx)", "invalid seq, missing orth symbol '\(missing)'")
        }
        cache[corpusIdx] = result
        return result
    }

    private func parseOrthography(_ orth: String) -> [String] {
        var text = orth.filter { !"(){}".contains($0) }
        text = pythonSplit(text).joined(separator: " ")
        return prefix + orthographySymbols(text) + postfix
    }

    /// `parse_orthography_into_symbols`: characters (or words), `[...]` specials upper-cased.
    private func orthographySymbols(_ text: String) -> [String] {
        var out: [String] = []
        var inSpecial = 0
        for c in text.unicodeScalars {
            let s = String(c)
            if inSpecial > 0 {
                if c == "[" { inSpecial += 1; out[out.count - 1] += "[" } else if c == "]" { inSpecial -= 1; out[out.count - 1] += "]" } else { out[out.count - 1] += s.uppercased() }
            } else if c == "[" {
                inSpecial = 1
                if let last = out.last, last.isEmpty { out[out.count - 1] += s } else { out.append(s) }
            } else if wordBased {
                if isPythonSpace(c) { out.append("") } else {
                    if out.isEmpty { out.append("") }
                    out[out.count - 1] += s
                }
            } else {
                out.append(s)
            }
        }
        return out
    }

    public override func corpusData(_ corpusIdx: Int, key: String) throws -> SeqValue {
        guard let ids = try symbolIds(corpusIdx) else {
            throw DatasetError(file: name, key: "line-\(corpusIdx)", "invalid seq (unknown symbol)")
        }
        switch key {
        case "data": return .array(LmDataset.array(ids, dtype))
        case "delayed" where delayedStartSymbol != nil:
            guard let start = symbolMap[delayedStartSymbol!] else {
                throw DatasetError(file: name, key: "delayed_seq_data_start_symbol", "'\(delayedStartSymbol!)' is not a symbol")
            }
            return .array(LmDataset.array([start] + ids.dropLast(), dtype))
        default: throw DatasetError(file: name, key: key, "no such data key" + didYouMean(key, in: dataKeys))
        }
    }

    static func array(_ ids: [Int], _ dtype: DType) -> BatchArray {
        dtype == .int8 ? BatchArray(dtype: .int8, shape: [ids.count], bytes: ids.map { UInt8(truncatingIfNeeded: $0) })
            : BatchArray(int32: ids.map { Int32($0) }, shape: [ids.count])
    }
}

/// Python's `str.strip()`.
func pythonStrip(_ s: String) -> String {
    let sc = Array(s.unicodeScalars)
    guard let a = sc.firstIndex(where: { !isPythonSpace($0) }), let b = sc.lastIndex(where: { !isPythonSpace($0) }) else { return "" }
    return String(String.UnicodeScalarView(sc[a...b]))
}

extension OptionReader {
    /// Whether the option is given explicitly as None.
    func optionIsNone(_ key: String) -> Bool {
        _ = value(key)
        return rawEntries.contains { $0.key == key && $0.value == .none }
    }
}
