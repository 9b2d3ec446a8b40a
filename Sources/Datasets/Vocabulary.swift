import Foundation

/// A label given by name or by index (RETURNN accepts both for `unknown_label` etc.; -1 = none).
public enum LabelRef: Equatable {
    case label(String)
    case index(Int)
}

/// RETURNN's `Vocabulary`: labels ↔ ids from a vocab file (formats.md §4.1).
open class Vocabulary {
    public let vocabFile: String?
    /// Label → id (several labels may share an id).
    public private(set) var vocab: [String: Int] = [:]
    /// Id → label (for shared ids, the last label in sorted order).
    public private(set) var labels: [String] = []
    public var numLabels: Int { labels.count }
    public private(set) var unknownLabelId: Int?
    public private(set) var bosLabelId: Int?
    public private(set) var eosLabelId: Int?
    public private(set) var padLabelId: Int?
    public var seqPostfix: [Int]

    /// Reads `vocabFile` (or takes `labels`), then resolves the special labels, which must exist.
    public init(vocabFile: String?, labels givenLabels: [String]? = nil, unknownLabel: LabelRef? = .label("UNK"),
                bosLabel: LabelRef? = nil, eosLabel: LabelRef? = nil, padLabel: LabelRef? = nil,
                seqPostfix: [Int] = [], numLabels expected: Int? = nil) throws {
        self.vocabFile = vocabFile
        self.seqPostfix = seqPostfix
        try loadLabels(givenLabels)
        if let expected, expected != numLabels {
            throw DatasetError(file: vocabFile, key: "num_labels", "vocab has \(numLabels) labels, expected \(expected)")
        }
        unknownLabelId = try resolve(unknownLabel, "unknown_label")
        bosLabelId = try resolve(bosLabel, "bos_label")
        eosLabelId = try resolve(eosLabel, "eos_label")
        padLabelId = try resolve(padLabel, "pad_label")
    }

    /// Subclasses that build their own label set (Utf8ByteTargets) override this.
    open func loadLabels(_ given: [String]?) throws {
        if let given {
            vocab = Dictionary(given.enumerated().map { ($1, $0) }, uniquingKeysWith: { _, last in last })
            labels = given
            return
        }
        guard let file = vocabFile else { throw DatasetError(key: "vocab_file", "need vocab_file or labels") }
        try setVocab(try Vocabulary.readVocabFile(file), file: file)
    }

    func setVocab(_ d: [(String, Int)], file: String) throws {
        vocab = Dictionary(d, uniquingKeysWith: { _, last in last })
        var byId: [Int: String] = [:]
        for (label, idx) in vocab.sorted(by: { pythonLess($0.key, $1.key) }) { byId[idx] = label }
        guard !byId.isEmpty else { throw DatasetError(file: file, "vocabulary is empty") }
        let maxId = byId.keys.max()!
        guard byId.keys.min() == 0, maxId == byId.count - 1 else {
            let missing = (0...max(maxId, 0)).filter { byId[$0] == nil }.prefix(5)
            throw DatasetError(file: file, "label indices must be exactly 0..\(byId.count - 1); unused indices: \(Array(missing))")
        }
        labels = (0..<byId.count).map { byId[$0]! }
    }

    /// A `.pkl` is not supported; text starting with `{` is a dict literal; else one label per line.
    public static func readVocabFile(_ file: String) throws -> [(String, Int)] {
        if file.hasSuffix(".pkl") { return try pickledVocab(file) }
        guard let data = FileManager.default.contents(atPath: file) else { throw DatasetError(file: file, "cannot read vocab file") }
        let text = String(decoding: data, as: UTF8.self)
        if text.hasPrefix("{") {
            guard case .dict(let items) = try PyLiteralParser.parse(text, file: file) else {
                throw DatasetError(file: file, "expected a dict literal")
            }
            return try items.map { k, v in
                guard case .string(let label) = k, case .int(let idx) = v else {
                    throw DatasetError(file: file, "vocab dict entries must be str: int, got \(k): \(v)")
                }
                return (label, idx)
            }
        }
        return pythonSplitLines(text).enumerated().map { ($1, $0) }
    }

