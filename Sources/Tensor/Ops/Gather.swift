/// Index-driven ops: gather, index_select, embedding and their scatter-add gradients.
extension Tensor {
    /// `out[i][j][k] = self[i][index[i][j][k]][k]` for dim 1 (`torch.gather`); `index` is int64
    /// with the same rank, no larger than self except along `dim`.
    public func gather(dim: Int, index: Tensor) throws -> Tensor {
        let d = try normalizeDim(dim, ndim, op: "gather")
        guard index.dtype == .int64 else { throw TensorError("gather", "Expected dtype int64 for index, got \(index.dtype)") }
        guard index.ndim == ndim || (ndim == 0 && index.ndim <= 1) else {
            throw TensorError("gather", "Index tensor must have the same number of dimensions as input tensor (\(fmt(index.shape)) vs \(fmt(shape)))")
        }
        for i in 0..<index.ndim where i != d && index.shape[i] > shape[i] {
            throw TensorError("gather", "Size does not match at dimension \(i) expected index \(fmt(index.shape)) to be smaller than self \(fmt(shape)) apart from dimension \(d)")
        }
        let x = to(.float32)
        let out = Tensor(uninitializedShape: index.shape, dtype: .float32)
        if try Tensor.walkScatterRows(index: index, dim: d, target: x, op: "gather", { pos, tOff, n in
            (out.floatBase + pos).update(from: x.floatBase + tOff, count: n)
        }) {
            let r = out.recorded(.gather(dim: d), inputs: [x], saved: [index])
            return dtype == .float32 ? r : r.to(dtype)
        }
        try Tensor.walkScatter(index: index, dim: d, target: x, op: "gather") { pos, tOff in
            out.floatBase[pos] = x.floatBase[tOff]
        }
        let r = out.recorded(.gather(dim: d), inputs: [x], saved: [index])
        return dtype == .float32 ? r : r.to(dtype)
    }

    /// `self[..., index[j], ...] += source[..., j, ...]` along `dim` as in `scatter_add_` with
    /// `index` shaped like `source`; used for gather's gradient.
    func scatterAddInPlace(dim: Int, index: Tensor, source: Tensor) throws -> Tensor {
        let src = source.dense()
        let rows = try Tensor.walkScatterRows(index: index, dim: dim, target: self, op: "scatter_add") { pos, tOff, n in
            let dst = self.floatBase + tOff, s = src.floatBase + pos
            for j in 0..<n { dst[j] += s[j] }
        }
        if !rows {
            try Tensor.walkScatter(index: index, dim: dim, target: self, op: "scatter_add") { pos, tOff in
                self.floatBase[tOff] += src.floatBase[pos]
            }
        }
        storage.bumpVersion()
        return self
    }

    /// The common case of an index expanded along the last dimension (as in
    /// `x.gather(1, idx[:, :, None].expand(-1, -1, C))`) with a target whose last dimension is
    /// contiguous: visits whole rows, `body(pos, tOff, count)` for `count` consecutive elements,
    /// reading each index value once and never materializing the expanded index. Returns false
    /// (visiting nothing) when the case does not apply.
    private static func walkScatterRows(index: Tensor, dim: Int, target: Tensor, op: String,
                                        _ body: (Int, Int, Int) -> Void) throws -> Bool {
        let nd = index.ndim
        guard nd >= 2, dim < nd - 1, target.ndim == nd, index.strides[nd - 1] == 0,
              target.strides[nd - 1] == 1 || target.shape[nd - 1] <= 1 else { return false }
        let inner = index.shape[nd - 1]
        let rows = index.shape[..<(nd - 1)].reduce(1, *)
        guard inner > 0, rows > 0 else { return true }
        let size = target.shape[dim]
        let ib = index.int64Base
        var counter = [Int](repeating: 0, count: nd - 1)
        // Validate all index values first, so an error leaves the target untouched.
        for pass in 0..<2 {
            for k in 0..<(nd - 1) { counter[k] = 0 }
            for r in 0..<rows {
                var iOff = 0
                for k in 0..<(nd - 1) { iOff += counter[k] * index.strides[k] }
                var v = Int(ib[iOff])
                if v < 0 { v += size }
                if pass == 0 {
                    guard v >= 0 && v < size else {
                        throw TensorError(op, "index \(ib[iOff]) is out of bounds for dimension \(dim) with size \(size)")
                    }
                } else {
                    var tOff = target.offset
                    for k in 0..<(nd - 1) { tOff += (k == dim ? v : counter[k]) * target.strides[k] }
                    body(r * inner, tOff - target.offset, inner)
                }
                var k = nd - 2
                while k >= 0 {
                    counter[k] += 1
                    if counter[k] < index.shape[k] { break }
                    counter[k] = 0
                    k -= 1
                }
            }
        }
        return true
    }

