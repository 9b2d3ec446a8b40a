/// A Python exception travelling through Swift as a thrown error.
public struct PyError: Error, CustomStringConvertible {
    let exc: PyInstance
    init(_ exc: PyInstance) { self.exc = exc }
    public var typeName: String { exc.cls.name }
    public var message: String { exceptionMessage(exc, nil) }
    public var description: String { message.isEmpty ? typeName : "\(typeName): \(message)" }
}

/// An error a host object (tensor, module, dataset) throws; it becomes the Python exception
/// of the named built-in class (`TypeError`, `ValueError`, `RuntimeError`, ...).
public struct ScriptError: Error {
    public let type: String
    public let message: String
    public init(_ type: String, _ message: String) { self.type = type; self.message = message }
}

/// The built-in exception classes, with Python's hierarchy.
enum ExcTypes {
    static let baseException = PyClass(name: "BaseException", base: nil, isBuiltin: true)
    static let exception = make("Exception", baseException)
    static let keyboardInterrupt = make("KeyboardInterrupt", baseException)
    static let systemExit = make("SystemExit", baseException)
    static let arithmeticError = make("ArithmeticError", exception)
    static let zeroDivisionError = make("ZeroDivisionError", arithmeticError)
    static let overflowError = make("OverflowError", arithmeticError)
    static let assertionError = make("AssertionError", exception)
    static let attributeError = make("AttributeError", exception)
    static let lookupError = make("LookupError", exception)
    static let indexError = make("IndexError", lookupError)
    static let keyError = make("KeyError", lookupError)
    static let nameError = make("NameError", exception)
    static let unboundLocalError = make("UnboundLocalError", nameError)
    static let runtimeError = make("RuntimeError", exception)
    static let recursionError = make("RecursionError", runtimeError)
    static let notImplementedError = make("NotImplementedError", runtimeError)
    static let typeError = make("TypeError", exception)
    static let valueError = make("ValueError", exception)
    static let unicodeError = make("UnicodeError", valueError)
    static let stopIteration = make("StopIteration", exception)
    static let importError = make("ImportError", exception)
    static let moduleNotFoundError = make("ModuleNotFoundError", importError)
    static let osError = make("OSError", exception)
    static let fileNotFoundError = make("FileNotFoundError", osError)
    static let fileExistsError = make("FileExistsError", osError)
    static let isADirectoryError = make("IsADirectoryError", osError)
    static let permissionError = make("PermissionError", osError)
    static let eofError = make("EOFError", exception)
    static let memoryError = make("MemoryError", exception)
    static let syntaxError = make("SyntaxError", exception)
    static let warning = make("Warning", exception)
    static let userWarning = make("UserWarning", warning)
    static let deprecationWarning = make("DeprecationWarning", warning)

    private static func make(_ name: String, _ base: PyClass) -> PyClass {
        PyClass(name: name, base: base, isBuiltin: true)
    }

    static let all: [PyClass] = [
        baseException, exception, keyboardInterrupt, systemExit, arithmeticError, zeroDivisionError,
        overflowError, assertionError, attributeError, lookupError, indexError, keyError, nameError,
        unboundLocalError, runtimeError, recursionError, notImplementedError, typeError, valueError,
        unicodeError, stopIteration, importError, moduleNotFoundError, osError, fileNotFoundError,
        fileExistsError, isADirectoryError, permissionError, eofError, memoryError, syntaxError, warning,
        userWarning, deprecationWarning,
    ]

    static let byName: [String: PyClass] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
}

/// Makes a Python exception of a built-in class with a message.
func pyErr(_ cls: PyClass, _ message: String) -> PyError {
    let inst = PyInstance(cls)
    inst.exc = ExceptionData(args: message.isEmpty ? [] : [.str(message)])
    return PyError(inst)
}

func typeError(_ m: String) -> PyError { pyErr(ExcTypes.typeError, m) }
func valueError(_ m: String) -> PyError { pyErr(ExcTypes.valueError, m) }
func indexError(_ m: String) -> PyError { pyErr(ExcTypes.indexError, m) }
func overflowError(_ m: String) -> PyError { pyErr(ExcTypes.overflowError, m) }
func zeroDivision(_ m: String) -> PyError { pyErr(ExcTypes.zeroDivisionError, m) }
func keyError(_ key: Value) -> PyError {
    let inst = PyInstance(ExcTypes.keyError)
    inst.exc = ExceptionData(args: [key])
    return PyError(inst)
}

/// `str(e)` of an exception: its single argument, or the tuple of its arguments.
func exceptionMessage(_ e: PyInstance, _ rt: Runtime?) -> String {
    let args = e.exc?.args ?? []
    func r(_ v: Value) -> String { (try? rt?.repr(v)) ?? basicRepr(v) }
    if e.cls.isSubclass(of: ExcTypes.keyError), args.count == 1 { return r(args[0]) }
    switch args.count {
    case 0: return ""
    case 1:
        if case .str(let s) = args[0] { return s }
        return (try? rt?.str(args[0])) ?? basicRepr(args[0])
    default: return r(.tuple(args))
    }
}

/// repr of plain data without running user code (for messages built outside the evaluator).
func basicRepr(_ v: Value) -> String {
    switch v {
    case .none: return "None"
    case .bool(let b): return b ? "True" : "False"
    case .int(let i): return String(i)
    case .float(let d): return floatRepr(d)
    case .str(let s): return strRepr(s)
    case .tuple(let t): return "(" + t.map(basicRepr).joined(separator: ", ") + (t.count == 1 ? ",)" : ")")
    case .list(let l): return "[" + l.items.map(basicRepr).joined(separator: ", ") + "]"
    default: return "<\(typeName(v)) object>"
    }
}

/// Converts any Swift error into a Python exception (host errors, cancellation, ...).
func asPyError(_ e: Error) -> PyError {
    if let p = e as? PyError { return p }
    if let s = e as? ScriptError { return pyErr(ExcTypes.byName[s.type] ?? ExcTypes.runtimeError, s.message) }
    return pyErr(ExcTypes.runtimeError, "\(e)")
}
