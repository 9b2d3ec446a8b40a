/// RETURNN's `StaticDataset`: all sequences given in memory as dicts key → array.
///
/// Data keys: `data` first (if present), then the others sorted. Tags are `seq-<corpus index>`.
public final class StaticDataset: Dataset {
    public let data: [[String: BatchArray]]
    private let keys: [String]
    private let targets: [String]

    public init(data: [[String: BatchArray]], targetList: [String]? = nil, inputDim: Int? = nil,
                outputDim: [String: NumOutput] = [:], ordering: SeqOrdering = SeqOrdering(), name: String = "StaticDataset") throws {
        guard let first = data.first else { throw DatasetError(file: name, key: "data", "needs at least one sequence") }
        self.data = data
        var keys = first.keys.sorted(by: pythonLess)
        if let i = keys.firstIndex(of: "data") { keys.remove(at: i); keys.insert("data", at: 0) }
        self.keys = keys
        if let t = targetList, let bad = t.first(where: { !keys.contains($0) }) {
            throw DatasetError(file: name, key: bad, "target key is not in the data" + didYouMean(bad, in: keys))
        }
        targets = targetList ?? keys.filter { $0 != "data" }
        super.init(name: name, ordering: ordering)
        var outputs = outputDim
        if let d = inputDim, outputs["data"] == nil { outputs["data"] = .dims(dim: d, ndim: 2) }
        for (k, v) in first where outputs[k] == nil {
            outputs[k] = .dims(dim: v.shape.count >= 2 ? v.shape.last! : 0, ndim: v.shape.count)
        }
        for k in keys where outputs[k]!.ndim != first[k]!.shape.count {
            throw DatasetError(file: name, key: k, "output_dim says ndim \(outputs[k]!.ndim), data has shape \(first[k]!.shape)")
        }
        for (i, seq) in data.enumerated() where Set(seq.keys) != Set(keys) {
            throw DatasetError(file: name, key: "seq-\(i)", "has keys \(seq.keys.sorted()), expected \(keys)")
        }
        numInputs = inputDim ?? outputs["data"]?.dim ?? 0
        numOutputs = outputs
        try initSeqOrder(epoch: 1)
    }

    /// Options: `data` = list of dicts key → nested list of numbers (ints become int32, floats float32).
    public convenience init(options r: OptionReader) throws {
        guard case .list(let seqs)? = r.value("data") else { throw DatasetError(file: r.context, key: "data", "expected a list of dicts") }
        let data = try seqs.enumerated().map { i, s -> [String: BatchArray] in
            guard case .dict(let entries) = s else { throw DatasetError(file: r.context, key: "data[\(i)]", "expected a dict") }
            return try Dictionary(uniqueKeysWithValues: entries.map { ($0.key, try StaticDataset.array(from: $0.value, key: $0.key)) })
        }
        try self.init(data: data, targetList: try r.strings("target_list"), inputDim: try r.int("input_dim"),
                      outputDim: try GeneratingDataset.outputDims(r.value("output_dim"), context: r.context),
                      ordering: try SeqOrdering(options: r), name: try r.string("name", default: "StaticDataset"))
    }

    /// A nested list of numbers as an array (int32 if all ints, else float32).
    static func array(from v: OptionValue, key: String) throws -> BatchArray {
        var shape: [Int] = []
        var probe = v
        while case .list(let l) = probe { shape.append(l.count); probe = l.first ?? .none }
        var flat: [OptionValue] = []
        func walk(_ x: OptionValue, _ depth: Int) throws {
            if case .list(let l) = x {
                guard depth < shape.count, l.count == shape[depth] else { throw DatasetError(key: key, "ragged nested list") }
                for y in l { try walk(y, depth + 1) }
            } else {
                guard depth == shape.count else { throw DatasetError(key: key, "ragged nested list") }
                flat.append(x)
            }
        }
        try walk(v, 0)
        if flat.allSatisfy({ if case .int = $0 { return true } else { return false } }) {
            return BatchArray(int32: flat.map { if case .int(let i) = $0 { return Int32(i) } else { return 0 } }, shape: shape)
        }
        return BatchArray(float32: try flat.map { x -> Float in
            switch x {
            case .int(let i): return Float(i)
            case .double(let d): return Float(d)
            default: throw DatasetError(key: key, "expected numbers, got \(x)")
            }
        }, shape: shape)
    }

    public override var totalNumSeqs: Int { data.count }
    public override var dataKeys: [String] { keys }
    public override var targetList: [String] { targets }
    public override func dataDType(_ key: String) throws -> String {
        guard let a = data[0][key] else { throw DatasetError(file: name, key: key, "no such data key") }
        return a.dtype.rawValue
    }
    /// Length of the first data key.
    public override func corpusSortLength(_ corpusIdx: Int) throws -> Int { data[corpusIdx][keys[0]]?.length ?? 1 }
    public override func corpusTag(_ corpusIdx: Int) throws -> String { "seq-\(corpusIdx)" }
    public override func corpusData(_ corpusIdx: Int, key: String) throws -> SeqValue {
        guard let a = data[corpusIdx][key] else { throw DatasetError(file: name, key: key, "no such data key" + didYouMean(key, in: keys)) }
        return .array(a)
    }
}
