import Interpreter
import Tensor

/// `torch.optim` optimizers; `param_groups` entries are live views (`g["lr"] = 0.1` takes effect).
enum OptimBindings {
    /// A list of tensors, or a list of dicts with "params" and per-group options.
    static func groups(_ a: Args) throws -> [ParamGroup] {
        let v = try a.required("params")
        let items = try a.rt?.toArray(v) ?? Convert.items(v) ?? []
        if items.allSatisfy({ if case .dict = $0 { return false }; return true }) {
            return [ParamGroup(params: try items.map { try Convert.tensor($0, what: "\(a.fname)(): params") })]
        }
        return try items.map { item in
            guard case .dict(let d) = item else { throw ScriptError("TypeError", "param group must be a dict") }
            var g = ParamGroup(params: [])
            for (k, v) in d.items {
                guard case .str(let key) = k else { continue }
                if key == "params" {
                    let ps = try a.rt?.toArray(v) ?? Convert.items(v) ?? []
                    g.params = try ps.map { try Convert.tensor($0, what: "param group params") }
                } else if key == "betas", let bs = Convert.items(v), bs.count == 2 {
                    g.options["beta1"] = Convert.double(bs[0])
                    g.options["beta2"] = Convert.double(bs[1])
                } else if let x = Convert.double(v) {
                    g.options[key] = x
                }
            }
            return g
        }
    }

    static func make(_ o: Optimizer) -> Value { .host(OptimizerObject(o)) }

    static func betas(_ a: Args) throws -> (Double, Double) {
        guard let v = a.value("betas") else { return (0.9, 0.999) }
        guard let xs = Convert.items(v), xs.count == 2, let b1 = Convert.double(xs[0]), let b2 = Convert.double(xs[1]) else {
            throw ScriptError("TypeError", "betas must be a pair of floats")
        }
        return (b1, b2)
    }

    static func adam(decoupled: Bool) -> Binding {
        Binding(["params", "lr", "betas", "eps", "weight_decay", "amsgrad", "*", "foreach", "maximize", "capturable", "differentiable", "fused"]) { a in
            make(try Adam(try groups(a), lr: try a.double("lr", 1e-3), betas: try betas(a), eps: try a.double("eps", 1e-8),
                          weightDecay: try a.double("weight_decay", decoupled ? 1e-2 : 0), amsgrad: try a.bool("amsgrad", false),
                          decoupledWeightDecay: decoupled))
        }
    }

    static let table: BindingTable = [
        "SGD": Binding(["params", "lr", "momentum", "dampening", "weight_decay", "nesterov", "*", "maximize", "foreach"]) { a in
            make(try SGD(try groups(a), lr: try a.double("lr", 1e-3), momentum: try a.double("momentum", 0),
                         dampening: try a.double("dampening", 0), weightDecay: try a.double("weight_decay", 0),
                         nesterov: try a.bool("nesterov", false)))
        },
        "Adam": adam(decoupled: false),
        "AdamW": adam(decoupled: true),
        "RMSprop": Binding(["params", "lr", "alpha", "eps", "weight_decay", "momentum", "centered"]) { a in
            make(try RMSprop(try groups(a), lr: try a.double("lr", 1e-2), alpha: try a.double("alpha", 0.99), eps: try a.double("eps", 1e-8),
                             weightDecay: try a.double("weight_decay", 0), momentum: try a.double("momentum", 0),
                             centered: try a.bool("centered", false)))
        },
        "Adagrad": Binding(["params", "lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps"]) { a in
            make(try Adagrad(try groups(a), lr: try a.double("lr", 1e-2), lrDecay: try a.double("lr_decay", 0),
                             weightDecay: try a.double("weight_decay", 0),
                             initialAccumulatorValue: try a.double("initial_accumulator_value", 0), eps: try a.double("eps", 1e-10)))
        },
    ]
}

/// An optimizer as a value: `step()`, `zero_grad()`, `param_groups`.
final class OptimizerObject: HostObject {
    let opt: Optimizer
    init(_ o: Optimizer) { opt = o }

    var typeName: String { String(describing: type(of: opt)) }
    func repr() -> String {
        var lines = ["\(typeName) ("]
        for (i, g) in opt.paramGroups.enumerated() {
            lines.append("Parameter Group \(i)")
            for k in g.options.keys.sorted() { lines.append("    \(k): \(g.options[k]!)") }
        }
        return (lines + [")"]).joined(separator: "\n")
    }
    var attributeNames: [String] { ["step", "zero_grad", "param_groups", "state"] }

    func getAttribute(_ name: String) throws -> Value? {
        switch name {
        case "step":
            return .builtin(PyBuiltin(name) { [opt] _, _, _, _ in try rethrowing { try opt.step() }; return .none })
        case "zero_grad":
            return Binding(["set_to_none"]) { [opt] a in
                try rethrowing { try opt.zeroGrad(setToNone: try a.bool("set_to_none", true)) }
                return .none
            }.function(name)
        case "param_groups":
            return .list(opt.paramGroups.indices.map { .host(ParamGroupView(opt, $0)) })
        case "defaults":
            return .dict(PyDict(opt.defaults.sorted { $0.key < $1.key }.map { ($0.key, .float($0.value)) }))
        default:
            return nil
        }
    }
}

/// One entry of `optimizer.param_groups`: reads and writes the group's options in place.
final class ParamGroupView: HostObject {
    let opt: Optimizer
    let index: Int
    init(_ o: Optimizer, _ i: Int) { opt = o; index = i }

    var typeName: String { "dict" }
    private var group: ParamGroup { opt.paramGroups[index] }

    func getItem(_ key: Value) throws -> Value {
        guard case .str(let k) = key else { throw ScriptError("KeyError", "\(Convert.typeName(key))") }
        if k == "params" { return .list(group.params.map { Convert.parameter($0) }) }
        if k == "betas", let b1 = group.options["beta1"], let b2 = group.options["beta2"] { return .tuple([.float(b1), .float(b2)]) }
        guard let v = group.options[k] else { throw ScriptError("KeyError", "'\(k)'") }
        return .float(v)
    }

    func setItem(_ key: Value, _ value: Value) throws {
        guard case .str(let k) = key, k != "params", let v = Convert.double(value) else {
            throw ScriptError("TypeError", "param_groups entries take numeric options (e.g. g[\"lr\"] = 0.1)")
        }
        opt.paramGroups[index].options[k] = v
    }

    func iterate() throws -> [Value]? { (["params"] + group.options.keys.sorted()).map { .str($0) } }
    func repr() -> String {
        let opts = group.options.keys.sorted().map { "'\($0)': \(group.options[$0]!)" }
        return "{'params': [\(group.params.count) tensors]" + opts.map { ", " + $0 }.joined() + "}"
    }
    func getAttribute(_ name: String) throws -> Value? {
        switch name {
        case "keys": return .builtin(PyBuiltin(name) { [self] _, _, _, _ in .list(try iterate() ?? []) })
        case "get": return .builtin(PyBuiltin(name) { [self] _, _, args, _ in
            (try? getItem(args.first ?? .none)) ?? (args.count > 1 ? args[1] : .none) })
        default: return nil
        }
    }
}
