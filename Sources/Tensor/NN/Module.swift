import Foundation

/// The base of all layers, as `torch.nn.Module`: parameters, buffers and child modules are
/// registered by name in assignment order, and their dotted names (`encoder.layers.0.linear1.weight`)
/// are exactly PyTorch's `state_dict()` keys. Subclasses (also the shell's `class Model(nn.Module)`)
/// register what they assign; `forward` is overridden.
open class Module: CustomStringConvertible {
    public private(set) var training = true
    private var parameterSlots: [(name: String, tensor: Tensor?)] = []
    private var bufferSlots: [(name: String, tensor: Tensor?)] = []
    private var childSlots: [(name: String, module: Module?)] = []

    public init() {}

    // MARK: Registration (PyTorch's __setattr__ for Parameters, buffers and Modules)

    /// Registers (or replaces) a parameter; a float tensor becomes a leaf that requires grad.
    /// Reassigning a name keeps its position (as a Python dict does); a name moving to another
    /// kind (buffer -> parameter) is removed there and appended.
    public func registerParameter(_ name: String, _ tensor: Tensor?) throws {
        try checkName(name)
        if let t = tensor, t.isLeaf, t.dtype == .float32, !t.requiresGrad { try t.requiresGrad(true) }
        if let i = parameterSlots.firstIndex(where: { $0.name == name }) {
            parameterSlots[i].tensor = tensor
            return
        }
        removeName(name)
        parameterSlots.append((name, tensor))
    }

    /// Registers (or replaces) a buffer: state saved in `stateDict` but not trained (running stats).
    public func registerBuffer(_ name: String, _ tensor: Tensor?) throws {
        try checkName(name)
        if let i = bufferSlots.firstIndex(where: { $0.name == name }) {
            bufferSlots[i].tensor = tensor
            return
        }
        removeName(name)
        bufferSlots.append((name, tensor))
    }

    /// Registers (or replaces) a child module.
    public func registerModule(_ name: String, _ module: Module?) throws {
        try checkName(name)
        if let i = childSlots.firstIndex(where: { $0.name == name }) {
            childSlots[i].module = module
            return
        }
        removeName(name)
        childSlots.append((name, module))
    }

    /// Same as `registerParameter` (kept for callers that replace a known parameter).
    public func setParameter(_ name: String, _ tensor: Tensor?) throws { try registerParameter(name, tensor) }

    /// The parameter registered as `name` on this module (not its children).
    public func parameter(_ name: String) -> Tensor? { parameterSlots.first { $0.name == name }?.tensor ?? nil }
    /// The buffer registered as `name`.
    public func buffer(_ name: String) -> Tensor? { bufferSlots.first { $0.name == name }?.tensor ?? nil }
    /// The child module registered as `name`.
    public func child(_ name: String) -> Module? { childSlots.first { $0.name == name }?.module ?? nil }
    /// Whether `name` is registered as a parameter, buffer or child.
    public func hasAttribute(_ name: String) -> Bool {
        parameterSlots.contains { $0.name == name } || bufferSlots.contains { $0.name == name } || childSlots.contains { $0.name == name }
    }

    private func checkName(_ name: String) throws {
        guard !name.isEmpty, !name.contains(".") else {
            throw TensorError("Module", "attribute name can't contain \".\" or be empty, got \"\(name)\"")
        }
    }

    private func removeName(_ name: String) {
        parameterSlots.removeAll { $0.name == name }
        bufferSlots.removeAll { $0.name == name }
        childSlots.removeAll { $0.name == name }
    }

    // MARK: Traversal

    /// Direct children with their names, in registration order.
    public func namedChildren() -> [(String, Module)] { childSlots.compactMap { s in s.module.map { (s.name, $0) } } }
    /// Direct children in registration order.
    public func children() -> [Module] { namedChildren().map { $0.1 } }

    /// This module and all descendants with dotted names ("" for self), each module once.
    public func namedModules(prefix: String = "") -> [(String, Module)] {
        var seen = Set<ObjectIdentifier>()
        var out: [(String, Module)] = []
        func visit(_ m: Module, _ p: String) {
            guard seen.insert(ObjectIdentifier(m)).inserted else { return }
            out.append((p, m))
            for (n, c) in m.namedChildren() { visit(c, p.isEmpty ? n : p + "." + n) }
        }
        visit(self, prefix)
        return out
    }

    /// Parameters with dotted names, in registration order, each tensor once (`named_parameters`).
    public func namedParameters(prefix: String = "", recurse: Bool = true) -> [(String, Tensor)] {
        var seen = Set<ObjectIdentifier>()
        var out: [(String, Tensor)] = []
        let modules = recurse ? namedModules(prefix: prefix) : [(prefix, self)]
        for (p, m) in modules {
            for s in m.parameterSlots {
                guard let t = s.tensor, seen.insert(ObjectIdentifier(t)).inserted else { continue }
                out.append((p.isEmpty ? s.name : p + "." + s.name, t))
            }
        }
        return out
    }

