import Foundation

/// Multi-head attention with PyTorch's parameters (`in_proj_weight`/`in_proj_bias`, or
/// `q_proj_weight`/`k_proj_weight`/`v_proj_weight` when kdim/vdim differ, and `out_proj`)
/// and masks: `keyPaddingMask` [B, S] and bool `attnMask` mark positions to ignore (True);
/// float masks are added to the scores (`nn.MultiheadAttention`).
public final class MultiheadAttention: Module {
    public let embedDim: Int, numHeads: Int, kdim: Int, vdim: Int, batchFirst: Bool, dropout: Double

    public init(_ embedDim: Int, _ numHeads: Int, dropout: Double = 0, bias: Bool = true, kdim: Int? = nil, vdim: Int? = nil,
                batchFirst: Bool = false) throws {
        guard numHeads > 0, embedDim % numHeads == 0 else {
            throw TensorError("MultiheadAttention", "embed_dim (\(embedDim)) must be divisible by num_heads (\(numHeads))")
        }
        self.embedDim = embedDim
        self.numHeads = numHeads
        self.kdim = kdim ?? embedDim
        self.vdim = vdim ?? embedDim
        self.batchFirst = batchFirst
        self.dropout = dropout
        super.init()
        if self.kdim == embedDim && self.vdim == embedDim {
            try registerParameter("in_proj_weight", try xavierUniform([3 * embedDim, embedDim]))
        } else {
            try registerParameter("q_proj_weight", try xavierUniform([embedDim, embedDim]))
            try registerParameter("k_proj_weight", try xavierUniform([embedDim, self.kdim]))
            try registerParameter("v_proj_weight", try xavierUniform([embedDim, self.vdim]))
        }
        try registerParameter("in_proj_bias", bias ? Tensor.zeros([3 * embedDim]) : nil)
        let out = try Linear(embedDim, embedDim, bias: bias)
        if bias, let b = out.parameter("bias") { try noGrad { try b.zero() } }
        try registerModule("out_proj", out)
    }

    /// U(-a, a) with a = sqrt(6 / (fan_in + fan_out)) (`xavier_uniform_`).
    private func xavierUniform(_ shape: [Int]) throws -> Tensor {
        try initUniform(shape, bound: (6 / Double(shape[0] + shape[1])).squareRoot())
    }

    /// Attention of `query` [L, B, E] over `key` [S, B, kdim] / `value` [S, B, vdim] (batch first
    /// if configured): returns the output and, if `needWeights`, the attention weights
    /// ([B, L, S] averaged over heads, or [B, H, L, S]).
    public func forward(_ query: Tensor, _ key: Tensor, _ value: Tensor, keyPaddingMask: Tensor? = nil,
                        needWeights: Bool = true, attnMask: Tensor? = nil, averageAttnWeights: Bool = true,
                        isCausal: Bool = false) throws -> (output: Tensor, weights: Tensor?) {
        try forward(query, key, value, keyPaddingMask: keyPaddingMask, needWeights: needWeights, attnMask: attnMask,
                    averageAttnWeights: averageAttnWeights, isCausal: isCausal, outputScale: 1)
    }

