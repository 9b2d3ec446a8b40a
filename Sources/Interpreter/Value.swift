/// A value of the language. Small scalars are stored inline; containers and objects are
/// references, so passing a value copies at most a pointer and a tag.
public enum Value {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case str(String)
    case list(PyList)
    case tuple([Value])
    case dict(PyDict)
    case set(PySet)
    case range(PyRange)
    case slice(PySlice)
    case function(PyFunction)
    case builtin(PyBuiltin)
    case boundMethod(PyBoundMethod)
    case type(PyClass)
    case instance(PyInstance)
    case module(PyModule)
    case iterator(PyIterator)
    case host(HostObject)
    case superProxy(PySuper)
    case descriptor(PyDescriptor)
    /// Internal marker of an unassigned variable or attribute slot; never visible to programs.
    case unbound

    var isUnbound: Bool { if case .unbound = self { return true }; return false }
    var isNone: Bool { if case .none = self { return true }; return false }
}

/// A mutable list.
public final class PyList {
    public var items: [Value]
    public init(_ items: [Value] = []) { self.items = items }
}

/// `range(start, stop, step)`.
public final class PyRange {
    let start: Int, stop: Int, step: Int
    init(_ start: Int, _ stop: Int, _ step: Int) { self.start = start; self.stop = stop; self.step = step }
    var count: Int {
        let span = step > 0 ? stop.subtractingReportingOverflow(start) : start.subtractingReportingOverflow(stop)
        if span.overflow { return Int.max }
        guard span.partialValue > 0 else { return 0 }
        return (span.partialValue - 1) / step.magnitude.clampedToInt + 1
    }
    func at(_ i: Int) -> Int { start &+ i &* step }
}

/// A slice object `start:stop:step`.
public final class PySlice {
    public let start: Value, stop: Value, step: Value
    init(_ start: Value, _ stop: Value, _ step: Value) { self.start = start; self.stop = stop; self.step = step }
}

/// A variable captured by a closure.
final class Cell {
    var value: Value = .unbound
    init() {}
    init(_ v: Value) { value = v }
}

/// A user function: its definition, defaults evaluated at `def` time and captured cells.
public final class PyFunction {
    let def: FuncDef
    let body: CompiledBlock
    var defaults: [Value]
    var kwDefaults: [String: Value]
    let closure: [Cell]
    let module: ModuleScope
    var qualname: String
    /// The class whose body defined this function (for zero-argument `super()`).
    var definingClass: PyClass?
    /// Positional parameter count when the function takes only plain positional parameters.
    let simpleArity: Int?
    let hasParamCells: Bool
    /// Runs the body in a bound frame and gives the return value: the body as one expression
    /// when it is a single `return expr`, else the statements. A `let`, so calling it through a
    /// borrowed function costs no retain of the closure.
    let code: ExprFn
    /// Frames of finished calls, reused to save two allocations per call; recursion keeps one
    /// per depth reached. Functions without cells only. Each entry holds one reference, so
    /// taking a frame out and putting it back costs no reference counting.
    private var pool: UnsafeMutablePointer<Unmanaged<Frame>>?
    private var poolCount = 0
    private var poolCapacity = 0
    /// Registered with the runtime (see `Runtime.registerFramePool`).
    var poolRegistered = false

    init(def: FuncDef, body: @escaping CompiledBlock, code: @escaping ExprFn, defaults: [Value], kwDefaults: [String: Value],
         closure: [Cell], module: ModuleScope, qualname: String) {
        self.def = def; self.body = body; self.defaults = defaults; self.kwDefaults = kwDefaults
        self.closure = closure; self.module = module; self.qualname = qualname
        let plain = def.params.allSatisfy { $0.kind == .normal }
        simpleArity = plain ? def.params.count : nil
        hasParamCells = !def.paramCells.isEmpty
        self.code = code
    }

    /// The runtime whose table lists this function (see `Runtime.registerFramePool`).
    var poolOwner: Unmanaged<Runtime>?

    deinit {
        poolOwner?._withUnsafeGuaranteedRef { $0.unregisterFramePool(self) }
        for i in 0..<poolCount { pool![i].release() }
        pool?.deallocate()
    }

    /// A frame of an earlier call, if any (owned by the caller from now on).
    @inline(__always)
    func takeSpare() -> Frame? {
        guard poolCount > 0 else { return nil }
        poolCount -= 1
        return pool.unsafelyUnwrapped[poolCount].takeRetainedValue()
    }

