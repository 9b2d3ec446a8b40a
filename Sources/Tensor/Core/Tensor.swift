/// An n-d array as PyTorch has it: a view (shape, strides, offset) onto shared `Storage`,
/// with a dtype and, for autograd, `requiresGrad`, `grad` and the node that produced it.
///
/// Views (`view`, `transpose`, slicing, `expand`, ...) share storage with their base: a write
/// through one is seen by the other. Strides and offset count elements, not bytes.
public final class Tensor: @unchecked Sendable {
    public let storage: Storage
    public let shape: [Int]
    public let strides: [Int]
    public let offset: Int
    public let dtype: DType

    /// Whether autograd tracks this tensor (leaf parameters, or results of tracked ops).
    public internal(set) var requiresGrad: Bool = false
    /// The accumulated gradient of a leaf after `backward()`.
    public var grad: Tensor?
    /// The autograd node that produced this tensor; nil for leaves.
    var gradFn: Node?
    /// Non-leaf tensors keep `.grad` only after `retainGrad()`.
    var retainsGrad = false

    init(storage: Storage, shape: [Int], strides: [Int], offset: Int, dtype: DType) {
        self.storage = storage
        self.shape = shape
        self.strides = strides
        self.offset = offset
        self.dtype = dtype
    }

    /// A new contiguous tensor with uninitialized (or zeroed) contents.
    init(uninitializedShape shape: [Int], dtype: DType, zeroed: Bool = false) {
        let n = Swift.max(0, shape.reduce(1, *))
        let bytes = n * dtype.itemSize
        storage = zeroed ? Storage(zeroedByteCount: bytes) : Storage(byteCount: bytes)
        self.shape = shape
        strides = Tensor.contiguousStrides(shape)
        offset = 0
        self.dtype = dtype
    }

    /// Validates a user-given shape before creating a tensor (`torch.zeros(-1)` is an error):
    /// the creation functions themselves never fail, so front ends call this first.
    public static func checkShape(_ shape: [Int], op: String) throws {
        if let d = shape.first(where: { $0 < 0 }) {
            throw TensorError(op, "Trying to create tensor with negative dimension \(d): \(fmt(shape))")
        }
    }

    // MARK: Metadata

    public var ndim: Int { shape.count }
    public var numel: Int { shape.reduce(1, *) }
    public var isLeaf: Bool { gradFn == nil }
    /// PyTorch's `_version` of the underlying storage.
    public var version: Int { storage.version }
    /// The name of the op that produced this tensor (PyTorch's `grad_fn` class), if any.
    public var gradFnName: String? { gradFn.map { $0.op.name } }

    /// PyTorch's `size(dim)`, negative dims allowed.
    public func size(_ dim: Int) throws -> Int { shape[try normalizeDim(dim, ndim, op: "size")] }

    public var isContiguous: Bool {
        var expected = 1
        for d in stride(from: shape.count - 1, through: 0, by: -1) where shape[d] != 1 {
            if strides[d] != expected { return false }
            expected *= shape[d]
        }
        return true
    }

    static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for d in stride(from: shape.count - 1, through: 0, by: -1) {
            s[d] = acc
            acc *= Swift.max(shape[d], 1)
        }
        return s
    }

    // MARK: Typed access (valid only for the matching dtype)

    var floatBase: UnsafeMutablePointer<Float> {
        storage.bytes.assumingMemoryBound(to: Float.self) + offset
    }
    var int64Base: UnsafeMutablePointer<Int64> {
        storage.bytes.assumingMemoryBound(to: Int64.self) + offset
    }
    var int32Base: UnsafeMutablePointer<Int32> {
        storage.bytes.assumingMemoryBound(to: Int32.self) + offset
    }
    var boolBase: UnsafeMutablePointer<UInt8> {
        storage.bytes.assumingMemoryBound(to: UInt8.self) + offset
    }

    /// Reads element at storage position `offset + i` as Double (slow path, any dtype).
    @inline(__always)
    func loadDouble(at i: Int) -> Double {
        switch dtype {
        case .float32: return Double(floatBase[i])
        case .int64: return Double(int64Base[i])
        case .int32: return Double(int32Base[i])
        case .bool: return boolBase[i] != 0 ? 1 : 0
        }
    }

    /// Reads element at storage position `offset + i` as Int64 (slow path, any dtype).
    @inline(__always)
    func loadInt(at i: Int) -> Int64 {
        switch dtype {
        case .float32:
            let f = floatBase[i]
            return f.isFinite ? Int64(f) : 0
        case .int64: return int64Base[i]
        case .int32: return Int64(int32Base[i])
        case .bool: return Int64(boolBase[i])
        }
    }

    /// Writes element at storage position `offset + i` from a Double (slow path, any dtype).
    @inline(__always)
    func storeDouble(_ v: Double, at i: Int) {
        switch dtype {
        case .float32: floatBase[i] = Float(v)
        case .int64: int64Base[i] = v.isFinite ? Int64(v) : 0
        case .int32: int32Base[i] = v.isFinite ? Int32(truncatingIfNeeded: Int64(v)) : 0
        case .bool: boolBase[i] = v != 0 ? 1 : 0
        }
    }

    /// Makes a tensor that aliases this one's data without autograd history (for saving outputs).
    func alias() -> Tensor {
        Tensor(storage: storage, shape: shape, strides: strides, offset: offset, dtype: dtype)
    }
}

/// Normalizes a possibly negative dim for a tensor of rank `ndim` (0-d tensors accept -1 and 0).
func normalizeDim(_ dim: Int, _ ndim: Int, op: String) throws -> Int {
    let n = max(ndim, 1)
    guard dim >= -n && dim < n else {
        throw TensorError(op, "Dimension out of range (expected to be in range of [\(-n), \(n - 1)], but got \(dim))")
    }
    return dim < 0 ? dim + n : dim
}

/// Normalizes a list of dims, rejecting repeats.
func normalizeDims(_ dims: [Int], _ ndim: Int, op: String) throws -> [Int] {
    var out: [Int] = []
    for d in dims {
        let n = try normalizeDim(d, ndim, op: op)
        if out.contains(n) { throw TensorError(op, "dim \(n) appears multiple times in the list of dims") }
        out.append(n)
    }
    return out
}

/// PyTorch broadcasting of two shapes, aligned from the right.
func broadcastShapes(_ a: [Int], _ b: [Int], op: String) throws -> [Int] {
    if a == b { return a }
    let n = max(a.count, b.count)
    var out = [Int](repeating: 1, count: n)
    for i in 0..<n {
        let x = i < n - a.count ? 1 : a[i - (n - a.count)]
        let y = i < n - b.count ? 1 : b[i - (n - b.count)]
        if x == y || y == 1 { out[i] = x } else if x == 1 { out[i] = y } else {
            throw TensorError(op, "shapes \(fmt(a)) and \(fmt(b)) cannot be broadcast "
                + "(size \(x) vs \(y) at dimension \(i))")
        }
    }
    return out
}

/// Strides that read `t` as if it had `target` shape (0 on broadcast dims); `target` must be a
/// broadcast of `t.shape`.
func broadcastStrides(_ t: Tensor, to target: [Int]) -> [Int] {
    let lead = target.count - t.ndim
    var s = [Int](repeating: 0, count: target.count)
    for i in 0..<t.ndim where t.shape[i] != 1 || target[lead + i] == 1 {
        s[lead + i] = t.shape[i] == 1 ? 0 : t.strides[i]
    }
    return s
}
