/// One Transformer encoder block (`nn.TransformerEncoderLayer`): self-attention and a
/// feed-forward net, each with residual, dropout and LayerNorm (after, or before with `normFirst`).
public final class TransformerEncoderLayer: Module {
    public let dModel: Int, nhead: Int, dimFeedforward: Int, dropoutP: Double, activation: String
    public let layerNormEps: Double, batchFirst: Bool, normFirst: Bool, bias: Bool

    public init(dModel: Int, nhead: Int, dimFeedforward: Int = 2048, dropout: Double = 0.1, activation: String = "relu",
                layerNormEps: Double = 1e-5, batchFirst: Bool = false, normFirst: Bool = false, bias: Bool = true) throws {
        guard activation == "relu" || activation == "gelu" else {
            throw TensorError("TransformerEncoderLayer", "activation should be relu/gelu, not \(activation)")
        }
        (self.dModel, self.nhead, self.dimFeedforward, self.dropoutP, self.activation) = (dModel, nhead, dimFeedforward, dropout, activation)
        (self.layerNormEps, self.batchFirst, self.normFirst, self.bias) = (layerNormEps, batchFirst, normFirst, bias)
        super.init()
        try registerModule("self_attn", try MultiheadAttention(dModel, nhead, dropout: dropout, bias: bias, batchFirst: batchFirst))
        try registerModule("linear1", try Linear(dModel, dimFeedforward, bias: bias))
        try registerModule("dropout", try Dropout(dropout))
        try registerModule("linear2", try Linear(dimFeedforward, dModel, bias: bias))
        try registerModule("norm1", try LayerNorm([dModel], eps: layerNormEps, bias: bias))
        try registerModule("norm2", try LayerNorm([dModel], eps: layerNormEps, bias: bias))
        try registerModule("dropout1", try Dropout(dropout))
        try registerModule("dropout2", try Dropout(dropout))
    }

    /// A new layer with the same configuration and copied values (PyTorch deep-copies the layer).
    public func copy() throws -> TransformerEncoderLayer {
        let c = try TransformerEncoderLayer(dModel: dModel, nhead: nhead, dimFeedforward: dimFeedforward, dropout: dropoutP,
                                            activation: activation, layerNormEps: layerNormEps, batchFirst: batchFirst,
                                            normFirst: normFirst, bias: bias)
        try c.loadStateDict(Dictionary(uniqueKeysWithValues: stateDict()))
        return c.train(training)
    }

    /// The layer on `src` ([B, T, d] if batch first, else [T, B, d]) with optional attention and key
    /// padding masks (`layer(src, src_mask=, src_key_padding_mask=, is_causal=)`).
    public func forward(_ src: Tensor, srcMask: Tensor? = nil, srcKeyPaddingMask: Tensor? = nil,
                        isCausal: Bool = false) throws -> Tensor {
        guard let attn = child("self_attn") as? MultiheadAttention, let n1 = child("norm1"), let n2 = child("norm2") else {
            throw TensorError("TransformerEncoderLayer", "submodules are missing")
        }
        // Training-mode dropouts run "prescaled": their 1/(1-p) is folded into the weights of the
        // linear map before them (scaling a [out, in] weight instead of an activation), so each
        // dropout only selects, saves a bool mask (or nothing, fused with relu), and no float
        // mask or second copy of the activation stays alive until backward.
        func prescale(_ name: String) -> Double? {
            guard let d = child(name) as? Dropout, d.training, d.p > 0, d.p < 1 else { return nil }
            return d.p
        }
        func sa(_ x: Tensor) throws -> Tensor {
            let p1 = prescale("dropout1")
            let r = try attn.forward(x, x, x, keyPaddingMask: srcKeyPaddingMask, needWeights: false, attnMask: srcMask,
                                     averageAttnWeights: true, isCausal: isCausal, outputScale: p1.map { 1 / (1 - $0) } ?? 1)
            if let p1 { return try Functional.dropoutPrescaled(r.output, p: p1) }
            return try child("dropout1")?.forward(r.output) ?? r.output
        }
        func linear(_ m: Module, _ x: Tensor, scale: Double?) throws -> Tensor {
            guard let s = scale, let w = m.parameter("weight") else { return try m(x) }
            return try Functional.linear(x, try w.mul(s), try m.parameter("bias")?.mul(s))
        }
        func ff(_ x: Tensor) throws -> Tensor {
            guard let l1 = child("linear1"), let l2 = child("linear2"), let d = child("dropout"), let d2 = child("dropout2") else {
                throw TensorError("TransformerEncoderLayer", "feed-forward submodules are missing")
            }
            let (p, p2) = (prescale("dropout"), prescale("dropout2"))
            let act: Tensor
            if activation == "relu", let p {
                act = try Functional.reluDropoutPrescaled(try linear(l1, x, scale: 1 / (1 - p)), p: p)
            } else {
                let hidden = try l1(x)
                act = try d(activation == "gelu" ? try hidden.gelu() : hidden.relu())
            }
            if let p2 { return try Functional.dropoutPrescaled(try linear(l2, act, scale: 1 / (1 - p2)), p: p2) }
            return try d2(try l2(act))
        }
        var x = src
        if normFirst {
            x = try x.add(try sa(try n1(x)))
            x = try x.add(try ff(try n2(x)))
        } else {
            x = try n1(try x.add(try sa(x)))
            x = try n2(try x.add(try ff(x)))
        }
        return x
    }

    public override func forward(_ x: Tensor) throws -> Tensor { try forward(x, srcMask: nil) }
}

/// A stack of encoder layers (children `layers.0`, `layers.1`, ...) and an optional final `norm`
/// (`nn.TransformerEncoder`).
public final class TransformerEncoder: Module {
    public let numLayers: Int

    public init(_ layer: TransformerEncoderLayer, numLayers: Int, norm: Module? = nil) throws {
        self.numLayers = numLayers
        super.init()
        try registerModule("layers", try ModuleList(try (0..<numLayers).map { _ in try layer.copy() }))
        try registerModule("norm", norm)
    }

    /// All layers in order, then the final norm (`encoder(src, mask=, src_key_padding_mask=)`).
    public func forward(_ src: Tensor, mask: Tensor? = nil, srcKeyPaddingMask: Tensor? = nil, isCausal: Bool = false) throws -> Tensor {
        var x = src
        for case let layer as TransformerEncoderLayer in child("layers")?.children() ?? [] {
            x = try layer.forward(x, srcMask: mask, srcKeyPaddingMask: srcKeyPaddingMask, isCausal: isCausal)
        }
        if let n = child("norm") { x = try n(x) }
        return x
    }

    public override func forward(_ x: Tensor) throws -> Tensor { try forward(x, mask: nil) }
}
