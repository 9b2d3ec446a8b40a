import Interpreter
import Tensor

/// Installs the PyTorch and RETURNN names into an interpreter: `torch`, `torch.nn` (with
/// `nn.Module` for user classes), `torch.nn.functional`, `torch.optim`, `torch.nn.utils(.rnn)`,
/// `torch.linalg`, `torch.cuda`, and the `returnn` modules configs import.
enum Bindings {
    static func install(_ interp: Interpreter) {
        let rt = interp.runtime
        let moduleClass = NNModuleClass(runtime: rt)
        interp.registerModule("torch") { torchModule() }
        interp.registerModule("torch.nn") {
            moduleOf("torch.nn", NNBindings.layers, extra: ["Module": .host(moduleClass), "Parameter": .host(ParameterClass(runtime: rt))])
        }
        interp.registerModule("torch.nn.functional") { moduleOf("torch.nn.functional", FunctionalBindings.table) }
        interp.registerModule("torch.nn.utils") { moduleOf("torch.nn.utils", NNBindings.utils) }
        interp.registerModule("torch.nn.utils.rnn") { moduleOf("torch.nn.utils.rnn", NNBindings.rnnUtils) }
        interp.registerModule("torch.nn.init") { moduleOf("torch.nn.init", initTable) }
        interp.registerModule("torch.optim") { moduleOf("torch.optim", OptimBindings.table) }
        interp.registerModule("torch.linalg") { moduleOf("torch.linalg", TorchFunctions.linalgModule) }
        interp.registerModule("torch.cuda") {
            moduleOf("torch.cuda", ["is_available": Binding([], method: false) { _ in .bool(false) },
                                    "device_count": Binding([], method: false) { _ in .int(0) }])
        }
        installReturnn(interp)
    }

    static func torchModule() -> PyModule {
        var extra: [String: Value] = [:]
        for (k, d) in DTypeObject.byName { extra[k] = .host(d) }
        extra["Tensor"] = .host(TypeCheck("Tensor") { if case .host(is TensorObject) = $0 { return true }; return false })
        extra["Size"] = .host(TypeCheck("Size") { if case .host(is SizeObject) = $0 { return true }; return false })
        extra["__version__"] = .str("2.5.0+mrsh")
        extra["load"] = CheckpointLoading.binding.function("load")
        return moduleOf("torch", TorchFunctions.table, extra: extra)
    }

    /// `torch.nn.init`: in-place initializers of parameters (under no_grad, as PyTorch's).
    static let initTable: BindingTable = [
        "zeros_": Binding(["tensor"]) { a in let t = try a.tensor("tensor"); _ = try noGrad { try t.fill(0) }; return Convert.wrap(t) },
        "ones_": Binding(["tensor"]) { a in let t = try a.tensor("tensor"); _ = try noGrad { try t.fill(1) }; return Convert.wrap(t) },
        "constant_": Binding(["tensor", "val"]) { a in
            let t = try a.tensor("tensor")
            _ = try noGrad { try t.fill(try a.double("val")) }
            return Convert.wrap(t)
        },
        "uniform_": Binding(["tensor", "a", "b"]) { a in
            let t = try a.tensor("tensor")
            _ = try t.uniform(try a.double("a", 0), try a.double("b", 1))
            return Convert.wrap(t)
        },
        "normal_": Binding(["tensor", "mean", "std"]) { a in
            let t = try a.tensor("tensor")
            _ = try t.normal(mean: try a.double("mean", 0), std: try a.double("std", 1))
            return Convert.wrap(t)
        },
        "xavier_uniform_": Binding(["tensor", "gain"]) { a in
            let t = try a.tensor("tensor")
            guard t.ndim >= 2 else { throw ScriptError("ValueError", "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions") }
            let field = t.shape[2...].reduce(1, *)
            let (fanIn, fanOut) = (Double(t.shape[1] * field), Double(t.shape[0] * field))
            let bound = try a.double("gain", 1) * (6.0 / (fanIn + fanOut)).squareRoot()
            _ = try t.uniform(-bound, bound)
            return Convert.wrap(t)
        },
    ]

    /// RETURNN modules that configs import only to bring names into scope.
    static func installReturnn(_ interp: Interpreter) {
        let runCtx = Value.host(NameOnly("returnn.torch.context.RunCtx"))
        let getRunCtx = Value.builtin(PyBuiltin("get_run_ctx") { _, _, _, _ in
            throw ScriptError("RuntimeError", "get_run_ctx(): there is no run context outside a train/forward step")
        })
        let modules: [String: [String: Value]] = [
            "returnn": [:],
            "returnn.torch": [:],
            "returnn.torch.context": ["RunCtx": runCtx, "get_run_ctx": getRunCtx],
            "returnn.frontend": [:],
            "returnn.tensor": ["Tensor": .host(NameOnly("returnn.tensor.Tensor")), "Dim": .host(NameOnly("returnn.tensor.Dim"))],
            "returnn.datasets": [:],
            "returnn.util": [:],
            "returnn.util.basic": [:],
            "returnn.config": [:],
        ]
        for (name, attrs) in modules {
            interp.registerModule(name) { PyModule(name: name, attributes: attrs) }
        }
    }
}

/// A class name a config imports only for annotations (`run_ctx: RunCtx`).
final class NameOnly: HostObject {
    let name: String
    init(_ name: String) { self.name = name }
    var typeName: String { "type" }
    func repr() -> String { "<class '\(name)'>" }
}

/// `torch.Tensor` and `torch.Size` as targets of `isinstance`.
final class TypeCheck: HostObject {
    let name: String
    let check: (Value) -> Bool
    init(_ name: String, _ check: @escaping (Value) -> Bool) { self.name = name; self.check = check }
    var typeName: String { "type" }
    func repr() -> String { "<class 'torch.\(name)'>" }
    func getAttribute(_ n: String) throws -> Value? {
        n == "__instancecheck__" ? .builtin(PyBuiltin(n) { [check] _, _, args, _ in .bool(check(args.first ?? .none)) }) : nil
    }
}
