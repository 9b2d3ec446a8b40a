import Foundation

/// One stream's value of one sequence, as `get_data` returns it.
public enum SeqValue: Equatable {
    /// A numeric numpy array (`[T]`, `[T, dim]`, or 0-d).
    case array(BatchArray)
    /// A 0-d numpy unicode array (OggZip `raw`): collated as a plain list.
    case text(String)
    /// A Python int (the pipeline's `seq_idx`).
    case int(Int)
    /// A Python str (the pipeline's `seq_tag`).
    case string(String)

    /// Length for batching: `shape[0]` of arrays with ≥ 1 axis, else 1.
    public var batchLength: Int {
        if case .array(let a) = self, let n = a.length { return n }
        return 1
    }

    /// Length for the length filter: only arrays with ≥ 1 axis have one.
    public var filterLength: Int? {
        if case .array(let a) = self { return a.length }
        return nil
    }
}

/// `num_outputs[key]`: `[dim, ndim]`, or a string stream (`{"dtype": "string", "shape": ()}`).
public enum NumOutput: Equatable {
    case dims(dim: Int, ndim: Int)
    case string

    public var dim: Int {
        if case .dims(let d, _) = self { return d }
        return 0
    }
    public var ndim: Int {
        if case .dims(_, let n) = self { return n }
        return 0
    }
}

/// Base of all datasets: RETURNN's `Dataset` with its epoch-wise sequence order.
///
/// Subclasses provide the corpus (`totalNumSeqs`, `corpusSeqLength`, `corpusData`, `corpusTag`)
/// and the stream descriptions; the base maps epoch positions to corpus indices.
open class Dataset {
    public var name: String
    public let ordering: SeqOrdering
    /// Epoch position → corpus sequence index, set by `initSeqOrder`.
    public internal(set) var seqOrder: [Int] = []
    public internal(set) var epoch: Int?
    private var tagIndex: [String: Int]?
    public var numOutputs: [String: NumOutput] = [:]
    public var labels: [String: [String]] = [:]
    public var numInputs = 0

    public init(name: String, ordering: SeqOrdering) {
        self.name = name
        self.ordering = ordering
    }

    // MARK: What subclasses provide

    /// Number of sequences in the corpus, before ordering.
    open var totalNumSeqs: Int { 0 }
    /// Length used by `sorted`, `laplace` etc. for a corpus index.
    open func corpusSortLength(_ corpusIdx: Int) throws -> Int { 0 }
    /// `get_data` for a corpus index.
    open func corpusData(_ corpusIdx: Int, key: String) throws -> SeqValue {
        throw DatasetError(file: name, key: key, "no data")
    }
    /// Tag of a corpus index.
    open func corpusTag(_ corpusIdx: Int) throws -> String { "seq-\(corpusIdx)" }
    /// All data keys in the order the original's `get_data_keys()` lists them.
    open var dataKeys: [String] { ["data"] + targetList }
    open var targetList: [String] { [] }
    /// numpy dtype name of a key.
    open func dataDType(_ key: String) throws -> String { "float32" }

    // MARK: RETURNN's interface

    /// Computes the order of `epoch` (None behaves like epoch 1 for seeding and partitioning).
    open func initSeqOrder(epoch: Int?) throws {
        self.epoch = epoch
        let n = totalNumSeqs
        seqOrder = try ordering.order(epoch: epoch, numSeqs: n, seqLength: corpusSortLength,
                                      allTags: { try (0..<n).map(self.corpusTag) })
    }

    /// `init_seq_order(epoch, seq_order=...)`: a given list of corpus indices.
    open func initSeqOrder(epoch: Int?, seqOrder order: [Int]) throws {
        if let bad = order.first(where: { $0 < 0 || $0 >= totalNumSeqs }) {
            throw DatasetError(file: name, key: "seq_order", "corpus index \(bad) out of range (\(totalNumSeqs) sequences)")
        }
        self.epoch = epoch
        seqOrder = order
    }

