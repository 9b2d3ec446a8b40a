/// Joining, splitting, padding, repeating and masking (cat, stack, split, chunk, unbind, pad,
/// repeat, triu/tril, where, masked_fill).
extension Tensor {
    /// Concatenates along `dim` (`torch.cat`); 1-d empty tensors are skipped as in PyTorch.
    public static func cat(_ tensors: [Tensor], dim: Int = 0) throws -> Tensor {
        let parts = tensors.filter { !($0.ndim == 1 && $0.numel == 0) }
        guard let first = parts.first else {
            if let t = tensors.first { return t.clone() }
            throw TensorError("cat", "expected a non-empty list of Tensors")
        }
        let d = try normalizeDim(dim, first.ndim, op: "cat")
        var dtype = first.dtype
        var total = 0
        for (i, t) in parts.enumerated() {
            guard t.ndim == first.ndim, (0..<t.ndim).allSatisfy({ $0 == d || t.shape[$0] == first.shape[$0] }) else {
                throw TensorError("cat", "Sizes of tensors must match except in dimension \(d). Expected \(fmt(first.shape)) but got \(fmt(t.shape)) for tensor number \(i) in the list")
            }
            total += t.shape[d]
            dtype = DType.promote(dtype, t.dtype)
        }
        var outShape = first.shape
        outShape[d] = total
        let out = Tensor(uninitializedShape: outShape, dtype: dtype)
        var start = 0
        for t in parts {
            let region = try out.sliceView(dim: d, start: start, step: 1, count: t.shape[d])
            copyElements(from: t, to: region)
            start += t.shape[d]
        }
        let inputs = parts.map { $0.to(dtype) }
        return out.recorded(.cat(dim: d), inputs: inputs)
    }

    /// Stacks equal-shaped tensors along a new dim (`torch.stack`).
    public static func stack(_ tensors: [Tensor], dim: Int = 0) throws -> Tensor {
        guard let first = tensors.first else { throw TensorError("stack", "expects a non-empty TensorList") }
        for (i, t) in tensors.enumerated() where t.shape != first.shape {
            throw TensorError("stack", "expects each tensor to be equal size, but got \(fmt(first.shape)) at entry 0 and \(fmt(t.shape)) at entry \(i)")
        }
        let d = try normalizeDim(dim, first.ndim + 1, op: "stack")
        return try cat(tensors.map { try $0.unsqueeze(d) }, dim: d)
    }

    /// Pieces of `size` along `dim`, the last possibly shorter (`torch.split(x, int)`).
    public func split(_ size: Int, dim: Int = 0) throws -> [Tensor] {
        let d = try normalizeDim(dim, ndim, op: "split")
        guard size > 0 || shape[d] == 0 else { throw TensorError("split", "split_size must be positive, got \(size)") }
        var out: [Tensor] = []
        var start = 0
        repeat {
            let len = Swift.min(size, shape[d] - start)
            out.append(try narrow(d, start, len))
            start += len
        } while start < shape[d]
        return out
    }

    /// Pieces with the given sizes along `dim` (`torch.split(x, [sizes])`).
    public func split(sections: [Int], dim: Int = 0) throws -> [Tensor] {
        let d = try normalizeDim(dim, ndim, op: "split")
        guard sections.reduce(0, +) == shape[d], sections.allSatisfy({ $0 >= 0 }) else {
            throw TensorError("split", "split_with_sizes expects split_sizes to sum exactly to \(shape[d]) (input tensor's size at dimension \(d)), but got split_sizes=\(fmt(sections))")
        }
        var start = 0
        return try sections.map { n in
            defer { start += n }
            return try narrow(d, start, n)
        }
    }

    /// `chunks` pieces of ceil(size/chunks) along `dim` (`torch.chunk`; may return fewer).
    public func chunk(_ chunks: Int, dim: Int = 0) throws -> [Tensor] {
        guard chunks > 0 else { throw TensorError("chunk", "chunk expects `chunks` to be greater than 0, got: \(chunks)") }
        let d = try normalizeDim(dim, ndim, op: "chunk")
        let size = (shape[d] + chunks - 1) / chunks
        return try split(Swift.max(size, 1), dim: d)
    }

