/// Operators a host object may implement (`+`, `@`, `<`, ...).
public enum HostOperator: String {
    case add = "+", sub = "-", mul = "*", truediv = "/", floordiv = "//", mod = "%", pow = "**"
    case matmul = "@", lshift = "<<", rshift = ">>", bitand = "&", bitor = "|", bitxor = "^"
    case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">="
    case neg = "unary -", pos = "unary +", invert = "~"
}

/// An object the host (the shell's bindings) exposes to programs: tensors, modules, datasets,
/// the run context. Every requirement has a default that raises the TypeError Python would.
/// Errors are thrown as `ScriptError` (or any Error, which becomes a RuntimeError).
public protocol HostObject: AnyObject {
    /// The type name shown in messages and by `type(x)` (e.g. "Tensor").
    var typeName: String { get }
    /// An attribute or method (nil when absent: the interpreter raises AttributeError with hints).
    func getAttribute(_ name: String) throws -> Value?
    /// Sets an attribute; returns false when the object does not take it.
    func setAttribute(_ name: String, _ value: Value) throws -> Bool
    /// Names for completion and "did you mean" hints.
    var attributeNames: [String] { get }
    var isCallable: Bool { get }
    func call(_ args: [Value], _ kwargs: [(String, Value)]) throws -> Value
    /// A binary operator with `other` on the right (or on the left when `reflected`); nil when
    /// not supported for that operand, so the interpreter can try the other side.
    func binaryOp(_ op: HostOperator, _ other: Value, reflected: Bool) throws -> Value?
    func unaryOp(_ op: HostOperator) throws -> Value?
    func getItem(_ index: Value) throws -> Value
    func setItem(_ index: Value, _ value: Value) throws
    /// The items of `for x in obj`, or nil when not iterable.
    func iterate() throws -> [Value]?
    func length() throws -> Int?
    func repr() -> String
    func str() -> String
    func truthy() throws -> Bool
    /// `with obj as x:` — the value bound to x.
    func enter() throws -> Value
    /// Leaves the context; `error` is the exception in flight, if any. Returns true to suppress it.
    func exit(_ error: Error?) throws -> Bool
}

public extension HostObject {
    func getAttribute(_ name: String) throws -> Value? { nil }
    func setAttribute(_ name: String, _ value: Value) throws -> Bool { false }
    var attributeNames: [String] { [] }
    var isCallable: Bool { false }
    func call(_ args: [Value], _ kwargs: [(String, Value)]) throws -> Value {
        throw ScriptError("TypeError", "'\(typeName)' object is not callable")
    }
    func binaryOp(_ op: HostOperator, _ other: Value, reflected: Bool) throws -> Value? { nil }
    func unaryOp(_ op: HostOperator) throws -> Value? { nil }
    func getItem(_ index: Value) throws -> Value {
        throw ScriptError("TypeError", "'\(typeName)' object is not subscriptable")
    }
    func setItem(_ index: Value, _ value: Value) throws {
        throw ScriptError("TypeError", "'\(typeName)' object does not support item assignment")
    }
    func iterate() throws -> [Value]? { nil }
    func length() throws -> Int? { nil }
    func repr() -> String { "<\(typeName) object>" }
    func str() -> String { repr() }
    func truthy() throws -> Bool { true }
    func enter() throws -> Value { throw ScriptError("TypeError", "'\(typeName)' object does not support the context manager protocol") }
    func exit(_ error: Error?) throws -> Bool { false }
}

/// A host class that user classes may derive from (e.g. `nn.Module`): instances of the user
/// class carry a host object made by `instantiate`, which receives attributes the user sets.
public protocol HostClass: HostObject {
    /// Makes the host part of a new instance of a user subclass named `className`.
    func instantiate(className: String) throws -> HostObject
    /// Tells the host part which instance it belongs to (so Swift code holding only the host
    /// part, e.g. a container module, can call the instance's methods such as `forward`).
    func bind(_ host: HostObject, to instance: Value)
}

public extension HostClass {
    func bind(_ host: HostObject, to instance: Value) {}
}