    /// Visits every element of `index` (row-major position `pos`) with the storage offset of the
    /// element of `target` it addresses along `dim`.
    private static func walkScatter(index: Tensor, dim: Int, target: Tensor, op: String,
                                    _ body: (Int, Int) -> Void) throws {
        let idx = index.dense()
        let n = idx.numel
        let size = target.ndim == 0 ? 1 : target.shape[dim]
        var counter = [Int](repeating: 0, count: idx.ndim)
        for pos in 0..<n {
            var v = Int(idx.int64Base[pos])
            if v < 0 { v += size }
            guard v >= 0 && v < size else {
                throw TensorError(op, "index \(idx.int64Base[pos]) is out of bounds for dimension \(dim) with size \(size)")
            }
            var off = 0
            for k in 0..<idx.ndim { off += (k == dim ? v : counter[k]) * (target.ndim == 0 ? 0 : target.strides[k]) }
            body(pos, off)
            var k = idx.ndim - 1
            while k >= 0 {
                counter[k] += 1
                if counter[k] < idx.shape[k] { break }
                counter[k] = 0
                k -= 1
            }
        }
    }

    /// Rows (slices along `dim`) picked by a 1-d int64 `index` (`torch.index_select`).
    public func indexSelect(dim: Int, index: Tensor) throws -> Tensor {
        try indexSelect(dim: dim, index: index, paddingIdx: nil, op: "index_select")
    }

    /// Looks up rows of `weight` [V, D] for integer `indices` of any shape -> [..., D]
    /// (`F.embedding`); rows at `paddingIdx` get no gradient.
    public static func embedding(_ indices: Tensor, _ weight: Tensor, paddingIdx: Int? = nil) throws -> Tensor {
        guard indices.dtype.isIntegral else {
            throw TensorError("embedding", "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got \(indices.dtype) instead")
        }
        guard weight.ndim == 2 else { throw TensorError("embedding", "'weight' must be 2-D, got \(fmt(weight.shape))") }
        let pad = paddingIdx.map { $0 < 0 ? $0 + weight.shape[0] : $0 }
        let flat = indices.to(.int64).reshapeView([indices.numel])
        let rows = try weight.indexSelect(dim: 0, index: flat, paddingIdx: pad, op: "embedding")
        return try rows.reshape(indices.shape + [weight.shape[1]])
    }

    private func indexSelect(dim: Int, index: Tensor, paddingIdx: Int?, op: String) throws -> Tensor {
        let d = try normalizeDim(dim, ndim, op: op)
        guard index.ndim <= 1, index.dtype.isIntegral else {
            throw TensorError(op, "index must be a 1-D integer tensor, got \(index.dtype) \(fmt(index.shape))")
        }
        let idx = index.to(.int64).reshapeView([index.numel]).dense()
        let size = ndim == 0 ? 1 : shape[d]
        var outShape = shape
        if ndim > 0 { outShape[d] = idx.numel }
        let out = Tensor(uninitializedShape: outShape, dtype: dtype)
        if d == 0 && ndim > 0 && isContiguous {
            // Row gather (embedding lookup): one memcpy per index.
            let rowBytes = numel / Swift.max(size, 1) * dtype.itemSize
            let src = storage.bytes + offset * dtype.itemSize, dst = out.storage.bytes
            for j in 0..<idx.numel {
                var v = Int(idx.int64Base[j])
                if v < 0 && op != "embedding" { v += size }
                guard v >= 0 && v < size else {
                    throw TensorError(op, "index \(idx.int64Base[j]) is out of range for dimension 0 with size \(size)")
                }
                (dst + j * rowBytes).copyMemory(from: src + v * rowBytes, byteCount: rowBytes)
            }
            return out.recorded(.indexSelect(dim: d, paddingIdx: paddingIdx), inputs: [self], saved: [idx])
        }
        for j in 0..<idx.numel {
            var v = Int(idx.int64Base[j])
            if v < 0 && op != "embedding" { v += size }
            guard v >= 0 && v < size else {
                throw TensorError(op, "index \(idx.int64Base[j]) is out of range for dimension \(d) with size \(size)")
            }
            let src = try sliceView(dim: d, start: v, step: 1, count: 1)
            let dst = try out.sliceView(dim: d, start: j, step: 1, count: 1)
            copyElements(from: src, to: dst)
        }
        return out.recorded(.indexSelect(dim: d, paddingIdx: paddingIdx), inputs: [self], saved: [idx])
    }
}

/// Gradient of index_select: zeros of `shape` with `source` slices added at `index` along `dim`.
func indexAdd(shape: [Int], dim: Int, index: Tensor, source: Tensor, skip: Int?) throws -> Tensor {
    let out = Tensor.zeros(shape)
    let src = source.dense()
    let size = shape.isEmpty ? 1 : shape[dim]
    let inner = shape.isEmpty ? 1 : shape[(dim + 1)...].reduce(1, *)
    let outer = shape.isEmpty ? 1 : shape[..<dim].reduce(1, *)
    let k = index.numel
    for j in 0..<k {
        var v = Int(index.int64Base[j])
        if v < 0 { v += size }
        if v == skip { continue }
        for o in 0..<outer {
            let dst = out.floatBase + (o * size + v) * inner
            let s = src.floatBase + (o * k + j) * inner
            for i in 0..<inner { dst[i] += s[i] }
        }
    }
    return out
}

/// Gradient of advanced indexing: zeros of `shape` with `g` added at the flat `offsets`.
func takeBackward(shape: [Int], offsets: Tensor, g: Tensor) -> Tensor {
    let out = Tensor.zeros(shape)
    let gd = g.dense()
    for i in 0..<offsets.numel { out.floatBase[Int(offsets.int64Base[i])] += gd.floatBase[i] }
    return out
}
