/// A whole GRU direction as one fused op (PyTorch's gate order r, z, n):
/// r = s(x_r + h W_hr^T + b_hr), z = s(x_z + h W_hz^T + b_hz),
/// n = tanh(x_n + r * (h W_hn^T + b_hn)), h' = (1 - z) n + z h.
/// One sgemm per step forward and backward; dW_hh and db_hh as one GEMM / sum over all steps.
/// Masked (past-length) steps keep the state and output zero.
enum GRUKernels {
    struct Saved {
        let gates: Tensor   // [T, B, 3H] activated r, z, n
        let hhn: Tensor     // [T, B, H] h W_hn^T + b_hn
        let hPrev: Tensor   // [T, B, H]
    }

    /// xproj [T, B, 3H] (with b_ih), whh [3H, H], bhh [3H]?, h0 [B, H] -> [T + 1, B, H] (outputs, h_n).
    static func forward(xproj: Tensor, whh: Tensor, bhh: Tensor?, h0: Tensor, reverse: Bool,
                        lengths: [Int]?) -> (Tensor, Saved) {
        let blasThreads = BLAS.localSingleThreaded
        BLAS.localSingleThreaded = true
        defer { BLAS.localSingleThreaded = blasThreads }
        let (t, b, h3) = (xproj.shape[0], xproj.shape[1], xproj.shape[2])
        let h = h3 / 3
        let xp = xproj.dense(), w = whh.dense(), bias = bhh?.dense()
        let out = Tensor.zeros([t + 1, b, h])
        let saved = Saved(gates: Tensor.empty([t, b, h3]), hhn: Tensor.empty([t, b, h]), hPrev: Tensor.empty([t, b, h]))
        let hState = h0.dense().clone()
        let hs = hState.floatBase
        let hh = Tensor.empty([b, h3])
        for k in 0..<t {
            let i = reverse ? t - 1 - k : k
            (saved.hPrev.floatBase + i * b * h).update(from: hs, count: b * h)
            BLAS.sgemm(m: b, n: h3, k: h, a: hs, aTrans: false, lda: h, b: w.floatBase, bTrans: true, ldb: h,
                       c: hh.floatBase, ldc: h3)
            let g = saved.gates.floatBase + i * b * h3, x = xp.floatBase + i * b * h3
            let o = out.floatBase + i * b * h, hn = saved.hhn.floatBase + i * b * h
            for s in 0..<b {
                guard lengths.map({ i < $0[s] }) ?? true else { continue }
                let hr = hh.floatBase + s * h3, xr = x + s * h3, gr = g + s * h3, st = hs + s * h
                if let bp = bias?.floatBase { for j in 0..<h3 { hr[j] += bp[j] } }
                for j in 0..<(2 * h) { gr[j] = FastMath.sigmoid(xr[j] + hr[j]) }
                for j in 0..<h {
                    let n = FastMath.tanh(xr[2 * h + j] + gr[j] * hr[2 * h + j])
                    gr[2 * h + j] = n
                    hn[s * h + j] = hr[2 * h + j]
                    let z = gr[h + j]
                    st[j] = n + z * (st[j] - n)
                }
                (o + s * h).update(from: st, count: h)
            }
        }
        (out.floatBase + t * b * h).update(from: hs, count: b * h)
        return (out, saved)
    }

    /// Gradients (dxproj [T, B, 3H], dwhh [3H, H], dbhh [3H], dh0 [B, H]) from g [T + 1, B, H].
    static func backward(_ g: Tensor, saved: Saved, whh: Tensor, reverse: Bool,
                         lengths: [Int]?) -> (Tensor, Tensor, Tensor, Tensor) {
        let blasThreads = BLAS.localSingleThreaded
        BLAS.localSingleThreaded = true
        let (t, b, h3) = (saved.gates.shape[0], saved.gates.shape[1], saved.gates.shape[2])
        let h = h3 / 3
        let gd = g.dense(), w = whh.dense()
        let dX = Tensor.zeros([t, b, h3]), dHH = Tensor.zeros([t, b, h3])
        let dh = Tensor.empty([b, h])
        dh.floatBase.update(from: gd.floatBase + t * b * h, count: b * h)
        let tmp = Tensor.empty([b, h])
        for k in stride(from: t - 1, through: 0, by: -1) {
            let i = reverse ? t - 1 - k : k
            let go = gd.floatBase + i * b * h, gates = saved.gates.floatBase + i * b * h3
            let hn = saved.hhn.floatBase + i * b * h, hp = saved.hPrev.floatBase + i * b * h
            let dx = dX.floatBase + i * b * h3, dhh = dHH.floatBase + i * b * h3
            var anyValid = false
            for s in 0..<b {
                guard lengths.map({ i < $0[s] }) ?? true else { continue }
                anyValid = true
                let gr = gates + s * h3, dxr = dx + s * h3, dhr = dhh + s * h3, dst = dh.floatBase + s * h
                for j in 0..<h {
                    let (r, z, n) = (gr[j], gr[h + j], gr[2 * h + j])
                    let dht = dst[j] + go[s * h + j]
                    let dnPre = dht * (1 - z) * (1 - n * n)
                    let dzPre = dht * (hp[s * h + j] - n) * z * (1 - z)
                    let drPre = dnPre * hn[s * h + j] * r * (1 - r)
                    dxr[j] = drPre; dxr[h + j] = dzPre; dxr[2 * h + j] = dnPre
                    dhr[j] = drPre; dhr[h + j] = dzPre; dhr[2 * h + j] = dnPre * r
                    dst[j] = dht * z  // direct path; the recurrent path is added below
                }
            }
            guard anyValid else { continue }
            BLAS.sgemm(m: b, n: h, k: h3, a: dhh, aTrans: false, lda: h3, b: w.floatBase, bTrans: false, ldb: h,
                       c: tmp.floatBase, ldc: h)
            for s in 0..<b where lengths.map({ i < $0[s] }) ?? true {
                let dst = dh.floatBase + s * h, src = tmp.floatBase + s * h
                for j in 0..<h { dst[j] += src[j] }
            }
        }
        BLAS.localSingleThreaded = blasThreads
        let dW = Tensor.zeros([h3, h])
        if t * b > 0 {
            BLAS.sgemm(m: h3, n: h, k: t * b, a: dHH.floatBase, aTrans: true, lda: h3, b: saved.hPrev.floatBase, bTrans: false,
                       ldb: h, c: dW.floatBase, ldc: h)
        }
        let db = ReduceKernels.reduce(dHH.reshapeView([t * b, h3]), dims: [0], .sum).reshapeView([h3])
        return (dX, dW, db, dh)
    }
}