    /// `init_seq_order(epoch, seq_list=...)`: the sequences with the given tags, in that order.
    public func initSeqOrder(epoch: Int?, seqList: [String]) throws {
        if tagIndex == nil {
            var index: [String: Int] = [:]
            for (i, t) in try getAllTags().enumerated() where index[t] == nil { index[t] = i }
            tagIndex = index
        }
        try initSeqOrder(epoch: epoch, seqOrder: try seqList.map { tag in
            guard let i = tagIndex![tag] else { throw DatasetError(file: name, key: tag, "sequence tag not found in this dataset") }
            return i
        })
    }

    /// Number of sequences in the current epoch.
    public var numSeqs: Int { seqOrder.count }

    public func isLessThanNumSeqs(_ i: Int) -> Bool { i < numSeqs }

    /// No-op: data is read on demand (kept for RETURNN scripts that call it).
    public func loadSeqs(_ start: Int, _ end: Int) throws {
        guard start >= 0, start <= end, end <= numSeqs else {
            throw DatasetError(file: name, "load_seqs(\(start), \(end)) out of range (num_seqs \(numSeqs))")
        }
    }

    /// Corpus index of an epoch position.
    public func corpusSeqIdx(_ seqIdx: Int) throws -> Int {
        guard seqIdx >= 0 && seqIdx < seqOrder.count else {
            throw DatasetError(file: name, key: "seq \(seqIdx)",
                               "sequence index out of range (num_seqs \(seqOrder.count); was init_seq_order called?)")
        }
        return seqOrder[seqIdx]
    }

    open func getData(_ seqIdx: Int, _ key: String) throws -> SeqValue {
        guard dataKeys.contains(key) else {
            throw DatasetError(file: name, key: key, "no such data key; keys are \(dataKeys)" + didYouMean(key, in: dataKeys))
        }
        return try corpusData(try corpusSeqIdx(seqIdx), key: key)
    }

    public func getTag(_ seqIdx: Int) throws -> String { try corpusTag(try corpusSeqIdx(seqIdx)) }

    open func getAllTags() throws -> [String] { try (0..<totalNumSeqs).map(corpusTag) }

    /// Length of every data key (`shape[0]`, or 1 for 0-d values), in data-key order.
    open func getSeqLength(_ seqIdx: Int) throws -> [(key: String, length: Int)] {
        try dataKeys.map { ($0, try getData(seqIdx, $0).batchLength) }
    }

    /// `get_data_dim`: `num_outputs[key][0]`.
    public func dataDim(_ key: String) throws -> Int {
        guard let o = numOutputs[key] else { throw DatasetError(file: name, key: key, "no such data key") }
        return o.dim
    }

    /// `is_data_sparse`: `num_outputs[key][1] <= 1` (unknown keys: all but `data`).
    open func isDataSparse(_ key: String) throws -> Bool {
        guard let o = numOutputs[key] else { return key != "data" }
        return o.ndim <= 1
    }

    /// `get_data_shape`: shape without the time axis.
    public func dataShape(_ key: String) throws -> [Int?] {
        guard let o = numOutputs[key], case .dims(let dim, let ndim) = o else { return [] }
        if try isDataSparse(key) || ndim <= 1 { return [] }
        return [Int?](repeating: nil, count: ndim - 2) + [dim]
    }

    /// The one sequence dict the pipeline feeds on: data keys, then `seq_idx` and `seq_tag`.
    open func sequenceDict(_ seqIdx: Int) throws -> [(key: String, value: SeqValue)] {
        let corpus = try corpusSeqIdx(seqIdx)
        var out = try dataKeys.map { (key: $0, value: try corpusData(corpus, key: $0)) }
        out.append((key: "seq_idx", value: .int(seqIdx)))
        out.append((key: "seq_tag", value: .string(try corpusTag(corpus))))
        return out
    }
}
