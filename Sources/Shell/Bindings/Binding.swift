import Interpreter
import Tensor

/// One PyTorch function as the language sees it: its signature (parameter names in PyTorch's
/// order, see `Args`) and its body.
struct Binding {
    let params: [String]
    let body: (Args) throws -> Value
    /// Whether `x.name(...)` calls this with `x` as the first argument (tensor methods).
    let isMethod: Bool

    init(_ params: [String], method: Bool? = nil, _ body: @escaping (Args) throws -> Value) {
        self.params = params
        self.body = body
        self.isMethod = method ?? (params.first == "input" || params.first == "self")
    }

    /// The binding as a built-in function value named `name`.
    func function(_ name: String) -> Value {
        let b = self
        return .builtin(PyBuiltin(name) { rt, _, args, kw in try b.call(name, args, kw, rt) })
    }

    /// The binding as a method bound to `receiver`.
    func method(_ name: String, _ receiver: Value) -> Value {
        let b = self
        return .builtin(PyBuiltin(name) { rt, _, args, kw in try b.call(name, [receiver] + args, kw, rt) })
    }

    func call(_ name: String, _ args: [Value], _ kw: [(String, Value)], _ rt: Runtime?) throws -> Value {
        do {
            return try body(try Args(name, params, args, kw, rt))
        } catch let e as TensorError {
            throw ScriptError("RuntimeError", e.description)
        }
    }
}

typealias BindingTable = [String: Binding]

/// Shorthand for a one-tensor function `f(input)`.
func unaryBinding(_ f: @escaping (Tensor) throws -> Tensor) -> Binding {
    Binding(["input"]) { a in Convert.wrap(try f(try a.tensor("input"))) }
}

/// A module value built from bindings: `torch`, `torch.nn.functional`, ...
func moduleOf(_ name: String, _ table: BindingTable, extra: [String: Value] = [:]) -> PyModule {
    var attrs: [String: Value] = [:]
    for (k, b) in table { attrs[k] = b.function(k) }
    for (k, v) in extra { attrs[k] = v }
    return PyModule(name: name, attributes: attrs)
}
