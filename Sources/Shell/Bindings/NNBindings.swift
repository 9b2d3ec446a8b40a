import Interpreter
import Tensor

/// `torch.nn` layer constructors and `torch.nn.utils(.rnn)` under PyTorch's signatures.
enum NNBindings {
    static func make(_ m: Module) -> Value { .host(ModuleObject(m)) }

    static func spread(_ a: Args, _ name: String, _ n: Int, _ dflt: Int) throws -> [Int] {
        try FunctionalBindings.spread(a, name, n, dflt)
    }

    static func modules(_ a: Args, _ values: [Value]) throws -> [Module] {
        try values.map { v in
            guard let m = Convert.module(v) else { throw ScriptError("TypeError", "\(a.fname): \(Convert.typeName(v)) is not a Module subclass") }
            return m
        }
    }

    static let layers: BindingTable = [
        "Linear": Binding(["in_features", "out_features", "bias", "device", "dtype"]) { a in
            make(try Linear(try a.int("in_features"), try a.int("out_features"), bias: try a.bool("bias", true)))
        },
        "Embedding": Binding(["num_embeddings", "embedding_dim", "padding_idx"]) { a in
            make(try Embedding(try a.int("num_embeddings"), try a.int("embedding_dim"), paddingIdx: try a.optInt("padding_idx")))
        },
        "LayerNorm": Binding(["normalized_shape", "eps", "elementwise_affine", "bias"]) { a in
            make(try LayerNorm(try a.ints("normalized_shape") ?? [], eps: try a.double("eps", 1e-5),
                               elementwiseAffine: try a.bool("elementwise_affine", true), bias: try a.bool("bias", true)))
        },
        "Dropout": Binding(["p", "inplace"]) { a in make(try Dropout(try a.double("p", 0.5))) },
        "BatchNorm1d": Binding(["num_features", "eps", "momentum", "affine", "track_running_stats"]) { a in
            make(try BatchNorm1d(try a.int("num_features"), eps: try a.double("eps", 1e-5), momentum: try a.double("momentum", 0.1),
                                 affine: try a.bool("affine", true), trackRunningStats: try a.bool("track_running_stats", true)))
        },
        "Conv1d": conv(dims: 1), "Conv2d": conv(dims: 2),
        "LSTM": rnn(.lstm), "GRU": rnn(.gru),
        "MultiheadAttention": Binding(["embed_dim", "num_heads", "dropout", "bias", "add_bias_kv", "add_zero_attn", "kdim", "vdim", "batch_first"]) { a in
            make(try MultiheadAttention(try a.int("embed_dim"), try a.int("num_heads"), dropout: try a.double("dropout", 0),
                                        bias: try a.bool("bias", true), kdim: try a.optInt("kdim"), vdim: try a.optInt("vdim"),
                                        batchFirst: try a.bool("batch_first", false)))
        },
        "TransformerEncoderLayer": Binding(["d_model", "nhead", "dim_feedforward", "dropout", "activation", "layer_norm_eps",
                                            "batch_first", "norm_first", "bias"]) { a in
            make(try TransformerEncoderLayer(dModel: try a.int("d_model"), nhead: try a.int("nhead"),
                                             dimFeedforward: try a.int("dim_feedforward", 2048), dropout: try a.double("dropout", 0.1),
                                             activation: try a.string("activation", "relu"), layerNormEps: try a.double("layer_norm_eps", 1e-5),
                                             batchFirst: try a.bool("batch_first", false), normFirst: try a.bool("norm_first", false),
                                             bias: try a.bool("bias", true)))
        },
        "TransformerEncoder": Binding(["encoder_layer", "num_layers", "norm", "enable_nested_tensor", "mask_check"]) { a in
            guard let layer = Convert.module(try a.required("encoder_layer")) as? TransformerEncoderLayer else {
                throw ScriptError("TypeError", "TransformerEncoder needs an nn.TransformerEncoderLayer")
            }
            let norm = a.value("norm").flatMap(Convert.module)
            return make(try TransformerEncoder(layer, numLayers: try a.int("num_layers"), norm: norm))
        },
        "Sequential": Binding(["*modules"]) { a in make(try Sequential(try modules(a, a.rest))) },
        "ModuleList": Binding(["modules"]) { a in
            make(try ModuleList(try modules(a, try a.value("modules").map { try a.rt?.toArray($0) ?? Convert.items($0) ?? [] } ?? [])))
        },
        "ModuleDict": Binding(["modules"]) { a in
            var pairs: [(String, Module)] = []
            if case .dict(let d)? = a.value("modules") {
                for (k, v) in d.items {
                    guard case .str(let key) = k, let m = Convert.module(v) else { throw ScriptError("TypeError", "ModuleDict expects str -> Module") }
                    pairs.append((key, m))
                }
            }
            return make(try ModuleDict(pairs))
        },
        "ReLU": Binding(["inplace"]) { _ in make(Activation(.relu)) },
        "GELU": Binding(["approximate"]) { a in make(Activation(.gelu(approximate: try a.string("approximate", "none")))) },
        "Tanh": Binding([]) { _ in make(Activation(.tanh)) },
        "Sigmoid": Binding([]) { _ in make(Activation(.sigmoid)) },
        "SiLU": Binding(["inplace"]) { _ in make(Activation(.silu)) },
        "LeakyReLU": Binding(["negative_slope", "inplace"]) { a in make(Activation(.leakyRelu(try a.double("negative_slope", 0.01)))) },
        "ELU": Binding(["alpha", "inplace"]) { a in make(Activation(.elu(try a.double("alpha", 1)))) },
        "Softplus": Binding(["beta", "threshold"]) { a in make(Activation(.softplus(try a.double("beta", 1), try a.double("threshold", 20)))) },
        "Identity": Binding(["*args"]) { _ in make(FunctionModule("Identity", "") { $0 }) },
        "Softmax": Binding(["dim"]) { a in
            let dim = try a.int("dim")
            return make(FunctionModule("Softmax", "dim=\(dim)") { try $0.softmax(dim: dim) })
        },
        "LogSoftmax": Binding(["dim"]) { a in
            let dim = try a.int("dim")
            return make(FunctionModule("LogSoftmax", "dim=\(dim)") { try $0.logSoftmax(dim: dim) })
        },
        "Flatten": Binding(["start_dim", "end_dim"]) { a in
            let (s, e) = (try a.int("start_dim", 1), try a.int("end_dim", -1))
            return make(FunctionModule("Flatten", "start_dim=\(s), end_dim=\(e)") { try $0.flatten(startDim: s, endDim: e) })
        },
    ]

