/// Fused layer normalization over contiguous rows: one pass for the statistics, one for the
/// output, and the closed-form backward (instead of the ~10 elementwise ops of the composite).
/// Row reductions use SIMD8 accumulators; rows are split over both cores (the backward sums
/// dw and db per core and adds the two partial sums).
enum NormKernels {
    typealias V = SIMD8<Float>

    /// y = (x - mean) * rstd * w + b per row of `size`; returns y, xhat and rstd [rows].
    static func layerNormForward(_ x: Tensor, size: Int, weight: Tensor?, bias: Tensor?,
                                 eps: Float) -> (y: Tensor, xhat: Tensor, rstd: Tensor) {
        let xd = x.dense()
        let rows = size == 0 ? 0 : xd.numel / size
        let y = Tensor.empty(x.shape), xhat = Tensor.empty(x.shape), rstd = Tensor.empty([rows])
        let w = weight?.dense(), b = bias?.dense()
        let (xp, yp, hp, rp) = (xd.floatBase, y.floatBase, xhat.floatBase, rstd.floatBase)
        let (wp, bp) = (w?.floatBase, b?.floatBase)
        parallelRange(rows, minPerThread: Swift.max(1, 16384 / Swift.max(size, 1))) { lo, hi in
            for r in lo..<hi {
                let row = xp + r * size, out = yp + r * size, hrow = hp + r * size
                let mean = sum(row, size) / Float(size)
                let sq = sumSquaredDeviations(row, size, mean)
                let rs = 1 / (sq / Float(size) + eps).squareRoot()
                rp[r] = rs
                for j in 0..<size { hrow[j] = (row[j] - mean) * rs }
                if let wp, let bp {
                    for j in 0..<size { out[j] = hrow[j] * wp[j] + bp[j] }
                } else if let wp {
                    for j in 0..<size { out[j] = hrow[j] * wp[j] }
                } else if let bp {
                    for j in 0..<size { out[j] = hrow[j] + bp[j] }
                } else {
                    out.update(from: hrow, count: size)
                }
            }
        }
        return (y, xhat, rstd)
    }

    /// dx = rstd * (d - mean(d) - xhat * mean(d * xhat)) with d = g * w; dw = sum_rows g * xhat;
    /// db = sum_rows g.
    static func layerNormBackward(_ g: Tensor, xhat: Tensor, rstd: Tensor, weight: Tensor?,
                                  size: Int) -> (dx: Tensor, dw: Tensor, db: Tensor) {
        let rows = size == 0 ? 0 : g.numel / size
        let dx = Tensor.empty(g.shape), dw = Tensor.zeros([size]), db = Tensor.zeros([size])
        let w = weight?.dense()
        let (gp, hp, rp, dxp) = (g.floatBase, xhat.floatBase, rstd.floatBase, dx.floatBase)
        let wp = w?.floatBase
        // Per-part partial sums of dw and db: [parts][2][size].
        let parts = rows >= 2 * Swift.max(1, 16384 / Swift.max(size, 1)) ? 2 : 1
        let partial = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(1, parts * 2 * size))
        partial.initialize(repeating: 0, count: parts * 2 * size)
        defer { partial.deallocate() }
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(1, parts * size))
        defer { scratch.deallocate() }
        parallelRange(rows, minPerThread: Swift.max(1, 16384 / Swift.max(size, 1))) { lo, hi in
            let part = lo == 0 ? 0 : 1
            let pdw = partial + part * 2 * size, pdb = pdw + size, d = scratch + part * size
            for r in lo..<hi {
                let gr = gp + r * size, hr = hp + r * size, out = dxp + r * size
                if let wp {
                    for j in 0..<size { d[j] = gr[j] * wp[j] }
                } else {
                    d.update(from: gr, count: size)
                }
                for j in 0..<size {
                    pdw[j] += gr[j] * hr[j]
                    pdb[j] += gr[j]
                }
                let meanD = sum(d, size) / Float(size)
                let meanDH = dot(d, hr, size) / Float(size)
                let rs = rp[r]
                for j in 0..<size { out[j] = rs * (d[j] - meanD - hr[j] * meanDH) }
            }
        }
        let (dwp, dbp) = (dw.floatBase, db.floatBase)
        for part in 0..<parts {
            let pdw = partial + part * 2 * size, pdb = pdw + size
            for j in 0..<size {
                dwp[j] += pdw[j]
                dbp[j] += pdb[j]
            }
        }
        return (dx, dw, db)
    }

    @inline(__always)
    private static func sum(_ p: UnsafeMutablePointer<Float>, _ n: Int) -> Float { ReduceKernels.sumRun(p, n) }

    /// sum (x - mean)^2 with SIMD8 accumulators.
    @inline(__always)
    private static func sumSquaredDeviations(_ p: UnsafeMutablePointer<Float>, _ n: Int, _ mean: Float) -> Float {
        var a0 = V(), a1 = V()
        let raw = UnsafeRawPointer(p), mv = V(repeating: mean)
        var i = 0
        while i + 16 <= n {
            let d0 = raw.loadUnaligned(fromByteOffset: i * 4, as: V.self) - mv
            let d1 = raw.loadUnaligned(fromByteOffset: (i + 8) * 4, as: V.self) - mv
            a0 += d0 * d0
            a1 += d1 * d1
            i += 16
        }
        var s = (a0 + a1).sum()
        while i < n {
            let d = p[i] - mean
            s += d * d
            i += 1
        }
        return s
    }

    /// sum a * b with SIMD8 accumulators.
    @inline(__always)
    private static func dot(_ a: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>, _ n: Int) -> Float {
        var a0 = V(), a1 = V()
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var i = 0
        while i + 16 <= n {
            a0 += ra.loadUnaligned(fromByteOffset: i * 4, as: V.self) * rb.loadUnaligned(fromByteOffset: i * 4, as: V.self)
            a1 += ra.loadUnaligned(fromByteOffset: (i + 8) * 4, as: V.self) * rb.loadUnaligned(fromByteOffset: (i + 8) * 4, as: V.self)
            i += 16
        }
        var s = (a0 + a1).sum()
        while i < n {
            s += a[i] * b[i]
            i += 1
        }
        return s
    }
}
