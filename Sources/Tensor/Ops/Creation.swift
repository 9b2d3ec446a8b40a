/// Tensor construction, conversion and element access (torch.tensor, zeros, ones, full, arange,
/// `.to(dtype)`, `.clone()`, `.contiguous()`, `.detach()`, `.item()`, `.tolist()`).
extension Tensor {
    /// A float32 tensor from row-major `data` (PyTorch's `torch.tensor`).
    public convenience init(_ data: [Float], shape: [Int]? = nil) throws {
        let shape = shape ?? [data.count]
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == data.count else {
            throw TensorError("tensor", "shape \(fmt(shape)) is invalid for input of size \(data.count)")
        }
        self.init(uninitializedShape: shape, dtype: .float32)
        data.withUnsafeBufferPointer { buf in
            if let base = buf.baseAddress { floatBase.update(from: base, count: data.count) }
        }
    }

    /// An int64 (or int32) tensor from row-major `data`.
    public convenience init(ints data: [Int64], shape: [Int]? = nil, dtype: DType = .int64) throws {
        let shape = shape ?? [data.count]
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == data.count else {
            throw TensorError("tensor", "shape \(fmt(shape)) is invalid for input of size \(data.count)")
        }
        self.init(uninitializedShape: shape, dtype: dtype)
        switch dtype {
        case .int64: data.withUnsafeBufferPointer { if let b = $0.baseAddress { int64Base.update(from: b, count: data.count) } }
        case .int32: for (i, v) in data.enumerated() { int32Base[i] = Int32(truncatingIfNeeded: v) }
        default: for (i, v) in data.enumerated() { storeDouble(Double(v), at: i) }
        }
    }

    /// A bool tensor from row-major `data`.
    public convenience init(bools data: [Bool], shape: [Int]? = nil) throws {
        let shape = shape ?? [data.count]
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == data.count else {
            throw TensorError("tensor", "shape \(fmt(shape)) is invalid for input of size \(data.count)")
        }
        self.init(uninitializedShape: shape, dtype: .bool)
        for (i, v) in data.enumerated() { boolBase[i] = v ? 1 : 0 }
    }

    /// A new contiguous tensor whose bytes `fill` writes (row-major, `dtype.itemSize` per element;
    /// bool as 0/1 bytes): lets data loaders collate batches without an intermediate array.
    public static func build(shape: [Int], dtype: DType = .float32,
                             _ fill: (UnsafeMutableRawBufferPointer) throws -> Void) throws -> Tensor {
        try checkShape(shape, op: "tensor")
        let t = Tensor(uninitializedShape: shape, dtype: dtype)
        try fill(UnsafeMutableRawBufferPointer(start: t.storage.bytes, count: t.numel * dtype.itemSize))
        return t
    }

