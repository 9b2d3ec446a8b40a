/// Ops that return views sharing storage (PyTorch's view semantics): a write through the view
/// is seen by the base. `reshape` copies only when no view is possible.
extension Tensor {
    /// A view with a new shape (`view`); one dim may be -1. Fails when strides do not allow it.
    public func view(_ newShape: [Int]) throws -> Tensor {
        let sh = try inferShape(newShape, op: "view")
        guard let st = Tensor.viewStrides(shape, strides, sh) else {
            throw TensorError("view", "view size is not compatible with input tensor's size and stride "
                + "(at least one dimension spans across two contiguous subspaces); use .reshape(...) instead")
        }
        return Tensor(storage: storage, shape: sh, strides: st, offset: offset, dtype: dtype)
            .recorded(.reshape, inputs: [self])
    }

    /// A tensor with a new shape: a view when possible, else a copy (`reshape`).
    public func reshape(_ newShape: [Int]) throws -> Tensor {
        let sh = try inferShape(newShape, op: "reshape")
        if sh == shape { return self }
        if Tensor.viewStrides(shape, strides, sh) != nil { return try view(sh) }
        return try contiguous().view(sh)
    }

    /// Flattens dims `startDim...endDim` into one (`torch.flatten`).
    public func flatten(startDim: Int = 0, endDim: Int = -1) throws -> Tensor {
        if ndim == 0 { return try reshape([1]) }
        let s = try normalizeDim(startDim, ndim, op: "flatten"), e = try normalizeDim(endDim, ndim, op: "flatten")
        guard s <= e else { throw TensorError("flatten", "start_dim cannot come after end_dim") }
        let merged = shape[s...e].reduce(1, *)
        return try reshape(Array(shape[..<s]) + [merged] + Array(shape[(e + 1)...]))
    }

    /// Removes size-1 dims: all of them, or those among `dims` (others are left alone).
    public func squeeze(_ dims: [Int]? = nil) throws -> Tensor {
        let d = try dims.map { try normalizeDims($0, ndim, op: "squeeze") } ?? Array(0..<ndim)
        let drop = d.filter { $0 < ndim && shape[$0] == 1 }
        if drop.isEmpty { return self }
        return squeezedView(drop).recorded(.reshape, inputs: [self])
    }

    /// Inserts a size-1 dim at `dim` (negative counts from the end of the result).
    public func unsqueeze(_ dim: Int) throws -> Tensor {
        let d = try normalizeDim(dim, ndim + 1, op: "unsqueeze")
        var sh = shape, st = strides
        sh.insert(1, at: d)
        st.insert(d < ndim ? strides[d] * shape[d] : 1, at: d)
        return Tensor(storage: storage, shape: sh, strides: st, offset: offset, dtype: dtype)
            .recorded(.reshape, inputs: [self])
    }

    /// Swaps two dims (`transpose`).
    public func transpose(_ dim0: Int, _ dim1: Int) throws -> Tensor {
        if ndim == 0 { return self }
        let a = try normalizeDim(dim0, ndim, op: "transpose"), b = try normalizeDim(dim1, ndim, op: "transpose")
        var p = Array(0..<ndim)
        p.swapAt(a, b)
        return try permute(p)
    }

    /// Transpose of a <= 2-d tensor (`t()`).
    public func t() throws -> Tensor {
        guard ndim <= 2 else { throw TensorError("t", "expects a tensor with <= 2 dimensions, but self is \(ndim)D") }
        return ndim < 2 ? self : try transpose(0, 1)
    }

    /// Reorders dims (`permute`); `dims` is a permutation, negative entries allowed.
    public func permute(_ dims: [Int]) throws -> Tensor {
        guard dims.count == ndim else {
            throw TensorError("permute", "number of dims don't match in permute: input has \(ndim) dims, \(fmt(dims)) given")
        }
        let d = try normalizeDims(dims, ndim, op: "permute")
        return permuteView(d).recorded(.permute(d), inputs: [self])
    }

    /// Broadcasts size-1 dims to `sizes` without copying (`expand`); -1 keeps a size.
    public func expand(_ sizes: [Int]) throws -> Tensor {
        guard sizes.count >= ndim else {
            throw TensorError("expand", "the number of sizes provided (\(sizes.count)) must be greater or equal to the number of dimensions in the tensor (\(ndim))")
        }
        let lead = sizes.count - ndim
        var sh = sizes, st = [Int](repeating: 0, count: sizes.count)
        for i in 0..<sizes.count {
            if i < lead {
                guard sizes[i] >= 0 else { throw TensorError("expand", "-1 is not allowed in a leading, non-existing dimension") }
                continue
            }
            let old = shape[i - lead]
            if sizes[i] == -1 || sizes[i] == old {
                sh[i] = old
                st[i] = strides[i - lead]
            } else if old == 1 {
                st[i] = 0
            } else {
                throw TensorError("expand", "the expanded size of the tensor (\(sizes[i])) must match the existing size (\(old)) at non-singleton dimension \(i); target sizes: \(fmt(sizes)), tensor sizes: \(fmt(shape))")
            }
        }
        if sh == shape { return self }
        return Tensor(storage: storage, shape: sh, strides: st, offset: offset, dtype: dtype)
            .recorded(.expand, inputs: [self])
    }

