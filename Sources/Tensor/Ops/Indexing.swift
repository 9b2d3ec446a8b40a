/// One entry of a Python subscript `x[...]`.
public enum TensorIndex {
    case int(Int)
    /// `start:stop:step` with nil for omitted bounds.
    case slice(Int?, Int?, Int?)
    /// `None`: inserts a size-1 dim.
    case newAxis
    /// `...`
    case ellipsis
    /// An integer (advanced) or bool (mask) index tensor.
    case tensor(Tensor)
}

/// Python/PyTorch subscripting: basic indexing gives views; integer and bool tensor indices
/// (advanced indexing) give copies with PyTorch's result layout.
extension Tensor {
    /// `x[items]`: ints, slices, None and `...` give views; int or bool tensors index as PyTorch's advanced indexing (a copy).
    public func index(_ items: [TensorIndex]) throws -> Tensor {
        let (v, advanced) = try basicPass(items)
        return advanced.isEmpty ? v : try v.advancedIndex(advanced)
    }

    /// Result shape and storage offsets (relative to self's offset) of an advanced index, for writes.
    func advancedOffsets(_ items: [TensorIndex], strides: [Int]) throws -> ([Int], [Int]) {
        let (v, advanced) = try basicPass(items)
        let (shape, offs) = try v.advancedPlan(advanced, strides: v.strides)
        let base = v.offset - offset
        return (shape, offs.map { $0 + base })
    }

    /// Applies slices, ints and None as views; returns the view and the advanced (tensor) indices.
    private func basicPass(_ items: [TensorIndex]) throws -> (Tensor, [(dim: Int, index: Tensor)]) {
        let items = try expandEllipsis(items)
        let hasTensor = items.contains { if case .tensor = $0 { return true }; return false }
        var v = self
        var dim = 0
        var advanced: [(dim: Int, index: Tensor)] = []
        for item in items {
            switch item {
            case .newAxis:
                v = try v.unsqueeze(dim)
                dim += 1
            case .slice(let s, let e, let st):
                v = try v.slice(dim: dim, start: s, end: e, step: st ?? 1)
                dim += 1
            case .int(let i) where !hasTensor:
                v = try v.select(dim: dim, index: i)
            case .int(let i):
                advanced.append((dim, Tensor.scalar(i)))
                dim += 1
            case .tensor(let t) where t.dtype == .bool:
                guard dim + t.ndim <= v.ndim else {
                    throw TensorError("index", "too many indices for tensor of dimension \(ndim)")
                }
                for (k, sz) in t.shape.enumerated() where sz != v.shape[dim + k] {
                    throw TensorError("index", "The shape of the mask \(fmt(t.shape)) at index \(k) does not match the shape of the indexed tensor \(fmt(v.shape)) at index \(dim + k)")
                }
                let nz = t.nonzero()
                for k in 0..<t.ndim { advanced.append((dim + k, try nz.select(dim: 1, index: k))) }
                dim += t.ndim
            case .tensor(let t):
                guard t.dtype.isIntegral else {
                    throw TensorError("index", "tensors used as indices must be long, int, byte or bool tensors")
                }
                advanced.append((dim, t.to(.int64)))
                dim += 1
            case .ellipsis:
                break
            }
        }
        return (v, advanced)
    }

    /// Elements where the broadcast `mask` is true, as a 1-d tensor (`torch.masked_select`).
    public func maskedSelect(_ mask: Tensor) throws -> Tensor {
        guard mask.dtype == .bool else { throw TensorError("masked_select", "expected mask to be a bool tensor, got \(mask.dtype)") }
        let shape = try broadcastShapes(self.shape, mask.shape, op: "masked_select")
        return try expand(shape).index([.tensor(try mask.expand(shape))])
    }

    /// Indices of nonzero elements as int64 [count, ndim] (`torch.nonzero`).
    public func nonzero() -> Tensor {
        let c = dense()
        var found: [Int64] = []
        var counter = [Int](repeating: 0, count: ndim)
        for i in 0..<numel {
            if c.loadDouble(at: i) != 0 { found += counter.map { Int64($0) } }
            var k = ndim - 1
            while k >= 0 {
                counter[k] += 1
                if counter[k] < shape[k] { break }
                counter[k] = 0
                k -= 1
            }
        }
        let out = Tensor(uninitializedShape: [found.count / Swift.max(ndim, 1), ndim], dtype: .int64)
        for (i, v) in found.enumerated() { out.int64Base[i] = v }
        return out
    }