    /// Slices along `dim`, removing it (`torch.unbind`).
    public func unbind(dim: Int = 0) throws -> [Tensor] {
        let d = try normalizeDim(dim, ndim, op: "unbind")
        return try (0..<shape[d]).map { try select(dim: d, index: $0) }
    }

    /// Constant padding (`F.pad`, mode 'constant'); `pads` pairs (left, right) from the last dim
    /// backwards; negative entries crop.
    public func pad(_ pads: [Int], value: Double = 0) throws -> Tensor {
        guard pads.count % 2 == 0, pads.count / 2 <= ndim else {
            throw TensorError("pad", "Padding length must be divisible by 2 and at most twice the number of dims (got \(pads.count) for shape \(fmt(shape)))")
        }
        var outShape = shape
        var src = self.alias()
        var dstRanges: [(dim: Int, start: Int)] = []
        for i in 0..<(pads.count / 2) {
            let d = ndim - 1 - i
            let (l, r) = (pads[2 * i], pads[2 * i + 1])
            outShape[d] = shape[d] + l + r
            guard outShape[d] >= 0 else {
                throw TensorError("pad", "The input size \(shape[d]), plus negative padding \(l) and \(r) resulted in a negative output size \(outShape[d])")
            }
            let cropL = Swift.max(0, -l), cropR = Swift.max(0, -r)
            let keep = Swift.max(0, shape[d] - cropL - cropR)
            src = try src.sliceView(dim: d, start: Swift.min(cropL, shape[d]), step: 1, count: keep)
            dstRanges.append((d, Swift.max(0, l)))
        }
        let out = Tensor.full(outShape, value, dtype: dtype)
        var dst = out.alias()
        for (d, start) in dstRanges { dst = try dst.sliceView(dim: d, start: start, step: 1, count: src.shape[d]) }
        copyElements(from: src, to: dst)
        return out.recorded(.pad(pads), inputs: [self])
    }

    /// Tiles the tensor `repeats` times per dim (`repeat`; extra leading repeats add dims).
    public func `repeat`(_ repeats: [Int]) throws -> Tensor {
        guard repeats.count >= ndim else {
            throw TensorError("repeat", "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor")
        }
        let base = try reshape([Int](repeating: 1, count: repeats.count - ndim) + shape)
        var interleaved: [Int] = [], expanded: [Int] = [], final: [Int] = []
        for (r, s) in zip(repeats, base.shape) {
            interleaved += [1, s]
            expanded += [r, s]
            final.append(r * s)
        }
        return try base.reshape(interleaved).expand(expanded).contiguous().reshape(final)
    }

    /// Upper triangle of the last two dims, from `diagonal` up (`torch.triu`).
    public func triu(diagonal: Int = 0) throws -> Tensor { try triangle(diagonal, upper: true) }
    /// Lower triangle of the last two dims, up to `diagonal` (`torch.tril`).
    public func tril(diagonal: Int = 0) throws -> Tensor { try triangle(diagonal, upper: false) }

    private func triangle(_ k: Int, upper: Bool) throws -> Tensor {
        guard ndim >= 2 else { throw TensorError(upper ? "triu" : "tril", "input tensor must have at least 2 dimensions") }
        let (r, c) = (shape[ndim - 2], shape[ndim - 1])
        let mask = Tensor(uninitializedShape: [r, c], dtype: .bool)
        for i in 0..<r { for j in 0..<c { mask.boolBase[i * c + j] = (upper ? j - i >= k : j - i <= k) ? 1 : 0 } }
        return try Tensor.where(mask, self, Tensor.scalar(0, dtype: dtype == .float32 ? .int64 : dtype))
    }

