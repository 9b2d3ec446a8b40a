import CBLAS
import Foundation

/// The one file that calls OpenBLAS. Matrices are passed as (pointer, rows, cols, strides);
/// a transposed view (unit row stride) is handed to sgemm as a transpose, never copied.
enum BLAS {
    /// How a [rows, cols] strided matrix maps to sgemm's arguments, or nil if it needs a copy.
    static func layout(rows r: Int, cols c: Int, _ s0: Int, _ s1: Int) -> (trans: Bool, ld: Int)? {
        let s1n = c == 1 ? 1 : s1, s0n = r == 1 ? Swift.max(c, 1) : s0
        if s1n == 1 && s0n >= Swift.max(c, 1) { return (false, s0n) }
        let s0t = r == 1 ? 1 : s0, s1t = c == 1 ? Swift.max(r, 1) : s1
        if s0t == 1 && s1t >= Swift.max(r, 1) { return (true, s1t) }
        return nil
    }

    /// How many parts a large GEMM is split into, each on its own thread: OpenBLAS's thread count
    /// at start (OPENBLAS_NUM_THREADS or the cores), capped at 2, or what `setThreads`
    /// (`torch.set_num_threads`) chose. OpenBLAS itself runs single-threaded: its idle workers
    /// spin (sched_yield) against the Tensor kernels' own second thread, and waking them costs
    /// more than an LSTM step's GEMM takes.
    nonisolated(unsafe) static var maxThreads = Swift.min(2, Int(openblas_get_num_threads()))
    /// Multiply-adds from which a GEMM is split (about 25 µs of one core).
    static let splitMACs = 1 << 21
    /// Reads the start-up thread count into `maxThreads` before pinning OpenBLAS to one thread
    /// (static properties initialize lazily, so the order must be explicit).
    private static let singleThreadedOpenBLAS: Void = { _ = maxThreads; openblas_set_num_threads(1) }()

    /// C[m, n] = A[m, k] B[k, n] (+ beta C) in float32, row-major C with leading dimension ldc.
    /// Large products are split in two along M (or N when M is small) and run concurrently.
    static func sgemm(m: Int, n: Int, k: Int,
                      a: UnsafePointer<Float>, aTrans: Bool, lda: Int,
                      b: UnsafePointer<Float>, bTrans: Bool, ldb: Int,
                      c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float = 0) {
        _ = singleThreadedOpenBLAS
        guard maxThreads >= 2, !localSingleThreaded, m * n * k >= splitMACs, m >= 64 || n >= 64 else {
            return callSgemm(m, n, k, a, aTrans, lda, b, bTrans, ldb, c, ldc, beta)
        }
        if m >= 64 {
            let half = (m / 2 + 7) & ~7
            DispatchQueue.concurrentPerform(iterations: 2) { part in
                let (r0, rows) = part == 0 ? (0, half) : (half, m - half)
                callSgemm(rows, n, k, a + (aTrans ? r0 : r0 * lda), aTrans, lda, b, bTrans, ldb, c + r0 * ldc, ldc, beta)
            }
        } else {
            let half = (n / 2 + 15) & ~15
            DispatchQueue.concurrentPerform(iterations: 2) { part in
                let (c0, cols) = part == 0 ? (0, half) : (half, n - half)
                callSgemm(m, cols, k, a, aTrans, lda, b + (bTrans ? c0 * ldb : c0), bTrans, ldb, c + c0, ldc, beta)
            }
        }
    }

    /// `count` independent products C_i = A_i B_i of one shape [m, k] x [k, n]; `operands(i)`
    /// gives product i's pointers, transposes and leading dimensions. Products too small to be
    /// split on their own (attention's per-head products, [T, 64] x [64, T]) are shared out
    /// over the two cores in two contiguous halves of the batch; large ones run one after the
    /// other, each split by `sgemm`.
    static func batchedSgemm(count: Int, m: Int, n: Int, k: Int,
                             _ operands: (Int) -> (UnsafePointer<Float>, Bool, Int, UnsafePointer<Float>, Bool, Int,
                                                   UnsafeMutablePointer<Float>, Int)) {
        _ = singleThreadedOpenBLAS
        func run(_ lo: Int, _ hi: Int) {
            for i in lo..<hi {
                let (a, at, lda, b, bt, ldb, c, ldc) = operands(i)
                sgemm(m: m, n: n, k: k, a: a, aTrans: at, lda: lda, b: b, bTrans: bt, ldb: ldb, c: c, ldc: ldc)
            }
        }
        let small = m * n * k < splitMACs || (m < 64 && n < 64)
        guard count >= 2, small, maxThreads >= 2, !localSingleThreaded, count * m * n * k >= splitMACs / 4 else {
            return run(0, count)
        }
        let half = (count + 1) / 2
        DispatchQueue.concurrentPerform(iterations: 2) { part in
            part == 0 ? run(0, half) : run(half, count)
        }
    }

    private static func callSgemm(_ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Float>, _ aTrans: Bool, _ lda: Int,
                                  _ b: UnsafePointer<Float>, _ bTrans: Bool, _ ldb: Int,
                                  _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ beta: Float) {
        cblas_sgemm(CblasRowMajor, aTrans ? CblasTrans : CblasNoTrans, bTrans ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// y = op(A) x for A stored row-major [rows, cols] with leading dimension lda; op(A) is A
    /// or A^T (`transpose`). For one-row products sgemv is several times faster than sgemm.
    static func sgemv(rows: Int, cols: Int, a: UnsafePointer<Float>, lda: Int, transpose: Bool,
                      x: UnsafePointer<Float>, incx: Int, y: UnsafeMutablePointer<Float>) {
        _ = singleThreadedOpenBLAS
        cblas_sgemv(CblasRowMajor, transpose ? CblasTrans : CblasNoTrans, Int32(rows), Int32(cols), 1, a, Int32(lda),
                    x, Int32(incx), 0, y, 1)
    }

    /// Threads for large GEMMs (1 or 2), process-wide (`torch.set_num_threads`).
    static func setThreads(_ n: Int) { maxThreads = Swift.max(1, Swift.min(2, n)) }

    /// Per-thread switch that keeps this thread's GEMMs unsplit. The recurrent kernels set it
    /// during their time loops: small per-step GEMMs run faster on one core (measured 46.7 vs
    /// 51.7 ms for 300 steps of [32x256]x[256x1024]), and the two directions of a bidirectional
    /// layer already run concurrently. Thread-local, so concurrent directions cannot clobber
    /// each other's setting or the process-wide maximum.
    static var localSingleThreaded: Bool {
        get { pthread_getspecific(singleThreadKey) != nil }
        set { pthread_setspecific(singleThreadKey, newValue ? UnsafeRawPointer(bitPattern: 1) : nil) }
    }
    private static let singleThreadKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()
}

/// Intra-op thread count of the tensor kernels (OpenBLAS), as `torch.set_num_threads` sets it.
public enum IntraOpThreads {
    /// The current count: how many threads a large GEMM is split over (OpenBLAS itself runs
    /// single-threaded, see `BLAS.maxThreads`).
    public static var count: Int { BLAS.maxThreads }

    /// Sets how many threads large GEMMs use (1 or 2 on this machine); `n` must be positive.
    public static func set(_ n: Int) { BLAS.setThreads(n) }
}
