import Interpreter
import Tensor

/// `torch.nn.functional` (F) under PyTorch's names and signatures.
enum FunctionalBindings {
    /// F functions that are also tensor methods (`x.relu()`, `x.softmax(-1)`).
    static let methodNames = ["relu", "gelu", "silu", "leaky_relu", "elu", "softplus", "softmax", "log_softmax"]

    static func asMethod(_ name: String) -> Binding? { methodNames.contains(name) ? table[name] : nil }

    static func reduction(_ a: Args, _ name: String = "reduction") throws -> Reduction {
        try Reduction(parsing: try a.string(name, "mean"), op: a.fname)
    }

    static let table: BindingTable = {
        var t = activations
        for (k, v) in layers { t[k] = v }
        for (k, v) in losses { t[k] = v }
        for (k, v) in convolution { t[k] = v }
        return t
    }()

    static let activations: BindingTable = [
        "relu": Binding(["input", "inplace"]) { a in Convert.wrap(try a.tensor("input").relu()) },
        "gelu": Binding(["input", "approximate"]) { a in Convert.wrap(try a.tensor("input").gelu(approximate: try a.string("approximate", "none"))) },
        "silu": Binding(["input", "inplace"]) { a in Convert.wrap(try a.tensor("input").silu()) },
        "tanh": unaryBinding { $0.tanh() },
        "sigmoid": unaryBinding { $0.sigmoid() },
        "leaky_relu": Binding(["input", "negative_slope", "inplace"]) { a in
            Convert.wrap(try a.tensor("input").leakyRelu(negativeSlope: try a.double("negative_slope", 0.01)))
        },
        "elu": Binding(["input", "alpha", "inplace"]) { a in Convert.wrap(try a.tensor("input").elu(alpha: try a.double("alpha", 1))) },
        "softplus": Binding(["input", "beta", "threshold"]) { a in
            Convert.wrap(try a.tensor("input").softplus(beta: try a.double("beta", 1), threshold: try a.double("threshold", 20)))
        },
        "softmax": Binding(["input", "dim", "_stacklevel", "dtype"]) { a in Convert.wrap(try a.tensor("input").softmax(dim: try a.int("dim"))) },
        "log_softmax": Binding(["input", "dim", "_stacklevel", "dtype"]) { a in
            Convert.wrap(try a.tensor("input").logSoftmax(dim: try a.int("dim")))
        },
    ]

    static let layers: BindingTable = [
        "linear": Binding(["input", "weight", "bias"]) { a in
            Convert.wrap(try Functional.linear(try a.tensor("input"), try a.tensor("weight"), try a.optTensor("bias")))
        },
        "layer_norm": Binding(["input", "normalized_shape", "weight", "bias", "eps"]) { a in
            Convert.wrap(try Functional.layerNorm(try a.tensor("input"), try a.ints("normalized_shape") ?? [], weight: try a.optTensor("weight"),
                                                  bias: try a.optTensor("bias"), eps: try a.double("eps", 1e-5)))
        },
        "batch_norm": Binding(["input", "running_mean", "running_var", "weight", "bias", "training", "momentum", "eps"]) { a in
            Convert.wrap(try Functional.batchNorm(try a.tensor("input"), runningMean: try a.optTensor("running_mean"),
                                                  runningVar: try a.optTensor("running_var"), weight: try a.optTensor("weight"),
                                                  bias: try a.optTensor("bias"), training: try a.bool("training", false),
                                                  momentum: try a.double("momentum", 0.1), eps: try a.double("eps", 1e-5)))
        },
        "dropout": Binding(["input", "p", "training", "inplace"]) { a in
            Convert.wrap(try Functional.dropout(try a.tensor("input"), p: try a.double("p", 0.5), training: try a.bool("training", true)))
        },
        "embedding": Binding(["input", "weight", "padding_idx"]) { a in
            Convert.wrap(try Tensor.embedding(try a.tensor("input"), try a.tensor("weight"), paddingIdx: try a.optInt("padding_idx")))
        },
        "pad": Binding(["input", "pad", "mode", "value"]) { a in
            guard try a.string("mode", "constant") == "constant" else { throw ScriptError("NotImplementedError", "pad: only mode='constant' is supported by mrsh") }
            return Convert.wrap(try a.tensor("input").pad(try a.ints("pad") ?? [], value: try a.double("value", 0)))
        },
        "one_hot": Binding(["input", "num_classes"]) { a in
            Convert.wrap(try Functional.oneHot(try a.tensor("input"), numClasses: try a.int("num_classes", -1)))
        },
        "scaled_dot_product_attention": Binding(["query", "key", "value", "attn_mask", "dropout_p", "is_causal", "scale"]) { a in
            Convert.wrap(try Functional.scaledDotProductAttention(try a.tensor("query"), try a.tensor("key"), try a.tensor("value"),
                                                                  attnMask: try a.optTensor("attn_mask"), dropoutP: try a.double("dropout_p", 0),
                                                                  isCausal: try a.bool("is_causal", false), scale: try a.optDouble("scale")))
        },
    ]

