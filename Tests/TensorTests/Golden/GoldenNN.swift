import Tensor

/// torch.nn.functional names of the layers issue, added as they are implemented.
enum GoldenNN {
    static let table: [String: GoldenOps.Fn] = [
        "F.softmax": { a in .tensor(try a.tensor(0, "input").softmax(dim: try a.int(1, "dim"))) },
        "F.log_softmax": { a in .tensor(try a.tensor(0, "input").logSoftmax(dim: try a.int(1, "dim"))) },
        "torch.softmax": { a in .tensor(try a.tensor(0, "input").softmax(dim: try a.int(1, "dim"))) },
        "torch.log_softmax": { a in .tensor(try a.tensor(0, "input").logSoftmax(dim: try a.int(1, "dim"))) },
        "F.linear": { a in .tensor(try Functional.linear(try a.tensor(0, "input"), try a.tensor(1, "weight"), try a.optTensor(2, "bias"))) },
        "F.layer_norm": { a in
            .tensor(try Functional.layerNorm(try a.tensor(0, "input"), try a.ints(1, "normalized_shape") ?? [],
                                             weight: try a.optTensor(2, "weight"), bias: try a.optTensor(3, "bias"),
                                             eps: try a.double(4, "eps", 1e-5)))
        },
        "F.dropout": { a in
            .tensor(try Functional.dropout(try a.tensor(0, "input"), p: try a.double(1, "p", 0.5), training: try a.bool(2, "training", true)))
        },
        "F.cross_entropy": { a in
            .tensor(try Functional.crossEntropy(try a.tensor(0, "input"), try a.tensor(1, "target"), weight: try a.optTensor(2, "weight"),
                                                ignoreIndex: try a.int(4, "ignore_index", -100),
                                                reduction: try reduction(a, 6), labelSmoothing: try a.double(7, "label_smoothing", 0)))
        },
        "F.nll_loss": { a in
            .tensor(try Functional.nllLoss(try a.tensor(0, "input"), try a.tensor(1, "target"), weight: try a.optTensor(2, "weight"),
                                           ignoreIndex: try a.int(4, "ignore_index", -100), reduction: try reduction(a, 6)))
        },
        "F.mse_loss": { a in .tensor(try Functional.mseLoss(try a.tensor(0, "input"), try a.tensor(1, "target"), reduction: try reduction(a, 4))) },
        "F.l1_loss": { a in .tensor(try Functional.l1Loss(try a.tensor(0, "input"), try a.tensor(1, "target"), reduction: try reduction(a, 4))) },
        "F.binary_cross_entropy_with_logits": { a in
            .tensor(try Functional.binaryCrossEntropyWithLogits(try a.tensor(0, "input"), try a.tensor(1, "target"),
                                                                weight: try a.optTensor(2, "weight"), posWeight: try a.optTensor(6, "pos_weight"),
                                                                reduction: try reduction(a, 5)))
        },
        "F.scaled_dot_product_attention": { a in
            .tensor(try Functional.scaledDotProductAttention(try a.tensor(0, "query"), try a.tensor(1, "key"), try a.tensor(2, "value"),
                                                             attnMask: try a.optTensor(3, "attn_mask"), dropoutP: try a.double(4, "dropout_p", 0),
                                                             isCausal: try a.bool(5, "is_causal", false), scale: try a.optDouble(6, "scale")))
        },
        "torch.nn.utils.rnn.pad_sequence": { a in
            .tensor(try Functional.padSequence(try GoldenOps.tensorList(a.value(0, "sequences")), batchFirst: try a.bool(1, "batch_first", false),
                                               paddingValue: try a.double(2, "padding_value", 0),
                                               paddingSide: try a.string(3, "padding_side", "right")))
        },
        "F.batch_norm": { a in
            .tensor(try Functional.batchNorm(try a.tensor(0, "input"), runningMean: try a.optTensor(1, "running_mean"),
                                             runningVar: try a.optTensor(2, "running_var"), weight: try a.optTensor(3, "weight"),
                                             bias: try a.optTensor(4, "bias"), training: try a.bool(5, "training", false),
                                             momentum: try a.double(6, "momentum", 0.1), eps: try a.double(7, "eps", 1e-5)))
        },
        "F.ctc_loss": { a in
            func lengths(_ i: Int, _ name: String) throws -> [Int] {
                guard let v = a.value(i, name) else { throw PyParseError(message: "missing \(name)") }
                if case .tensor(let t) = v { return t.toIntArray().map(Int.init) }
                return try PyEval.toInts(v)
            }
            return .tensor(try Functional.ctcLoss(try a.tensor(0, "log_probs"), try a.tensor(1, "targets"),
                                                  inputLengths: try lengths(2, "input_lengths"), targetLengths: try lengths(3, "target_lengths"),
                                                  blank: try a.int(4, "blank", 0), reduction: try reduction(a, 5),
                                                  zeroInfinity: try a.bool(6, "zero_infinity", false)))
        },
        "F.conv1d": { a in try conv(a, dims: 1) },
        "F.conv2d": { a in try conv(a, dims: 2) },
        "F.max_pool1d": { a in
            let r = try Functional.maxPool1d(try a.tensor(0, "input"), kernelSize: try a.int(1, "kernel_size"),
                                             stride: try a.optInt(2, "stride"), padding: try a.int(3, "padding", 0),
                                             dilation: try a.int(4, "dilation", 1), ceilMode: try a.bool(5, "ceil_mode", false))
            return try a.bool(6, "return_indices", false) ? .tuple([.tensor(r.values), .tensor(r.indices)]) : .tensor(r.values)
        },
        "F.max_pool2d": { a in
            let k = try pair(a, 1, "kernel_size")
            let r = try Functional.maxPool2d(try a.tensor(0, "input"), kernelSize: k ?? [1, 1], stride: try pair(a, 2, "stride"),
                                             padding: try pair(a, 3, "padding") ?? [0, 0], dilation: try pair(a, 4, "dilation") ?? [1, 1],
                                             ceilMode: try a.bool(5, "ceil_mode", false))
            return try a.bool(6, "return_indices", false) ? .tuple([.tensor(r.values), .tensor(r.indices)]) : .tensor(r.values)
        },
        "F.avg_pool1d": { a in
            .tensor(try Functional.avgPool1d(try a.tensor(0, "input"), kernelSize: try a.int(1, "kernel_size"), stride: try a.optInt(2, "stride"),
                                             padding: try a.int(3, "padding", 0), ceilMode: try a.bool(4, "ceil_mode", false),
                                             countIncludePad: try a.bool(5, "count_include_pad", true)))
        },
    ]

