import Interpreter
import Tensor

/// An `nn.Module` as a value: a built-in layer, or the host part of a user's `nn.Module`
/// subclass. Parameters, buffers and submodules are registered by assignment, as in PyTorch.
final class ModuleObject: HostObject {
    let module: Module
    init(_ m: Module) { module = m }

    var typeName: String { module.typeName }
    func repr() -> String { module.description }
    var isCallable: Bool { true }

    static let methodNames = ["parameters", "named_parameters", "buffers", "named_buffers", "children", "named_children",
                              "modules", "named_modules", "state_dict", "load_state_dict", "train", "eval", "zero_grad",
                              "to", "cpu", "cuda", "forward", "register_buffer", "register_parameter", "add_module",
                              "apply", "requires_grad_", "training"]

    var attributeNames: [String] {
        let own = module.stateDict().map { $0.0 }.filter { !$0.contains(".") } + module.namedChildren().map { $0.0 }
        let settings = ModuleMethods.layerAttributeNames.filter { ModuleMethods.layerAttribute(module, $0) != nil }
        return own + settings + ModuleObject.methodNames + (module is ModuleList ? ["append", "extend"] : [])
    }

    /// The language value of this module (the user's instance for user modules).
    var selfValue: Value { Convert.wrap(module) }

    func getAttribute(_ name: String) throws -> Value? {
        if module.hasAttribute(name) {
            if let p = module.parameter(name) { return Convert.parameter(p) }
            if let b = module.buffer(name) { return Convert.wrap(b) }
            if let c = module.child(name) { return Convert.wrap(c) }
            return .none
        }
        if name == "training" { return .bool(module.training) }
        if let b = ModuleMethods.table[name] { return b.method(name, .host(self)) }
        if let l = module as? ModuleList, name == "append" || name == "extend" {
            return .builtin(PyBuiltin(name) { [self] rt, _, args, _ in
                let items = name == "append" ? args : try rt.toArray(args.first ?? .none)
                for v in items {
                    guard let m = Convert.module(v) else { throw ScriptError("TypeError", "ModuleList.\(name) expects nn.Module values") }
                    try rethrowing { try l.append(m) }
                }
                return selfValue
            })
        }
        return ModuleMethods.layerAttribute(module, name)
    }

    func setAttribute(_ name: String, _ value: Value) throws -> Bool {
        try rethrowing {
            if case .host(let t as TensorObject) = value, t.isParameter {
                try module.setParameter(name, t.t)
                return true
            }
            if let m = Convert.module(value) {
                try module.registerModule(name, m)
                return true
            }
            if module.parameter(name) != nil || (module.hasAttribute(name) && module.buffer(name) == nil && module.child(name) == nil) {
                if case .none = value { try module.setParameter(name, nil); return true }
                throw ScriptError("TypeError", "cannot assign '\(Convert.typeName(value))' as parameter '\(name)' (torch.nn.Parameter or None expected)")
            }
            if module.buffer(name) != nil, case .host(let t as TensorObject) = value {
                try module.registerBuffer(name, t.t)
                return true
            }
            if module.child(name) != nil, case .none = value {
                try module.registerModule(name, nil)
                return true
            }
            return false
        }
    }

    func call(_ args: [Value], _ kwargs: [(String, Value)]) throws -> Value {
        try ModuleCalls.call(module, args, kwargs)
    }

    // Containers: `seq[0]`, `len(layers)`, `for layer in layers`, `blocks["enc"]`.
    func getItem(_ index: Value) throws -> Value {
        let kids = module.namedChildren()
        switch index {
        case .int(let i) where module is Sequential || module is ModuleList:
            let j = i < 0 ? i + kids.count : i
            guard j >= 0 && j < kids.count else { throw ScriptError("IndexError", "index \(i) is out of range") }
            return Convert.wrap(kids[j].1)
        case .str(let k) where module is ModuleDict:
            guard let m = module.child(k) else { throw ScriptError("KeyError", "'\(k)'") }
            return Convert.wrap(m)
        default:
            throw ScriptError("TypeError", "'\(typeName)' object is not subscriptable with \(Convert.typeName(index))")
        }
    }

    func iterate() throws -> [Value]? {
        if module is ModuleDict { return module.namedChildren().map { .str($0.0) } }
        guard module is Sequential || module is ModuleList else { return nil }
        return module.children().map { Convert.wrap($0) }
    }

    func length() throws -> Int? {
        guard module is Sequential || module is ModuleList || module is ModuleDict else { return nil }
        return module.namedChildren().count
    }
}

/// The host part of a user's `class Model(nn.Module)`: a `Module` whose `forward` calls the
/// user's `forward` method, so it works inside `nn.Sequential` and friends too.
final class UserModule: Module {
    let className: String
    /// The user's instance. Strong on purpose: a user module held only by a container must keep
    /// its instance (a reference cycle; modules live as long as the session anyway).
    var instance: PyInstance?
    unowned let runtime: Runtime

    init(className: String, runtime: Runtime) {
        self.className = className
        self.runtime = runtime
        super.init()
    }

    override var typeName: String { className }

    override func forward(_ input: Tensor) throws -> Tensor {
        guard let inst = instance else { throw TensorError(className, "module is not bound to its instance") }
        let out = try runtime.call(.instance(inst), [Convert.wrap(input)], [])
        guard case .host(let t as TensorObject) = out else {
            throw ScriptError("TypeError", "\(className).forward returned \(Convert.typeName(out)), a container module needs a Tensor")
        }
        return t.t
    }
}

/// `nn.Module` itself: the base class users derive from.
final class NNModuleClass: HostClass {
    unowned let runtime: Runtime
    init(runtime: Runtime) { self.runtime = runtime }

    var typeName: String { "Module" }
    func repr() -> String { "<class 'torch.nn.modules.module.Module'>" }

    func instantiate(className: String) throws -> HostObject {
        ModuleObject(UserModule(className: className, runtime: runtime))
    }

    func bind(_ host: HostObject, to instance: Value) {
        guard let h = host as? ModuleObject, let u = h.module as? UserModule, case .instance(let inst) = instance else { return }
        u.instance = inst
    }

    func getAttribute(_ name: String) throws -> Value? {
        name == "__instancecheck__" ? .builtin(PyBuiltin(name) { _, _, args, _ in .bool(Convert.module(args.first ?? .none) != nil) }) : nil
    }
}