    /// A pickled dict label → index.
    static func pickledVocab(_ file: String) throws -> [(String, Int)] {
        guard case .dict(let items) = try Unpickler.load(file) else { throw DatasetError(file: file, "expected a pickled dict") }
        return try items.map { k, v in
            guard case .string(let label) = k, case .int(let idx) = v else {
                throw DatasetError(file: file, "vocab dict entries must be str: int, got \(k): \(v)")
            }
            return (label, idx)
        }
    }

    private func resolve(_ ref: LabelRef?, _ name: String) throws -> Int? {
        switch ref {
        case nil, .index(-1)?: return nil
        case .index(let i)?:
            guard i >= 0 && i < numLabels else { throw DatasetError(file: vocabFile, key: name, "invalid label id \(i)") }
            return i
        case .label(let l)?:
            guard let i = vocab[l] else {
                throw DatasetError(file: vocabFile, key: name, "label '\(l)' is not in the vocabulary")
            }
            return i
        }
    }

    /// Ids of whitespace-separated words, unknown words mapped to the unknown id, plus `seq_postfix`.
    open func getSeq(_ sentence: String) throws -> [Int] {
        try getSeqIndices(pythonSplit(sentence)) + seqPostfix
    }

    public func getSeqIndices(_ words: [String]) throws -> [Int] {
        try words.map { w in
            if let i = vocab[w] { return i }
            guard let u = unknownLabelId else {
                throw DatasetError(file: vocabFile, key: w, "unknown label and no unknown_label set")
            }
            return u
        }
    }

    /// Labels of the ids joined by one space.
    open func getSeqLabels(_ ids: [Int]) throws -> String {
        try ids.map { try label(of: $0) }.joined(separator: " ")
    }

    public func label(of id: Int) throws -> String {
        guard id >= 0 && id < labels.count else { throw DatasetError(file: vocabFile, "label id \(id) out of range") }
        return labels[id]
    }

    /// `Vocabulary.create_vocab(**opts)`: `class` picks the class; `bpe_file` implies BytePairEncoding.
    public static func create(options: OptionValue) throws -> Vocabulary {
        let r = try OptionReader(options, context: "vocab")
        let cls = try r.string("class") ?? (r.has("bpe_file") ? "BytePairEncoding" : "Vocabulary")
        let unknownDefault: LabelRef? = cls == "CharacterTargets" ? .label("@") : .label("UNK")
        func ref(_ key: String, _ d: LabelRef?) throws -> LabelRef? {
            guard r.has(key) || d != nil else { return nil }
            switch r.value(key) {
            case .string(let s)?: return .label(s)
            case .int(let i)?: return .index(i)
            case nil: return options[key] == OptionValue.none ? nil : d
            case let v?: throw DatasetError(file: r.context, key: key, "expected a label or an index, got \(v)")
            }
        }
        let file = try r.string("vocab_file")
        let labels = try r.strings("labels")
        let postfix = try (r.value("seq_postfix").map { v -> [Int] in
            guard case .list(let l) = v else { throw DatasetError(key: "seq_postfix", "expected a list of ints") }
            return try l.map { guard case .int(let i) = $0 else { throw DatasetError(key: "seq_postfix", "expected ints") }; return i }
        }) ?? []
        let (unk, bos, eos, pad) = (try ref("unknown_label", unknownDefault), try ref("bos_label", nil), try ref("eos_label", nil), try ref("pad_label", nil))
        let numLabels = try r.int("num_labels")
        let bpeFile = try r.string("bpe_file")
        try r.finish()
        let vocab: Vocabulary
        switch cls {
        case "Vocabulary":
            vocab = try Vocabulary(vocabFile: file, labels: labels, unknownLabel: unk, bosLabel: bos, eosLabel: eos, padLabel: pad, seqPostfix: postfix, numLabels: numLabels)
        case "BytePairEncoding":
            guard let bpe = bpeFile else { throw DatasetError(key: "bpe_file", "BytePairEncoding needs bpe_file") }
            vocab = try BytePairEncoding(vocabFile: file, bpeFile: bpe, unknownLabel: unk, bosLabel: bos, eosLabel: eos, padLabel: pad, seqPostfix: postfix)
        case "CharacterTargets":
            vocab = try CharacterTargets(vocabFile: file, labels: labels, unknownLabel: unk, seqPostfix: postfix)
        case "Utf8ByteTargets":
            vocab = try Utf8ByteTargets(seqPostfix: postfix)
        default:
            let known = ["Vocabulary", "BytePairEncoding", "CharacterTargets", "Utf8ByteTargets"]
            throw DatasetError(key: "class", "unknown vocabulary class '\(cls)'" + didYouMean(cls, in: known))
        }
        return vocab
    }
}

