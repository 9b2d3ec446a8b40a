/// RETURNN's `GeneratingDataset`: sequences made on the fly from a per-sequence seeded RNG
/// (`RandomState((epoch_seed, corpus_seq_idx))`), with a finite `num_seqs`.
open class GeneratingDataset: Dataset {
    public let totalSeqs: Int

    /// `output_dim` is an int (dim of `classes`) or a dict key → dim or [dim, ndim].
    init(name: String, ordering: SeqOrdering, numSeqs: Int, inputDim: Int?, outputDim: [String: NumOutput]) throws {
        guard numSeqs > 0 else { throw DatasetError(file: name, key: "num_seqs", "must be a positive int (infinite datasets are not supported)") }
        var ordering = ordering
        if ordering.mode == "sorted" || ordering.mode == "sorted_reverse" { ordering.mode = "default" }
        totalSeqs = numSeqs
        var outputs = outputDim
        if outputs["data"] == nil, let d = inputDim { outputs["data"] = .dims(dim: d, ndim: 2) }
        super.init(name: name, ordering: ordering)
        numInputs = inputDim ?? 0
        numOutputs = outputs
    }

    /// `convert_data_dims`: int → `classes`; dict values int (ndim 2 for `data`, else 1) or [dim, ndim].
    static func outputDims(_ v: OptionValue?, context: String) throws -> [String: NumOutput] {
        switch v {
        case nil: return [:]
        case .int(let d)?: return ["classes": .dims(dim: d, ndim: 1)]
        case .dict(let entries)?:
            var out: [String: NumOutput] = [:]
            for e in entries {
                switch e.value {
                case .int(let d): out[e.key] = .dims(dim: d, ndim: e.key == "data" ? 2 : 1)
                case .list(let l) where l.count == 2:
                    guard case .int(let d) = l[0], case .int(let n) = l[1], n >= 1 else { fallthrough }
                    out[e.key] = .dims(dim: d, ndim: n)
                default: throw DatasetError(file: context, key: "output_dim", "bad entry for '\(e.key)': \(e.value)")
                }
            }
            return out
        case let other?: throw DatasetError(file: context, key: "output_dim", "expected an int or a dict, got \(other)")
        }
    }

    public override var totalNumSeqs: Int { totalSeqs }
    public override var dataKeys: [String] { ["data"] + targetList }
    /// The base `Dataset.get_target_list()`: always `["classes"]`.
    public override var targetList: [String] { ["classes"] }
    public override func corpusTag(_ corpusIdx: Int) throws -> String { "seq-\(corpusIdx)" }

    public override func dataDType(_ key: String) throws -> String { try isDataSparse(key) ? "int32" : "float32" }

    /// The RNG of one sequence: seeded with `(epoch seed, corpus index)`.
    func sequenceRandom(_ corpusIdx: Int) -> RandomState {
        let seed = ordering.randomSeed(epoch: epoch)
        return RandomState(key: [UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: corpusIdx)])
    }

    public override func corpusData(_ corpusIdx: Int, key: String) throws -> SeqValue {
        guard corpusIdx >= 0 && corpusIdx < totalSeqs else {
            throw DatasetError(file: name, key: "seq \(corpusIdx)", "out of range (num_seqs \(totalSeqs))")
        }
        var rng = sequenceRandom(corpusIdx)
        let seq = try generate(corpusIdx, &rng)
        guard let v = seq[key] else { throw DatasetError(file: name, key: key, "no such data key" + didYouMean(key, in: dataKeys)) }
        return .array(v)
    }

    /// Subclasses generate all streams of one sequence.
    open func generate(_ corpusIdx: Int, _ rng: inout RandomState) throws -> [String: BatchArray] { [:] }
}

/// The 12AX memory task: inputs one-hot over "123ABCXYZ" (float32 [T, 9]), targets L/R (int32 [T]).
public final class Task12AXDataset: GeneratingDataset {
    static let inputClasses = Array("123ABCXYZ")

    public init(numSeqs: Int, ordering: SeqOrdering = SeqOrdering(), name: String = "Task12AXDataset") throws {
        try super.init(name: name, ordering: ordering, numSeqs: numSeqs, inputDim: 9, outputDim: ["classes": .dims(dim: 2, ndim: 1)])
    }

    public convenience init(options r: OptionReader) throws {
        guard let n = try r.int("num_seqs") else { throw DatasetError(file: r.context, key: "num_seqs", "is required") }
        try self.init(numSeqs: n, ordering: try SeqOrdering(options: r), name: try r.string("name", default: "Task12AXDataset"))
    }