    static let losses: BindingTable = [
        "cross_entropy": Binding(["input", "target", "weight", "size_average", "ignore_index", "reduce", "reduction", "label_smoothing"]) { a in
            Convert.wrap(try Functional.crossEntropy(try a.tensor("input"), try a.tensor("target"), weight: try a.optTensor("weight"),
                                                     ignoreIndex: try a.int("ignore_index", -100), reduction: try reduction(a),
                                                     labelSmoothing: try a.double("label_smoothing", 0)))
        },
        "nll_loss": Binding(["input", "target", "weight", "size_average", "ignore_index", "reduce", "reduction"]) { a in
            Convert.wrap(try Functional.nllLoss(try a.tensor("input"), try a.tensor("target"), weight: try a.optTensor("weight"),
                                                ignoreIndex: try a.int("ignore_index", -100), reduction: try reduction(a)))
        },
        "mse_loss": Binding(["input", "target", "size_average", "reduce", "reduction"]) { a in
            Convert.wrap(try Functional.mseLoss(try a.tensor("input"), try a.tensor("target"), reduction: try reduction(a)))
        },
        "l1_loss": Binding(["input", "target", "size_average", "reduce", "reduction"]) { a in
            Convert.wrap(try Functional.l1Loss(try a.tensor("input"), try a.tensor("target"), reduction: try reduction(a)))
        },
        "binary_cross_entropy_with_logits": Binding(["input", "target", "weight", "size_average", "reduce", "reduction", "pos_weight"]) { a in
            Convert.wrap(try Functional.binaryCrossEntropyWithLogits(try a.tensor("input"), try a.tensor("target"), weight: try a.optTensor("weight"),
                                                                     posWeight: try a.optTensor("pos_weight"), reduction: try reduction(a)))
        },
        "ctc_loss": Binding(["log_probs", "targets", "input_lengths", "target_lengths", "blank", "reduction", "zero_infinity"]) { a in
            func lengths(_ name: String) throws -> [Int] {
                if case .host(let h as TensorObject)? = a.value(name) { return h.t.toIntArray().map(Int.init) }
                return try a.ints(name) ?? []
            }
            return Convert.wrap(try Functional.ctcLoss(try a.tensor("log_probs"), try a.tensor("targets"),
                                                       inputLengths: try lengths("input_lengths"), targetLengths: try lengths("target_lengths"),
                                                       blank: try a.int("blank", 0), reduction: try reduction(a),
                                                       zeroInfinity: try a.bool("zero_infinity", false)))
        },
    ]

    /// An int or a pair (`kernel_size=2`, `stride=(1, 2)`) spread to `n` ints.
    static func spread(_ a: Args, _ name: String, _ n: Int, _ dflt: Int) throws -> [Int] {
        guard let v = try a.ints(name) else { return [Int](repeating: dflt, count: n) }
        return v.count == 1 ? [Int](repeating: v[0], count: n) : v
    }

    static let convolution: BindingTable = [
        "conv1d": convBinding(dims: 1), "conv2d": convBinding(dims: 2),
        "max_pool1d": Binding(["input", "kernel_size", "stride", "padding", "dilation", "ceil_mode", "return_indices"]) { a in
            let r = try Functional.maxPool1d(try a.tensor("input"), kernelSize: try a.int("kernel_size"), stride: try a.optInt("stride"),
                                             padding: try a.int("padding", 0), dilation: try a.int("dilation", 1),
                                             ceilMode: try a.bool("ceil_mode", false))
            return try a.bool("return_indices", false) ? .tuple([Convert.wrap(r.values), Convert.wrap(r.indices)]) : Convert.wrap(r.values)
        },
        "max_pool2d": Binding(["input", "kernel_size", "stride", "padding", "dilation", "ceil_mode", "return_indices"]) { a in
            let r = try Functional.maxPool2d(try a.tensor("input"), kernelSize: try spread(a, "kernel_size", 2, 1),
                                             stride: a.has("stride") ? try spread(a, "stride", 2, 1) : nil,
                                             padding: try spread(a, "padding", 2, 0), dilation: try spread(a, "dilation", 2, 1),
                                             ceilMode: try a.bool("ceil_mode", false))
            return try a.bool("return_indices", false) ? .tuple([Convert.wrap(r.values), Convert.wrap(r.indices)]) : Convert.wrap(r.values)
        },
        "avg_pool1d": Binding(["input", "kernel_size", "stride", "padding", "ceil_mode", "count_include_pad"]) { a in
            Convert.wrap(try Functional.avgPool1d(try a.tensor("input"), kernelSize: try a.int("kernel_size"), stride: try a.optInt("stride"),
                                                  padding: try a.int("padding", 0), ceilMode: try a.bool("ceil_mode", false),
                                                  countIncludePad: try a.bool("count_include_pad", true)))
        },
    ]

    static func convBinding(dims: Int) -> Binding {
        Binding(["input", "weight", "bias", "stride", "padding", "dilation", "groups"]) { a in
            let (x, w, b) = (try a.tensor("input"), try a.tensor("weight"), try a.optTensor("bias"))
            var mode: String? = nil
            var padding = [Int](repeating: 0, count: dims)
            if case .str(let s)? = a.value("padding") { mode = s } else { padding = try spread(a, "padding", dims, 0) }
            let stride = try spread(a, "stride", dims, 1), dilation = try spread(a, "dilation", dims, 1)
            let groups = try a.int("groups", 1)
            if dims == 1 {
                return Convert.wrap(try Functional.conv1d(x, w, b, stride: stride[0], padding: padding[0], paddingMode: mode,
                                                          dilation: dilation[0], groups: groups))
            }
            return Convert.wrap(try Functional.conv2d(x, w, b, stride: stride, padding: padding, paddingMode: mode,
                                                      dilation: dilation, groups: groups))
        }
    }
}
