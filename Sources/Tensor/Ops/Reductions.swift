import Foundation

/// Reductions with PyTorch's `dim`/`keepdim` conventions; `dims: nil` (or `[]`) reduces all.
extension Tensor {
    /// Sum over `dims` (`torch.sum`); integer and bool inputs give int64.
    public func sum(dims: [Int]? = nil, keepdim: Bool = false) throws -> Tensor {
        let d = try reductionDims(dims, op: "sum")
        if dtype != .float32 { return try intSum(d, keepdim: keepdim) }
        let r = ReduceKernels.reduce(self, dims: d, .sum)
        let out = keepdim ? r : r.squeezedView(d)
        return out.recorded(.sum(dims: d, keepdim: keepdim), inputs: [self])
    }

    /// Sum over one dim.
    public func sum(dim: Int, keepdim: Bool = false) throws -> Tensor { try sum(dims: [dim], keepdim: keepdim) }

    /// Mean over `dims` (`torch.mean`); NaN over empty dims, as PyTorch.
    public func mean(dims: [Int]? = nil, keepdim: Bool = false) throws -> Tensor {
        guard dtype == .float32 else {
            throw TensorError("mean", "could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: \(dtype)")
        }
        let d = try reductionDims(dims, op: "mean")
        let count = d.reduce(1) { $0 * shape[$1] }
        return try sum(dims: d, keepdim: keepdim).div(Double(count))
    }

    /// Mean over one dim.
    public func mean(dim: Int, keepdim: Bool = false) throws -> Tensor { try mean(dims: [dim], keepdim: keepdim) }

    /// Maximum over `dims`; ties share the gradient evenly (`torch.amax`).
    public func amax(dims: [Int]? = nil, keepdim: Bool = false) throws -> Tensor {
        try extremum(dims, keepdim: keepdim, .max, op: "amax")
    }

    /// Minimum over `dims`; ties share the gradient evenly (`torch.amin`).
    public func amin(dims: [Int]? = nil, keepdim: Bool = false) throws -> Tensor {
        try extremum(dims, keepdim: keepdim, .min, op: "amin")
    }

    /// The largest element (`torch.max(x)`); ties share the gradient evenly.
    public func max() throws -> Tensor { try extremum(nil, keepdim: false, .max, op: "max") }
    /// The smallest element (`torch.min(x)`).
    public func min() throws -> Tensor { try extremum(nil, keepdim: false, .min, op: "min") }

    /// Values and first indices of the maxima along `dim` (`torch.max(x, dim)`); the gradient goes
    /// to the returned index only.
    public func max(dim: Int, keepdim: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        try extremeWithIndex(dim, keepdim: keepdim, max: true)
    }

    /// Values and first indices of the minima along `dim` (`torch.min(x, dim)`).
    public func min(dim: Int, keepdim: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        try extremeWithIndex(dim, keepdim: keepdim, max: false)
    }

    /// Index of the first maximum along `dim`, or of the flattened tensor when `dim` is nil.
    public func argmax(dim: Int? = nil, keepdim: Bool = false) throws -> Tensor {
        try argExtreme(dim, keepdim: keepdim, max: true)
    }

    /// Index of the first minimum along `dim`, or of the flattened tensor when `dim` is nil.
    public func argmin(dim: Int? = nil, keepdim: Bool = false) throws -> Tensor {
        try argExtreme(dim, keepdim: keepdim, max: false)
    }

    /// `log(sum(exp(x)))` over `dims`, stable for large values (`torch.logsumexp`).
    public func logsumexp(dims: [Int], keepdim: Bool = false) throws -> Tensor {
        let d = try reductionDims(dims, op: "logsumexp")
        let m = try noGrad { () -> Tensor in
            let m = try detach().amax(dims: d, keepdim: true)
            return try Tensor.where(m.isinf(), Tensor.scalar(0), m)
        }
        let r = try sub(m).exp().sum(dims: d, keepdim: true).log().add(m)
        return keepdim ? r : try r.squeeze(d)
    }

    /// Variance over `dims` with `correction` (1 = unbiased, `torch.var`).
    public func variance(dims: [Int]? = nil, correction: Int = 1, keepdim: Bool = false) throws -> Tensor {
        let d = try reductionDims(dims, op: "var")
        let n = d.reduce(1) { $0 * shape[$1] }
        let mu = try mean(dims: d, keepdim: true)
        let dev = try sub(mu)
        return try dev.mul(dev).sum(dims: d, keepdim: keepdim).div(Double(Swift.max(n - correction, 0)))
    }

    /// Standard deviation over `dims` (`torch.std`).
    public func std(dims: [Int]? = nil, correction: Int = 1, keepdim: Bool = false) throws -> Tensor {
        try variance(dims: dims, correction: correction, keepdim: keepdim).sqrt()
    }

    /// The p-norm over `dims` (`torch.linalg.vector_norm`, `torch.norm` for vectors); p may be
    /// +-infinity or 0 (count of nonzeros).
    public func norm(p: Double = 2, dims: [Int]? = nil, keepdim: Bool = false) throws -> Tensor {
        let d = try reductionDims(dims, op: "norm")
        let a = abs()
        switch p {
        case .infinity: return try a.amax(dims: d, keepdim: keepdim)
        case -.infinity: return try a.amin(dims: d, keepdim: keepdim)
        case 0: return try a.ne(.scalar(0)).to(.float32).sum(dims: d, keepdim: keepdim)
        case 1: return try a.sum(dims: d, keepdim: keepdim)
        case 2: return try mul(self).sum(dims: d, keepdim: keepdim).sqrt()
        default: return try a.pow(p).sum(dims: d, keepdim: keepdim).pow(1 / p)
        }
    }

