/// An n-d array of one dtype in C order, as one sequence's stream or one collated batch entry.
///
/// Storage is the raw little-endian bytes, so padding and stacking are plain byte copies for
/// every dtype. `shape == []` is a 0-d scalar.
public struct BatchArray: Equatable, Sendable {
    public var dtype: DType
    public var shape: [Int]
    public var bytes: [UInt8]

    public init(dtype: DType, shape: [Int], bytes: [UInt8]) {
        precondition(bytes.count == shape.reduce(1, *) * dtype.size, "byte count does not match shape")
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    /// Zero-filled array.
    public init(zeros dtype: DType, shape: [Int]) {
        self.init(dtype: dtype, shape: shape, bytes: [UInt8](repeating: 0, count: shape.reduce(1, *) * dtype.size))
    }

    public init(float32 values: [Float], shape: [Int]) {
        self.init(dtype: .float32, shape: shape, bytes: BatchArray.rawBytes(values))
    }

    public init(int32 values: [Int32], shape: [Int]) {
        self.init(dtype: .int32, shape: shape, bytes: BatchArray.rawBytes(values))
    }

    public init(int64 values: [Int64], shape: [Int]) {
        self.init(dtype: .int64, shape: shape, bytes: BatchArray.rawBytes(values))
    }

    public init(uint8 values: [UInt8], shape: [Int]) {
        self.init(dtype: .uint8, shape: shape, bytes: values)
    }

    static func rawBytes<T>(_ values: [T]) -> [UInt8] {
        values.withUnsafeBytes { [UInt8]($0) }
    }

    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }
    /// Length along axis 0, or nil for a 0-d array.
    public var length: Int? { shape.first }
    /// Bytes of one row (all axes but the first).
    public var rowBytes: Int { shape.dropFirst().reduce(1, *) * dtype.size }

    /// The elements reinterpreted as `T` (caller must match the dtype's size).
    public func elements<T>(as type: T.Type) -> [T] {
        precondition(MemoryLayout<T>.stride == dtype.size, "element type does not match dtype")
        return bytes.withUnsafeBytes { raw in Array(raw.bindMemory(to: T.self)) }
    }

    /// Every element widened to Double (for printing and comparisons).
    public func doubles() -> [Double] {
        switch dtype {
        case .float32: return elements(as: Float.self).map(Double.init)
        case .float64: return elements(as: Double.self)
        case .int8: return elements(as: Int8.self).map(Double.init)
        case .int16: return elements(as: Int16.self).map(Double.init)
        case .int32: return elements(as: Int32.self).map(Double.init)
        case .int64: return elements(as: Int64.self).map(Double.init)
        case .uint8: return bytes.map(Double.init)
        case .uint16: return elements(as: UInt16.self).map(Double.init)
        case .uint32: return elements(as: UInt32.self).map(Double.init)
        case .uint64: return elements(as: UInt64.self).map(Double.init)
        case .bool: return bytes.map { $0 == 0 ? 0 : 1 }
        }
    }

    /// Every element as Int64 (integer and bool dtypes; floats are truncated).
    public func int64s() -> [Int64] {
        switch dtype {
        case .int32: return elements(as: Int32.self).map(Int64.init)
        case .int64: return elements(as: Int64.self)
        default: return doubles().map { Int64($0) }
        }
    }

    /// Rows `[start, end)` along axis 0.
    public func slice(_ start: Int, _ end: Int) -> BatchArray {
        precondition(!shape.isEmpty && 0 <= start && start <= end && end <= shape[0], "bad slice")
        let rb = rowBytes
        var newShape = shape
        newShape[0] = end - start
        return BatchArray(dtype: dtype, shape: newShape, bytes: Array(bytes[(start * rb)..<(end * rb)]))
    }

    /// The same values converted to another dtype (used for collation's uint32 → int64, uint16 → int32).
    public func converted(to target: DType) -> BatchArray {
        if target == dtype { return self }
        switch target {
        case .int64: return BatchArray(int64: int64s(), shape: shape)
        case .int32: return BatchArray(int32: int64s().map { Int32(truncatingIfNeeded: $0) }, shape: shape)
        case .float32: return BatchArray(float32: doubles().map { Float($0) }, shape: shape)
        default: preconditionFailure("unsupported conversion \(dtype) -> \(target)")
        }
    }
}
