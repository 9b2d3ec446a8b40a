import Interpreter
import Tensor

/// Methods of every `nn.Module` (`parameters()`, `state_dict()`, `train()`, ...).
enum ModuleMethods {
    static func m(_ params: [String], _ body: @escaping (ModuleObject, Args) throws -> Value) -> Binding {
        Binding(["self"] + params, method: true) { a in
            guard case .host(let o as ModuleObject)? = a.value("self") else { throw ScriptError("TypeError", "expected a module") }
            return try body(o, a)
        }
    }

    static func param(_ t: Tensor) -> Value { Convert.parameter(t) }

    static func pairs(_ xs: [(String, Value)]) -> Value { .list(xs.map { .tuple([.str($0.0), $0.1]) }) }

    static let table: BindingTable = [
        "parameters": m(["recurse"]) { o, a in .list(o.module.parameters(recurse: try a.bool("recurse", true)).map(param)) },
        "named_parameters": m(["prefix", "recurse"]) { o, a in
            pairs(o.module.namedParameters(prefix: try a.string("prefix", ""), recurse: try a.bool("recurse", true)).map { ($0.0, param($0.1)) })
        },
        "buffers": m(["recurse"]) { o, a in .list(o.module.namedBuffers(recurse: try a.bool("recurse", true)).map { Convert.wrap($0.1) }) },
        "named_buffers": m(["prefix", "recurse"]) { o, a in
            pairs(o.module.namedBuffers(prefix: try a.string("prefix", ""), recurse: try a.bool("recurse", true)).map { ($0.0, Convert.wrap($0.1)) })
        },
        "children": m([]) { o, _ in .list(o.module.children().map { Convert.wrap($0) }) },
        "named_children": m([]) { o, _ in pairs(o.module.namedChildren().map { ($0.0, Convert.wrap($0.1)) }) },
        "modules": m([]) { o, _ in .list(o.module.namedModules().map { Convert.wrap($0.1) }) },
        "named_modules": m([]) { o, _ in pairs(o.module.namedModules().map { ($0.0, Convert.wrap($0.1)) }) },
        "state_dict": m([]) { o, _ in .dict(PyDict(o.module.stateDict().map { ($0.0, Convert.wrap($0.1)) })) },
        "load_state_dict": m(["state_dict", "strict"]) { o, a in
            guard case .dict(let d)? = a.value("state_dict") else { throw ScriptError("TypeError", "load_state_dict expects a dict") }
            var sd: [String: Tensor] = [:]
            for (k, v) in d.items {
                guard case .str(let key) = k else { throw ScriptError("TypeError", "state_dict keys must be str") }
                sd[key] = try Convert.tensor(v, what: "state_dict['\(key)']")
            }
            let r = try o.module.loadStateDict(sd, strict: try a.bool("strict", true))
            return .tuple([.list(r.missingKeys.map { .str($0) }), .list(r.unexpectedKeys.map { .str($0) })])
        },
        "train": m(["mode"]) { o, a in o.module.train(try a.bool("mode", true)); return o.selfValue },
        "eval": m([]) { o, _ in o.module.eval(); return o.selfValue },
        "zero_grad": m(["set_to_none"]) { o, a in
            if try a.bool("set_to_none", true) { o.module.zeroGrad() } else {
                for p in o.module.parameters() { _ = try noGrad { try p.grad?.zero() } }
            }
            return .none
        },
        "requires_grad_": m(["requires_grad"]) { o, a in
            for p in o.module.parameters() { _ = try p.requiresGrad(try a.bool("requires_grad", true)) }
            return o.selfValue
        },
        "to": m(["*args", "dtype", "device"]) { o, a in
            try a.checkDevice()
            for v in a.rest { if case .host(is DTypeObject) = v { continue }; try Convert.checkDevice(v) }
            return o.selfValue
        },
        "cpu": m([]) { o, _ in o.selfValue },
        "cuda": m(["device"]) { _, _ in try DeviceObject.validate("cuda"); return .none },
        "forward": Binding(["self", "*args"], method: true) { a in
            guard case .host(let o as ModuleObject)? = a.value("self") else { throw ScriptError("TypeError", "expected a module") }
            return try ModuleCalls.call(o.module, a.rest, [])
        },
        "register_buffer": m(["name", "tensor", "persistent"]) { o, a in
            try o.module.registerBuffer(try a.string("name", ""), try a.optTensor("tensor"))
            return .none
        },
        "register_parameter": m(["name", "param"]) { o, a in
            try o.module.registerParameter(try a.string("name", ""), try a.optTensor("param"))
            return .none
        },
        "add_module": m(["name", "module"]) { o, a in
            guard let c = Convert.module(try a.required("module")) else { throw ScriptError("TypeError", "add_module expects an nn.Module") }
            try o.module.registerModule(try a.string("name", ""), c)
            return .none
        },
        "apply": m(["fn"]) { o, a in
            let fn = try a.required("fn")
            guard let rt = a.rt else { return .none }
            for (_, c) in o.module.namedModules().reversed() { _ = try rt.call(fn, [Convert.wrap(c)], []) }
            return o.selfValue
        },
    ]

