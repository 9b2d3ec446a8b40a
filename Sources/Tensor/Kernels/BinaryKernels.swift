/// Broadcasting binary kernels: contiguous and scalar fast paths (vectorized, split over both
/// cores when large) and a strided general path.
/// A float32 binary function as a type, so kernels are specialized per op and the op inlines
/// into the vectorized loop (a closure parameter would stay an indirect call per element).
protocol FloatBinaryOp {
    func callAsFunction(_ a: Float, _ b: Float) -> Float
}

struct AddOp: FloatBinaryOp {
    @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a + b }
}
struct AddScaledOp: FloatBinaryOp {
    let alpha: Float
    @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a + alpha * b }
}
struct MulOp: FloatBinaryOp {
    @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a * b }
}
struct DivOp: FloatBinaryOp {
    @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a / b }
}
/// Any closure (rare ops: comparisons, pow, derivatives of max/min).
struct ClosureOp: FloatBinaryOp {
    let f: (Float, Float) -> Float
    @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { f(a, b) }
}

enum BinaryKernels {
    /// out = f(a, b) elementwise over float32 operands broadcast to `shape`.
    static func float(_ a: Tensor, _ b: Tensor, _ shape: [Int], _ f: @escaping (Float, Float) -> Float) -> Tensor {
        float(a, b, shape, op: ClosureOp(f: f))
    }

    /// out = op(a, b) elementwise, specialized per op type.
    static func float<F: FloatBinaryOp>(_ a: Tensor, _ b: Tensor, _ shape: [Int], op f: F) -> Tensor {
        let out = Tensor(uninitializedShape: shape, dtype: .float32)
        let n = out.numel
        if n == 0 { return out }
        let o = out.floatBase, pa = a.floatBase, pb = b.floatBase
        let aFlat = a.shape == shape && a.isContiguous, bFlat = b.shape == shape && b.isContiguous
        if aFlat && bFlat {
            parallelRange(n) { lo, hi in for i in lo..<hi { o[i] = f(pa[i], pb[i]) } }
        } else if aFlat && b.numel == 1 {
            let s = pb[0]
            parallelRange(n) { lo, hi in for i in lo..<hi { o[i] = f(pa[i], s) } }
        } else if bFlat && a.numel == 1 {
            let s = pa[0]
            parallelRange(n) { lo, hi in for i in lo..<hi { o[i] = f(s, pb[i]) } }
        } else if aFlat, let r = trailingRowLength(b, shape), r > 0 {
            // A row vector broadcast over the leading dims (bias add, per-channel scale).
            parallelRange(n / r, minPerThread: Swift.max(1, (1 << 16) / r)) { lo, hi in
                for row in lo..<hi {
                    let po = o + row * r, qa = pa + row * r
                    for j in 0..<r { po[j] = f(qa[j], pb[j]) }
                }
            }
        } else if aFlat, shape.count >= 2, b.isContiguous, b.shape.count == shape.count, b.shape.last == 1,
                  Array(b.shape.dropLast()) == Array(shape.dropLast()), let r = shape.last, r > 0 {
            // One value per row broadcast along the last dim (x - rowsum, x / rownorm).
            parallelRange(n / r, minPerThread: Swift.max(1, (1 << 16) / r)) { lo, hi in
                for row in lo..<hi {
                    let po = o + row * r, qa = pa + row * r, v = pb[row]
                    for j in 0..<r { po[j] = f(qa[j], v) }
                }
            }
        } else {
            let loop = StridedLoop(shape: shape, strides: [out.strides, broadcastStrides(a, to: shape),
                                                          broadcastStrides(b, to: shape)])
            let st = loop.innerStrides
            let (sa, sb) = (st[1], st[2])
            loop.forEachRow { off, len in
                let po = o + off[0], qa = pa + off[1], qb = pb + off[2]
                if sa == 1 && sb == 1 {
                    for i in 0..<len { po[i] = f(qa[i], qb[i]) }
                } else if sa == 1 && sb == 0 {
                    let s = qb[0]
                    for i in 0..<len { po[i] = f(qa[i], s) }
                } else if sa == 0 && sb == 1 {
                    let s = qa[0]
                    for i in 0..<len { po[i] = f(s, qb[i]) }
                } else {
                    for i in 0..<len { po[i * st[0]] = f(qa[i * sa], qb[i * sb]) }
                }
            }
        }
        return out
    }

    /// The length of `b`'s rows when `b` is contiguous and equals the trailing dims of `shape`
    /// (after dropping its own leading size-1 dims), so it broadcasts as one repeated row.
    private static func trailingRowLength(_ b: Tensor, _ shape: [Int]) -> Int? {
        guard b.isContiguous else { return nil }
        let own = Array(b.shape.drop(while: { $0 == 1 }))
        guard !own.isEmpty, own.count <= shape.count, Array(shape.suffix(own.count)) == own else { return nil }
        return b.numel
    }

    /// out = f(a, b) over any dtypes through Double (integer and bool ops, comparisons).
    static func generic(_ a: Tensor, _ b: Tensor, _ shape: [Int], _ dtype: DType,
                        _ f: (Double, Double) -> Double) -> Tensor {
        let out = Tensor(uninitializedShape: shape, dtype: dtype)
        let loop = StridedLoop(shape: shape, strides: [out.strides, broadcastStrides(a, to: shape),
                                                      broadcastStrides(b, to: shape)])
        let st = loop.innerStrides
        loop.forEachRow { off, len in
            for i in 0..<len {
                let v = f(a.loadDouble(at: off[1] + i * st[1]), b.loadDouble(at: off[2] + i * st[2]))
                out.storeDouble(v, at: off[0] + i * st[0])
            }
        }
        return out
    }

    /// Exact int64 arithmetic (Double would lose precision past 2^53).
    static func int64(_ a: Tensor, _ b: Tensor, _ shape: [Int], _ dtype: DType,
                      _ f: (Int64, Int64) -> Int64) -> Tensor {
        let out = Tensor(uninitializedShape: shape, dtype: dtype)
        let loop = StridedLoop(shape: shape, strides: [out.strides, broadcastStrides(a, to: shape),
                                                      broadcastStrides(b, to: shape)])
        let st = loop.innerStrides
        loop.forEachRow { off, len in
            for i in 0..<len {
                let v = f(a.loadInt(at: off[1] + i * st[1]), b.loadInt(at: off[2] + i * st[2]))
                out.storeDouble(Double(v), at: off[0] + i * st[0])
                if dtype == .int64 { out.int64Base[off[0] + i * st[0]] = v }
            }
        }
        return out
    }

    /// out = f(a, b, c) for float32 operands broadcast to `shape` (where, clamp with tensors).
    @inline(__always)
    static func ternaryFloat(_ c: Tensor, _ a: Tensor, _ b: Tensor, _ shape: [Int],
                             _ f: (Bool, Float, Float) -> Float) -> Tensor {
        let out = Tensor(uninitializedShape: shape, dtype: .float32)
        let loop = StridedLoop(shape: shape, strides: [out.strides, broadcastStrides(c, to: shape),
                                                      broadcastStrides(a, to: shape),
                                                      broadcastStrides(b, to: shape)])
        let st = loop.innerStrides
        let o = out.floatBase, pc = c.boolBase, pa = a.floatBase, pb = b.floatBase
        loop.forEachRow { off, len in
            for i in 0..<len {
                o[off[0] + i * st[0]] = f(pc[off[1] + i * st[1]] != 0, pa[off[2] + i * st[2]], pb[off[3] + i * st[3]])
            }
        }
        return out
    }
}
