import Tensor

/// torch.nn module constructors, module calls, optimizers and clipping for the golden runner.
enum GoldenModules {
    static let table: [String: GoldenOps.Fn] = [
        "torch.nn.Linear": { a in
            .module(try Linear(try a.int(0, "in_features"), try a.int(1, "out_features"), bias: try a.bool(2, "bias", true)))
        },
        "torch.nn.Embedding": { a in
            .module(try Embedding(try a.int(0, "num_embeddings"), try a.int(1, "embedding_dim"), paddingIdx: try a.optInt(2, "padding_idx")))
        },
        "torch.nn.LayerNorm": { a in
            .module(try LayerNorm(try a.ints(0, "normalized_shape") ?? [], eps: try a.double(1, "eps", 1e-5),
                                  elementwiseAffine: try a.bool(2, "elementwise_affine", true), bias: try a.bool(3, "bias", true)))
        },
        "torch.nn.MultiheadAttention": { a in
            .module(try MultiheadAttention(try a.int(0, "embed_dim"), try a.int(1, "num_heads"), dropout: try a.double(2, "dropout", 0),
                                           bias: try a.bool(3, "bias", true), kdim: try a.optInt(6, "kdim"), vdim: try a.optInt(7, "vdim"),
                                           batchFirst: try a.bool(8, "batch_first", false)))
        },
        "torch.nn.TransformerEncoderLayer": { a in
            .module(try TransformerEncoderLayer(dModel: try a.int(0, "d_model"), nhead: try a.int(1, "nhead"),
                                                dimFeedforward: try a.int(2, "dim_feedforward", 2048), dropout: try a.double(3, "dropout", 0.1),
                                                activation: try a.string(4, "activation", "relu"), layerNormEps: try a.double(5, "layer_norm_eps", 1e-5),
                                                batchFirst: try a.bool(6, "batch_first", false), normFirst: try a.bool(7, "norm_first", false),
                                                bias: try a.bool(8, "bias", true)))
        },
        "torch.nn.TransformerEncoder": { a in
            guard case .module(let layer as TransformerEncoderLayer)? = a.value(0, "encoder_layer") else {
                throw PyParseError(message: "TransformerEncoder needs an encoder layer")
            }
            var norm: Module? = nil
            if case .module(let n)? = a.value(2, "norm") { norm = n }
            return .module(try TransformerEncoder(layer, numLayers: try a.int(1, "num_layers"), norm: norm))
        },
        "torch.nn.LSTM": { a in try rnn(a, .lstm) },
        "torch.nn.GRU": { a in try rnn(a, .gru) },
        "torch.nn.utils.rnn.pack_padded_sequence": { a in
            .packed(try Functional.packPaddedSequence(try a.tensor(0, "input"), lengths: try a.tensor(1, "lengths").toIntArray().map(Int.init),
                                                      batchFirst: try a.bool(2, "batch_first", false), enforceSorted: try a.bool(3, "enforce_sorted", true)))
        },
        "torch.nn.utils.rnn.pad_packed_sequence": { a in
            guard case .packed(let p)? = a.value(0, "sequence") else { throw PyParseError(message: "pad_packed_sequence needs a packed sequence") }
            let (x, lengths) = try Functional.padPackedSequence(p, batchFirst: try a.bool(1, "batch_first", false),
                                                                paddingValue: try a.double(2, "padding_value", 0), totalLength: try a.optInt(3, "total_length"))
            return .tuple([.tensor(x), .tensor(lengths)])
        },
        "torch.nn.Conv1d": { a in try conv(a, dims: 1) },
        "torch.nn.Conv2d": { a in try conv(a, dims: 2) },
        "torch.optim.SGD": { a in
            .optimizer(try SGD(try groups(a), lr: try a.double(1, "lr", 1e-3), momentum: try a.double(2, "momentum", 0),
                               dampening: try a.double(3, "dampening", 0), weightDecay: try a.double(4, "weight_decay", 0),
                               nesterov: try a.bool(5, "nesterov", false)))
        },
        "torch.optim.Adam": { a in try adam(a, decoupled: false) },
        "torch.optim.AdamW": { a in try adam(a, decoupled: true) },
        "torch.optim.RMSprop": { a in
            .optimizer(try RMSprop(try groups(a), lr: try a.double(1, "lr", 1e-2), alpha: try a.double(2, "alpha", 0.99),
                                   eps: try a.double(3, "eps", 1e-8), weightDecay: try a.double(4, "weight_decay", 0),
                                   momentum: try a.double(5, "momentum", 0), centered: try a.bool(6, "centered", false)))
        },
        "torch.optim.Adagrad": { a in
            .optimizer(try Adagrad(try groups(a), lr: try a.double(1, "lr", 1e-2), lrDecay: try a.double(2, "lr_decay", 0),
                                   weightDecay: try a.double(3, "weight_decay", 0),
                                   initialAccumulatorValue: try a.double(4, "initial_accumulator_value", 0), eps: try a.double(5, "eps", 1e-10)))
        },
        "torch.nn.utils.clip_grad_norm_": { a in
            .tensor(try Clip.gradNorm(try GoldenOps.tensorList(a.value(0, "parameters")), maxNorm: try a.double(1, "max_norm"),
                                      normType: try a.double(2, "norm_type", 2), errorIfNonfinite: try a.bool(3, "error_if_nonfinite", false)))
        },
        "torch.nn.utils.clip_grad_value_": { a in
            try Clip.gradValue(try GoldenOps.tensorList(a.value(0, "parameters")), clipValue: try a.double(1, "clip_value"))
            return .none
        },
    ]