    /// Reads the elements of a float32 tensor as one contiguous buffer (copied first if strided).
    public func withUnsafeFloats<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) throws -> R {
        guard dtype == .float32 else { throw TensorError("withUnsafeFloats", "expected a float32 tensor, got \(dtype)") }
        let c = dense()
        return try body(UnsafeBufferPointer(start: c.floatBase, count: numel))
    }

    /// A 0-d float32 tensor (a Python float in an op).
    public static func scalar(_ v: Double) -> Tensor {
        let t = Tensor(uninitializedShape: [], dtype: .float32)
        t.floatBase[0] = Float(v)
        return t
    }

    /// A 0-d tensor of `dtype` (a Python int is `scalar(Int, .int64)`).
    public static func scalar(_ v: Int, dtype: DType = .int64) -> Tensor {
        let t = Tensor(uninitializedShape: [], dtype: dtype)
        t.storeDouble(Double(v), at: 0)
        if dtype == .int64 { t.int64Base[0] = Int64(v) }
        return t
    }

    /// A tensor of zeros (`torch.zeros`).
    public static func zeros(_ shape: [Int], dtype: DType = .float32) -> Tensor {
        Tensor(uninitializedShape: shape, dtype: dtype, zeroed: true)
    }

    /// A tensor of ones (`torch.ones`).
    public static func ones(_ shape: [Int], dtype: DType = .float32) -> Tensor { full(shape, 1, dtype: dtype) }

    /// An uninitialized tensor (`torch.empty`).
    public static func empty(_ shape: [Int], dtype: DType = .float32) -> Tensor {
        Tensor(uninitializedShape: shape, dtype: dtype)
    }

    /// A tensor filled with `value` (`torch.full`).
    public static func full(_ shape: [Int], _ value: Double, dtype: DType = .float32) -> Tensor {
        let t = Tensor(uninitializedShape: shape, dtype: dtype)
        t.fillStorage(value)
        return t
    }

    /// Zeros with the shape and dtype of `t` (`torch.zeros_like`).
    public static func zerosLike(_ t: Tensor) -> Tensor { zeros(t.shape, dtype: t.dtype) }
    /// Ones with the shape and dtype of `t` (`torch.ones_like`).
    public static func onesLike(_ t: Tensor) -> Tensor { ones(t.shape, dtype: t.dtype) }
    /// `v` everywhere, with the shape and dtype of `t` (`torch.full_like`).
    public static func fullLike(_ t: Tensor, _ v: Double) -> Tensor { full(t.shape, v, dtype: t.dtype) }

    /// `torch.arange(start, end, step)`; int64 unless a float dtype is asked for.
    public static func arange(_ start: Double = 0, _ end: Double, step: Double = 1,
                              dtype: DType = .int64) throws -> Tensor {
        guard step != 0 else { throw TensorError("arange", "step must be nonzero") }
        guard (end - start) / step >= 0 || end == start else {
            throw TensorError("arange", "upper bound and larger bound inconsistent with step sign")
        }
        let n = Int(((end - start) / step).rounded(.up))
        let t = Tensor(uninitializedShape: [Swift.max(n, 0)], dtype: dtype)
        for i in 0..<Swift.max(n, 0) { t.storeDouble(start + Double(i) * step, at: i) }
        return t
    }

    /// A [n, n] float32 identity matrix.
    public static func eye(_ n: Int) -> Tensor {
        let t = zeros([n, n])
        for i in 0..<n { t.floatBase[i * n + i] = 1 }
        return t
    }

    /// Fills the (contiguous, fresh) storage of `self` with `value`.
    func fillStorage(_ value: Double) {
        let n = numel
        switch dtype {
        case .float32: floatBase.initialize(repeating: Float(value), count: n)
        case .int64: int64Base.initialize(repeating: Int64(value), count: n)
        case .int32: int32Base.initialize(repeating: Int32(value), count: n)
        case .bool: boolBase.initialize(repeating: value != 0 ? 1 : 0, count: n)
        }
    }

    // MARK: Conversion

    /// A contiguous copy with the same values (PyTorch's `clone()`; differentiable).
    public func clone() -> Tensor {
        let out = Tensor(uninitializedShape: shape, dtype: dtype)
        copyElements(from: self, to: out)
        return out.recorded(.identity, inputs: [self])
    }

    /// `self` if already contiguous, else a contiguous copy (differentiable).
    public func contiguous() -> Tensor { isContiguous ? self : clone() }

    /// Converts to `dtype` (`.to(dtype)`, `.float()`, `.long()`, `.bool()`); `self` if it already is.
    public func to(_ dtype: DType) -> Tensor {
        if dtype == self.dtype { return self }
        let out = Tensor(uninitializedShape: shape, dtype: dtype)
        copyElements(from: self, to: out)
        return out.recorded(.identity, inputs: [self])
    }

    /// The same data without autograd history (shares storage, as PyTorch's `detach()`).
    public func detach() -> Tensor { alias() }

    /// Marks a leaf as requiring grad (`requires_grad_()`); only float leaves may.
    @discardableResult
    public func requiresGrad(_ flag: Bool) throws -> Tensor {
        guard isLeaf else {
            throw TensorError("requires_grad_", "you can only change requires_grad flags of leaf variables")
        }
        guard !flag || dtype == .float32 else {
            throw TensorError("requires_grad_", "only Tensors of floating point dtype can require gradients")
        }
        requiresGrad = flag
        return self
    }

    // MARK: Element access

    /// The value of a one-element tensor (`.item()`).
    public func item() throws -> Double {
        guard numel == 1 else {
            throw TensorError("item", "a Tensor with \(numel) elements cannot be converted to Scalar")
        }
        return loadDouble(at: 0)
    }

    /// All elements in row-major order as Float (any dtype).
    public func toFloatArray() -> [Float] {
        let c = noGrad { to(.float32).contiguous() }
        return Array(UnsafeBufferPointer(start: c.floatBase, count: numel))
    }

    /// All elements in row-major order as Double (any dtype).
    public func toDoubleArray() -> [Double] {
        let c = contiguous()
        return (0..<numel).map { c.loadDouble(at: $0) }
    }

    /// All elements in row-major order as Int64 (any dtype).
    public func toIntArray() -> [Int64] {
        let c = contiguous()
        return (0..<numel).map { c.loadInt(at: $0) }
    }
}
