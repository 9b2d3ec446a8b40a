/// A flat, 64-byte aligned buffer shared by a tensor and all its views.
///
/// `version` counts in-place writes; autograd compares it with the value seen when a tensor
/// was saved for backward (PyTorch's `_version`).
public final class Storage: @unchecked Sendable {
    public let bytes: UnsafeMutableRawPointer
    public let byteCount: Int
    public internal(set) var version: Int = 0

    /// Allocates `byteCount` uninitialized bytes.
    init(byteCount: Int) {
        self.byteCount = byteCount
        bytes = UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 64), alignment: 64)
    }

    /// Allocates `byteCount` zeroed bytes.
    convenience init(zeroedByteCount byteCount: Int) {
        self.init(byteCount: byteCount)
        bytes.initializeMemory(as: UInt8.self, repeating: 0, count: max(byteCount, 64))
    }

    deinit { bytes.deallocate() }

    func bumpVersion() { version &+= 1 }
}
