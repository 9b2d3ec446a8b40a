/// Element types of tensors, named as PyTorch names them (`torch.float32`, `torch.int64`, ...).
public enum DType: String, Sendable, CaseIterable, CustomStringConvertible {
    case float32, int64, int32, bool

    /// Bytes per element in storage (bool is one byte, 0 or 1).
    public var itemSize: Int {
        switch self {
        case .float32, .int32: return 4
        case .int64: return 8
        case .bool: return 1
        }
    }

    public var isFloatingPoint: Bool { self == .float32 }
    public var isIntegral: Bool { self == .int64 || self == .int32 }

    public var description: String { "torch.\(rawValue)" }

    /// Category in PyTorch's promotion lattice: bool < integer < floating.
    var category: Int {
        switch self {
        case .bool: return 0
        case .int32, .int64: return 1
        case .float32: return 2
        }
    }

    /// Promotion of two tensor dtypes of the same priority (both dimensioned or both 0-d).
    static func promote(_ a: DType, _ b: DType) -> DType {
        if a == b { return a }
        if a.category != b.category { return a.category > b.category ? a : b }
        return .int64 // int32 with int64
    }

    /// PyTorch's result type of a binary op: 0-d tensors (and Python scalars) only raise the
    /// category, they never widen within one (int32 tensor + 0-d int64 stays int32).
    static func resultType(_ a: DType, aIsScalar: Bool, _ b: DType, bIsScalar: Bool) -> DType {
        if aIsScalar == bIsScalar { return promote(a, b) }
        let (dim, zero) = aIsScalar ? (b, a) : (a, b)
        if zero.category > dim.category { return zero.category == 2 ? .float32 : .int64 }
        return dim
    }
}
