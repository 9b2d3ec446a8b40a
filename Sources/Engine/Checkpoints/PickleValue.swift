import Tensor

/// A checkpoint that cannot be read: names the file and the problem.
public struct CheckpointError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}

/// A value of a torch checkpoint's pickle, restricted to what state dicts hold.
public indirect enum PickleValue: Equatable {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple([PickleValue])
    case list([PickleValue])
    case dict(PickleDict)
    /// A tensor rebuilt by `torch._utils._rebuild_tensor_v2` (its storage is read separately).
    case tensor(TorchTensorRef)

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var intValue: Int? { if case .int(let i) = self { return i } else { return nil } }
    public var dictValue: PickleDict? { if case .dict(let d) = self { return d } else { return nil } }
    public var tensorValue: TorchTensorRef? { if case .tensor(let t) = self { return t } else { return nil } }

    /// A number as a Double (ints, floats and bools as 0/1).
    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .float(let d): return d
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    /// The elements of a list or tuple.
    public var sequenceValue: [PickleValue]? {
        switch self {
        case .list(let items), .tuple(let items): return items
        default: return nil
        }
    }
}

/// A pickled dict or `collections.OrderedDict`, keeping insertion order.
public struct PickleDict: Equatable {
    public private(set) var keys: [PickleValue] = []
    public private(set) var values: [PickleValue] = []
    /// True for `collections.OrderedDict` (a state dict), false for a plain dict.
    public var isOrderedDict = false
    /// Attributes set by BUILD (a state dict's `_metadata` with module versions).
    public var attributes: [String: PickleValue] = [:]
    private var index = PickleKeyIndex()

    public init() {}

    public var count: Int { keys.count }

    /// The value for string key `key`.
    public subscript(key: String) -> PickleValue? {
        index.strings[key].map { values[$0] }
    }

    /// The value for int key `key` (optimizer state is keyed by parameter index).
    public subscript(int key: Int) -> PickleValue? {
        index.ints[key].map { values[$0] }
    }

    /// The string keys in order (non-string keys are skipped).
    public var stringKeys: [String] { keys.compactMap(\.stringValue) }

    /// Python's `d[key] = value`: replaces in place or appends. Keys other than str/int are
    /// compared by value (slow path; state dicts never use them).
    public mutating func set(_ key: PickleValue, _ value: PickleValue) {
        if let i = index.position(of: key, in: keys) {
            values[i] = value
            return
        }
        index.add(key, at: keys.count)
        keys.append(key)
        values.append(value)
    }
}

/// A tensor of a torch checkpoint: a strided view of storage `storageKey` (`<root>/data/<key>`).
public struct TorchTensorRef: Equatable, Sendable {
    public let storageKey: String
    public let dtype: StorageDType
    /// Elements in the whole storage (from the persistent id).
    public let storageElementCount: Int
    /// In elements.
    public let storageOffset: Int
    public let shape: [Int]
    /// In elements, per dimension.
    public let stride: [Int]
    public let requiresGrad: Bool

    public var elementCount: Int { shape.reduce(1, *) }

    /// True when the elements lie row-major and back to back in the storage.
    public var isContiguous: Bool {
        var expected = 1
        for (size, step) in zip(shape, stride).reversed() where size != 1 {
            if step != expected { return false }
            expected *= size
        }
        return true
    }
}

/// Positions of a dict's str and int keys, so `d[key] = value` finds an existing key without a
/// scan (other keys are compared by value; state dicts never use them).
struct PickleKeyIndex: Equatable {
    var strings: [String: Int] = [:]
    var ints: [Int: Int] = [:]

    func position(of key: PickleValue, in keys: [PickleValue]) -> Int? {
        switch key {
        case .string(let s): return strings[s]
        case .int(let i): return ints[i]
        default: return keys.firstIndex(of: key)
        }
    }

    mutating func add(_ key: PickleValue, at position: Int) {
        switch key {
        case .string(let s): strings[s] = position
        case .int(let i): ints[i] = position
        default: break
        }
    }
}
