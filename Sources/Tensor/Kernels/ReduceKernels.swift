import Dispatch

/// Float32 reductions over a set of dims: inner runs (reduced dims last) vectorized with SIMD
/// accumulators, leading-dim reductions as row accumulation; anything else is first permuted
/// so the reduced dims come last.
enum ReduceKernels {
    enum Kind { case sum, max, min }

    /// Reduces `x` (float32) over sorted, normalized `dims`; the result has the keepdim shape.
    static func reduce(_ x: Tensor, dims: [Int], _ kind: Kind) -> Tensor {
        var keptShape = x.shape
        for d in dims { keptShape[d] = 1 }
        let out = Tensor(uninitializedShape: keptShape, dtype: .float32)
        let kept = (0..<x.ndim).filter { !dims.contains($0) }
        let m = kept.reduce(1) { $0 * x.shape[$1] }
        let r = dims.reduce(1) { $0 * x.shape[$1] }
        let o = out.floatBase
        if m == 0 { return out }
        if r == 0 {
            o.initialize(repeating: kind == .sum ? 0 : .nan, count: m)
            return out
        }
        if x.isContiguous && dims == Array(0..<dims.count) && r > 1 && m > 1 {
            reduceLeading(x.floatBase, r, m, o, kind)
            return out
        }
        let src = x.isContiguous && dims == Array((x.ndim - dims.count)..<x.ndim)
            ? x : x.permuteView(kept + dims).dense()
        let p = src.floatBase
        if m == 1 {
            o[0] = reduceRunParallel(p, r, kind)
        } else {
            parallelRange(m, minPerThread: Swift.max(1, (1 << 16) / r)) { lo, hi in
                for i in lo..<hi { o[i] = reduceRun(p + i * r, r, kind) }
            }
        }
        return out
    }

    /// out[j] = reduce_i x[i * m + j] for a contiguous [r, m] block.
    private static func reduceLeading(_ p: UnsafeMutablePointer<Float>, _ r: Int, _ m: Int,
                                      _ o: UnsafeMutablePointer<Float>, _ kind: Kind) {
        o.update(from: p, count: m)
        for i in 1..<r {
            let row = p + i * m
            switch kind {
            case .sum: for j in 0..<m { o[j] += row[j] }
            case .max: for j in 0..<m { o[j] = maxNaN(o[j], row[j]) }
            case .min: for j in 0..<m { o[j] = minNaN(o[j], row[j]) }
            }
        }
    }

    @inline(__always) static func maxNaN(_ a: Float, _ b: Float) -> Float { (a.isNaN || a >= b) ? a : b }
    @inline(__always) static func minNaN(_ a: Float, _ b: Float) -> Float { (a.isNaN || a <= b) ? a : b }

    static func reduceRunParallel(_ p: UnsafeMutablePointer<Float>, _ n: Int, _ kind: Kind) -> Float {
        if n < 1 << 18 { return reduceRun(p, n, kind) }
        let half = (n / 2) & ~63
        var parts = [Float](repeating: 0, count: 2)
        parts.withUnsafeMutableBufferPointer { buf in
            let b = buf.baseAddress!
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                b[i] = i == 0 ? reduceRun(p, half, kind) : reduceRun(p + half, n - half, kind)
            }
        }
        switch kind {
        case .sum: return parts[0] + parts[1]
        case .max: return maxNaN(parts[0], parts[1])
        case .min: return minNaN(parts[0], parts[1])
        }
    }

    static func reduceRun(_ p: UnsafeMutablePointer<Float>, _ n: Int, _ kind: Kind) -> Float {
        switch kind {
        case .sum: return sumRun(p, n)
        case .max:
            var m = p[0]
            for i in 1..<n { m = maxNaN(m, p[i]) }
            return m
        case .min:
            var m = p[0]
            for i in 1..<n { m = minNaN(m, p[i]) }
            return m
        }
    }

    /// Sum of `n` contiguous floats with four SIMD8 accumulators.
    static func sumRun(_ p: UnsafeMutablePointer<Float>, _ n: Int) -> Float {
        typealias V = SIMD8<Float>
        var a0 = V(), a1 = V(), a2 = V(), a3 = V()
        let raw = UnsafeRawPointer(p)
        var i = 0
        while i + 32 <= n {
            a0 += raw.loadUnaligned(fromByteOffset: i * 4, as: V.self)
            a1 += raw.loadUnaligned(fromByteOffset: (i + 8) * 4, as: V.self)
            a2 += raw.loadUnaligned(fromByteOffset: (i + 16) * 4, as: V.self)
            a3 += raw.loadUnaligned(fromByteOffset: (i + 24) * 4, as: V.self)
            i += 32
        }
        var s = ((a0 + a1) + (a2 + a3)).sum()
        while i < n {
            s += p[i]
            i += 1
        }
        return s
    }
}