    /// `length` elements of `dim` from `start` (`narrow`); negative `start` counts from the end.
    public func narrow(_ dim: Int, _ start: Int, _ length: Int) throws -> Tensor {
        let d = try normalizeDim(dim, ndim, op: "narrow")
        let s = start < 0 ? start + shape[d] : start
        guard s >= 0, length >= 0, s + length <= shape[d] else {
            throw TensorError("narrow", "start (\(start)) + length (\(length)) exceeds dimension size (\(shape[d])) of shape \(fmt(shape))")
        }
        return try slice(dim: d, start: s, end: s + length, step: 1)
    }

    /// Python slice `start:end:step` on `dim` (nil bounds, negative and out-of-range ones as Python).
    public func slice(dim: Int, start: Int? = nil, end: Int? = nil, step: Int = 1) throws -> Tensor {
        let d = try normalizeDim(dim, ndim, op: "slice")
        guard step > 0 else { throw TensorError("slice", "step must be greater than zero") }
        let n = shape[d]
        func clampBound(_ v: Int?, _ dflt: Int) -> Int {
            guard var v = v else { return dflt }
            if v < 0 { v += n }
            return Swift.min(Swift.max(v, 0), n)
        }
        let s = clampBound(start, 0), e = Swift.max(clampBound(end, n), clampBound(start, 0))
        let count = (e - s + step - 1) / step
        if s == 0 && count == n && step == 1 { return self }
        return try sliceView(dim: d, start: s, step: step, count: count)
            .recorded(.slice(dim: d, start: s, step: step), inputs: [self])
    }

    /// Element `index` of `dim`, removing the dim (`select`, `x[i]`).
    public func select(dim: Int, index: Int) throws -> Tensor {
        let d = try normalizeDim(dim, ndim, op: "select")
        let i = index < 0 ? index + shape[d] : index
        guard i >= 0 && i < shape[d] else {
            throw TensorError("select", "index \(index) is out of bounds for dimension \(d) with size \(shape[d])")
        }
        return try slice(dim: d, start: i, end: i + 1).squeeze([d])
    }

    /// Reverses the order of elements along `dims` (`torch.flip`; a copy, as in PyTorch).
    public func flip(_ dims: [Int]) throws -> Tensor {
        let d = try normalizeDims(dims, ndim, op: "flip")
        var st = strides, off = offset
        for i in d where shape[i] > 0 {
            off += (shape[i] - 1) * strides[i]
            st[i] = -strides[i]
        }
        let v = Tensor(storage: storage, shape: shape, strides: st, offset: off, dtype: dtype)
        return v.dense().recorded(.flip(d), inputs: [self])
    }

    // MARK: Unrecorded view helpers

    func permuteView(_ dims: [Int]) -> Tensor {
        Tensor(storage: storage, shape: dims.map { shape[$0] }, strides: dims.map { strides[$0] },
               offset: offset, dtype: dtype)
    }

    func reshapeView(_ sh: [Int]) -> Tensor {
        let st = Tensor.viewStrides(shape, strides, sh) ?? Tensor.contiguousStrides(sh)
        let base = Tensor.viewStrides(shape, strides, sh) == nil ? dense() : self
        return Tensor(storage: base.storage, shape: sh, strides: st, offset: base.offset, dtype: dtype)
    }

    func sliceView(dim: Int, start: Int, step: Int, count: Int) throws -> Tensor {
        var sh = shape, st = strides
        sh[dim] = count
        st[dim] = strides[dim] * step
        return Tensor(storage: storage, shape: sh, strides: st, offset: offset + start * strides[dim], dtype: dtype)
    }

    /// Resolves one -1 and checks the element count.
    func inferShape(_ requested: [Int], op: String) throws -> [Int] {
        var sh = requested
        let known = requested.filter { $0 != -1 }.reduce(1, *)
        let infer = requested.indices.filter { requested[$0] == -1 }
        guard infer.count <= 1, requested.allSatisfy({ $0 >= -1 }) else {
            throw TensorError(op, "invalid shape \(fmt(requested))")
        }
        if let i = infer.first {
            guard known != 0, numel % known == 0 else {
                throw TensorError(op, "shape '\(fmt(requested))' is invalid for input of size \(numel)")
            }
            sh[i] = numel / known
        }
        guard sh.reduce(1, *) == numel else {
            throw TensorError(op, "shape '\(fmt(requested))' is invalid for input of size \(numel)")
        }
        return sh
    }

    /// Strides that present (shape, strides) as `newShape` without copying, or nil (PyTorch's
    /// rule: each run of old dims that is contiguous in memory may be split or merged freely).
    static func viewStrides(_ shape: [Int], _ strides: [Int], _ newShape: [Int]) -> [Int]? {
        let numel = shape.reduce(1, *)
        if numel == 0 || shape.isEmpty { return contiguousStrides(newShape) }
        var out = [Int](repeating: 0, count: newShape.count)
        var viewD = newShape.count - 1
        var chunkBase = strides[strides.count - 1]
        var tensorNumel = 1, viewNumel = 1
        for d in stride(from: shape.count - 1, through: 0, by: -1) {
            tensorNumel *= shape[d]
            if d == 0 || (shape[d - 1] != 1 && strides[d - 1] != tensorNumel * chunkBase) {
                while viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1) {
                    out[viewD] = viewNumel * chunkBase
                    viewNumel *= newShape[viewD]
                    viewD -= 1
                }
                if viewNumel != tensorNumel { return nil }
                if d > 0 {
                    chunkBase = strides[d - 1]
                    tensorNumel = 1
                    viewNumel = 1
                }
            }
        }
        return viewD == -1 ? out : nil
    }
}