/// `CharacterTargets`: one id per character (`unknown_label` default "@"); labels joined without spaces.
public final class CharacterTargets: Vocabulary {
    public init(vocabFile: String?, labels: [String]? = nil, unknownLabel: LabelRef? = .label("@"), seqPostfix: [Int] = []) throws {
        try super.init(vocabFile: vocabFile, labels: labels, unknownLabel: unknownLabel, seqPostfix: seqPostfix)
    }

    public override func getSeq(_ sentence: String) throws -> [Int] {
        try getSeqIndices(sentence.unicodeScalars.map { String($0) }) + seqPostfix
    }

    public override func getSeqLabels(_ ids: [Int]) throws -> String { try ids.map { try label(of: $0) }.joined() }
}

/// `Utf8ByteTargets`: ids are the UTF-8 bytes (256 labels, label i = chr(i)).
public final class Utf8ByteTargets: Vocabulary {
    public init(seqPostfix: [Int] = []) throws {
        try super.init(vocabFile: nil, labels: (0..<256).map { String(Unicode.Scalar(UInt8($0))) }, unknownLabel: nil, seqPostfix: seqPostfix)
    }

    public override func getSeq(_ sentence: String) throws -> [Int] { sentence.utf8.map(Int.init) + seqPostfix }

    public override func getSeqLabels(_ ids: [Int]) throws -> String {
        String(decoding: ids.map { UInt8(truncatingIfNeeded: $0) }, as: UTF8.self)
    }
}

/// Python's `str.split()` with no argument: runs of whitespace separate, ends are dropped.
func pythonSplit(_ s: String) -> [String] {
    var out: [String] = []
    var cur = String.UnicodeScalarView()
    for c in s.unicodeScalars {
        if isPythonSpace(c) {
            if !cur.isEmpty { out.append(String(cur)); cur = String.UnicodeScalarView() }
        } else {
            cur.append(c)
        }
    }
    if !cur.isEmpty { out.append(String(cur)) }
    return out
}

func isPythonSpace(_ c: Unicode.Scalar) -> Bool {
    (0x09...0x0D).contains(c.value) || (0x1C...0x1F).contains(c.value) || c.properties.isWhitespace
}

/// Python's `str.splitlines()`: splits at \n, \r, \r\n, \v, \f, \x1c-\x1e, \x85, \u2028, \u2029.
func pythonSplitLines(_ s: String) -> [String] {
    let breaks: Set<UInt32> = [0x0A, 0x0D, 0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029]
    var out: [String] = []
    var cur = String.UnicodeScalarView()
    let scalars = Array(s.unicodeScalars)
    var i = 0
    while i < scalars.count {
        let c = scalars[i]
        if breaks.contains(c.value) {
            out.append(String(cur))
            cur = String.UnicodeScalarView()
            if c == "\r" && i + 1 < scalars.count && scalars[i + 1] == "\n" { i += 1 }
        } else {
            cur.append(c)
        }
        i += 1
    }
    if !cur.isEmpty { out.append(String(cur)) }
    return out
}
