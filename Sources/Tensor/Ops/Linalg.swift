/// Matrix products: `matmul` in all its shapes, `mm`, `bmm` (sgemm per batch, transposes as
/// views), and `einsum` reduced to permutes, sums and one batched product.
extension Tensor {
    /// PyTorch's `torch.matmul`: 1-d operands are promoted and the added dim removed again;
    /// batch dims broadcast.
    public func matmul(_ other: Tensor) throws -> Tensor {
        let (a, b) = (self, other)
        guard a.ndim >= 1 && b.ndim >= 1 else {
            throw TensorError("matmul", "both arguments to matmul need to be at least 1D, but they are \(a.ndim)D and \(b.ndim)D")
        }
        guard a.dtype == .float32 && b.dtype == .float32 else {
            throw TensorError("matmul", "expected float32 operands, got \(a.dtype) and \(b.dtype)")
        }
        let ka = a.shape[a.ndim - 1], kb = b.ndim == 1 ? b.shape[0] : b.shape[b.ndim - 2]
        guard ka == kb else {
            throw TensorError("matmul", "shapes \(fmt(a.shape)) and \(fmt(b.shape)) cannot be multiplied (\(ka) vs \(kb))")
        }
        let a2 = a.ndim == 1 ? try a.unsqueeze(0) : a
        let b2 = b.ndim == 1 ? try b.unsqueeze(-1) : b
        var r: Tensor
        if a2.ndim > 2 && b2.ndim == 2 {
            // [.., M, K] x [K, N]: fold the batch into M, one sgemm (the Linear layer case). A
            // non-contiguous left operand is copied first (reshape), as PyTorch does: one copy costs
            // far less than one small sgemm per batch entry.
            let m = try a2.reshape([-1, ka])
            r = try Linalg.product(m, b2).reshape(Array(a2.shape.dropLast()) + [b2.shape[1]])
        } else {
            r = try Linalg.product(a2, b2)
        }
        if a.ndim == 1 { r = try r.squeeze([-2]) }
        if b.ndim == 1 { r = try r.squeeze([-1]) }
        return r
    }

    /// 2-d matrix product (`torch.mm`).
    public func mm(_ other: Tensor) throws -> Tensor {
        guard ndim == 2 && other.ndim == 2 else {
            throw TensorError("mm", "self must be a matrix and mat2 must be a matrix (got \(fmt(shape)) and \(fmt(other.shape)))")
        }
        return try matmul(other)
    }

    /// Batched product of [B, n, m] and [B, m, p] (`torch.bmm`).
    public func bmm(_ other: Tensor) throws -> Tensor {
        guard ndim == 3 && other.ndim == 3 else {
            throw TensorError("bmm", "batch1 and batch2 must be 3D tensors (got \(fmt(shape)) and \(fmt(other.shape)))")
        }
        guard shape[0] == other.shape[0] else {
            throw TensorError("bmm", "batch sizes differ: \(fmt(shape)) and \(fmt(other.shape))")
        }
        return try matmul(other)
    }

    /// Einstein summation over one or more operands (`torch.einsum`; no `...`, no repeated labels in one operand).
    public static func einsum(_ equation: String, _ operands: [Tensor]) throws -> Tensor {
        try Einsum.evaluate(equation, operands)
    }
}

enum Linalg {
    /// Recorded product of two >= 2-d tensors with broadcast batch dims.
    static func product(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        try batched(a, b).recorded(.matmul, inputs: [a, b], saved: [a, b])
    }

    /// C = A B for A [.., M, K], B [.., K, N] with broadcast batch dims (not recorded).
    static func batched(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        let (m, k) = (a.shape[a.ndim - 2], a.shape[a.ndim - 1])
        let (k2, n) = (b.shape[b.ndim - 2], b.shape[b.ndim - 1])
        guard k == k2 else {
            throw TensorError("matmul", "shapes \(fmt(a.shape)) and \(fmt(b.shape)) cannot be multiplied (\(k) vs \(k2))")
        }
        let batch = try broadcastShapes(Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2)), op: "matmul")
        let out = Tensor(uninitializedShape: batch + [m, n], dtype: .float32)
        if out.numel == 0 { return out }
        if k == 0 {
            out.floatBase.initialize(repeating: 0, count: out.numel)
            return out
        }
        let A = gemmOperand(a), B = gemmOperand(b)
        guard let la = BLAS.layout(rows: m, cols: k, A.strides[A.ndim - 2], A.strides[A.ndim - 1]),
              let lb = BLAS.layout(rows: k, cols: n, B.strides[B.ndim - 2], B.strides[B.ndim - 1]) else {
            throw TensorError("matmul", "internal error: operand layout not usable by sgemm")
        }
        if m == 1 && batch.reduce(1, *) == 1 {
            // One row: y[N] = B^T a (B stored [K, N]) or W a (B = W^T, W stored [N, K]).
            let incx = la.trans ? la.ld : 1
            if lb.trans {
                BLAS.sgemv(rows: n, cols: k, a: B.floatBase, lda: lb.ld, transpose: false, x: A.floatBase, incx: incx, y: out.floatBase)
            } else {
                BLAS.sgemv(rows: k, cols: n, a: B.floatBase, lda: lb.ld, transpose: true, x: A.floatBase, incx: incx, y: out.floatBase)
            }
            return out
        }
        let sa = batchStrides(A, batch), sb = batchStrides(B, batch)
        let count = batch.reduce(1, *)
        let (pa, pb, pc) = (A.floatBase, B.floatBase, out.floatBase)
        BLAS.batchedSgemm(count: count, m: m, n: n, k: k) { i in
            var oa = 0, ob = 0, rem = i
            for d in stride(from: batch.count - 1, through: 0, by: -1) {
                let idx = rem % batch[d]
                rem /= batch[d]
                oa += idx * sa[d]
                ob += idx * sb[d]
            }
            return (UnsafePointer(pa + oa), la.trans, la.ld, UnsafePointer(pb + ob), lb.trans, lb.ld, pc + i * m * n, n)
        }
        return out
    }

    /// `t` itself when its last two dims can be passed to sgemm, else a contiguous copy.
    private static func gemmOperand(_ t: Tensor) -> Tensor {
        let (r, c) = (t.shape[t.ndim - 2], t.shape[t.ndim - 1])
        return BLAS.layout(rows: r, cols: c, t.strides[t.ndim - 2], t.strides[t.ndim - 1]) != nil ? t : t.dense()
    }

    /// Strides of `t`'s batch dims read as `batch` (0 where broadcast).
    private static func batchStrides(_ t: Tensor, _ batch: [Int]) -> [Int] {
        let tb = Tensor(storage: t.storage, shape: Array(t.shape.dropLast(2)), strides: Array(t.strides.dropLast(2)),
                        offset: t.offset, dtype: t.dtype)
        return broadcastStrides(tb, to: batch)
    }
}
