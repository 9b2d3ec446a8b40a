import Foundation

/// A group of parameters sharing hyper-parameters (`param_groups[i]`): `lr`, `momentum`,
/// `weight_decay`, `betas` as `beta1`/`beta2`, ... by PyTorch's names.
public struct ParamGroup {
    public var params: [Tensor]
    public var options: [String: Double]

    public init(params: [Tensor], options: [String: Double] = [:]) {
        self.params = params
        self.options = options
    }

    public var lr: Double {
        get { options["lr"] ?? 0 }
        set { options["lr"] = newValue }
    }
}

/// Per-parameter optimizer state: `step` and named buffers (`exp_avg`, `momentum_buffer`, ...).
public final class ParamState {
    public var step: Double = 0
    public var buffers: [String: Tensor] = [:]
}

/// Base of the optimizers (`torch.optim.Optimizer`): param groups with defaults filled in,
/// state keyed by parameter, `zeroGrad`, and a per-parameter update under no-grad.
open class Optimizer {
    public var paramGroups: [ParamGroup]
    public private(set) var state: [ObjectIdentifier: ParamState] = [:]
    public let defaults: [String: Double]

    public init(_ groups: [ParamGroup], defaults: [String: Double]) throws {
        guard !groups.isEmpty, groups.contains(where: { !$0.params.isEmpty }) else {
            throw TensorError("optimizer", "optimizer got an empty parameter list")
        }
        self.defaults = defaults
        paramGroups = groups.map { g in
            var g = g
            for (k, v) in defaults where g.options[k] == nil { g.options[k] = v }
            return g
        }
        for g in paramGroups {
            for k in g.options.keys where defaults[k] == nil {
                throw TensorError("optimizer", "unknown option '\(k)' for \(String(describing: type(of: self)))")
            }
            if let lr = g.options["lr"], lr < 0 { throw TensorError("optimizer", "Invalid learning rate: \(lr)") }
        }
    }

    /// The state of parameter `p` (created empty on first use).
    public func state(for p: Tensor) -> ParamState {
        if let s = state[ObjectIdentifier(p)] { return s }
        let s = ParamState()
        state[ObjectIdentifier(p)] = s
        return s
    }

    /// Sets the learning rate of every group (what an LR scheduler does between steps).
    public func setLearningRate(_ lr: Double) {
        for i in paramGroups.indices { paramGroups[i].lr = lr }
    }

    /// Drops (or zeroes) every parameter's gradient (`zero_grad`).
    public func zeroGrad(setToNone: Bool = true) throws {
        for g in paramGroups {
            for p in g.params {
                if setToNone { p.grad = nil } else { try noGrad { try p.grad?.zero() } }
            }
        }
    }

    /// Applies one update to every parameter that has a gradient (`step()`).
    public func step() throws {
        try noGrad {
            for g in paramGroups {
                for p in g.params {
                    guard let grad = p.grad else { continue }
                    try update(p, grad: grad.to(.float32).dense(), options: g.options, state: state(for: p))
                }
            }
        }
    }

    /// The update rule of one parameter; subclasses override.
    open func update(_ p: Tensor, grad: Tensor, options: [String: Double], state: ParamState) throws {
        throw TensorError("optimizer", "step is not implemented")
    }

    /// A hyper-parameter of a group, falling back to the optimizer's default.
    func opt(_ options: [String: Double], _ key: String) -> Double { options[key] ?? defaults[key] ?? 0 }

    /// A state buffer of `p`, created as zeros if missing.
    func buf(_ state: ParamState, _ name: String, _ p: Tensor) -> Tensor {
        if let b = state.buffers[name] { return b }
        let b = zerosLike(p)
        state.buffers[name] = b
        return b
    }

    /// A zero buffer shaped like `p` (or `value`-filled).
    func zerosLike(_ p: Tensor, _ value: Double = 0) -> Tensor { Tensor.full(p.shape, value) }

    /// Runs an elementwise update on contiguous float buffers of `p` and its state tensors.
    func elementwise(_ p: Tensor, _ tensors: [Tensor], _ body: (Int, UnsafeMutablePointer<Float>, [UnsafeMutablePointer<Float>]) -> Void) throws {
        let dense = p.dense()
        body(p.numel, dense.floatBase, tensors.map { $0.floatBase })
        if dense !== p { try p.copyFrom(dense) }
        p.storage.bumpVersion()
    }
}

/// An optimizer's state as PyTorch's `optimizer.state_dict()` holds it: per-parameter state by
/// the parameter's index across all groups ("step" as a 0-d tensor beside the buffers), and the
/// groups' hyper-parameters with the indices of their parameters.
public struct OptimizerStateDict {
    public var state: [Int: [String: Tensor]]
    public var paramGroups: [(options: [String: Double], params: [Int])]

    public init(state: [Int: [String: Tensor]], paramGroups: [(options: [String: Double], params: [Int])]) {
        self.state = state
        self.paramGroups = paramGroups
    }

    /// Flat `(key, tensor)` pairs for checkpoint files: `state.<i>.<name>` and
    /// `param_groups.<g>.<option>` (0-d tensors).
    public var flattened: [(String, Tensor)] {
        var out: [(String, Tensor)] = []
        for i in state.keys.sorted() {
            for (name, t) in (state[i] ?? [:]).sorted(by: { $0.key < $1.key }) { out.append(("state.\(i).\(name)", t)) }
        }
        for (g, group) in paramGroups.enumerated() {
            for (k, v) in group.options.sorted(by: { $0.key < $1.key }) { out.append(("param_groups.\(g).\(k)", .scalar(v))) }
        }
        return out
    }
}

extension Optimizer {
    /// The optimizer's state (`state_dict()`); tensors are copies.
    public func stateDict() -> OptimizerStateDict {
        var state: [Int: [String: Tensor]] = [:]
        var groups: [(options: [String: Double], params: [Int])] = []
        var index = 0
        for g in paramGroups {
            var ids: [Int] = []
            for p in g.params {
                if let s = self.state[ObjectIdentifier(p)] {
                    var entry = s.buffers.mapValues { $0.clone() }
                    entry["step"] = .scalar(s.step)
                    state[index] = entry
                }
                ids.append(index)
                index += 1
            }
            groups.append((g.options, ids))
        }
        return OptimizerStateDict(state: state, paramGroups: groups)
    }

    /// Restores state saved by `stateDict()` (`load_state_dict`); the group structure and the
    /// buffer shapes must match this optimizer's parameters.
    public func loadStateDict(_ sd: OptimizerStateDict) throws {
        guard sd.paramGroups.count == paramGroups.count,
              zip(sd.paramGroups, paramGroups).allSatisfy({ $0.params.count == $1.params.count }) else {
            throw TensorError("load_state_dict", "loaded state dict contains a parameter group that doesn't match the size of optimizer's group")
        }
        var index = 0
        for (gi, g) in paramGroups.enumerated() {
            for (k, v) in sd.paramGroups[gi].options { paramGroups[gi].options[k] = v }
            for p in g.params {
                defer { index += 1 }
                guard let entry = sd.state[index] else { continue }
                let s = state(for: p)
                for (name, t) in entry {
                    if name == "step" { s.step = try t.item(); continue }
                    guard t.shape == p.shape else {
                        throw TensorError("load_state_dict", "state \(name) of parameter \(index) has shape \(fmt(t.shape)), parameter has \(fmt(p.shape))")
                    }
                    s.buffers[name] = t.to(.float32).clone()
                }
            }
        }
    }
}
