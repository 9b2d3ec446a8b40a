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

    /// The threads large GEMMs use: OpenBLAS's count at start (OPENBLAS_NUM_THREADS or the
    /// cores), or what `setThreads` (`torch.set_num_threads`) chose.
    nonisolated(unsafe) static var maxThreads = Int(openblas_get_num_threads())
    /// Multiply-adds from which a GEMM runs on all OpenBLAS threads; smaller ones (an LSTM step,
    /// one attention head) run on one, where waking the second thread costs more than it brings.
    static let threadedMACs = 1 << 25
    nonisolated(unsafe) private static var currentThreads = Int(openblas_get_num_threads())
    private static let threadLock = NSLock()

    /// Sets OpenBLAS's (process-wide) thread count for the next call if it differs.
    private static func useThreads(_ threads: Int) {
        threadLock.lock()
        if threads != currentThreads {
            openblas_set_num_threads(Int32(threads))
            currentThreads = threads
        }
        threadLock.unlock()
    }

    /// C[m, n] = A[m, k] B[k, n] (+ beta C) in float32, row-major C with leading dimension ldc.
    static func sgemm(m: Int, n: Int, k: Int,
                      a: UnsafePointer<Float>, aTrans: Bool, lda: Int,
                      b: UnsafePointer<Float>, bTrans: Bool, ldb: Int,
                      c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float = 0) {
        if maxThreads > 1 { useThreads(m * n * k < threadedMACs ? 1 : maxThreads) }
        callSgemm(m, n, k, a, aTrans, lda, b, bTrans, ldb, c, ldc, beta)
    }

    private static func callSgemm(_ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Float>, _ aTrans: Bool, _ lda: Int,
                                  _ b: UnsafePointer<Float>, _ bTrans: Bool, _ ldb: Int,
                                  _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ beta: Float) {
        cblas_sgemm(CblasRowMajor, aTrans ? CblasTrans : CblasNoTrans, bTrans ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// y = A x for a row-major (or transposed) A, through sgemv.
    static func sgemv(m: Int, n: Int, a: UnsafePointer<Float>, aTrans: Bool, lda: Int,
                      x: UnsafePointer<Float>, incx: Int, y: UnsafeMutablePointer<Float>) {
        cblas_sgemv(CblasRowMajor, aTrans ? CblasTrans : CblasNoTrans, Int32(aTrans ? n : m), Int32(aTrans ? m : n),
                    1, a, Int32(lda), x, Int32(incx), 0, y, 1)
    }

    /// Number of threads OpenBLAS uses.
    static func setThreads(_ n: Int) {
        maxThreads = Swift.max(1, n)
        useThreads(maxThreads)
    }
}
