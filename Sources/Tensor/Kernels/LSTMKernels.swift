import Dispatch
import Foundation
import Synchronization

/// A whole LSTM direction as one fused op: the time loop with one sgemm per step for the
/// recurrent part, gate nonlinearities in vectorized loops, and its exact backward (BPTT)
/// with dW_hh as a single GEMM over all steps. Masked (past-length) steps keep the state and
/// output zero, so one kernel serves padded and packed batches.
///
/// With two intra-op threads (and the `StepTeam` free) one direction runs on both cores: each
/// thread owns half of the hidden units, computes their four gates with its own sgemm against
/// its rows of W_hh, and updates their cell and hidden state; the threads meet once per step.
/// The backward pass splits the same way (each half computes its units' gate gradients, then
/// its columns of dh_{t-1} = dG_t W_hh). The arithmetic per element is the same either way.
enum LSTMKernels {
    /// Runs two independent computations (the two directions of a bidirectional layer) on both
    /// cores, each with single-threaded BLAS: for the small per-step GEMMs of a recurrence this
    /// beats one multi-threaded stream (measured: 2 x 300 steps in 0.76 of the sequential time).
    static func pair<T>(_ body: (Int) -> T) -> [T] {
        var results = [T?](repeating: nil, count: 2)
        let saved = BLAS.localSingleThreaded
        BLAS.localSingleThreaded = true
        defer { BLAS.localSingleThreaded = saved }
        results.withUnsafeMutableBufferPointer { buf in
            guard let p = buf.baseAddress else { return }
            DispatchQueue.concurrentPerform(iterations: 2) { i in p[i] = body(i) }
        }
        return results.compactMap { $0 }
    }

    /// Activations saved by the forward pass for backward, all [T, B, *] in time order. The
    /// hidden and cell states entering step t are not stored: they are the outputs / cell
    /// states of the previous step, or h0 / c0.
    struct Saved {
        let gates: Tensor   // [T, B, 4H] activated i, f, g, o
        let c: Tensor       // [T, B, H] cell state after step t
        let out: Tensor     // [T + 2, B, H] the op's output (h_t, zero on masked steps; h_n, c_n)
        let h0: Tensor      // [B, H]
        let c0: Tensor      // [B, H]

        var tensors: [Tensor] { [gates, c, out, h0, c0] }
        init(gates: Tensor, c: Tensor, out: Tensor, h0: Tensor, c0: Tensor) {
            (self.gates, self.c, self.out, self.h0, self.c0) = (gates, c, out, h0, c0)
        }
        init(_ s: ArraySlice<Tensor>) {
            let b = s.startIndex
            self.init(gates: s[b], c: s[b + 1], out: s[b + 2], h0: s[b + 3], c0: s[b + 4])
        }
    }

    /// Hidden units [start, end) of one thread's share.
    private static func units(part: Int, parts: Int, hidden h: Int) -> Range<Int> {
        if parts == 1 { return 0..<h }
        let half = (h / 2 + 7) & ~7
        let split = Swift.min(half, h)
        return part == 0 ? 0..<split : split..<h
    }

    /// Whether this recurrence may use the two-thread team, and the team if so.
    private static func acquireTeam(hidden h: Int) -> StepTeam? {
        guard BLAS.maxThreads >= 2, !BLAS.localSingleThreaded, h >= 16 else { return nil }
        return StepTeam.shared.tryAcquire() ? StepTeam.shared : nil
    }