    /// All parameters in `namedParameters` order.
    public func parameters(recurse: Bool = true) -> [Tensor] { namedParameters(recurse: recurse).map { $0.1 } }

    /// Buffers with dotted names (`bn.running_mean`).
    public func namedBuffers(prefix: String = "", recurse: Bool = true) -> [(String, Tensor)] {
        let modules = recurse ? namedModules(prefix: prefix) : [(prefix, self)]
        return modules.flatMap { p, m in
            m.bufferSlots.compactMap { s in s.tensor.map { (p.isEmpty ? s.name : p + "." + s.name, $0) } }
        }
    }

    /// Parameters and buffers by PyTorch's `state_dict()` keys, in PyTorch's order (per module:
    /// its parameters, its buffers, then its children). Values share storage with the module.
    public func stateDict(prefix: String = "") -> [(String, Tensor)] {
        var out: [(String, Tensor)] = []
        for s in parameterSlots { if let t = s.tensor { out.append((prefix + s.name, t.detach())) } }
        for s in bufferSlots { if let t = s.tensor { out.append((prefix + s.name, t.detach())) } }
        for s in childSlots { if let m = s.module { out += m.stateDict(prefix: prefix + s.name + ".") } }
        return out
    }

    /// Copies values into the module's tensors (`load_state_dict`). With `strict`, missing or
    /// unexpected keys are an error naming them; a shape mismatch is always an error.
    @discardableResult
    public func loadStateDict(_ dict: [String: Tensor], strict: Bool = true) throws -> (missingKeys: [String], unexpectedKeys: [String]) {
        let own = stateDict()
        let ownKeys = Set(own.map { $0.0 })
        let missing = own.map { $0.0 }.filter { dict[$0] == nil }
        let unexpected = dict.keys.filter { !ownKeys.contains($0) }.sorted()
        if strict && (!missing.isEmpty || !unexpected.isEmpty) {
            var parts: [String] = []
            if !missing.isEmpty { parts.append("Missing key(s) in state_dict: " + missing.map { "\"\($0)\"" }.joined(separator: ", ") + ".") }
            if !unexpected.isEmpty { parts.append("Unexpected key(s) in state_dict: " + unexpected.map { "\"\($0)\"" }.joined(separator: ", ") + ".") }
            throw TensorError("load_state_dict", "Error(s) in loading state_dict for \(typeName): " + parts.joined(separator: " "))
        }
        for (key, target) in own {
            guard let value = dict[key] else { continue }
            guard value.shape == target.shape else {
                throw TensorError("load_state_dict", "size mismatch for \(key): copying a param with shape \(fmt(value.shape)) from checkpoint, the shape in current model is \(fmt(target.shape)).")
            }
            try noGrad { try target.copyFrom(value) }
        }
        return (missing, unexpected)
    }

    // MARK: Modes and gradients

    /// Sets training mode on this module and all descendants (`train()`, `train(False)`).
    @discardableResult
    public func train(_ mode: Bool = true) -> Self {
        for (_, m) in namedModules() { m.training = mode }
        return self
    }

    @discardableResult
    public func eval() -> Self { train(false) }

    /// Drops the gradients of all parameters (`zero_grad(set_to_none=True)`).
    public func zeroGrad() {
        for p in parameters() { p.grad = nil }
    }

    /// Calls `fn` on every descendant, children first, then self (`apply`).
    public func apply(_ fn: (Module) throws -> Void) rethrows {
        for c in children() { try c.apply(fn) }
        try fn(self)
    }

    // MARK: Forward and printing

    /// The computation of the module; modules taking one tensor override this.
    open func forward(_ input: Tensor) throws -> Tensor {
        throw TensorError(typeName, "Module [\(typeName)] is missing the required \"forward\" function")
    }

    /// `module(x)`: runs `forward`.
    public func callAsFunction(_ input: Tensor) throws -> Tensor { try forward(input) }

    /// The class name shown when printing (PyTorch's `__class__.__name__`).
    open var typeName: String { String(describing: type(of: self)) }

    /// The constructor arguments shown when printing (`extra_repr`).
    open var extraRepr: String { "" }

    /// PyTorch's module repr: `Name(extra)` or a nested listing of children.
    public var description: String {
        let kids = namedChildren()
        if kids.isEmpty { return "\(typeName)(\(extraRepr))" }
        var lines: [String] = []
        if !extraRepr.isEmpty { lines.append(extraRepr) }
        for (n, m) in kids {
            let body = m.description.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n  ")
            lines.append("(\(n)): \(body)")
        }
        return "\(typeName)(\n  " + lines.joined(separator: "\n  ") + "\n)"
    }
}

/// Python's repr of a float in module reprs (`1e-05`, `0.1`).
func pyFloat(_ v: Double) -> String {
    if v == v.rounded() && abs(v) < 1e16 { return String(format: "%.1f", v) }
    return "\(v)"
}

/// Python's repr of a tuple of ints: `(3,)`, `(2, 3)`.
func pyTuple(_ v: [Int]) -> String { v.count == 1 ? "(\(v[0]),)" : "(" + v.map(String.init).joined(separator: ", ") + ")" }
