/// Element types of stored tensors (safetensors files, torch checkpoints).
public enum StorageDType: String, CaseIterable, Sendable {
    case float64, float32, float16, bfloat16
    case int64, int32, int16, int8
    case uint64, uint32, uint16, uint8
    case bool

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .float64, .int64, .uint64: return 8
        case .float32, .int32, .uint32: return 4
        case .float16, .bfloat16, .int16, .uint16: return 2
        case .int8, .uint8, .bool: return 1
        }
    }

    /// The safetensors header name (`F32`, `I64`, `BOOL`, ...).
    public var safetensorsName: String {
        switch self {
        case .float64: return "F64"
        case .float32: return "F32"
        case .float16: return "F16"
        case .bfloat16: return "BF16"
        case .int64: return "I64"
        case .int32: return "I32"
        case .int16: return "I16"
        case .int8: return "I8"
        case .uint64: return "U64"
        case .uint32: return "U32"
        case .uint16: return "U16"
        case .uint8: return "U8"
        case .bool: return "BOOL"
        }
    }

    public init?(safetensorsName: String) {
        guard let match = Self.allCases.first(where: { $0.safetensorsName == safetensorsName }) else { return nil }
        self = match
    }

    /// PyTorch's name (`torch.float32`).
    public var torchName: String { "torch.\(rawValue)" }
}

/// One named tensor as stored bytes: dtype, shape (row-major) and little-endian element data.
/// Independent of the Tensor type so file formats can be read and written without it.
public struct TensorRecord: Equatable, Sendable {
    public var name: String
    public var dtype: StorageDType
    public var shape: [Int]
    /// `shape.product * dtype.byteSize` little-endian bytes.
    public var bytes: [UInt8]

    public init(name: String, dtype: StorageDType, shape: [Int], bytes: [UInt8]) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    /// Number of elements (1 for a 0-d tensor).
    public var elementCount: Int { shape.reduce(1, *) }

    /// A float32 record from values in row-major order.
    public init(name: String, shape: [Int], float32 values: [Float]) {
        self.init(name: name, dtype: .float32, shape: shape, bytes: Self.littleEndianBytes(values.map(\.bitPattern)))
    }

    /// An int64 record from values in row-major order.
    public init(name: String, shape: [Int], int64 values: [Int64]) {
        self.init(name: name, dtype: .int64, shape: shape, bytes: Self.littleEndianBytes(values))
    }

    /// The elements as Float (float32 records only; nil otherwise).
    public func float32Values() -> [Float]? {
        guard dtype == .float32 else { return nil }
        return Self.integers(bytes, as: UInt32.self).map(Float.init(bitPattern:))  // vectorizes: a bit cast per element
    }

    /// The elements as Int64 (int64, int32, int16, int8, uint8, bool records; nil otherwise).
    public func integerValues() -> [Int64]? {
        switch dtype {
        case .int64: return Self.integers(bytes, as: Int64.self)
        case .int32: return Self.integers(bytes, as: Int32.self).map(Int64.init)
        case .int16: return Self.integers(bytes, as: Int16.self).map(Int64.init)
        case .int8: return bytes.map { Int64(Int8(bitPattern: $0)) }
        case .uint8, .bool: return bytes.map { Int64($0) }
        default: return nil
        }
    }

    /// The elements as Double (float64/float32 records; nil otherwise).
    public func doubleValues() -> [Double]? {
        switch dtype {
        case .float64: return Self.integers(bytes, as: UInt64.self).map(Double.init(bitPattern:))
        case .float32: return float32Values()?.map(Double.init)
        default: return nil
        }
    }

    static func littleEndianBytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        #if _endian(little)
        return values.withUnsafeBytes { Array($0) }  // already the stored layout: one copy
        #else
        var out = [UInt8](repeating: 0, count: values.count * MemoryLayout<T>.size)
        out.withUnsafeMutableBytes { raw in
            for (i, v) in values.enumerated() {
                raw.storeBytes(of: v.littleEndian, toByteOffset: i * MemoryLayout<T>.size, as: T.self)
            }
        }
        return out
        #endif
    }

    static func integers<T: FixedWidthInteger>(_ bytes: [UInt8], as: T.Type) -> [T] {
        let count = bytes.count / MemoryLayout<T>.size
        #if _endian(little)
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBytes { raw in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[0..<(count * MemoryLayout<T>.size)]))
            }
            initialized = count
        }
        #else
        return bytes.withUnsafeBytes { raw in
            (0..<count).map { T(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self)) }
        }
        #endif
    }
}
