import CBLAS

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

    /// C[m, n] = A[m, k] B[k, n] (+ beta C) in float32, row-major C with leading dimension ldc.
    static func sgemm(m: Int, n: Int, k: Int,
                      a: UnsafePointer<Float>, aTrans: Bool, lda: Int,
                      b: UnsafePointer<Float>, bTrans: Bool, ldb: Int,
                      c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float = 0) {
        cblas_sgemm(CblasRowMajor, aTrans ? CblasTrans : CblasNoTrans, bTrans ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// y = op(A) x for A stored row-major [rows, cols] with leading dimension lda; op(A) is A
    /// or A^T (`transpose`). For one-row products sgemv is several times faster than sgemm.
    static func sgemv(rows: Int, cols: Int, a: UnsafePointer<Float>, lda: Int, transpose: Bool,
                      x: UnsafePointer<Float>, incx: Int, y: UnsafeMutablePointer<Float>) {
        cblas_sgemv(CblasRowMajor, transpose ? CblasTrans : CblasNoTrans, Int32(rows), Int32(cols), 1, a, Int32(lda),
                    x, Int32(incx), 0, y, 1)
    }

    /// Number of threads OpenBLAS uses. The recurrent kernels pin it to 1 during their time
    /// loops: small per-step GEMMs run faster single-threaded than split over two cores
    /// (measured 46.7 vs 51.7 ms for 300 steps of [32x256]x[256x1024]).
    static func setThreads(_ n: Int) { openblas_set_num_threads(Int32(n)) }
    static var threads: Int { Int(openblas_get_num_threads()) }

}