    /// `nn.Parameter(data, requires_grad=True)`: a leaf sharing `data`'s storage.
    static let parameter = Binding(["data", "requires_grad"]) { a in
        let t = try a.optTensor("data") ?? Tensor.zeros([0])
        let p = t.detach()
        if try a.bool("requires_grad", true) { try rethrowing { _ = try p.requiresGrad(true) } }
        return Convert.parameter(p)
    }

    static func conv(dims: Int) -> Binding {
        Binding(["in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups", "bias", "padding_mode"]) { a in
            var mode: String? = nil
            var padding: [Int]? = nil
            if case .str(let s)? = a.value("padding") { mode = s } else { padding = try spread(a, "padding", dims, 0) }
            return make(try Conv(try a.int("in_channels"), try a.int("out_channels"), kernelSize: try spread(a, "kernel_size", dims, 1),
                                 stride: try spread(a, "stride", dims, 1), padding: padding, paddingMode: mode,
                                 dilation: try spread(a, "dilation", dims, 1), groups: try a.int("groups", 1), bias: try a.bool("bias", true)))
        }
    }

    static func rnn(_ mode: RNN.Mode) -> Binding {
        Binding(["input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout", "bidirectional"]) { a in
            make(try RNN(mode, inputSize: try a.int("input_size"), hiddenSize: try a.int("hidden_size"),
                         numLayers: try a.int("num_layers", 1), bias: try a.bool("bias", true), batchFirst: try a.bool("batch_first", false),
                         dropout: try a.double("dropout", 0), bidirectional: try a.bool("bidirectional", false)))
        }
    }

