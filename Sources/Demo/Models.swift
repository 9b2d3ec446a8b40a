import Datasets
import Engine
import Tensor

/// W1's model (shared/bench/w1_framewise.config.py) in Swift: Linear(in→proj) → L × BLSTM, each
/// as a forward LSTM and a backward LSTM run over every sequence reversed within its own length
/// (exact for padded batches) → Linear(2·hidden→classes). Parameter names as the config's model.
final class FramewiseBLSTM: Module {
    let layers: Int

    init(inputDim: Int, projection: Int, hidden: Int, layers: Int, classes: Int) throws {
        self.layers = layers
        super.init()
        try registerModule("linear_in", try Linear(inputDim, projection))
        func lstms() throws -> ModuleList {
            try ModuleList((0..<layers).map { try RNN(.lstm, inputSize: $0 == 0 ? projection : 2 * hidden, hiddenSize: hidden, batchFirst: true) })
        }
        try registerModule("lstm_fw", try lstms())
        try registerModule("lstm_bw", try lstms())
        try registerModule("linear_out", try Linear(2 * hidden, classes))
    }

    /// [B, T] index reversing each sequence within its length; padding frames stay in place.
    static func reverseIndex(_ lengths: Tensor, maxLen: Int) throws -> Tensor {
        let t = try Tensor.arange(0, Double(maxLen)).unsqueeze(0)
        let l = try lengths.to(.int64).unsqueeze(1)
        return try Tensor.where(try t.lt(l), try l.sub(Tensor.scalar(1 as Int)).sub(t), t)
    }

    static func reverseSeqs(_ x: Tensor, _ index: Tensor) throws -> Tensor {
        try x.gather(dim: 1, index: try index.unsqueeze(2).expand([index.shape[0], index.shape[1], x.shape[2]]))
    }

    /// x: [B, T, in], lengths: [B] → logits [B, T, classes].
    func forward(_ x: Tensor, lengths: Tensor) throws -> Tensor {
        var h = try child("linear_in")!(x)
        let index = try Self.reverseIndex(lengths, maxLen: x.shape[1])
        let fw = child("lstm_fw") as! ModuleList, bw = child("lstm_bw") as! ModuleList
        for l in 0..<layers {
            let outFw = try fw[l](h)
            let outBw = try bw[l](try Self.reverseSeqs(h, index))
            h = try Tensor.cat([outFw, try Self.reverseSeqs(outBw, index)], dim: 2)
        }
        return try child("linear_out")!(h)
    }

    /// W1's `train_step`: masked framewise CE summed, `inv_norm_factor` = frames.
    static func trainStep(_ model: Module, _ data: TensorBatch, _ run: RunContext) throws {
        guard let model = model as? FramewiseBLSTM else { throw UsageError(message: "expected a FramewiseBLSTM") }
        let x = try data.tensor("data"), lengths = try data.tensor("data:size1")
        let logits = try model.forward(x, lengths: lengths)
        let mask = try Functional.sequenceMask(lengths, maxLen: x.shape[1])
        let targets = try data.tensor("classes").to(.int64)
        let loss = try Functional.crossEntropy(try logits.index([.tensor(mask)]), try targets.index([.tensor(mask)]), reduction: .sum)
        try run.markAsLoss(loss, name: "ce", invNormFactor: try mask.sum())
    }
}

/// W2's model (shared/bench/w2_ctc.config.py): 2 × Conv1d(k3, s2, p1) + ReLU → pre-LN Transformer
/// encoder (final LayerNorm) → Linear(d→classes), trained with CTC (blank 0).
final class ConvTransformerCTC: Module {
    init(inputDim: Int, model d: Int, heads: Int, feedForward: Int, layers: Int, classes: Int, dropout: Double) throws {
        super.init()
        try registerModule("conv1", try Conv(inputDim, d, kernelSize: [3], stride: [2], padding: [1]))
        try registerModule("conv2", try Conv(d, d, kernelSize: [3], stride: [2], padding: [1]))
        let layer = try TransformerEncoderLayer(dModel: d, nhead: heads, dimFeedforward: feedForward, dropout: dropout,
                                                activation: "relu", batchFirst: true, normFirst: true)
        try registerModule("encoder", try TransformerEncoder(layer, numLayers: layers, norm: try LayerNorm([d])))
        try registerModule("linear_out", try Linear(d, classes))
    }

    /// floor((n - 1) / 2) + 1, the length after one Conv1d(k3, s2, p1).
    static func subLength(_ n: Int) -> Int { (n - 1) / 2 + 1 }

    /// x: [B, T, in] → logits [B, T', classes] and T' per sequence.
    func forward(_ x: Tensor, lengths: [Int]) throws -> (Tensor, [Int]) {
        var h = try child("conv1")!(try x.transpose(1, 2)).relu()
        h = try child("conv2")!(h).relu().transpose(1, 2)
        let outLengths = lengths.map { Self.subLength(Self.subLength($0)) }
        let steps = try Tensor.arange(0, Double(h.shape[1])).unsqueeze(0)
        let padMask = try steps.ge(try Tensor(ints: outLengths.map(Int64.init)).unsqueeze(1))
        let encoder = child("encoder") as! TransformerEncoder
        h = try encoder.forward(h, srcKeyPaddingMask: padMask)
        return (try child("linear_out")!(h), outLengths)
    }

    /// W2's `train_step`: CTC summed over the batch, `inv_norm_factor` = target labels.
    static func trainStep(_ model: Module, _ data: TensorBatch, _ run: RunContext) throws {
        guard let model = model as? ConvTransformerCTC else { throw UsageError(message: "expected a ConvTransformerCTC") }
        let x = try data.tensor("data")
        let (logits, outLengths) = try model.forward(x, lengths: try data.lengths("data"))
        let logProbs = try logits.logSoftmax(dim: -1).transpose(0, 1)
        let targetLengths = try data.lengths("classes")
        let loss = try Functional.ctcLoss(logProbs, try data.tensor("classes").to(.int64), inputLengths: outLengths,
                                          targetLengths: targetLengths, blank: 0, reduction: .sum)
        try run.markAsLoss(loss, name: "ctc", invNormFactor: Double(targetLengths.reduce(0, +)))
    }
}