    /// Runs the recurrence. xproj [T, B, 4H] (input projection), `biases` (each [4H], added to
    /// every step's gates), whh [4H, H], h0/c0 [B, H]. Returns [T + 2, B, H]: outputs, then h_n
    /// and c_n.
    static func forward(xproj: Tensor, biases: [Tensor] = [], whh: Tensor, h0: Tensor, c0: Tensor, reverse: Bool,
                        lengths: [Int]?) -> (Tensor, Saved) {
        let (t, b, h4) = (xproj.shape[0], xproj.shape[1], xproj.shape[2])
        let h = h4 / 4
        let xp = xproj.dense(), w = whh.dense()
        let out = Tensor.empty([t + 2, b, h])
        let gates = Tensor.empty([t, b, h4]), cAll = Tensor.empty([t, b, h])
        let h0d = h0.dense(), c0d = c0.dense()
        let hA = h0d.clone(), hB = Tensor.empty([b, h]), cState = c0d.clone()
        var bias = [Float](repeating: 0, count: h4)
        for bt in biases {
            let bd = bt.dense()
            for j in 0..<h4 { bias[j] += bd.floatBase[j] }
        }
        let team = acquireTeam(hidden: h)
        defer { team?.releaseTeam() }
        let parts = team == nil ? 1 : 2
        // Each part's rows of W_hh (its units of gates i, f, g, o), contiguous, and its gate scratch.
        var wParts: [Tensor] = [], scratch: [Tensor] = []
        for p in 0..<parts {
            let u = units(part: p, parts: parts, hidden: h)
            let wp = Tensor.empty([4 * u.count, h])
            for q in 0..<4 {
                (wp.floatBase + q * u.count * h).update(from: w.floatBase + (q * h + u.lowerBound) * h, count: u.count * h)
            }
            wParts.append(wp)
            scratch.append(Tensor.empty([b, 4 * u.count]))
        }
        bias.withUnsafeBufferPointer { biasBuf in
            guard let bp = biasBuf.baseAddress else { return }
            let body = { (part: Int) in
                let saved = BLAS.localSingleThreaded
                BLAS.localSingleThreaded = true
                defer { BLAS.localSingleThreaded = saved }
                let u = units(part: part, parts: parts, hidden: h)
                let (u0, hp) = (u.lowerBound, u.count)
                let wp = wParts[part].floatBase, scr = scratch[part].floatBase
                for k in 0..<t {
                    let i = reverse ? t - 1 - k : k
                    let cur = (k % 2 == 0 ? hA : hB).floatBase, next = (k % 2 == 0 ? hB : hA).floatBase
                    if hp > 0 {
                        BLAS.sgemm(m: b, n: 4 * hp, k: h, a: cur, aTrans: false, lda: h, b: wp, bTrans: true, ldb: h,
                                   c: scr, ldc: 4 * hp)
                    }
                    let o = out.floatBase + i * b * h, cOut = cAll.floatBase + i * b * h
                    for s in 0..<b {
                        let hr = next + s * h + u0, cr = cState.floatBase + s * h + u0
                        let orow = o + s * h + u0, crow = cOut + s * h + u0
                        if let l = lengths, i >= l[s] {
                            hr.update(from: cur + s * h + u0, count: hp)
                            orow.update(repeating: 0, count: hp)
                            crow.update(from: cr, count: hp)
                            continue
                        }
                        let gr = gates.floatBase + (i * b + s) * h4 + u0, xr = xp.floatBase + (i * b + s) * h4 + u0
                        let sr = scr + s * 4 * hp
                        for q in 0..<4 {
                            let gq = gr + q * h, xq = xr + q * h, bq = bp + q * h + u0, sq = sr + q * hp
                            for j in 0..<hp { gq[j] = xq[j] + bq[j] + sq[j] }
                        }
                        // Separate contiguous loops so each one vectorizes.
                        let ip = gr, fp = gr + h, gp = gr + 2 * h, op = gr + 3 * h
                        for j in 0..<hp { ip[j] = FastMath.sigmoid(ip[j]) }
                        for j in 0..<hp { fp[j] = FastMath.sigmoid(fp[j]) }
                        for j in 0..<hp { gp[j] = FastMath.tanh(gp[j]) }
                        for j in 0..<hp { op[j] = FastMath.sigmoid(op[j]) }
                        for j in 0..<hp {
                            let cn = fp[j] * cr[j] + ip[j] * gp[j]
                            cr[j] = cn
                            crow[j] = cn
                            let hn = op[j] * FastMath.tanh(cn)
                            hr[j] = hn
                            orow[j] = hn
                        }
                    }
                    team?.sync(part: part, step: k + 1)
                }
            }
            if let team = team { team.run(body) } else { body(0) }
        }
        let hFinal = t % 2 == 0 ? hA : hB
        (out.floatBase + t * b * h).update(from: hFinal.floatBase, count: b * h)
        (out.floatBase + (t + 1) * b * h).update(from: cState.floatBase, count: b * h)
        // The saved copy of the output is a plain alias (no grad_fn), so the graph holds no cycle.
        let outAlias = Tensor(storage: out.storage, shape: out.shape, strides: out.strides, offset: 0, dtype: .float32)
        return (out, Saved(gates: gates, c: cAll, out: outAlias, h0: h0d, c0: c0d))
    }

