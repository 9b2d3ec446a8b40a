/// Running sums, sorting and top-k along one dim (`torch.cumsum`, `torch.sort`, `torch.topk`).
extension Tensor {
    /// Inclusive running sum along `dim` (`torch.cumsum`); integer inputs give int64.
    public func cumsum(dim: Int) throws -> Tensor {
        let d = try normalizeDim(dim, ndim, op: "cumsum")
        if ndim == 0 { return dtype == .float32 ? clone() : to(.int64) }
        let order = (0..<ndim).filter { $0 != d } + [d]
        let outType: DType = dtype == .float32 ? .float32 : .int64
        let src = permuteView(order).dense().to(outType)
        let out = Tensor(uninitializedShape: src.shape, dtype: outType)
        let n = shape[d], rows = numel / Swift.max(n, 1)
        for r in 0..<rows {
            if outType == .float32 {
                var acc: Float = 0
                for j in 0..<n { acc += src.floatBase[r * n + j]; out.floatBase[r * n + j] = acc }
            } else {
                var acc: Int64 = 0
                for j in 0..<n { acc &+= src.int64Base[r * n + j]; out.int64Base[r * n + j] = acc }
            }
        }
        var inverse = [Int](repeating: 0, count: ndim)
        for (i, o) in order.enumerated() { inverse[o] = i }
        let result = out.permuteView(inverse).dense()
        return result.recorded(.cumsum(dim: d), inputs: [to(.float32)])
    }

    /// Values and indices sorted along `dim` (`torch.sort`; stable, NaN sorts as the largest).
    public func sort(dim: Int = -1, descending: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        let d = try normalizeDim(dim, ndim, op: "sort")
        let n = ndim == 0 ? 1 : shape[d]
        return try topkImpl(n, dim: d, largest: descending, op: "sort")
    }

    /// The `k` largest (or smallest) elements along `dim`, sorted (`torch.topk`).
    public func topk(_ k: Int, dim: Int = -1, largest: Bool = true) throws -> (values: Tensor, indices: Tensor) {
        let d = try normalizeDim(dim, ndim, op: "topk")
        let n = ndim == 0 ? 1 : shape[d]
        guard k >= 0 && k <= n else { throw TensorError("topk", "selected index k out of range (k=\(k), size \(n))") }
        return try topkImpl(k, dim: d, largest: largest, op: "topk")
    }

    private func topkImpl(_ k: Int, dim d: Int, largest: Bool, op: String) throws -> (values: Tensor, indices: Tensor) {
        if ndim == 0 { return (clone(), Tensor.scalar(0)) }
        let order = (0..<ndim).filter { $0 != d } + [d]
        let src = permuteView(order).dense()
        let n = shape[d], rows = numel / Swift.max(n, 1)
        var idxShape = src.shape
        idxShape[idxShape.count - 1] = k
        let idx = Tensor(uninitializedShape: idxShape, dtype: .int64)
        for r in 0..<rows {
            let vals = (0..<n).map { src.loadDouble(at: r * n + $0) }
            let sorted = (0..<n).sorted { a, b in
                let (x, y) = (vals[a], vals[b])
                if x.isNaN || y.isNaN { return x.isNaN != y.isNaN ? (largest ? x.isNaN : y.isNaN) : a < b }
                return x == y ? a < b : (largest ? x > y : x < y)
            }
            for j in 0..<k { idx.int64Base[r * k + j] = Int64(sorted[j]) }
        }
        var inverse = [Int](repeating: 0, count: ndim)
        for (i, o) in order.enumerated() { inverse[o] = i }
        let indices = idx.permuteView(inverse).dense()
        return (try gather(dim: d, index: indices), indices)
    }
}