    /// `m(x)` for modules that take one tensor; RNNs also take `(h0, c0)` / `h0` and packed input.
    static func call(_ m: Module, _ a: PyArgs) throws -> PyValue {
        if let r = m as? RNN { return try callRNN(r, a) }
        if let mha = m as? MultiheadAttention {
            let r = try mha.forward(try a.tensor(0, "query"), try a.tensor(1, "key"), try a.tensor(2, "value"),
                                    keyPaddingMask: try a.optTensor(3, "key_padding_mask"), needWeights: try a.bool(4, "need_weights", true),
                                    attnMask: try a.optTensor(5, "attn_mask"), averageAttnWeights: try a.bool(6, "average_attn_weights", true),
                                    isCausal: try a.bool(7, "is_causal", false))
            return .tuple([.tensor(r.output), r.weights.map { .tensor($0) } ?? .none])
        }
        if let layer = m as? TransformerEncoderLayer {
            return .tensor(try layer.forward(try a.tensor(0, "src"), srcMask: try a.optTensor(1, "src_mask"),
                                             srcKeyPaddingMask: try a.optTensor(2, "src_key_padding_mask"), isCausal: try a.bool(3, "is_causal", false)))
        }
        if let enc = m as? TransformerEncoder {
            return .tensor(try enc.forward(try a.tensor(0, "src"), mask: try a.optTensor(1, "mask"),
                                           srcKeyPaddingMask: try a.optTensor(2, "src_key_padding_mask"), isCausal: try a.bool(3, "is_causal", false)))
        }
        guard a.pos.count == 1, a.kw.isEmpty else { throw NotImplemented(what: "\(m.typeName) call with these arguments") }
        return .tensor(try m.forward(try a.tensor(0, "input")))
    }

    static func rnn(_ a: PyArgs, _ mode: RNN.Mode) throws -> PyValue {
        .module(try RNN(mode, inputSize: try a.int(0, "input_size"), hiddenSize: try a.int(1, "hidden_size"),
                        numLayers: try a.int(2, "num_layers", 1), bias: try a.bool(3, "bias", true),
                        batchFirst: try a.bool(4, "batch_first", false), dropout: try a.double(5, "dropout", 0),
                        bidirectional: try a.bool(6, "bidirectional", false)))
    }

