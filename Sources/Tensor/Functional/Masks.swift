extension Functional {
    /// One-hot encoding of int64 `indices` into int64 [..., numClasses] (`F.one_hot`); with
    /// `numClasses` -1 the class count is max(indices) + 1.
    public static func oneHot(_ indices: Tensor, numClasses: Int = -1) throws -> Tensor {
        guard indices.dtype.isIntegral else { throw TensorError("one_hot", "one_hot is only applicable to index tensor, got \(indices.dtype)") }
        let values = indices.toIntArray()
        let n = numClasses >= 0 ? numClasses : Int((values.max() ?? -1) + 1)
        if let bad = values.first(where: { $0 < 0 || $0 >= Int64(n) }) {
            throw TensorError("one_hot", "Class values must be smaller than num_classes (\(n)) and non-negative, got \(bad)")
        }
        let out = Tensor.zeros(indices.shape + [n], dtype: .int64)
        for (i, v) in values.enumerated() { out.int64Base[i * n + Int(v)] = 1 }
        return out
    }

    /// Bool [B, T] with True at positions t < lengths[b] (T = maxLen or the longest length);
    /// the usual padding mask of RETURNN batches.
    public static func sequenceMask(_ lengths: Tensor, maxLen: Int? = nil) throws -> Tensor {
        guard lengths.ndim == 1, lengths.dtype.isIntegral else {
            throw TensorError("sequence_mask", "lengths must be a 1-d integer tensor, got \(lengths.dtype) \(fmt(lengths.shape))")
        }
        let lens = lengths.toIntArray()
        let t = maxLen ?? Int(lens.max() ?? 0)
        let positions = try Tensor.arange(0, Double(t)).unsqueeze(0)
        return try positions.lt(try lengths.to(.int64).unsqueeze(1))
    }
}
