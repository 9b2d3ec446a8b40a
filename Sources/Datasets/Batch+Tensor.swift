import Tensor

/// One entry of the batch dict a step function sees (`data` of `train_step`): a tensor, or a plain list.
public enum TensorBatchValue {
    case tensor(Tensor)
    /// `seq_idx`.
    case ints([Int])
    /// `seq_tag`, OggZip `raw`.
    case strings([String])
}

/// A collated batch with its arrays as Tensors, in the original's dict order (what Mini-RETURNN's
/// engine hands to `train_step` after `collate_batch` and `.to(device)`).
public struct TensorBatch {
    public var entries: [(key: String, value: TensorBatchValue)]

    public init(entries: [(key: String, value: TensorBatchValue)] = []) { self.entries = entries }

    public var keys: [String] { entries.map(\.key) }

    public subscript(key: String) -> TensorBatchValue? { entries.first { $0.key == key }?.value }

    /// The tensor under `key`. - Throws: `DatasetError` naming the key when it is missing or a list.
    public func tensor(_ key: String) throws -> Tensor {
        guard let value = self[key] else { throw DatasetError(key: key, "no such key in the batch (keys: \(keys))") }
        guard case .tensor(let t) = value else { throw DatasetError(key: key, "batch entry is a list, not a tensor") }
        return t
    }

    /// Sequence lengths `key:size1` as Swift ints.
    public func lengths(_ key: String, axis: Int = 1) throws -> [Int] {
        try tensor("\(key):size\(axis)").toIntArray().map { Int($0) }
    }
}

extension BatchArray {
    /// The array as a Tensor: float32 stays float32 (float64 is narrowed, as the models run in float32),
    /// int64 and int32 keep their type, smaller integers widen to int32, bool stays bool.
    public func tensor() throws -> Tensor {
        switch dtype {
        case .float32: return try Tensor(elements(as: Float.self), shape: shape)
        case .float64: return try Tensor(elements(as: Double.self).map { Float($0) }, shape: shape)
        case .int64: return try Tensor(ints: elements(as: Int64.self), shape: shape)
        case .bool: return try Tensor(bools: bytes.map { $0 != 0 }, shape: shape)
        case .uint64: return try Tensor(ints: elements(as: UInt64.self).map { Int64(truncatingIfNeeded: $0) }, shape: shape)
        default: return try Tensor(ints: int64s(), shape: shape, dtype: .int32)
        }
    }
}

extension Batch {
    /// Every array entry converted with `BatchArray.tensor()`; lists stay lists.
    public func tensors() throws -> TensorBatch {
        TensorBatch(entries: try entries.map { entry in
            switch entry.value {
            case .tensor(let array): return (entry.key, .tensor(try array.tensor()))
            case .ints(let values): return (entry.key, .ints(values))
            case .strings(let values): return (entry.key, .strings(values))
            }
        })
    }
}