    /// An int or a pair of ints (`kernel_size=2`, `stride=(1, 2)`) as two ints.
    static func pair(_ a: PyArgs, _ i: Int, _ name: String) throws -> [Int]? {
        guard let v = try a.ints(i, name) else { return nil }
        return v.count == 1 ? [v[0], v[0]] : v
    }

    static func conv(_ a: PyArgs, dims: Int) throws -> PyValue {
        let x = try a.tensor(0, "input"), w = try a.tensor(1, "weight"), b = try a.optTensor(2, "bias")
        var mode: String? = nil
        var padding = [Int](repeating: 0, count: dims)
        if case .str(let s)? = a.value(4, "padding") { mode = s } else if let p = try a.ints(4, "padding") {
            padding = p.count == 1 ? [Int](repeating: p[0], count: dims) : p
        }
        func spread(_ v: [Int]?, _ d: Int) -> [Int] {
            guard let v = v else { return [Int](repeating: d, count: dims) }
            return v.count == 1 ? [Int](repeating: v[0], count: dims) : v
        }
        let stride = spread(try a.ints(3, "stride"), 1), dilation = spread(try a.ints(5, "dilation"), 1)
        let groups = try a.int(6, "groups", 1)
        if dims == 1 {
            return .tensor(try Functional.conv1d(x, w, b, stride: stride[0], padding: padding[0], paddingMode: mode,
                                                 dilation: dilation[0], groups: groups))
        }
        return .tensor(try Functional.conv2d(x, w, b, stride: stride, padding: padding, paddingMode: mode,
                                             dilation: dilation, groups: groups))
    }

    static func reduction(_ a: PyArgs, _ pos: Int) throws -> Reduction {
        try Reduction(parsing: try a.string(pos, "reduction", "mean"), op: "loss")
    }
}
