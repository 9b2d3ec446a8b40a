import Foundation

/// softmax and log_softmax along one dim (fused, numerically stable: the row maximum is
/// subtracted first), as `torch.nn.functional.softmax/log_softmax`.
extension Tensor {
    /// exp(x - max) / sum(exp(x - max)) along `dim`.
    public func softmax(dim: Int) throws -> Tensor { try softmaxImpl(dim, log: false) }

    /// x - max - log(sum(exp(x - max))) along `dim`.
    public func logSoftmax(dim: Int) throws -> Tensor { try softmaxImpl(dim, log: true) }

    private func softmaxImpl(_ dim: Int, log: Bool) throws -> Tensor {
        let op = log ? "log_softmax" : "softmax"
        let d = try normalizeDim(dim, ndim, op: op)
        let x = to(.float32)
        if numel == 0 { return x.clone() }
        let last = Swift.max(ndim - 1, 0)
        // Rows along `dim` made contiguous (a no-op for the last dim of a contiguous tensor).
        var order = Array(0..<ndim)
        if ndim > 0 { order.remove(at: d); order.append(d) }
        let src = ndim == 0 ? x : x.permuteView(order).dense()
        let r = ndim == 0 ? 1 : shape[d]
        let rows = numel / r
        let out = Tensor(uninitializedShape: src.shape, dtype: .float32)
        let (ip, opp) = (src.floatBase, out.floatBase)
        parallelRange(rows, minPerThread: Swift.max(1, 16384 / r)) { lo, hi in
            for row in lo..<hi { Tensor.softmaxRow(ip + row * r, opp + row * r, r, log: log) }
        }
        var result = out
        if ndim > 0 && d != last {
            var inverse = [Int](repeating: 0, count: ndim)
            for (i, o) in order.enumerated() { inverse[o] = i }
            result = out.permuteView(inverse).dense()
        }
        let kind: Op = log ? .logSoftmax(dim: d) : .softmax(dim: d)
        return result.recorded(kind, inputs: [x], saved: [result.alias()])
    }

    /// softmax over the last dim with the positions where the bool `mask` (broadcastable to
    /// `self`'s shape) is True excluded, as `softmax(masked_fill(self, mask, -inf), -1)` in one
    /// pass and without the masked copy: excluded positions get 0, a row with every position
    /// excluded is NaN (as PyTorch). Recorded as a softmax of `self`: its derivative
    /// y * (g - sum(g * y)) is zero where y is, which is masked_fill's gradient.
    public func maskedSoftmaxLastDim(_ mask: Tensor) throws -> Tensor {
        guard ndim >= 1, dtype == .float32, mask.dtype == .bool else {
            throw TensorError("softmax", "masked softmax needs a float32 tensor and a bool mask")
        }
        guard try broadcastShapes(shape, mask.shape, op: "masked_fill") == shape else {
            throw TensorError("masked_fill", "mask of shape \(fmt(mask.shape)) cannot be broadcast to \(fmt(shape))")
        }
        let src = dense()
        let r = shape[ndim - 1]
        let out = Tensor(uninitializedShape: shape, dtype: .float32)
        if numel == 0 { return out.recorded(.softmax(dim: ndim - 1), inputs: [self], saved: [out.alias()]) }
        let rows = numel / r
        let mStrides = broadcastStrides(mask, to: shape)
        let outer = Array(shape.dropLast())
        let inner = mStrides[ndim - 1]
        let (ip, opp, mp) = (src.floatBase, out.floatBase, mask.boolBase)
        parallelRange(rows, minPerThread: Swift.max(1, 16384 / r)) { lo, hi in
            for row in lo..<hi {
                var mo = 0, rem = row
                for d in stride(from: outer.count - 1, through: 0, by: -1) {
                    mo += (rem % outer[d]) * mStrides[d]
                    rem /= outer[d]
                }
                Tensor.maskedSoftmaxRow(ip + row * r, opp + row * r, mp + mo, inner, r)
            }
        }
        return out.recorded(.softmax(dim: ndim - 1), inputs: [self], saved: [out.alias()])
    }

    /// One row of the masked softmax; `x` and `y` never alias, so the exp loop vectorizes.
    private static func maskedSoftmaxRow(_ x: UnsafeMutablePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                                         _ mask: UnsafeMutablePointer<UInt8>, _ ms: Int, _ n: Int) {
        for i in 0..<n { y[i] = mask[i * ms] != 0 ? -.infinity : x[i] }
        let m = rowMax(y, n)
        if m == -.infinity || m.isNaN {  // every position excluded (or -inf), or a NaN: NaN as PyTorch
            for i in 0..<n { y[i] = .nan }
            return
        }
        if ms == 1 {
            for i in 0..<n {
                let e = FastMath.exp(x[i] - m)
                y[i] = mask[i] != 0 ? 0 : e
            }
        } else {
            for i in 0..<n { y[i] = FastMath.exp(x[i] - m) }
            for i in 0..<n where mask[i * ms] != 0 { y[i] = 0 }
        }
        let inv = 1 / ReduceKernels.sumRun(y, n)
        for i in 0..<n { y[i] *= inv }
    }

    /// One row: max (SIMD), exp into y (vectorized loop), sum (SIMD), then scale or log.
    private static func softmaxRow(_ x: UnsafeMutablePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int, log: Bool) {
        var m = rowMax(x, n)
        // All -inf: exp gives 0/0 = NaN, as PyTorch. NaN inputs propagate through x - m.
        if m == -.infinity { m = 0 }
        for i in 0..<n { y[i] = FastMath.exp(x[i] - m) }
        let sum = ReduceKernels.sumRun(y, n)
        if log {
            let lse = logf(sum) + m
            for i in 0..<n { y[i] = x[i] - lse }
        } else {
            let inv = 1 / sum
            for i in 0..<n { y[i] *= inv }
        }
    }

    /// Maximum of a row with SIMD8 lanes (NaN-propagating).
    private static func rowMax(_ x: UnsafeMutablePointer<Float>, _ n: Int) -> Float {
        typealias V = SIMD8<Float>
        var acc = V(repeating: -.infinity)
        var nanLanes = SIMDMask<SIMD8<Int32>>(repeating: false)
        var i = 0
        let raw = UnsafeRawPointer(x)
        while i + 8 <= n {
            let v = raw.loadUnaligned(fromByteOffset: i * 4, as: V.self)
            nanLanes .|= v .!= v
            acc = acc.replacing(with: v, where: v .> acc)
            i += 8
        }
        var sawNaN = any(nanLanes)
        var m = acc.max()
        while i < n {
            if x[i].isNaN { sawNaN = true }
            if x[i] > m { m = x[i] }
            i += 1
        }
        return sawNaN ? .nan : m
    }
}

extension Functional {
    /// `softmax(x.masked_fill(mask, -inf), dim=-1)` fused: the bool `mask` broadcasts to x's
    /// shape; masked positions are 0, a fully masked row is NaN (MultiheadAttention's key
    /// padding mask runs through this).
    public static func maskedSoftmax(_ x: Tensor, mask: Tensor) throws -> Tensor { try x.maskedSoftmaxLastDim(mask) }
}