    /// Gradients (dxproj [T, B, 4H], dwhh [4H, H], dh0, dc0 [B, H], and the gradient of each
    /// bias [4H]) from g [T + 2, B, H]. With `consume` the gate gradients overwrite the saved
    /// gates (the saved activations are not needed again).
    static func backward(_ g: Tensor, saved: Saved, whh: Tensor, reverse: Bool, lengths: [Int]?,
                         consume: Bool = false) -> (dx: Tensor, dw: Tensor, dh: Tensor, dc: Tensor, db: Tensor) {
        let (t, b, h4) = (saved.gates.shape[0], saved.gates.shape[1], saved.gates.shape[2])
        let h = h4 / 4
        let gd = g.dense(), w = whh.dense()
        let gates = saved.gates, cAll = saved.c
        let dG = consume ? gates : Tensor.empty([t, b, h4])
        let dh = Tensor.empty([b, h]), dc = Tensor.empty([b, h])
        dh.floatBase.update(from: gd.floatBase + t * b * h, count: b * h)
        dc.floatBase.update(from: gd.floatBase + (t + 1) * b * h, count: b * h)
        let team = acquireTeam(hidden: h)
        let parts = team == nil ? 1 : 2
        let tmps = (0..<parts).map { p in Tensor.empty([b, units(part: p, parts: parts, hidden: h).count]) }
        let body = { (part: Int) in
            let savedFlag = BLAS.localSingleThreaded
            BLAS.localSingleThreaded = true
            defer { BLAS.localSingleThreaded = savedFlag }
            let u = units(part: part, parts: parts, hidden: h)
            let (u0, hp) = (u.lowerBound, u.count)
            let tmp = tmps[part].floatBase
            let dhp = dh.floatBase, dcp = dc.floatBase
            var step = 0
            for k in stride(from: t - 1, through: 0, by: -1) {
                let i = reverse ? t - 1 - k : k
                let iPrev = reverse ? i + 1 : i - 1   // the step processed before i in the forward pass
                let go = gd.floatBase + i * b * h, cc = cAll.floatBase + i * b * h
                for s in 0..<b {
                    let dgr = dG.floatBase + (i * b + s) * h4 + u0
                    if let l = lengths, i >= l[s] {
                        // State passed through unchanged: dh, dc carry over; no gate gradient.
                        for q in 0..<4 { (dgr + q * h).update(repeating: 0, count: hp) }
                        continue
                    }
                    let prevValid = iPrev >= 0 && iPrev < t && (lengths.map { iPrev < $0[s] } ?? true)
                    let cp = (prevValid ? cAll.floatBase + iPrev * b * h : saved.c0.floatBase) + s * h + u0
                    let gr = gates.floatBase + (i * b + s) * h4 + u0
                    let dhr = dhp + s * h + u0, dcr = dcp + s * h + u0
                    let gor = go + s * h + u0, ccr = cc + s * h + u0
                    for j in 0..<hp {
                        let (ig, fg, gg, og) = (gr[j], gr[h + j], gr[2 * h + j], gr[3 * h + j])
                        let tc = FastMath.tanh(ccr[j])
                        let dht = dhr[j] + gor[j]
                        let dct = dcr[j] + dht * og * (1 - tc * tc)
                        dgr[j] = dct * gg * ig * (1 - ig)
                        dgr[h + j] = dct * cp[j] * fg * (1 - fg)
                        dgr[2 * h + j] = dct * ig * (1 - gg * gg)
                        dgr[3 * h + j] = dht * tc * og * (1 - og)
                        dcr[j] = dct * fg
                    }
                }
                step += 1
                team?.sync(part: part, step: step)
                guard hp > 0 else { continue }
                // This part's columns of dh_prev = dG_t W_hh; masked rows keep dh.
                let dg = dG.floatBase + i * b * h4
                if lengths == nil {
                    BLAS.sgemm(m: b, n: hp, k: h4, a: dg, aTrans: false, lda: h4, b: w.floatBase + u0, bTrans: false, ldb: h,
                               c: dhp + u0, ldc: h)
                } else {
                    BLAS.sgemm(m: b, n: hp, k: h4, a: dg, aTrans: false, lda: h4, b: w.floatBase + u0, bTrans: false, ldb: h,
                               c: tmp, ldc: hp)
                    for s in 0..<b where lengths.map({ i < $0[s] }) ?? true {
                        (dhp + s * h + u0).update(from: tmp + s * hp, count: hp)
                    }
                }
            }
        }
        if let team = team {
            team.run(body)
            team.releaseTeam()
        } else {
            body(0)
        }
        // dW_hh = sum_t dG_t^T h_prev_t. For a valid row the state entering step t is the
        // output of the step before (outputs of masked steps are zero, and their dG rows too),
        // except at each sequence's first step, where it is h0.
        let dW = Tensor.zeros([h4, h])
        let outs = saved.out.floatBase
        if t > 1 {
            let (dgFrom, hFrom) = reverse ? (0, 1) : (1, 0)
            BLAS.sgemm(m: h4, n: h, k: (t - 1) * b, a: dG.floatBase + dgFrom * b * h4, aTrans: true, lda: h4,
                       b: outs + hFrom * b * h, bTrans: false, ldb: h, c: dW.floatBase, ldc: h)
        }
        if t > 0 {
            // First steps: row s of dG at step 0 (forward) or at its last valid step (reverse).
            let first = Tensor.empty([b, h4])
            for s in 0..<b {
                let len = lengths?[s] ?? t
                let step = reverse ? len - 1 : 0
                if len == 0 {
                    (first.floatBase + s * h4).update(repeating: 0, count: h4)
                } else {
                    (first.floatBase + s * h4).update(from: dG.floatBase + (step * b + s) * h4, count: h4)
                }
            }
            BLAS.sgemm(m: h4, n: h, k: b, a: first.floatBase, aTrans: true, lda: h4, b: saved.h0.floatBase, bTrans: false,
                       ldb: h, c: dW.floatBase, ldc: h, beta: 1)
        }
        // Bias gradient: dG summed over all steps and batch entries.
        let db = Tensor.zeros([h4])
        let dbp = db.floatBase
        for r in 0..<(t * b) {
            let row = dG.floatBase + r * h4
            for j in 0..<h4 { dbp[j] += row[j] }
        }
        return (dG, dW, dh, dc, db)
    }
}

