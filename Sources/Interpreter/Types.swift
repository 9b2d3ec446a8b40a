/// The built-in types as class objects, so `type(x)`, `isinstance` and method lookup are uniform.
enum BuiltinTypes {
    static let object = PyClass(name: "object", base: nil, isBuiltin: true)
    static let noneType = PyClass(name: "NoneType", base: nil, isBuiltin: true)
    static let int = PyClass(name: "int", base: nil, isBuiltin: true)
    static let bool = PyClass(name: "bool", base: int, isBuiltin: true)
    static let float = PyClass(name: "float", base: nil, isBuiltin: true)
    static let str = PyClass(name: "str", base: nil, isBuiltin: true)
    static let list = PyClass(name: "list", base: nil, isBuiltin: true)
    static let tuple = PyClass(name: "tuple", base: nil, isBuiltin: true)
    static let dict = PyClass(name: "dict", base: nil, isBuiltin: true)
    static let set = PyClass(name: "set", base: nil, isBuiltin: true)
    static let range = PyClass(name: "range", base: nil, isBuiltin: true)
    static let slice = PyClass(name: "slice", base: nil, isBuiltin: true)
    static let function = PyClass(name: "function", base: nil, isBuiltin: true)
    static let builtinFunction = PyClass(name: "builtin_function_or_method", base: nil, isBuiltin: true)
    static let method = PyClass(name: "method", base: nil, isBuiltin: true)
    static let type = PyClass(name: "type", base: nil, isBuiltin: true)
    static let module = PyClass(name: "module", base: nil, isBuiltin: true)
    static let iterator = PyClass(name: "iterator", base: nil, isBuiltin: true)
    static let superType = PyClass(name: "super", base: nil, isBuiltin: true)
    static let host = PyClass(name: "host", base: nil, isBuiltin: true)
    static let file = PyClass(name: "TextIOWrapper", base: nil, isBuiltin: true)
    static let descriptor = PyClass(name: "property", base: nil, isBuiltin: true)
    static let ellipsis = PyClass(name: "ellipsis", base: nil, isBuiltin: true)
}

/// The class of a value.
func typeOf(_ v: Value) -> PyClass {
    switch v {
    case .none: return BuiltinTypes.noneType
    case .bool: return BuiltinTypes.bool
    case .int: return BuiltinTypes.int
    case .float: return BuiltinTypes.float
    case .str: return BuiltinTypes.str
    case .list: return BuiltinTypes.list
    case .tuple: return BuiltinTypes.tuple
    case .dict: return BuiltinTypes.dict
    case .set: return BuiltinTypes.set
    case .range: return BuiltinTypes.range
    case .slice: return BuiltinTypes.slice
    case .function: return BuiltinTypes.function
    case .builtin: return BuiltinTypes.builtinFunction
    case .boundMethod: return BuiltinTypes.method
    case .type: return BuiltinTypes.type
    case .instance(let i): return i.cls
    case .module: return BuiltinTypes.module
    case .iterator: return BuiltinTypes.iterator
    case .host(let h):
        if h is FileObject { return BuiltinTypes.file }
        return h === EllipsisObject.shared ? BuiltinTypes.ellipsis : BuiltinTypes.host
    case .superProxy: return BuiltinTypes.superType
    case .descriptor: return BuiltinTypes.descriptor
    case .unbound: return BuiltinTypes.noneType
    }
}

/// The type name used in messages (`'int'`, `'Tensor'`, `'Point'`).
public func typeName(_ v: Value) -> String {
    if case .host(let h) = v { return h.typeName }
    if case .iterator(let it) = v, let n = it.viewName { return n }
    return typeOf(v).name
}