    /// Keeps a finished call's (reset) frame for the next call.
    @inline(__always)
    func putSpare(_ frame: consuming Frame) {
        if poolCount == poolCapacity { growPool() }
        pool.unsafelyUnwrapped[poolCount] = Unmanaged.passRetained(frame)
        poolCount += 1
    }

    /// Frees the kept frames (they hold the runtime; see `Runtime.dropFramePools`).
    func drainPool() {
        for i in 0..<poolCount { pool![i].release() }
        poolCount = 0
    }

    private func growPool() {
        let n = max(4, poolCapacity * 2)
        let bigger = UnsafeMutablePointer<Unmanaged<Frame>>.allocate(capacity: n)
        if let p = pool {
            bigger.moveInitialize(from: p, count: poolCount)
            p.deallocate()
        }
        pool = bigger
        poolCapacity = n
    }
    var name: String { def.name }
}

/// The signature of a built-in function or method; `selfValue` is `.none` for plain functions.
public typealias BuiltinFn = (_ rt: Runtime, _ selfValue: Value, _ args: [Value], _ kwargs: [(String, Value)]) throws -> Value

/// A function implemented in Swift, optionally bound to a receiver.
public final class PyBuiltin {
    public let name: String
    let fn: BuiltinFn
    let bound: Value?
    /// A method of a built-in type stored in its class: called unbound, the first argument is the receiver.
    var isMethod = false
    /// A one-argument entry (len, abs, ...) that call sites with one argument use without an array.
    var unary: ((Runtime, Value) throws -> Value)?
    /// Method entries by argument count (receiver first) that method-call sites use without an array.
    var method1: ((Runtime, Value, Value) throws -> Value)?
    var method2: ((Runtime, Value, Value, Value) throws -> Value)?
    public init(_ name: String, _ fn: @escaping BuiltinFn) { self.name = name; self.fn = fn; self.bound = nil }
    init(_ name: String, _ fn: @escaping BuiltinFn, bound: Value) { self.name = name; self.fn = fn; self.bound = bound }
}

/// A user method bound to its instance.
public final class PyBoundMethod {
    let receiver: Value
    let function: Value
    init(_ receiver: Value, _ function: Value) { self.receiver = receiver; self.function = function }
}

/// A class: user-defined, a built-in type (`int`, `list`, ...) or a built-in exception class.
public final class PyClass {
    public let name: String
    let base: PyClass?
    var dict: [String: Value]
    /// Instance attribute name -> slot in `PyInstance.slots`, shared by all instances.
    var layout: [String: Int] = [:]
    var layoutNames: [String] = []
    /// `layoutNames.count`, kept as a plain field for the method caches.
    var layoutCount = 0
    let isBuiltin: Bool
    /// Constructor of a built-in type (`int("3")`); user classes use `__init__`.
    var construct: BuiltinFn?
    /// One-argument form of `construct` (`str(x)`, `int(x)`, `float(x)`) for the call fast path.
    var constructUnary: ((Runtime, Value) throws -> Value)?
    /// The host class this class derives from, if any (e.g. `nn.Module`).
    var hostBase: HostClass?

    init(name: String, base: PyClass?, dict: [String: Value] = [:], isBuiltin: Bool = false) {
        self.name = name; self.base = base; self.dict = dict; self.isBuiltin = isBuiltin
        self.hostBase = base?.hostBase
    }

    /// Looks a name up along the base chain.
    func lookup(_ name: String) -> Value? {
        var c: PyClass? = self
        while let k = c {
            if let v = k.dict[name] { return v }
            c = k.base
        }
        return nil
    }

    func isSubclass(of other: PyClass) -> Bool {
        var c: PyClass? = self
        while let k = c {
            if k === other { return true }
            c = k.base
        }
        return false
    }

    func slot(for name: String) -> Int {
        if let i = layout[name] { return i }
        let i = layoutNames.count
        layout[name] = i
        layoutNames.append(name)
        layoutCount += 1
        return i
    }

    var isException: Bool { isSubclass(of: ExcTypes.baseException) }
}

/// Data an exception instance carries besides its attributes.
final class ExceptionData {
    var args: [Value]
    /// Innermost call first: (function name, file, position).
    var traceback: [(String, String, Pos)] = []
    var pendingPos: Pos?
    var pendingFile: String?
    init(args: [Value]) { self.args = args }
}