/// A persistent second thread that runs one half of a recurrence while the caller runs the
/// other; the halves meet at a two-party barrier once per time step (spin, then yield). One
/// team serves the process; a recurrence that finds it busy runs on one thread.
final class StepTeam: @unchecked Sendable {
    static let shared = StepTeam()

    private let busy = Atomic<Bool>(false)
    private let progress0 = Atomic<Int>(0), progress1 = Atomic<Int>(0)
    private let start = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
    private var job: ((Int) -> Void)?
    private var worker: Thread?

    /// Claims the team for one recurrence; false if another recurrence holds it.
    func tryAcquire() -> Bool {
        busy.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
    }

    func releaseTeam() { busy.store(false, ordering: .releasing) }

    /// Runs `body(0)` on this thread and `body(1)` on the worker; returns when both are done.
    func run(_ body: (Int) -> Void) {
        progress0.store(0, ordering: .relaxed)
        progress1.store(0, ordering: .relaxed)
        if worker == nil {
            let th = Thread { [unowned self] in
                BLAS.localSingleThreaded = true
                while true {
                    self.start.wait()
                    self.job?(1)
                    self.done.signal()
                }
            }
            th.stackSize = 1 << 20
            th.start()
            worker = th
        }
        withoutActuallyEscaping(body) { b in
            job = b
            start.signal()
            b(0)
            done.wait()
            job = nil
        }
    }

    /// Marks `part` as having finished step `step` and waits until the other part has too.
    func sync(part: Int, step: Int) {
        if part == 0 { progress0.store(step, ordering: .releasing) } else { progress1.store(step, ordering: .releasing) }
        var spins = 0
        while (part == 0 ? progress1.load(ordering: .acquiring) : progress0.load(ordering: .acquiring)) < step {
            spins += 1
            if spins > 4000 { sched_yield() }
        }
    }
}