    static let layerAttributeNames = ["in_features", "out_features", "num_embeddings", "embedding_dim", "padding_idx",
                                      "input_size", "hidden_size", "num_layers", "bidirectional", "batch_first",
                                      "in_channels", "out_channels", "embed_dim", "num_heads", "p"]

    /// Constructor settings readable as attributes (`lstm.hidden_size`, `lin.in_features`).
    static func layerAttribute(_ m: Module, _ name: String) -> Value? {
        switch (m, name) {
        case (let l as Linear, "in_features"): return .int(l.inFeatures)
        case (let l as Linear, "out_features"): return .int(l.outFeatures)
        case (let e as Embedding, "num_embeddings"): return .int(e.numEmbeddings)
        case (let e as Embedding, "embedding_dim"): return .int(e.embeddingDim)
        case (let e as Embedding, "padding_idx"): return e.paddingIdx.map { .int($0) } ?? .none
        case (let r as RNN, "input_size"): return .int(r.inputSize)
        case (let r as RNN, "hidden_size"): return .int(r.hiddenSize)
        case (let r as RNN, "num_layers"): return .int(r.numLayers)
        case (let r as RNN, "bidirectional"): return .bool(r.bidirectional)
        case (let r as RNN, "batch_first"): return .bool(r.batchFirst)
        case (let c as Conv, "in_channels"): return .int(c.inChannels)
        case (let c as Conv, "out_channels"): return .int(c.outChannels)
        case (let a as MultiheadAttention, "embed_dim"): return .int(a.embedDim)
        case (let a as MultiheadAttention, "num_heads"): return .int(a.numHeads)
        case (let d as Dropout, "p"): return .float(d.p)
        default: return nil
        }
    }
}

/// `module(...)`: the forward signature of each built-in layer.
enum ModuleCalls {
    static func call(_ m: Module, _ args: [Value], _ kw: [(String, Value)]) throws -> Value {
        try rethrowing {
            switch m {
            case let r as RNN: return try callRNN(r, try Args(r.mode.rawValue, ["input", "hx"], args, kw, nil))
            case let mha as MultiheadAttention:
                let a = try Args("MultiheadAttention", ["query", "key", "value", "key_padding_mask", "need_weights", "attn_mask",
                                                        "average_attn_weights", "is_causal"], args, kw, nil)
                let r = try mha.forward(try a.tensor("query"), try a.tensor("key"), try a.tensor("value"),
                                        keyPaddingMask: try a.optTensor("key_padding_mask"), needWeights: try a.bool("need_weights", true),
                                        attnMask: try a.optTensor("attn_mask"), averageAttnWeights: try a.bool("average_attn_weights", true),
                                        isCausal: try a.bool("is_causal", false))
                return .tuple([Convert.wrap(r.output), Convert.wrap(r.weights)])
            case let layer as TransformerEncoderLayer:
                let a = try Args("TransformerEncoderLayer", ["src", "src_mask", "src_key_padding_mask", "is_causal"], args, kw, nil)
                return Convert.wrap(try layer.forward(try a.tensor("src"), srcMask: try a.optTensor("src_mask"),
                                                      srcKeyPaddingMask: try a.optTensor("src_key_padding_mask"), isCausal: try a.bool("is_causal", false)))
            case let enc as TransformerEncoder:
                let a = try Args("TransformerEncoder", ["src", "mask", "src_key_padding_mask", "is_causal"], args, kw, nil)
                return Convert.wrap(try enc.forward(try a.tensor("src"), mask: try a.optTensor("mask"),
                                                    srcKeyPaddingMask: try a.optTensor("src_key_padding_mask"), isCausal: try a.bool("is_causal", false)))
            default:
                let a = try Args(m.typeName, ["input"], args, kw, nil)
                return Convert.wrap(try m.forward(try a.tensor("input")))
            }
        }
    }


    static func callRNN(_ m: RNN, _ a: Args) throws -> Value {
        var x: Tensor, lengths: [Int]? = nil
        if case .host(let p as PackedSequenceObject)? = a.value("input") {
            guard p.batchFirst == m.batchFirst else {
                throw ScriptError("ValueError", "the packed sequence's batch_first (\(p.batchFirst)) differs from the \(m.mode.rawValue)'s")
            }
            (x, lengths) = (p.data, p.lengths)
        } else {
            x = try a.tensor("input")
        }
        var h0: Tensor? = nil, c0: Tensor? = nil
        switch a.value("hx") {
        case .tuple(let hc)? where hc.count == 2: (h0, c0) = (try Convert.tensor(hc[0]), try Convert.tensor(hc[1]))
        case let v?: h0 = try Convert.tensor(v)
        case nil: break
        }
        let r = try m.forward(x, h0: h0, c0: c0, lengths: lengths)
        let out: Value = lengths.map { .host(PackedSequenceObject(r.output, $0, batchFirst: m.batchFirst)) } ?? Convert.wrap(r.output)
        if let c = r.c { return .tuple([out, .tuple([Convert.wrap(r.h), Convert.wrap(c)])]) }
        return .tuple([out, Convert.wrap(r.h)])
    }
}
