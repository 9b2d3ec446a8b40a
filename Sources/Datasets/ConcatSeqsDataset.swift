/// RETURNN's `ConcatSeqsDataset`: each sequence is several sequences of a sub-dataset joined
/// along time. `seq_list_file` lists tags like `a;b;c` (`seq_tag_delim`), `seq_len_file` is a
/// Python dict literal tag → length used for sorting. Between parts, `remove_in_between_postfix`
/// drops a trailing label (e.g. EOS) and `repeat_in_between_last_frame_up_to_multiple_of` pads a
/// part by repeating its last frame up to a multiple.
public final class ConcatSeqsDataset: Dataset {
    public let subDataset: Dataset
    private let fullSeqList: [String]
    private let fullSeqLens: [Int]
    private let delimiter: String
    private let removePostfix: [String: Int]
    private let repeatUpToMultiple: [String: Int]
    /// Per epoch position, the sub-dataset positions of its parts.
    private var subPositions: [[Int]] = []

    public init(options r: OptionReader) throws {
        guard case .dict(var sub)? = r.value("dataset") else { throw DatasetError(file: r.context, key: "dataset", "expected dataset options") }
        guard let listFile = try r.string("seq_list_file") else { throw DatasetError(file: r.context, key: "seq_list_file", "is required") }
        guard let lenFile = try r.string("seq_len_file") else { throw DatasetError(file: r.context, key: "seq_len_file", "is required") }
        delimiter = try r.string("seq_tag_delim", default: ";")
        removePostfix = try ConcatSeqsDataset.intDict(r, "remove_in_between_postfix")
        repeatUpToMultiple = try ConcatSeqsDataset.intDict(r, "repeat_in_between_last_frame_up_to_multiple_of")
        _ = r.value("use_cache_manager")
        if r.value("epoch_wise_filter") != nil { throw DatasetError(file: r.context, key: "epoch_wise_filter", "not yet supported") }
        let name = try r.string("name", default: "ConcatSeqsDataset")
        if !sub.contains(where: { $0.key == "name" }) { sub.append(OptionEntry("name", .string("\(name)_subdataset"))) }
        subDataset = try Dataset.create(options: .dict(sub))
        fullSeqList = pythonSplitLines(try Gzip.readText(listFile, key: "seq_list_file"))
        guard case .dict(let items) = try PyLiteralParser.parse(try Gzip.readText(lenFile, key: "seq_len_file"), file: lenFile) else {
            throw DatasetError(file: lenFile, key: "seq_len_file", "expected a dict tag → length")
        }
        var lens: [String: Int] = [:]
        for (k, v) in items { if case .string(let t) = k, case .int(let n) = v { lens[t] = n } }
        let delim = delimiter
        fullSeqLens = try fullSeqList.map { tag in
            try tag.components(separatedBy: delim).reduce(0) { sum, part in
                guard let n = lens[part] else { throw DatasetError(file: lenFile, key: part, "no length for this sequence tag") }
                return sum + n
            }
        }
        super.init(name: name, ordering: try SeqOrdering(options: r))
        numInputs = subDataset.numInputs
        numOutputs = subDataset.numOutputs
        labels = subDataset.labels
    }

    private static func intDict(_ r: OptionReader, _ key: String) throws -> [String: Int] {
        guard let v = r.value(key) else { return [:] }
        guard case .dict(let entries) = v else { throw DatasetError(file: r.context, key: key, "expected a dict key → int") }
        return try Dictionary(uniqueKeysWithValues: entries.map { e in
            guard case .int(let n) = e.value else { throw DatasetError(file: r.context, key: key, "expected an int for '\(e.key)'") }
            return (e.key, n)
        })
    }

    public override var totalNumSeqs: Int { fullSeqList.count }
    public override var dataKeys: [String] { subDataset.dataKeys }
    public override var targetList: [String] { subDataset.targetList }
    public override func dataDType(_ key: String) throws -> String { try subDataset.dataDType(key) }
    public override func isDataSparse(_ key: String) throws -> Bool { try subDataset.isDataSparse(key) }
    public override func corpusSortLength(_ corpusIdx: Int) throws -> Int { fullSeqLens[corpusIdx] }
    public override func corpusTag(_ corpusIdx: Int) throws -> String { fullSeqList[corpusIdx] }

    /// Orders the joined sequences, then orders the sub-dataset by the list of all parts.
    public override func initSeqOrder(epoch: Int?) throws {
        try super.initSeqOrder(epoch: epoch)
        var parts: [String] = []
        subPositions = seqOrder.map { c in
            let tags = fullSeqList[c].components(separatedBy: delimiter)
            defer { parts += tags }
            return Array(parts.count..<(parts.count + tags.count))
        }
        try subDataset.initSeqOrder(epoch: nil, seqList: parts)
    }

    /// The parts of the sequence joined along time (after checking each part's tag).
    public override func getData(_ seqIdx: Int, _ key: String) throws -> SeqValue {
        let tags = fullSeqList[try corpusSeqIdx(seqIdx)].components(separatedBy: delimiter)
        var pieces: [BatchArray] = []
        for (j, (pos, tag)) in zip(subPositions[seqIdx], tags).enumerated() {
            let got = try subDataset.getTag(pos)
            guard got == tag else { throw DatasetError(file: name, key: tag, "sub-dataset gives tag '\(got)' at this position") }
            guard case .array(var a) = try subDataset.getData(pos, key), let len = a.length else {
                throw DatasetError(file: name, key: key, "only arrays with a time axis can be concatenated")
            }
            let last = j == tags.count - 1
            if !last, let postfix = removePostfix[key] {
                guard a.shape.count == 1, len > 0, a.int64s().last == Int64(postfix) else {
                    throw DatasetError(file: name, key: tag, "'\(key)' does not end with the postfix \(postfix)")
                }
                a = a.slice(0, len - 1)
            }
            if !last, let m = repeatUpToMultiple[key], let n = a.length, n % m != 0, n > 0 {
                let lastRow = a.slice(n - 1, n)
                for _ in 0..<(m - n % m) { a = try a.appendingRows(lastRow) }
            }
            pieces.append(a)
        }
        return .array(try pieces.dropFirst().reduce(pieces[0]) { try $0.appendingRows($1) })
    }

    public override func corpusData(_ corpusIdx: Int, key: String) throws -> SeqValue {
        guard let pos = seqOrder.firstIndex(of: corpusIdx) else { throw DatasetError(file: name, key: "seq \(corpusIdx)", "not in the current epoch") }
        return try getData(pos, key)
    }

    public override func sequenceDict(_ seqIdx: Int) throws -> [(key: String, value: SeqValue)] {
        var out = try dataKeys.map { (key: $0, value: try getData(seqIdx, $0)) }
        out.append((key: "seq_idx", value: .int(seqIdx)))
        out.append((key: "seq_tag", value: .string(try getTag(seqIdx))))
        return out
    }
}

extension BatchArray {
    /// `numpy.concatenate([self, other], axis=0)` (same dtype and trailing shape).
    func appendingRows(_ other: BatchArray) throws -> BatchArray {
        guard dtype == other.dtype, shape.count == other.shape.count, shape.dropFirst() == other.shape.dropFirst() else {
            throw DatasetError("cannot concatenate \(dtype) \(shape) and \(other.dtype) \(other.shape) along time")
        }
        var s = shape
        s[0] += other.shape[0]
        return BatchArray(dtype: dtype, shape: s, bytes: bytes + other.bytes)
    }
}