    static func callRNN(_ m: RNN, _ a: PyArgs) throws -> PyValue {
        var packed: PackedSequence? = nil, x: Tensor? = nil
        switch a.value(0, "input") {
        case .packed(let p)?: packed = p
        case let v?: x = try PyEval.toTensor(v)
        case nil: throw PyParseError(message: "missing input")
        }
        var h0: Tensor? = nil, c0: Tensor? = nil
        switch a.value(1, "hx") {
        case .tuple(let hc)?: (h0, c0) = (try PyEval.toTensor(hc[0]), try PyEval.toTensor(hc[1]))
        case .tensor(let h)?: h0 = h
        default: break
        }
        let out: PyValue, h: Tensor, c: Tensor?
        if let p = packed {
            let r = try m.forward(p, h0: h0, c0: c0)
            (out, h, c) = (.packed(r.output), r.h, r.c)
        } else if let x = x {
            let r = try m.forward(x, h0: h0, c0: c0)
            (out, h, c) = (.tensor(r.output), r.h, r.c)
        } else {
            throw PyParseError(message: "missing input")
        }
        if let c = c { return .tuple([out, .tuple([.tensor(h), .tensor(c)])]) }
        return .tuple([out, .tensor(h)])
    }

    static func conv(_ a: PyArgs, dims: Int) throws -> PyValue {
        func spread(_ v: [Int]?, _ d: Int) -> [Int] {
            guard let v = v else { return [Int](repeating: d, count: dims) }
            return v.count == 1 ? [Int](repeating: v[0], count: dims) : v
        }
        var mode: String? = nil
        var padding: [Int]? = nil
        if case .str(let s)? = a.value(4, "padding") { mode = s } else { padding = spread(try a.ints(4, "padding"), 0) }
        return .module(try Conv(try a.int(0, "in_channels"), try a.int(1, "out_channels"), kernelSize: spread(try a.ints(2, "kernel_size"), 1),
                                stride: spread(try a.ints(3, "stride"), 1), padding: padding, paddingMode: mode,
                                dilation: spread(try a.ints(5, "dilation"), 1), groups: try a.int(6, "groups", 1),
                                bias: try a.bool(7, "bias", true)))
    }

    static func adam(_ a: PyArgs, decoupled: Bool) throws -> PyValue {
        var betas = (0.9, 0.999)
        if let b = a.value(2, "betas") {
            guard case .tuple(let xs) = b, xs.count == 2 else { throw PyParseError(message: "betas must be a pair") }
            betas = (try PyEval.toDouble(xs[0]), try PyEval.toDouble(xs[1]))
        }
        return .optimizer(try Adam(try groups(a), lr: try a.double(1, "lr", 1e-3), betas: betas, eps: try a.double(3, "eps", 1e-8),
                                   weightDecay: try a.double(4, "weight_decay", decoupled ? 1e-2 : 0),
                                   amsgrad: try a.bool(5, "amsgrad", false), decoupledWeightDecay: decoupled))
    }

    /// A list of tensors, or a list of dicts with "params" and per-group options.
    static func groups(_ a: PyArgs) throws -> [ParamGroup] {
        guard case .list(let items)? = a.value(0, "params") else { throw PyParseError(message: "params must be a list") }
        if items.allSatisfy({ if case .tensor = $0 { return true }; return false }) {
            return [ParamGroup(params: try items.map { try PyEval.toTensor($0) })]
        }
        return try items.map { item in
            guard case .dict(let pairs) = item else { throw PyParseError(message: "param group must be a dict") }
            var g = ParamGroup(params: [])
            for (k, v) in pairs {
                if k == "params" { g.params = try GoldenOps.tensorList(v) } else { g.options[k] = try PyEval.toDouble(v) }
            }
            return g
        }
    }
}