    private func expandEllipsis(_ items: [TensorIndex]) throws -> [TensorIndex] {
        var consumed = 0, ellipses = 0
        for item in items {
            switch item {
            case .int, .slice: consumed += 1
            case .tensor(let t): consumed += t.dtype == .bool ? t.ndim : 1
            case .ellipsis: ellipses += 1
            case .newAxis: break
            }
        }
        guard ellipses <= 1 else { throw TensorError("index", "an index can only have a single ellipsis ('...')") }
        guard consumed <= ndim else {
            throw TensorError("index", "too many indices for tensor of dimension \(ndim)")
        }
        var out: [TensorIndex] = []
        var sawEllipsis = false
        for item in items {
            if case .ellipsis = item {
                sawEllipsis = true
                out += [TensorIndex](repeating: .slice(nil, nil, nil), count: ndim - consumed)
            } else {
                out.append(item)
            }
        }
        if !sawEllipsis { out += [TensorIndex](repeating: .slice(nil, nil, nil), count: ndim - consumed) }
        return out
    }

    /// Advanced indexing of dims by int64 index tensors broadcast together; the result dims go
    /// where the first indexed dim was if the indexed dims are adjacent, else to the front.
    private func advancedIndex(_ adv: [(dim: Int, index: Tensor)]) throws -> Tensor {
        let (outShape, offs) = try advancedPlan(adv, strides: Tensor.contiguousStrides(shape))
        let src = dense()
        let offsets = Tensor(uninitializedShape: outShape, dtype: .int64)
        for (i, o) in offs.enumerated() { offsets.int64Base[i] = Int64(o) }
        let out = Tensor(uninitializedShape: outShape, dtype: dtype)
        for (i, o) in offs.enumerated() {
            switch dtype {
            case .float32: out.floatBase[i] = src.floatBase[o]
            case .int64: out.int64Base[i] = src.int64Base[o]
            case .int32: out.int32Base[i] = src.int32Base[o]
            case .bool: out.boolBase[i] = src.boolBase[o]
            }
        }
        return out.recorded(.take, inputs: [self], saved: [offsets])
    }

    /// Result shape and element offsets (under `strides`) of advanced indexing.
    private func advancedPlan(_ adv: [(dim: Int, index: Tensor)], strides cstr: [Int]) throws -> ([Int], [Int]) {
        var bshape: [Int] = []
        for a in adv { bshape = try broadcastShapes(bshape, a.index.shape, op: "index") }
        let dims = adv.map { $0.dim }
        let adjacent = zip(dims, dims.dropFirst()).allSatisfy { $1 == $0 + 1 }
        let rest = (0..<ndim).filter { !dims.contains($0) }
        let before = adjacent ? rest.filter { $0 < dims[0] } : []
        let after = adjacent ? rest.filter { $0 > dims[0] } : rest
        let outShape = before.map { shape[$0] } + bshape + after.map { shape[$0] }
        // Offset contributed by the advanced dims at each broadcast position.
        let advOff = Tensor.zeros(bshape, dtype: .int64)
        for a in adv {
            let idx = try a.index.expand(bshape).dense()
            let size = shape[a.dim]
            for i in 0..<advOff.numel {
                var v = Int(idx.int64Base[i])
                if v < 0 { v += size }
                guard v >= 0 && v < size else {
                    throw TensorError("index", "index \(idx.int64Base[i]) is out of bounds for dimension \(a.dim) with size \(size)")
                }
                advOff.int64Base[i] += Int64(v * cstr[a.dim])
            }
        }
        var offsets = [Int](repeating: 0, count: outShape.reduce(1, *))
        let nb = before.reduce(1) { $0 * shape[$1] }, na = after.reduce(1) { $0 * shape[$1] }
        let nAdv = advOff.numel
        var pos = 0
        for ib in 0..<nb {
            let offB = Tensor.linearOffset(ib, before.map { shape[$0] }, before.map { cstr[$0] })
            for j in 0..<nAdv {
                for ia in 0..<na {
                    let offA = Tensor.linearOffset(ia, after.map { shape[$0] }, after.map { cstr[$0] })
                    offsets[pos] = offB + offA + Int(advOff.int64Base[j])
                    pos += 1
                }
            }
        }
        return (outShape, offsets)
    }

    /// Storage offset of row-major position `i` in a shape with the given strides.
    static func linearOffset(_ i: Int, _ shape: [Int], _ strides: [Int]) -> Int {
        var rem = i, off = 0
        for k in stride(from: shape.count - 1, through: 0, by: -1) {
            off += (rem % shape[k]) * strides[k]
            rem /= shape[k]
        }
        return off
    }
}
