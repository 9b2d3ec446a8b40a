import Interpreter
import Tensor

/// A tensor as a value of the language: PyTorch's attributes, methods, operators and indexing.
final class TensorObject: HostObject {
    let t: Tensor
    /// Made by `nn.Parameter(...)` or read from a module: registers as a parameter on assignment.
    var isParameter: Bool

    init(_ t: Tensor, parameter: Bool = false) {
        self.t = t
        self.isParameter = parameter
    }

    var typeName: String { isParameter ? "Parameter" : "Tensor" }

    func repr() -> String { (isParameter ? "Parameter containing:\n" : "") + t.description }

    func truthy() throws -> Bool {
        guard t.numel == 1 else {
            throw ScriptError("RuntimeError", "Boolean value of Tensor with more than one value is ambiguous")
        }
        return try t.item() != 0
    }

    func length() throws -> Int? {
        guard t.ndim > 0 else { throw ScriptError("TypeError", "len() of a 0-d tensor") }
        return t.shape[0]
    }

    func iterate() throws -> [Value]? {
        guard t.ndim > 0 else { throw ScriptError("TypeError", "iteration over a 0-d tensor") }
        return try t.unbind(dim: 0).map { Convert.wrap($0) }
    }

    // MARK: Attributes

    static let properties = ["shape", "dtype", "device", "grad", "requires_grad", "is_leaf", "grad_fn",
                             "ndim", "T", "mT", "data", "is_cuda", "names"]

    var attributeNames: [String] {
        TensorObject.properties + Array(TensorMethods.table.keys)
            + TorchFunctions.table.filter { $0.value.isMethod }.map { $0.key }
            + FunctionalBindings.methodNames
    }

    func getAttribute(_ name: String) throws -> Value? {
        switch name {
        case "shape": return .host(SizeObject(t.shape))
        case "dtype": return .host(DTypeObject.of(t.dtype))
        case "device": return .host(DeviceObject.cpu)
        case "grad": return Convert.wrap(t.grad)
        case "requires_grad": return .bool(t.requiresGrad)
        case "is_leaf": return .bool(t.isLeaf)
        case "grad_fn": return t.gradFnName.map { .host(GradFnObject($0)) } ?? .none
        case "ndim": return .int(t.ndim)
        case "T", "mT": return try wrapped { try t.permute(Array((0..<t.ndim).reversed())) }
        case "data": return Convert.wrap(t.detach())
        case "is_cuda": return .bool(false)
        default: break
        }
        if name.hasPrefix("__i"), let op = TensorObject.inplaceOps[name] {
            return .builtin(PyBuiltin(name) { [self] rt, _, args, _ in
                _ = rt
                return try self.inplace(op, try Convert.tensor(args.first ?? .none))
            })
        }
        if name == "__format__" {
            return .builtin(PyBuiltin(name) { [self] rt, _, args, _ in
                // f"{t}" prints the tensor; a spec (f"{loss:.3f}") formats a 0-d tensor's number.
                guard t.numel == 1, t.ndim == 0, case .str(let s)? = args.first, !s.isEmpty else { return .str(t.description) }
                let v: Value = t.dtype == .float32 ? .float(try t.item()) : .int(Int(try t.item()))
                guard case .str(let spec)? = args.first else { return .str(t.description) }
                return try rt.call(try rt.getAttr(.str("{:" + spec + "}"), "format"), [v], [])
            })
        }
        let me: Value = .host(self)
        if let b = TensorMethods.table[name] { return b.method(name, me) }
        if let b = TorchFunctions.table[name], b.isMethod { return b.method(name, me) }
        if let b = FunctionalBindings.asMethod(name) { return b.method(name, me) }
        return nil
    }

    func setAttribute(_ name: String, _ value: Value) throws -> Bool {
        switch name {
        case "grad":
            if case .none = value { t.grad = nil } else { t.grad = try Convert.tensor(value) }
            return true
        case "requires_grad":
            guard case .bool(let b) = value else { throw ScriptError("TypeError", "requires_grad must be a bool") }
            try rethrowing { _ = try t.requiresGrad(b) }
            return true
        case "data":
            let src = try Convert.tensor(value)
            try rethrowing { _ = try noGrad { try t.copyFrom(src) } }
            return true
        default:
            return false
        }
    }

    private func wrapped(_ f: () throws -> Tensor) throws -> Value {
        do { return Convert.wrap(try f()) } catch let e as TensorError { throw ScriptError("RuntimeError", e.description) }
    }

    // MARK: Operators

    static let inplaceOps: [String: HostOperator] = ["__iadd__": .add, "__isub__": .sub, "__imul__": .mul, "__itruediv__": .truediv]

    /// `x += y` & co. update `x` in place, as PyTorch does (so `p -= lr * p.grad` changes `p`).
    private func inplace(_ op: HostOperator, _ other: Tensor) throws -> Value {
        try rethrowing {
            switch op {
            case .add: _ = try t.addInPlace(other)
            case .sub: _ = try t.subInPlace(other)
            case .mul: _ = try t.mulInPlace(other)
            default: _ = try t.divInPlace(other)
            }
        }
        return .host(self)
    }

