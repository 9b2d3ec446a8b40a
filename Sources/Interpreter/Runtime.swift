/// The globals of one module: a table indexed by slots that the resolver assigns at compile time.
public final class ModuleScope {
    var names: [String: Int] = [:]
    var nameList: [String] = []
    /// Values by slot; a raw buffer so that reading a global costs no array retain.
    private(set) var values: UnsafeMutablePointer<Value>
    private var capacity = 64
    /// Builtins found for a global slot that the module never assigned.
    var builtinCache: [Value?] = []

    init() {
        values = .allocate(capacity: capacity)
    }

    deinit {
        values.deinitialize(count: nameList.count)
        values.deallocate()
    }

    func index(of name: String) -> Int {
        if let i = names[name] { return i }
        let i = nameList.count
        if i == capacity {
            let bigger = UnsafeMutablePointer<Value>.allocate(capacity: capacity * 2)
            bigger.moveInitialize(from: values, count: i)
            values.deallocate()
            values = bigger
            capacity *= 2
        }
        (values + i).initialize(to: .unbound)
        names[name] = i
        nameList.append(name)
        builtinCache.append(nil)
        return i
    }

    func get(_ name: String) -> Value? {
        guard let i = names[name] else { return nil }
        let v = values[i]
        return v.isUnbound ? nil : v
    }

    func set(_ name: String, _ v: Value) { values[index(of: name)] = v }

    /// Unbinds every global (the interpreter is going away: frees functions and their frames).
    func clear() {
        for i in 0..<nameList.count { values[i] = .unbound }
        for i in builtinCache.indices { builtinCache[i] = nil }
    }
}

/// A flag the host sets (e.g. on Ctrl-C) and the evaluator polls at loop back-edges and calls.
public final class CancellationFlag: @unchecked Sendable {
    private let p: UnsafeMutablePointer<Int>
    public init() { p = .allocate(capacity: 1); p.initialize(to: 0) }
    deinit { p.deallocate() }
    public var isSet: Bool { p.pointee != 0 }
    public func set() { p.pointee = 1 }
    public func clear() { p.pointee = 0 }
}

/// Control flow out of a statement.
enum Ctl { case normal, breakLoop, continueLoop, returned }

typealias ExprFn = (Frame) throws -> Value
typealias StmtFn = (Frame) throws -> Ctl
typealias CompiledBlock = StmtFn

/// The activation of a function, class body or module chunk: local slots and cells.
final class Frame {
    /// Strong `let`s: reading a `let` field of a borrowed frame costs nothing, whereas an
    /// `unowned(unsafe)` field costs a retain/release pair at every use and an `Unmanaged` one
    /// is retained as soon as the optimizer keeps it across a call. Frames kept for reuse by a
    /// function therefore hold the runtime: `Interpreter.deinit` breaks that cycle.
    let rt: Runtime
    let slots: UnsafeMutablePointer<Value>
    let slotCount: Int
    var cells: [Cell]
    var ret: Value = .none
    let globals: ModuleScope
    /// The namespace of a class body being executed.
    var classNS: [String: Value]?
    /// The user function running in this frame (for zero-argument `super()`).
    unowned(unsafe) var function: PyFunction?
    /// Set when something that outlives the call (a lazy generator expression) uses the frame:
    /// it is then not reused for another call.
    var pinned = false

    init(rt: Runtime, slotCount: Int, cells: [Cell], globals: ModuleScope) {
        self.rt = rt
        self.slotCount = slotCount
        slots = .allocate(capacity: max(slotCount, 1))
        slots.initialize(repeating: .unbound, count: slotCount)
        self.cells = cells
        self.globals = globals
    }

    deinit {
        slots.deinitialize(count: slotCount)
        slots.deallocate()
    }

    /// Makes the frame fresh for another call of the same function (see PyFunction.pool).
    @inline(__always)
    func reset() {
        for i in 0..<slotCount { slots[i] = .unbound }
        ret = .none
    }
}

/// Interpreter state shared by all frames: sinks, builtins, modules, recursion depth.
public final class Runtime {
    var stdout: (String) -> Void
    var stderr: (String) -> Void
    var depth = 0
    /// Containers whose repr is being built (to print cycles as `[...]`).
    var reprActive = Set<ObjectIdentifier>()
    /// Bumped whenever a class's namespace changes after creation; invalidates method caches.
    var classVersion = 0
    /// Functions that keep frames for reuse, unretained (a weak reference would put every
    /// function's reference counting on the slow side-table path): the frames hold this
    /// runtime, so the interpreter frees them when it goes, whatever other cycles keep the
    /// functions alive. A function leaves the table in its deinit.
    private var framePools: [ObjectIdentifier: Unmanaged<PyFunction>] = [:]

    @inline(never)
    func registerFramePool(_ fn: PyFunction) {
        framePools[ObjectIdentifier(fn)] = .passUnretained(fn)
        fn.poolOwner = .passUnretained(self)
    }

    func unregisterFramePool(_ fn: PyFunction) {
        framePools[ObjectIdentifier(fn)] = nil
    }

    func dropFramePools() {
        // Strong references while draining: a drained frame may hold the last reference to
        // another listed function.
        let all = framePools.values.map { $0.takeUnretainedValue() }
        framePools = [:]
        for fn in all {
            fn.poolOwner = nil
            fn.drainPool()
        }
    }

    /// Values replaced in or deleted from a class namespace: method call sites refer to class
    /// functions without retaining them, so those are kept alive (class changes are rare).
    var retired: [Value] = []
    public var recursionLimit = 1000
    public let cancel = CancellationFlag()
    var builtins: [String: Value] = [:]
    var moduleCache: [String: PyModule] = [:]
    /// Modules a host registers (`torch`, `returnn.torch.context`, ...), built lazily on import.
    var hostModules: [String: () -> PyModule] = [:]
    let main = ModuleScope()
    var argv: [String] = [""]
    var randomState = RandomState(seed: 0)
    /// Exceptions being handled by `except` blocks, innermost last (for a bare `raise`).
    var handling: [PyError] = []

    init(stdout: @escaping (String) -> Void, stderr: @escaping (String) -> Void) {
        self.stdout = stdout
        self.stderr = stderr
        builtins = makeBuiltins()
    }

    /// Polled at loop back-edges: raises KeyboardInterrupt once the host set the flag.
    @inline(__always)
    func checkCancel() throws {
        if cancel.isSet {
            cancel.clear()
            throw pyErr(ExcTypes.keyboardInterrupt, "")
        }
    }
}