/// An instance of a user class (or of an exception class).
public final class PyInstance {
    public let cls: PyClass
    /// Attribute values by the class's layout slot; a raw buffer so reads cost no array retain.
    private(set) var slots: UnsafeMutablePointer<Value>
    private(set) var slotCount: Int
    var exc: ExceptionData?
    /// The host object behind an instance of a class derived from a host class.
    public internal(set) var host: HostObject? { didSet { isPlain = host == nil } }
    /// No host part (checked on hot paths without loading the existential).
    private(set) var isPlain = true
    init(_ cls: PyClass) {
        self.cls = cls
        slotCount = max(cls.layoutNames.count, 4)
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: .unbound, count: slotCount)
        if cls.isException { exc = ExceptionData(args: []) }
    }

    deinit {
        slots.deinitialize(count: slotCount)
        slots.deallocate()
    }

    func getSlot(_ name: String) -> Value? {
        guard let i = cls.layout[name], i < slotCount else { return nil }
        let v = slots[i]
        return v.isUnbound ? nil : v
    }

    func setSlot(_ name: String, _ v: Value) {
        let i = cls.slot(for: name)
        ensureSlot(i)
        slots[i] = v
    }

    /// Grows the buffer so that slot `i` exists.
    @inline(__always)
    func ensureSlot(_ i: Int) {
        guard i >= slotCount else { return }
        let n = max(i + 1, slotCount * 2)
        let bigger = UnsafeMutablePointer<Value>.allocate(capacity: n)
        bigger.moveInitialize(from: slots, count: slotCount)
        (bigger + slotCount).initialize(repeating: .unbound, count: n - slotCount)
        slots.deallocate()
        slots = bigger
        slotCount = n
    }
}

/// A built-in module (`math`, `os`, ...) or one the host registers (`torch`).
public final class PyModule {
    public let name: String
    public var attributes: [String: Value]
    public init(name: String, attributes: [String: Value]) { self.name = name; self.attributes = attributes }
}

/// An iterator over a sequence, produced by `iter()`, `enumerate`, `zip`, `map`, generator expressions.
public final class PyIterator {
    enum Source {
        case array([Value], Int)
        case list(PyList, Int)
        case range(Int, Int, Int)
        case custom(() throws -> Value?)
    }
    var source: Source
    /// Set for dict views (`dict_keys`, ...), which print their items and can be re-iterated.
    var viewName: String?
    /// The dict a view reads (live) and which of its parts.
    var viewDict: PyDict?
    var viewKind: DictView.Kind = .keys
    private var viewPass: PyIterator?
    init(_ source: Source) { self.source = source }

    /// The current items of a view (without consuming it) or the rest of an array-backed iterator.
    var viewItems: [Value]? {
        if let d = viewDict { return DictView.items(d, viewKind) }
        if case .array(let a, let i) = source { return Array(a[i...]) }
        return nil
    }

    /// The next item, or nil when exhausted.
    func next() throws -> Value? {
        if let d = viewDict {
            // Swift code that steps a view directly (not through `Runtime.iterate`) gets a live pass.
            let inner = viewPass ?? DictView.iterator(d, viewKind)
            viewPass = inner
            return try inner.next()
        }
        switch source {
        case .array(let a, let i):
            guard i < a.count else { return nil }
            source = .array(a, i + 1)
            return a[i]
        case .list(let l, let i):
            guard i < l.items.count else { return nil }
            source = .list(l, i + 1)
            return l.items[i]
        case .range(let cur, let stop, let step):
            guard step > 0 ? cur < stop : cur > stop else { return nil }
            let (next, o) = cur.addingReportingOverflow(step)
            source = o ? .range(stop, stop, step) : .range(next, stop, step)
            return .int(cur)
        case .custom(let f):
            return try f()
        }
    }
}

/// The object `super()` returns: attribute lookup starts above `start` and binds to `receiver`.
public final class PySuper {
    let start: PyClass
    let receiver: Value
    init(start: PyClass, receiver: Value) { self.start = start; self.receiver = receiver }
}

extension UInt {
    var clampedToInt: Int { self > UInt(Int.max) ? Int.max : Int(self) }
}

/// What `@staticmethod`, `@classmethod` and `@property` make of a function in a class body.
public final class PyDescriptor {
    enum Kind: String { case staticMethod = "staticmethod", classMethod = "classmethod", property }
    let kind: Kind
    let function: Value
    init(_ kind: Kind, _ function: Value) { self.kind = kind; self.function = function }
}
