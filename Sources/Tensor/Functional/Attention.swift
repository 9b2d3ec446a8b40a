import Foundation

extension Functional {
    /// softmax(q k^T * scale + mask) v over the last two dims (`F.scaled_dot_product_attention`):
    /// a bool `attnMask` marks positions that may be attended (True), a float mask is added;
    /// `isCausal` allows key j <= query i only. `scale` defaults to 1/sqrt(E).
    public static func scaledDotProductAttention(_ q: Tensor, _ k: Tensor, _ v: Tensor, attnMask: Tensor? = nil,
                                                 dropoutP: Double = 0, isCausal: Bool = false,
                                                 scale: Double? = nil) throws -> Tensor {
        guard q.ndim >= 2, k.ndim >= 2, v.ndim >= 2 else {
            throw TensorError("scaled_dot_product_attention", "query, key and value must be at least 2-D, got \(fmt(q.shape)), \(fmt(k.shape)), \(fmt(v.shape))")
        }
        let e = q.shape[q.ndim - 1]
        let s = scale ?? 1 / Double(e).squareRoot()
        var scores = try q.matmul(try k.transpose(-2, -1)).mul(s)
        let (l, sLen) = (q.shape[q.ndim - 2], k.shape[k.ndim - 2])
        if isCausal {
            let allowed = try Tensor.ones([l, sLen], dtype: .bool).tril()
            scores = try scores.maskedFill(allowed.logicalNot(), -.infinity)
        }
        if let m = attnMask {
            if m.dtype == .bool {
                let blocked = m.logicalNot()
                scores = try Tensor.where(blocked, Tensor.scalar(-Double.infinity), scores)
            } else {
                scores = try scores.add(m)
            }
        }
        var p = try scores.softmax(dim: -1)
        if dropoutP > 0 { p = try dropout(p, p: dropoutP, training: true) }
        return try p.matmul(v)
    }

    /// Pads variable-length sequences [L_i, *] to [max L, B, *] (or [B, max L, *] when
    /// `batchFirst`), on the right or the left (`torch.nn.utils.rnn.pad_sequence`).
    public static func padSequence(_ sequences: [Tensor], batchFirst: Bool = false, paddingValue: Double = 0,
                                   paddingSide: String = "right") throws -> Tensor {
        guard let first = sequences.first else { throw TensorError("pad_sequence", "received an empty list of sequences") }
        guard paddingSide == "right" || paddingSide == "left" else {
            throw TensorError("pad_sequence", "padding_side must be 'left' or 'right', got '\(paddingSide)'")
        }
        let maxLen = sequences.map { $0.ndim > 0 ? $0.shape[0] : 1 }.max() ?? 0
        let padded = try sequences.map { seq -> Tensor in
            guard seq.ndim == first.ndim, Array(seq.shape.dropFirst()) == Array(first.shape.dropFirst()) else {
                throw TensorError("pad_sequence", "sequences must agree in all but the first dim: \(fmt(first.shape)) vs \(fmt(seq.shape))")
            }
            let extra = maxLen - seq.shape[0]
            let pads = [Int](repeating: 0, count: 2 * (seq.ndim - 1)) + (paddingSide == "right" ? [0, extra] : [extra, 0])
            return try seq.pad(pads, value: paddingValue)
        }
        return try Tensor.stack(padded, dim: batchFirst ? 0 : 1)
    }

    /// Normalizes over all dims but 1 with batch statistics (training) or running statistics
    /// (eval) (`F.batch_norm`). In training, `runningMean`/`runningVar` are updated in place:
    /// new = (1 - momentum) old + momentum stat, with the unbiased batch variance.
    public static func batchNorm(_ x: Tensor, runningMean: Tensor?, runningVar: Tensor?, weight: Tensor? = nil,
                                 bias: Tensor? = nil, training: Bool = false, momentum: Double = 0.1,
                                 eps: Double = 1e-5) throws -> Tensor {
        guard x.ndim >= 2 else { throw TensorError("batch_norm", "expected at least 2-D input, got \(fmt(x.shape))") }
        let c = x.shape[1]
        let dims = [0] + Array(2..<x.ndim)
        var statShape = [Int](repeating: 1, count: x.ndim)
        statShape[1] = c
        let mean: Tensor, variance: Tensor
        if training {
            let n = x.numel / Swift.max(c, 1)
            guard n > 1 else {
                throw TensorError("batch_norm", "Expected more than 1 value per channel when training, got input size \(fmt(x.shape))")
            }
            mean = try x.mean(dims: dims, keepdim: true)
            let centered = try x.sub(mean)
            variance = try centered.mul(centered).mean(dims: dims, keepdim: true)
            try noGrad {
                if let rm = runningMean {
                    try rm.copyFrom(try rm.mul(1 - momentum).add(try mean.detach().reshape([c]).mul(momentum)))
                }
                if let rv = runningVar {
                    let unbiased = try variance.detach().reshape([c]).mul(Double(n) / Double(n - 1))
                    try rv.copyFrom(try rv.mul(1 - momentum).add(try unbiased.mul(momentum)))
                }
            }
        } else {
            guard let rm = runningMean, let rv = runningVar else {
                throw TensorError("batch_norm", "running_mean and running_var must be defined in evaluation mode")
            }
            mean = try rm.reshape(statShape)
            variance = try rv.reshape(statShape)
        }
        var y = try x.sub(mean).mul(try variance.add(eps).rsqrt())
        if let w = weight { y = try y.mul(try w.reshape(statShape)) }
        if let b = bias { y = try y.add(try b.reshape(statShape)) }
        return y
    }
}
