/// Element type of a data stream, named as numpy names it (`float32`, `int32`, ...).
public enum DType: String, Sendable, CaseIterable {
    case float32, float64, int8, int16, int32, int64, uint8, uint16, uint32, uint64, bool

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .int8, .uint8, .bool: return 1
        case .int16, .uint16: return 2
        case .float32, .int32, .uint32: return 4
        case .float64, .int64, .uint64: return 8
        }
    }

    /// Whether numpy's dtype name contains "int" (RETURNN's sparse test uses exactly that).
    public var isInteger: Bool {
        switch self {
        case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64: return true
        default: return false
        }
    }

    /// The torch dtype name of the collated tensor, e.g. `torch.float32`.
    public var torchName: String { "torch.\(self == .bool ? "bool" : rawValue)" }

    /// The dtype a tensor gets in `collate_batch`: uint32 → int64, uint16 → int32, others unchanged.
    public var collatedType: DType {
        switch self {
        case .uint32: return .int64
        case .uint16: return .int32
        default: return self
        }
    }
}