    // MARK: Helpers

    /// Sums a broadcast gradient back to `target` shape (undoes broadcasting).
    func sumTo(_ target: [Int]) throws -> Tensor {
        if shape == target { return self }
        let lead = ndim - target.count
        var dims = Array(0..<Swift.max(lead, 0))
        for i in 0..<target.count where target[i] == 1 && shape[lead + i] != 1 { dims.append(lead + i) }
        let r = dims.isEmpty ? self : try sum(dims: dims, keepdim: true)
        return try r.reshape(target)
    }

    /// `g` of a reduction's output reshaped to the keepdim shape (no-op when keepdim).
    func unsqueezing(_ dims: [Int], keepdim: Bool) -> Tensor {
        if keepdim { return self }
        var sh = shape, st = strides
        for d in dims.sorted() {
            sh.insert(1, at: d)
            st.insert(0, at: d)
        }
        return Tensor(storage: storage, shape: sh, strides: st, offset: offset, dtype: dtype)
    }

    /// Normalized, sorted reduction dims; nil or [] mean all dims.
    func reductionDims(_ dims: [Int]?, op: String) throws -> [Int] {
        guard let dims = dims, !dims.isEmpty else { return Array(0..<ndim) }
        return try normalizeDims(dims, ndim, op: op).sorted()
    }

    /// Drops the given size-1 dims as a view without recording.
    func squeezedView(_ dims: [Int]) -> Tensor {
        var sh: [Int] = [], st: [Int] = []
        for i in 0..<ndim where !dims.contains(i) {
            sh.append(shape[i])
            st.append(strides[i])
        }
        return Tensor(storage: storage, shape: sh, strides: st, offset: offset, dtype: dtype)
    }

    private func intSum(_ d: [Int], keepdim: Bool) throws -> Tensor {
        let x = permuteView((0..<ndim).filter { !d.contains($0) } + d).dense()
        var keptShape = shape
        for i in d { keptShape[i] = 1 }
        let out = Tensor(uninitializedShape: keptShape, dtype: .int64)
        let r = d.reduce(1) { $0 * shape[$1] }
        for i in 0..<out.numel {
            var acc: Int64 = 0
            for j in 0..<r { acc &+= x.loadInt(at: i * r + j) }
            out.int64Base[i] = acc
        }
        return keepdim ? out : out.squeezedView(d)
    }

    private func extremum(_ dims: [Int]?, keepdim: Bool, _ kind: ReduceKernels.Kind, op: String) throws -> Tensor {
        let d = try reductionDims(dims, op: op)
        if let e = d.first(where: { shape[$0] == 0 }) ?? (numel == 0 ? -1 : nil) {
            throw TensorError(op, "Expected reduction dim \(e) to have non-zero size (input shape \(fmt(shape)))")
        }
        let x = to(.float32)
        let r = ReduceKernels.reduce(x, dims: d, kind)
        let out = keepdim ? r : r.squeezedView(d)
        let result = out.recorded(.extremum(dims: d, keepdim: keepdim), inputs: [x], saved: [x, out.alias()])
        return dtype == .float32 ? result : result.to(dtype)
    }

    private func extremeWithIndex(_ dim: Int, keepdim: Bool, max: Bool) throws -> (values: Tensor, indices: Tensor) {
        let idx = try argExtreme(dim, keepdim: true, max: max)
        let d = try normalizeDim(dim, ndim, op: max ? "max" : "min")
        var values = try gather(dim: d, index: idx)
        var indices = idx
        if !keepdim && ndim > 0 {
            values = try values.squeeze([d])
            indices = idx.squeezedView([d])
        }
        return (values, indices)
    }

    private func argExtreme(_ dim: Int?, keepdim: Bool, max: Bool) throws -> Tensor {
        let op = max ? "argmax" : "argmin"
        guard let dim = dim else {
            let flat = try reshape([-1])
            let r = try flat.argExtreme(0, keepdim: false, max: max)
            return keepdim ? try r.reshape([Int](repeating: 1, count: ndim)) : r
        }
        let d = try normalizeDim(dim, ndim, op: op)
        if ndim > 0 && shape[d] == 0 {
            throw TensorError(op, "Expected reduction dim \(d) to have non-zero size (input shape \(fmt(shape)))")
        }
        let kept = (0..<ndim).filter { $0 != d }
        let x = ndim == 0 ? self.reshapeView([1]) : permuteView(kept + [d]).dense()
        let r = ndim == 0 ? 1 : shape[d]
        let rows = x.numel / Swift.max(r, 1)
        var outShape = shape
        if ndim > 0 { outShape[d] = 1 }
        let out = Tensor(uninitializedShape: outShape, dtype: .int64)
        for i in 0..<rows {
            var best = 0
            var bv = x.loadDouble(at: i * r)
            for j in 1..<Swift.max(r, 1) {
                let v = x.loadDouble(at: i * r + j)
                if bv.isNaN { break }
                if v.isNaN || (max ? v > bv : v < bv) { best = j; bv = v }
            }
            out.int64Base[i] = Int64(best)
        }
        return keepdim || ndim == 0 ? out : out.squeezedView([d])
    }
}