    func binaryOp(_ op: HostOperator, _ other: Value, reflected: Bool) throws -> Value? {
        let o: Tensor
        switch other {
        case .host(let h as TensorObject): o = h.t
        case .int(let n): o = Tensor.scalar(n)
        case .float(let d): o = Tensor.scalar(d)
        case .bool(let b): o = try Tensor(bools: [b], shape: [])
        default: return nil
        }
        let (a, b) = reflected ? (o, t) : (t, o)
        return try wrapped { try TensorObject.apply(op, a, b) }
    }

    static func apply(_ op: HostOperator, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        switch op {
        case .add: return try a.add(b)
        case .sub: return try a.sub(b)
        case .mul: return try a.mul(b)
        case .truediv: return try a.div(b)
        case .floordiv: return try a.floorDivide(b)
        case .mod: return try a.remainder(b)
        case .pow: return try a.pow(b)
        case .matmul: return try a.matmul(b)
        case .eq: return try a.eq(b)
        case .ne: return try a.ne(b)
        case .lt: return try a.lt(b)
        case .le: return try a.le(b)
        case .gt: return try a.gt(b)
        case .ge: return try a.ge(b)
        case .bitand: return try a.logicalAnd(b)
        case .bitor: return try a.logicalOr(b)
        case .bitxor: return try a.logicalXor(b)
        default: throw ScriptError("TypeError", "unsupported operand type(s) for \(op.rawValue): 'Tensor' and 'Tensor'")
        }
    }

    func unaryOp(_ op: HostOperator) throws -> Value? {
        switch op {
        case .neg: return Convert.wrap(t.neg())
        case .pos: return .host(self)
        case .invert:
            guard t.dtype == .bool else { throw ScriptError("RuntimeError", "~ is only supported for bool tensors in mrsh") }
            return Convert.wrap(t.logicalNot())
        default: return nil
        }
    }

    // MARK: Indexing

    func getItem(_ index: Value) throws -> Value {
        let items = try TensorObject.indexItems(index)
        return try wrapped { try t.index(items) }
    }

    func setItem(_ index: Value, _ value: Value) throws {
        let items = try TensorObject.indexItems(index)
        let v = try Convert.tensor(value)
        try rethrowing { try t.indexPut(items, v) }
    }

    /// A Python subscript as tensor index items: ints, slices, None, `...`, tensors, lists of ints.
    /// Like PyTorch, at most one `...` (it stands for as many full slices as the other items leave).
    static func indexItems(_ index: Value) throws -> [TensorIndex] {
        guard case .tuple(let xs) = index else { return [try indexItem(index)] }
        if xs.lazy.filter(\.isEllipsis).count > 1 {
            throw ScriptError("IndexError", "an index can only have a single ellipsis ('...')")
        }
        return try xs.map(indexItem)
    }

    private static func indexItem(_ v: Value) throws -> TensorIndex {
        switch v {
        case .int(let n): return .int(n)
        case .bool(let b): return .tensor(try Tensor(bools: [b], shape: []))
        case .none: return .newAxis
        case _ where v.isEllipsis: return .ellipsis
        case .slice(let s):
            func bound(_ x: Value) throws -> Int? {
                switch x {
                case .none: return nil
                case .int(let n): return n
                case .host(let h as TensorObject) where h.t.numel == 1 && h.t.dtype != .float32: return Int(try h.t.item())
                default: throw ScriptError("TypeError", "slice indices must be integers or None")
                }
            }
            return .slice(try bound(s.start), try bound(s.stop), try bound(s.step))
        case .host(let h as TensorObject): return .tensor(h.t)
        case .list: return .tensor(try Convert.fromData(v, dtype: nil))
        default:
            throw ScriptError("IndexError", "only integers, slices, None, bool and integer tensors are valid indices (got \(Convert.typeName(v)))")
        }
    }
}

/// One language object per live tensor, so that `p is model.w`, `{p: ...}[model.w]` and
/// `x.grad is x.grad` behave as in PyTorch. Entries are weak; dead ones are swept as it grows.
/// Used from the interpreter's thread only.
enum TensorWrappers {
    private final class Weak { weak var object: TensorObject?; init(_ o: TensorObject) { object = o } }
    nonisolated(unsafe) private static var table: [ObjectIdentifier: Weak] = [:]
    nonisolated(unsafe) private static var sweepAt = 4096

    static func wrap(_ t: Tensor, parameter: Bool) -> TensorObject {
        let key = ObjectIdentifier(t)
        if let o = table[key]?.object, o.t === t {
            if parameter { o.isParameter = true }
            return o
        }
        let o = TensorObject(t, parameter: parameter)
        table[key] = Weak(o)
        if table.count >= sweepAt {
            table = table.filter { $0.value.object != nil }
            sweepAt = Swift.max(4096, table.count * 2)
        }
        return o
    }
}

/// Runs `body`, turning tensor errors into the RuntimeError PyTorch raises.
func rethrowing<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as TensorError { throw ScriptError("RuntimeError", e.description) }
}
