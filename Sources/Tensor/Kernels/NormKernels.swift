/// Fused layer normalization over contiguous rows: one pass for the statistics, one for the
/// output, and the closed-form backward (instead of the ~10 elementwise ops of the composite).
enum NormKernels {
    /// y = (x - mean) * rstd * w + b per row of `size`; returns y, xhat and rstd [rows].
    static func layerNormForward(_ x: Tensor, size: Int, weight: Tensor?, bias: Tensor?,
                                 eps: Float) -> (y: Tensor, xhat: Tensor, rstd: Tensor) {
        let xd = x.dense()
        let rows = size == 0 ? 0 : xd.numel / size
        let y = Tensor.empty(x.shape), xhat = Tensor.empty(x.shape), rstd = Tensor.empty([rows])
        let w = weight?.dense(), b = bias?.dense()
        let (xp, yp, hp, rp) = (xd.floatBase, y.floatBase, xhat.floatBase, rstd.floatBase)
        parallelRange(rows, minPerThread: Swift.max(1, 16384 / Swift.max(size, 1))) { lo, hi in
            for r in lo..<hi {
                let row = xp + r * size, out = yp + r * size, hrow = hp + r * size
                var sum: Float = 0
                for j in 0..<size { sum += row[j] }
                let mean = sum / Float(size)
                var sq: Float = 0
                for j in 0..<size {
                    let d = row[j] - mean
                    sq += d * d
                }
                let rs = 1 / (sq / Float(size) + eps).squareRoot()
                rp[r] = rs
                for j in 0..<size { hrow[j] = (row[j] - mean) * rs }
                if let w = w?.floatBase, let b = b?.floatBase {
                    for j in 0..<size { out[j] = hrow[j] * w[j] + b[j] }
                } else if let w = w?.floatBase {
                    for j in 0..<size { out[j] = hrow[j] * w[j] }
                } else if let b = b?.floatBase {
                    for j in 0..<size { out[j] = hrow[j] + b[j] }
                } else {
                    out.update(from: hrow, count: size)
                }
            }
        }
        return (y, xhat, rstd)
    }

    static func layerNormBackward(_ g: Tensor, xhat: Tensor, rstd: Tensor, weight: Tensor?,
                                  size: Int) -> (dx: Tensor, dw: Tensor, db: Tensor) {
        let rows = size == 0 ? 0 : g.numel / size
        let dx = Tensor.empty(g.shape), dw = Tensor.zeros([size]), db = Tensor.zeros([size])
        let w = weight?.dense()
        let (gp, hp, rp, dxp) = (g.floatBase, xhat.floatBase, rstd.floatBase, dx.floatBase)
        let dwp = dw.floatBase, dbp = db.floatBase
        for r in 0..<rows {
            let gr = gp + r * size, hr = hp + r * size, out = dxp + r * size
            var meanD: Float = 0, meanDH: Float = 0
            for j in 0..<size {
                let d = gr[j] * (w?.floatBase[j] ?? 1)
                meanD += d
                meanDH += d * hr[j]
                dwp[j] += gr[j] * hr[j]
                dbp[j] += gr[j]
            }
            meanD /= Float(size)
            meanDH /= Float(size)
            let rs = rp[r]
            for j in 0..<size {
                let d = gr[j] * (w?.floatBase[j] ?? 1)
                out[j] = rs * (d - meanD - hr[j] * meanDH)
            }
        }
        return (dx, dw, db)
    }
}