    /// `torch.nn.utils`.
    static let utils: BindingTable = [
        "clip_grad_norm_": Binding(["parameters", "max_norm", "norm_type", "error_if_nonfinite"]) { a in
            Convert.wrap(try Clip.gradNorm(try params(a), maxNorm: try a.double("max_norm"), normType: try a.double("norm_type", 2),
                                           errorIfNonfinite: try a.bool("error_if_nonfinite", false)))
        },
        "clip_grad_value_": Binding(["parameters", "clip_value"]) { a in
            try Clip.gradValue(try params(a), clipValue: try a.double("clip_value"))
            return .none
        },
    ]

    /// A tensor, or an iterable of tensors (`model.parameters()`).
    static func params(_ a: Args) throws -> [Tensor] {
        let v = try a.required("parameters")
        if case .host(let t as TensorObject) = v { return [t.t] }
        return try a.tensors("parameters")
    }

    /// `torch.nn.utils.rnn`.
    static let rnnUtils: BindingTable = [
        "pad_sequence": Binding(["sequences", "batch_first", "padding_value", "padding_side"]) { a in
            Convert.wrap(try Functional.padSequence(try a.tensors("sequences"), batchFirst: try a.bool("batch_first", false),
                                                    paddingValue: try a.double("padding_value", 0),
                                                    paddingSide: try a.string("padding_side", "right")))
        },
        "pack_padded_sequence": Binding(["input", "lengths", "batch_first", "enforce_sorted"]) { a in
            let lengths: [Int]
            if case .host(let t as TensorObject)? = a.value("lengths") { lengths = t.t.toIntArray().map(Int.init) } else {
                lengths = try a.ints("lengths") ?? []
            }
            return .host(PackedSequenceObject(try a.tensor("input"), lengths, batchFirst: try a.bool("batch_first", false)))
        },
        "pad_packed_sequence": Binding(["sequence", "batch_first", "padding_value", "total_length"]) { a in
            guard case .host(let p as PackedSequenceObject)? = a.value("sequence") else {
                throw ScriptError("TypeError", "pad_packed_sequence needs a PackedSequence")
            }
            let batchFirst = try a.bool("batch_first", false)
            var x = p.batchFirst == batchFirst ? p.data : try p.data.transpose(0, 1)
            let timeDim = batchFirst ? 1 : 0
            let total = try a.optInt("total_length") ?? (p.lengths.max() ?? 0)
            let have = x.shape[timeDim]
            if total < have { x = try x.narrow(timeDim, 0, total) }
            if total > have {
                var pads = [Int](repeating: 0, count: 2 * (x.ndim - timeDim))
                pads[pads.count - 1] = total - have
                x = try x.pad(pads, value: try a.double("padding_value", 0))
            }
            return .tuple([Convert.wrap(x), Convert.wrap(try Tensor(ints: p.lengths.map(Int64.init)))])
        },
    ]
}

/// A parameter-free layer that applies one function (`nn.Softmax(dim)`, `nn.Identity()`, ...).
final class FunctionModule: Module {
    let name: String
    let extra: String
    let fn: (Tensor) throws -> Tensor

    init(_ name: String, _ extra: String, _ fn: @escaping (Tensor) throws -> Tensor) {
        self.name = name
        self.extra = extra
        self.fn = fn
        super.init()
    }

    override var typeName: String { name }
    override var extraRepr: String { extra }
    override func forward(_ input: Tensor) throws -> Tensor { try fn(input) }
}

/// `nn.Parameter`: callable like a class, and a target of `isinstance`.
final class ParameterClass: HostObject {
    weak var runtime: Runtime?
    init(runtime: Runtime?) { self.runtime = runtime }
    var typeName: String { "type" }
    func repr() -> String { "<class 'torch.nn.parameter.Parameter'>" }
    var isCallable: Bool { true }
    func call(_ args: [Value], _ kwargs: [(String, Value)]) throws -> Value {
        try NNBindings.parameter.call("Parameter", args, kwargs, runtime)
    }
    func getAttribute(_ name: String) throws -> Value? {
        guard name == "__instancecheck__" else { return nil }
        return .builtin(PyBuiltin(name) { _, _, args, _ in
            if case .host(let t as TensorObject)? = args.first { return .bool(t.isParameter) }
            return .bool(false)
        })
    }
}

