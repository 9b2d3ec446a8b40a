import Tensor

/// A value on the unpickler's stack. Lists and dicts are boxes, because APPEND/SETITEM through
/// the memo must change the one shared object; they become `PickleValue`s when loading ends.
enum Node {
    case value(PickleValue)
    case tuple([Node])
    case list(ListBox)
    case dict(DictBox)
    /// One of the accepted globals.
    case global(AllowedGlobal)
    /// A storage from a persistent id, before `_rebuild_tensor_v2` makes a tensor of it.
    case storage(key: String, dtype: StorageDType, elementCount: Int)

    /// The plain value; refuses leftovers that are not data (globals, bare storages) and cycles.
    func value(path: String, depth: Int) throws -> PickleValue {
        guard depth < 200 else { throw CheckpointError(path: path, message: "pickle nests too deeply (cycle?)") }
        switch self {
        case .value(let v): return v
        case .tuple(let items): return .tuple(try items.map { try $0.value(path: path, depth: depth + 1) })
        case .list(let box): return .list(try box.items.map { try $0.value(path: path, depth: depth + 1) })
        case .dict(let box): return .dict(try box.value(path: path, depth: depth + 1))
        case .global(let g):
            throw CheckpointError(path: path, message: "pickle leaves the global \(g) unused where data was expected")
        case .storage(let key, _, _):
            throw CheckpointError(path: path, message: "pickle leaves storage '\(key)' outside a tensor")
        }
    }
}

final class ListBox {
    var items: [Node]
    init(_ items: [Node]) { self.items = items }
}

/// A dict under construction: keys are plain values, values stay nodes until the end.
final class DictBox {
    private(set) var keys: [PickleValue] = []
    private(set) var values: [Node] = []
    private var index = PickleKeyIndex()
    var isOrderedDict = false
    var attributes: [String: PickleValue] = [:]

    func set(_ key: PickleValue, _ value: Node) {
        if let i = index.position(of: key, in: keys) {
            values[i] = value
            return
        }
        index.add(key, at: keys.count)
        keys.append(key)
        values.append(value)
    }

    func value(path: String, depth: Int) throws -> PickleDict {
        var dict = PickleDict()
        dict.isOrderedDict = isOrderedDict
        dict.attributes = attributes
        for (key, node) in zip(keys, values) {
            dict.set(key, try node.value(path: path, depth: depth))
        }
        return dict
    }
}

/// The globals a state dict needs; everything else is refused.
enum AllowedGlobal: CustomStringConvertible {
    case orderedDict
    case rebuildTensorV2
    case storageType(StorageDType)

    var description: String {
        switch self {
        case .orderedDict: return "collections.OrderedDict"
        case .rebuildTensorV2: return "torch._utils._rebuild_tensor_v2"
        case .storageType(let dtype): return "torch.\(Self.storageNames.first { $0.value == dtype }?.key ?? "?")"
        }
    }

    static let storageNames: [String: StorageDType] = [
        "FloatStorage": .float32, "DoubleStorage": .float64, "HalfStorage": .float16, "BFloat16Storage": .bfloat16,
        "LongStorage": .int64, "IntStorage": .int32, "ShortStorage": .int16, "CharStorage": .int8,
        "ByteStorage": .uint8, "BoolStorage": .bool,
    ]

    init?(module: String, name: String) {
        switch (module, name) {
        case ("collections", "OrderedDict"): self = .orderedDict
        case ("torch._utils", "_rebuild_tensor_v2"): self = .rebuildTensorV2
        case ("torch", _):
            guard let dtype = Self.storageNames[name] else { return nil }
            self = .storageType(dtype)
        default: return nil
        }
    }
}