    /// Elementwise `cond ? a : b` with broadcasting (`torch.where`).
    public static func `where`(_ cond: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        let s1 = try broadcastShapes(cond.shape, a.shape, op: "where")
        let shape = try broadcastShapes(s1, b.shape, op: "where")
        let c = cond.to(.bool)
        let dtype = DType.resultType(a.dtype, aIsScalar: a.ndim == 0, b.dtype, bIsScalar: b.ndim == 0)
        if dtype != .float32 {
            return whereExact(c, a, b, shape, dtype)
        }
        let (fa, fb) = (a.to(.float32), b.to(.float32))
        let out = whereFloatFast(c, fa, fb, shape) ?? BinaryKernels.ternaryFloat(c, fa, fb, shape) { k, x, y in k ? x : y }
        return out.recorded(.whereSelect, inputs: [fa, fb], saved: [c])
    }

    /// float32 `where` with a dense full-shape condition and each value operand dense full-shape
    /// or a single value (masks, autograd's where/masked_fill derivatives): vectorized, on both
    /// cores when large; nil for other layouts.
    private static func whereFloatFast(_ c: Tensor, _ a: Tensor, _ b: Tensor, _ shape: [Int]) -> Tensor? {
        func full(_ t: Tensor) -> Bool { t.shape == shape && t.isContiguous }
        guard full(c), full(a) || a.numel == 1, full(b) || b.numel == 1 else { return nil }
        let out = Tensor(uninitializedShape: shape, dtype: .float32)
        let (o, pc, pa, pb) = (out.floatBase, c.boolBase, a.floatBase, b.floatBase)
        switch (full(a), full(b)) {
        case (true, true): parallelRange(out.numel) { lo, hi in for i in lo..<hi { o[i] = pc[i] != 0 ? pa[i] : pb[i] } }
        case (true, false):
            let y = pb[0]
            parallelRange(out.numel) { lo, hi in for i in lo..<hi { o[i] = pc[i] != 0 ? pa[i] : y } }
        case (false, true):
            let x = pa[0]
            parallelRange(out.numel) { lo, hi in for i in lo..<hi { o[i] = pc[i] != 0 ? x : pb[i] } }
        case (false, false):
            let (x, y) = (pa[0], pb[0])
            parallelRange(out.numel) { lo, hi in for i in lo..<hi { o[i] = pc[i] != 0 ? x : y } }
        }
        return out
    }

    /// `where` for integer and bool results, exact for all int64 values.
    private static func whereExact(_ c: Tensor, _ a: Tensor, _ b: Tensor, _ shape: [Int], _ dtype: DType) -> Tensor {
        let out = Tensor(uninitializedShape: shape, dtype: dtype)
        let loop = StridedLoop(shape: shape, strides: [out.strides, broadcastStrides(c, to: shape),
                                                      broadcastStrides(a, to: shape), broadcastStrides(b, to: shape)])
        let st = loop.innerStrides
        loop.forEachRow { o, n in
            for i in 0..<n {
                let pick = c.boolBase[o[1] + i * st[1]] != 0
                let v = pick ? a.loadInt(at: o[2] + i * st[2]) : b.loadInt(at: o[3] + i * st[3])
                out.storeDouble(Double(v), at: o[0] + i * st[0])
                if dtype == .int64 { out.int64Base[o[0] + i * st[0]] = v }
            }
        }
        return out
    }

    /// `value` where `mask` is true (`masked_fill`; mask broadcasts to self's shape).
    public func maskedFill(_ mask: Tensor, _ value: Double) throws -> Tensor {
        guard mask.dtype == .bool else {
            throw TensorError("masked_fill", "expected mask to have dtype torch.bool, got \(mask.dtype)")
        }
        let shape = try broadcastShapes(self.shape, mask.shape, op: "masked_fill")
        guard shape == self.shape else {
            throw TensorError("masked_fill", "mask of shape \(fmt(mask.shape)) cannot be broadcast to \(fmt(self.shape))")
        }
        let v = dtype == .float32 ? Tensor.scalar(value) : Tensor.scalar(Int(value), dtype: dtype)
        return try Tensor.where(mask, v, self)
    }
}