    /// The original's made-up input distribution, drawn from `rng` exactly as numpy does.
    static func inputSequence(length: Int, _ rng: inout RandomState) -> [Int] {
        var seq = Array(rng.choice(["", "1", "2"]))
        while seq.count < length {
            if rng.uniform() < 0.5 { seq.append(rng.choice(Array("12"))) }
            if rng.uniform() < 0.9 { seq += Array(rng.choice(["AX", "BY"])) }
            while rng.uniform() < 0.5 { seq.append(rng.choice(inputClasses)) }
        }
        return seq.prefix(length).map { inputClasses.firstIndex(of: $0)! }
    }

    /// Output R exactly after X/Y completing "1AX" or "2BY", else L.
    static func outputSequence(_ input: [Int]) -> [Int] {
        var outer: Character = " ", inner: Character = " "
        return input.map { i in
            let c = inputClasses[i]
            var o = 0
            if "12".contains(c) { outer = c } else if "AB".contains(c) { inner = c } else if "XY".contains(c) {
                if [outer, inner, c] == Array("1AX") || [outer, inner, c] == Array("2BY") { o = 1 }
                inner = " "
            }
            return o
        }
    }

    public override func generate(_ corpusIdx: Int, _ rng: inout RandomState) throws -> [String: BatchArray] {
        let length = rng.randint(10, 100)
        let input = Task12AXDataset.inputSequence(length: length, &rng)
        var oneHot = [Float](repeating: 0, count: length * 9)
        for (t, i) in input.enumerated() { oneHot[t * 9 + i] = 1 }
        let output = Task12AXDataset.outputSequence(input)
        return ["data": BatchArray(float32: oneHot, shape: [length, 9]),
                "classes": BatchArray(int32: output.map { Int32($0) }, shape: [length])]
    }
}

/// `DummyDataset`: `data[t, j] = ((i % max) + shift) * scale` for running i, `classes` = running i % dim.
/// Like the original, data is float64 and classes int64 (numpy's defaults).
public final class DummyDataset: GeneratingDataset {
    public let seqLen: Int
    public let inputMaxValue: Double
    public let inputShift: Double
    public let inputScale: Double

    public init(inputDim: Int, outputDim: [String: NumOutput], numSeqs: Int, seqLen: Int = 2, inputMaxValue: Double = 10,
                inputShift: Double? = nil, inputScale: Double? = nil, ordering: SeqOrdering = SeqOrdering()) throws {
        self.seqLen = seqLen
        self.inputMaxValue = inputMaxValue
        self.inputShift = inputShift ?? -inputMaxValue / 2
        self.inputScale = inputScale ?? 1 / inputMaxValue
        try super.init(name: "DummyDataset", ordering: ordering, numSeqs: numSeqs, inputDim: inputDim, outputDim: outputDim)
        guard numOutputs["classes"] != nil else { throw DatasetError(file: name, key: "output_dim", "needs 'classes'") }
    }

    public convenience init(options r: OptionReader) throws {
        guard let inputDim = try r.int("input_dim") else { throw DatasetError(file: r.context, key: "input_dim", "is required") }
        guard let n = try r.int("num_seqs") else { throw DatasetError(file: r.context, key: "num_seqs", "is required") }
        try self.init(inputDim: inputDim, outputDim: try GeneratingDataset.outputDims(r.value("output_dim"), context: r.context),
                      numSeqs: n, seqLen: try r.int("seq_len", default: 2), inputMaxValue: try r.double("input_max_value") ?? 10,
                      inputShift: try r.double("input_shift"), inputScale: try r.double("input_scale"),
                      ordering: try SeqOrdering(options: r))
    }

    public override func dataDType(_ key: String) throws -> String { key == "data" ? "float64" : "int64" }

    public override func generate(_ corpusIdx: Int, _ rng: inout RandomState) throws -> [String: BatchArray] {
        let i2 = corpusIdx + seqLen * numInputs
        let features = (corpusIdx..<i2).map { (Double($0).truncatingRemainder(dividingBy: inputMaxValue) + inputShift) * inputScale }
        let dim = numOutputs["classes"]!.dim
        let targets = (i2..<(i2 + seqLen)).map { Int64($0 % dim) }
        return ["data": BatchArray(dtype: .float64, shape: [seqLen, numInputs], bytes: BatchArray.rawBytes(features)),
                "classes": BatchArray(int64: targets, shape: [seqLen])]
    }
}
