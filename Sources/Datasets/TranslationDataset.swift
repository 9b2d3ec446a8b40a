import Foundation

/// RETURNN's `TranslationDataset`: a directory with `source.<postfix>`, `target.<postfix>` and
/// pickled vocabularies `source.vocab.pkl`, `target.vocab.pkl`; line n is sequence `line-<n>`.
/// Source words become `data`, target words `classes` (int32 ids; unknown words need `unknown_label`).
public final class TranslationDataset: Dataset {
    private var streams: [String: [[Int32]]] = [:]
    private let keys: [String]

    public init(options r: OptionReader) throws {
        guard let path = try r.string("path") else { throw DatasetError(file: r.context, key: "path", "is required") }
        guard let postfix = try r.string("file_postfix") else { throw DatasetError(file: r.context, key: "file_postfix", "is required") }
        let sourceOnly = try r.bool("source_only", default: false)
        let searchWithoutReference = try r.bool("search_without_reference", default: false)
        let addPostfix = ["source": try r.string("source_postfix", default: ""), "target": try r.string("target_postfix", default: "")]
        var unknown: [String: String] = [:]
        switch r.value("unknown_label") {
        case .string(let s)?: unknown = ["data": s, "classes": s]
        case .dict(let d)?: for e in d { if case .string(let s) = e.value { unknown[e.key] = s } }
        case nil: break
        case let v?: throw DatasetError(file: r.context, key: "unknown_label", "expected a str or a dict, got \(v)")
        }
        _ = r.value("use_cache_manager")
        let seqListFile = try r.string("seq_list_file")
        let prefixes = sourceOnly ? [("source", "data")] : [("source", "data"), ("target", "classes")]
        keys = sourceOnly || searchWithoutReference ? ["data"] : ["classes", "data"]
        super.init(name: try r.string("name", default: "TranslationDataset"), ordering: try SeqOrdering(options: r))
        for (prefix, key) in prefixes {
            let vocab = try Dictionary(Vocabulary.pickledVocab("\(path)/\(prefix).vocab.pkl"), uniquingKeysWith: { _, b in b })
            guard let maxId = vocab.values.max() else { throw DatasetError(file: "\(path)/\(prefix).vocab.pkl", "empty vocabulary") }
            numOutputs[key] = .dims(dim: maxId + 1, ndim: 1)
            var byId: [Int: String] = [:]
            for (w, i) in vocab.sorted(by: { pythonLess($0.key, $1.key) }) { byId[i] = w }
            labels[key] = try (0...maxId).map { i in
                guard let l = byId[i] else { throw DatasetError(file: "\(path)/\(prefix).vocab.pkl", "no label for index \(i)") }
                return l
            }
            if prefix == "target" && searchWithoutReference { continue }
            streams[key] = try readLines("\(path)/\(prefix).\(postfix)", postfix: addPostfix[prefix]!, vocab: vocab, unknown: unknown[key], key: key)
        }
        numInputs = numOutputs["data"]!.dim
        if let t = streams["classes"], t.count != streams["data"]!.count {
            throw DatasetError(file: "\(path)/target.\(postfix)", key: "classes", "has \(t.count) lines, source has \(streams["data"]!.count)")
        }
        if let f = seqListFile { fixedSeqList = try SeqOrdering.loadSeqList(f).map { "line-\($0)" } }
    }

    private var fixedSeqList: [String]?

    private func readLines(_ file: String, postfix: String, vocab: [String: Int], unknown: String?, key: String) throws -> [[Int32]] {
        let exists = FileManager.default.fileExists(atPath: file)
        guard exists || FileManager.default.fileExists(atPath: file + ".gz") else {
            throw DatasetError(file: file, key: key, "data file not found (nor \(file).gz)")
        }
        let data = try Gzip.readFile(exists ? file : file + ".gz", key: key)
        let unknownId = try unknown.map { u -> Int in
            guard let i = vocab[u] else { throw DatasetError(file: file, key: "unknown_label", "'\(u)' is not in the vocabulary") }
            return i
        }
        var lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
        if data.last == 0x0A { lines.removeLast() }
        return try lines.enumerated().map { n, bytes in
            let words = pythonSplit(pythonStrip(String(decoding: bytes, as: UTF8.self)) + postfix)
            return try words.map { w in
                if let i = vocab[w] ?? unknownId { return Int32(i) }
                throw DatasetError(file: file, key: "line-\(n)", "unknown token '\(w)' and no unknown_label")
            }
        }
    }

    public override var totalNumSeqs: Int { streams["data"]!.count }
    public override var dataKeys: [String] { keys }
    public override var targetList: [String] { keys.filter { $0 != "data" } }
    public override func dataDType(_ key: String) throws -> String { "int32" }
    public override func isDataSparse(_ key: String) throws -> Bool { true }
    public override func corpusSortLength(_ corpusIdx: Int) throws -> Int { streams["data"]![corpusIdx].count }
    public override func corpusTag(_ corpusIdx: Int) throws -> String { "line-\(corpusIdx)" }

    public override func initSeqOrder(epoch: Int?) throws {
        if let list = fixedSeqList { try initSeqOrder(epoch: epoch, seqList: list) } else { try super.initSeqOrder(epoch: epoch) }
    }

    public override func corpusData(_ corpusIdx: Int, key: String) throws -> SeqValue {
        guard let s = streams[key] else { throw DatasetError(file: name, key: key, "no such data key" + didYouMean(key, in: keys)) }
        return .array(BatchArray(int32: s[corpusIdx], shape: [s[corpusIdx].count]))
    }
}
