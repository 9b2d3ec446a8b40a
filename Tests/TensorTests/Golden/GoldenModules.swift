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

    /// `m(x)` for modules that take one tensor.
    static func call(_ m: Module, _ a: PyArgs) throws -> PyValue {
        guard a.pos.count == 1, a.kw.isEmpty else { throw NotImplemented(what: "\(m.typeName) call with these arguments") }
        return .tensor(try m.forward(try a.tensor(0, "input")))
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
