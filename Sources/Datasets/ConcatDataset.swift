/// RETURNN's `ConcatDataset`: the sequences of several datasets one after another, each in its
/// own order (only `seq_ordering="default"` on the concatenation itself, as in the original).
/// All datasets must have the same `num_inputs` and `num_outputs`.
public final class ConcatDataset: Dataset {
    public let datasets: [Dataset]
    /// Epoch position where each sub-dataset starts, plus the total.
    private var offsets: [Int] = [0]

    public init(options r: OptionReader) throws {
        guard case .list(let list)? = r.value("datasets"), !list.isEmpty else {
            throw DatasetError(file: r.context, key: "datasets", "expected a non-empty list of dataset options")
        }
        datasets = try list.map { try Dataset.create(options: $0) }
        let ordering = try SeqOrdering(options: r)
        guard ordering.mode == "default" else {
            throw DatasetError(file: r.context, key: "seq_ordering", "ConcatDataset supports only 'default' (order the sub-datasets instead)")
        }
        super.init(name: try r.string("name", default: "ConcatDataset"), ordering: ordering)
        let first = datasets[0]
        for (i, d) in datasets.enumerated().dropFirst() where d.numInputs != first.numInputs || d.numOutputs != first.numOutputs {
            throw DatasetError(file: r.context, key: "datasets[\(i)]", "num_inputs/num_outputs \(d.numInputs)/\(d.numOutputs) differ from datasets[0]: \(first.numInputs)/\(first.numOutputs)")
        }
        numInputs = first.numInputs
        numOutputs = first.numOutputs
        labels = first.labels
    }

    public override var totalNumSeqs: Int { datasets.reduce(0) { $0 + $1.totalNumSeqs } }
    public override var dataKeys: [String] { (["data"] + targetList).sorted(by: pythonLess) }
    public override var targetList: [String] { datasets[0].targetList }
    public override func dataDType(_ key: String) throws -> String { try datasets[0].dataDType(key) }
    public override func isDataSparse(_ key: String) throws -> Bool { try datasets[0].isDataSparse(key) }
    public override func getAllTags() throws -> [String] { try datasets.flatMap { try $0.getAllTags() } }

    public override func initSeqOrder(epoch: Int?) throws {
        for d in datasets { try d.initSeqOrder(epoch: epoch) }
        offsets = [0]
        for d in datasets { offsets.append(offsets.last! + d.numSeqs) }
        try super.initSeqOrder(epoch: epoch, seqOrder: Array(0..<offsets.last!))
    }

    /// (sub-dataset, its epoch position) of an epoch position.
    private func locate(_ seqIdx: Int) throws -> (Dataset, Int) {
        _ = try corpusSeqIdx(seqIdx)
        var i = 0
        while offsets[i + 1] <= seqIdx { i += 1 }
        return (datasets[i], seqIdx - offsets[i])
    }

    public override func getData(_ seqIdx: Int, _ key: String) throws -> SeqValue {
        let (d, j) = try locate(seqIdx)
        return try d.getData(j, key)
    }

    public override func corpusData(_ corpusIdx: Int, key: String) throws -> SeqValue { try getData(corpusIdx, key) }

    public override func corpusTag(_ corpusIdx: Int) throws -> String {
        let (d, j) = try locate(corpusIdx)
        return try d.getTag(j)
    }
}