    /// `forward` with the output multiplied by `outputScale` (folded into out_proj's weights:
    /// TransformerEncoderLayer's prescaled dropout).
    func forward(_ query: Tensor, _ key: Tensor, _ value: Tensor, keyPaddingMask: Tensor?, needWeights: Bool,
                 attnMask: Tensor?, averageAttnWeights: Bool, isCausal: Bool,
                 outputScale: Double) throws -> (output: Tensor, weights: Tensor?) {
        let unbatched = query.ndim == 2
        func toBatchFirst(_ t: Tensor) throws -> Tensor {
            unbatched ? try t.unsqueeze(0) : (batchFirst ? t : try t.transpose(0, 1))
        }
        let (q0, k0, v0) = (try toBatchFirst(query), try toBatchFirst(key), try toBatchFirst(value))
        guard q0.ndim == 3, k0.ndim == 3, v0.ndim == 3, q0.shape[2] == embedDim, k0.shape[2] == kdim, v0.shape[2] == vdim else {
            throw TensorError("MultiheadAttention", "expected query [.., \(embedDim)], key [.., \(kdim)], value [.., \(vdim)], got \(fmt(query.shape)), \(fmt(key.shape)), \(fmt(value.shape))")
        }
        let (b, l, s, h, hd) = (q0.shape[0], q0.shape[1], k0.shape[1], numHeads, embedDim / numHeads)
        let (wq, wk, wv) = try projectionWeights()
        let bias = try parameter("in_proj_bias")?.chunk(3, dim: 0)
        func heads(_ x: Tensor, _ w: Tensor, _ bi: Tensor?, _ len: Int) throws -> Tensor {
            try Functional.linear(x, w, bi).reshape([b, len, h, hd]).transpose(1, 2)  // [B, H, len, hd]
        }
        // Scales folded into the (small) projection weights instead of passes over activations:
        // 1/sqrt(hd) into q's (not over the [B, H, L, S] scores), and in training without
        // returned weights the dropout scale 1/(1-p) into v's, so the attention dropout only
        // selects (attn * mask * s) v = (attn * mask) (s v), keeping a bool mask for backward.
        let c = 1 / Double(hd).squareRoot()
        let prescaled = training && dropout > 0 && dropout < 1 && !needWeights
        let vs = prescaled ? 1 / (1 - dropout) : 1
        func scaled(_ t: Tensor?, _ f: Double) throws -> Tensor? { f == 1 ? t : try t?.mul(f) }
        let q = try heads(q0, try wq.mul(c), try scaled(bias?[0], c), l), k = try heads(k0, wk, bias?[1], s)
        let v = try heads(v0, try scaled(wv, vs) ?? wv, try scaled(bias?[2], vs), s)
        var scores = try q.matmul(try k.transpose(-2, -1))  // [B, H, L, S]
        if let m = attnMask { scores = try applyMask(scores, m, b: b, l: l, s: s) }
        if attnMask == nil && isCausal {
            scores = try scores.maskedFill(try Tensor.ones([l, s], dtype: .bool).triu(diagonal: 1), -.infinity)
        }
        var attn: Tensor
        if let kpm = keyPaddingMask {
            let m = try (unbatched ? try kpm.unsqueeze(0) : kpm).reshape([b, 1, 1, s])
            // A bool padding mask is applied inside the softmax (no masked copy of the scores).
            attn = m.dtype == .bool ? try scores.maskedSoftmaxLastDim(m) : try scores.add(m).softmax(dim: -1)
        } else {
            attn = try scores.softmax(dim: -1)
        }
        if prescaled {
            attn = try Functional.dropoutPrescaled(attn, p: dropout)
        } else if dropout > 0 && training {
            attn = try Functional.dropout(attn, p: dropout, training: true)
        }
        let ctx = try attn.matmul(v).transpose(1, 2).reshape([b, l, embedDim])
        guard let outProj = child("out_proj") else { throw TensorError("MultiheadAttention", "out_proj is missing") }
        var out: Tensor
        if outputScale != 1, let w = outProj.parameter("weight") {
            out = try Functional.linear(ctx, try w.mul(outputScale), try scaled(outProj.parameter("bias"), outputScale))
        } else {
            out = try outProj(ctx)
        }
        var weights: Tensor? = needWeights ? (averageAttnWeights ? try attn.mean(dims: [1]) : attn) : nil
        if unbatched {
            out = try out.squeeze([0])
            weights = try weights?.squeeze([0])
        } else if !batchFirst {
            out = try out.transpose(0, 1)
        }
        return (out, weights)
    }

    private func projectionWeights() throws -> (Tensor, Tensor, Tensor) {
        if let w = parameter("in_proj_weight") {
            let c = try w.chunk(3, dim: 0)
            return (c[0], c[1], c[2])
        }
        guard let q = parameter("q_proj_weight"), let k = parameter("k_proj_weight"), let v = parameter("v_proj_weight") else {
            throw TensorError("MultiheadAttention", "projection weights are missing")
        }
        return (q, k, v)
    }

    /// attn_mask [L, S] or [B*H, L, S]: bool True = not allowed, float = added.
    private func applyMask(_ scores: Tensor, _ m: Tensor, b: Int, l: Int, s: Int) throws -> Tensor {
        let shaped: Tensor
        if m.ndim == 2 {
            guard m.shape == [l, s] else { throw TensorError("MultiheadAttention", "The shape of the 2D attn_mask is \(fmt(m.shape)), but should be \(fmt([l, s])).") }
            shaped = m
        } else {
            guard m.shape == [b * numHeads, l, s] else {
                throw TensorError("MultiheadAttention", "The shape of the 3D attn_mask is \(fmt(m.shape)), but should be \(fmt([b * numHeads, l, s])).")
            }
            shaped = try m.reshape([b, numHeads, l, s])
        }
        return shaped.dtype == .bool ? try scores.maskedFill(shaped, -.infinity) : try scores.add(shaped)
    }

    public override func forward(_ x: Tensor) throws -> Tensor { try forward(x, x, x, needWeights: false).output }

    public override var extraRepr: String { "" }
}
