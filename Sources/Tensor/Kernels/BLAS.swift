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

    /// y = A x for a row-major (or transposed) A, through sgemv.
    static func sgemv(m: Int, n: Int, a: UnsafePointer<Float>, aTrans: Bool, lda: Int,
                      x: UnsafePointer<Float>, incx: Int, y: UnsafeMutablePointer<Float>) {
        cblas_sgemv(CblasRowMajor, aTrans ? CblasTrans : CblasNoTrans, Int32(aTrans ? n : m), Int32(aTrans ? m : n),
                    1, a, Int32(lda), x, Int32(incx), 0, y, 1)
    }

    /// Number of threads OpenBLAS uses.
    static func setThreads(_ n: Int) { openblas_set_num_threads(Int32(n)) }
}

/// Intra-op thread count of the tensor kernels (OpenBLAS), as `torch.set_num_threads` sets it.
public enum IntraOpThreads {
    /// The current count (OpenBLAS's own default until set).
    public static var count: Int { Int(openblas_get_num_threads()) }

    /// Sets the number of threads OpenBLAS uses; `n` must be positive.
    public static func set(_ n: Int) { BLAS.setThreads(n) }
}
