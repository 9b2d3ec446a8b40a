/// A batch of variable-length sequences, as `torch.nn.utils.rnn.PackedSequence` is used: made by
/// `packPaddedSequence`, consumed by `RNN`, turned back into a padded tensor by
/// `padPackedSequence`. Unlike PyTorch it keeps the padded layout inside (the RNN kernels mask
/// past-length steps), so packing and unpacking cost nothing; `.data` in PyTorch's packed
/// 2-d layout is not provided.
public struct PackedSequence {
    /// Padded data, [T, B, *] or [B, T, *] per `batchFirst`.
    public let padded: Tensor
    public let lengths: [Int]
    public let batchFirst: Bool

    public init(padded: Tensor, lengths: [Int], batchFirst: Bool) {
        self.padded = padded
        self.lengths = lengths
        self.batchFirst = batchFirst
    }
}

extension Functional {
    /// `pack_padded_sequence(input, lengths, batch_first, enforce_sorted)`: lengths must be in
    /// [1, T]; with `enforceSorted` they must be decreasing, as PyTorch checks.
    public static func packPaddedSequence(_ input: Tensor, lengths: [Int], batchFirst: Bool = false,
                                          enforceSorted: Bool = true) throws -> PackedSequence {
        guard input.ndim >= 2 else { throw TensorError("pack_padded_sequence", "input must be at least 2-D, got \(fmt(input.shape))") }
        let (t, b) = batchFirst ? (input.shape[1], input.shape[0]) : (input.shape[0], input.shape[1])
        guard lengths.count == b else {
            throw TensorError("pack_padded_sequence", "Expected `len(lengths)` to be equal to batch_size, but got \(lengths.count) (batch_size=\(b))")
        }
        if let bad = lengths.first(where: { $0 <= 0 || $0 > t }) {
            throw TensorError("pack_padded_sequence", "lengths must be in [1, \(t)], got \(bad)")
        }
        if enforceSorted && zip(lengths, lengths.dropFirst()).contains(where: { $0 < $1 }) {
            throw TensorError("pack_padded_sequence", "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do not need ONNX exportability.")
        }
        return PackedSequence(padded: input, lengths: lengths, batchFirst: batchFirst)
    }

    /// `pad_packed_sequence(sequence, batch_first, padding_value, total_length)`: the padded
    /// tensor (time padded or cut to `totalLength`, default the longest sequence) and the lengths.
    public static func padPackedSequence(_ p: PackedSequence, batchFirst: Bool = false, paddingValue: Double = 0,
                                         totalLength: Int? = nil) throws -> (Tensor, Tensor) {
        var x = p.batchFirst == batchFirst ? p.padded : try p.padded.transpose(0, 1)
        let timeDim = batchFirst ? 1 : 0
        let longest = p.lengths.max() ?? 0
        if let total = totalLength, total < longest {
            throw TensorError("pad_packed_sequence", "Expected total_length to be at least \(longest), but got total_length=\(total)")
        }
        let total = totalLength ?? longest
        let have = x.shape[timeDim]
        if total < have { x = try x.narrow(timeDim, 0, total) }
        if total > have {
            var pads = [Int](repeating: 0, count: 2 * (x.ndim - timeDim))
            pads[pads.count - 1] = total - have
            x = try x.pad(pads)
        }
        if paddingValue != 0 {
            let t = x.shape[timeDim]
            var mask = try sequenceMask(try Tensor(ints: p.lengths.map(Int64.init)), maxLen: t)  // [B, T]
            if !batchFirst { mask = try mask.t() }
            while mask.ndim < x.ndim { mask = try mask.unsqueeze(-1) }
            x = try Tensor.where(mask, x, Tensor.scalar(paddingValue))
        }
        return (x, try Tensor(ints: p.lengths.map(Int64.init)))
    }
}

extension RNN {
    /// Runs on a packed batch (`module(packed, hx)`): the output is packed again, the final
    /// states are those at each sequence's own last step.
    public func forward(_ input: PackedSequence, h0: Tensor? = nil, c0: Tensor? = nil) throws -> (output: PackedSequence, h: Tensor, c: Tensor?) {
        guard input.batchFirst == batchFirst else {
            throw TensorError(typeName, "packed sequence is \(input.batchFirst ? "batch first" : "time major") but the module is not")
        }
        let r = try forward(input.padded, h0: h0, c0: c0, lengths: input.lengths)
        return (PackedSequence(padded: r.output, lengths: input.lengths, batchFirst: batchFirst), r.h, r.c)
    }
}
