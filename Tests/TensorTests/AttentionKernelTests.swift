import Tensor
import XCTest

/// The fused kernels behind W2's training step, against oracles: finite differences, the
/// composite of primitive ops they replace, and per-product matmuls.
final class AttentionKernelTests: XCTestCase {
    func testMultiheadAttentionKeyPaddingMaskGradient() throws {
        Tensor.manualSeed(41)
        let mha = try MultiheadAttention(4, 2, batchFirst: true)
        let pad = try Tensor(bools: [false, false, true, false, false, false], shape: [2, 3])
        try gradCheck("mha key_padding_mask", [try seeded([2, 3, 4], seed: 42)]) {
            try mha.forward($0[0], $0[0], $0[0], keyPaddingMask: pad, needWeights: false).output
        }
    }

    /// The masked softmax equals softmax(masked_fill(s, mask, -inf)) in value and gradient, on a
    /// size that runs on both cores; a fully masked row is NaN as in PyTorch.
    func testMaskedSoftmaxMatchesComposite() throws {
        let (b, h, l, s) = (6, 4, 30, 30)
        let scores = try seeded([b, h, l, s], seed: 43)
        let lens = [30, 25, 1, 17, 30, 9]
        let pad = try Tensor(bools: (0..<b).flatMap { i in (0..<s).map { $0 >= lens[i] } }, shape: [b, 1, 1, s])
        Tensor.manualSeed(44)
        let w = Tensor.randn([b, h, l, s])
        // Oracle: the unfused composite.
        let x1 = try scores.detach().requiresGrad(true)
        let ref = try x1.maskedFill(pad, -.infinity).softmax(dim: -1)
        try ref.mul(w).sum().backward()
        let x2 = try scores.detach().requiresGrad(true)
        let attn = try Functional.maskedSoftmax(x2, mask: pad)
        try attn.mul(w).sum().backward()
        let (r, a) = (ref.toFloatArray(), attn.toFloatArray())
        for i in 0..<r.count { XCTAssertEqual(a[i], r[i], accuracy: 1e-6) }
        let (g1, g2) = (try XCTUnwrap(x1.grad).toFloatArray(), try XCTUnwrap(x2.grad).toFloatArray())
        for i in 0..<g1.count { XCTAssertEqual(g2[i], g1[i], accuracy: 1e-6) }
        let allMasked = try Functional.maskedSoftmax(try seeded([1, 1, 2, 3], seed: 45),
                                                         mask: try Tensor(bools: [true, true, true], shape: [1, 3]))
        XCTAssertTrue(allMasked.toFloatArray().allSatisfy { $0.isNaN })
    }

    /// Batched products shared out over the cores equal one product per batch element.
    func testBatchedMatmulMatchesPerProduct() throws {
        let a = try seeded([2, 64, 50, 64], seed: 46), b = try seeded([2, 64, 64, 40], seed: 47)
        let c = try a.matmul(b)
        for i in [0, 1] {
            for j in [0, 31, 32, 63] {
                let ref = try a.select(dim: 0, index: i).select(dim: 0, index: j).matmul(try b.select(dim: 0, index: i).select(dim: 0, index: j)).toFloatArray()
                let got = try c.select(dim: 0, index: i).select(dim: 0, index: j).toFloatArray()
                XCTAssertEqual(got, ref)
            }
        }
    }

    /// The fused layer_norm (both cores at this size) against the composite of primitives.
    func testLayerNormMatchesComposite() throws {
        let x = try seeded([300, 256], seed: 48), w = try seeded([256], seed: 49), bias = try seeded([256], seed: 50)
        Tensor.manualSeed(51)
        let g = Tensor.randn([300, 256])
        let (x1, w1, b1) = (try x.detach().requiresGrad(true), try w.detach().requiresGrad(true), try bias.detach().requiresGrad(true))
        let mu = try x1.mean(dims: [1], keepdim: true)
        let centered = try x1.sub(mu)
        let variance = try centered.mul(centered).mean(dims: [1], keepdim: true)
        let ref = try centered.mul(try variance.add(1e-5).rsqrt()).mul(w1).add(b1)
        try ref.mul(g).sum().backward()
        let (x2, w2, b2) = (try x.detach().requiresGrad(true), try w.detach().requiresGrad(true), try bias.detach().requiresGrad(true))
        let y = try Functional.layerNorm(x2, [256], weight: w2, bias: b2)
        try y.mul(g).sum().backward()
        func close(_ p: Tensor?, _ q: Tensor?, _ tol: Float, _ what: String) throws {
            let (u, v) = (try XCTUnwrap(p).toFloatArray(), try XCTUnwrap(q).toFloatArray())
            for i in 0..<u.count where abs(u[i] - v[i]) > tol * max(1, abs(u[i])) {
                XCTFail("\(what)[\(i)]: \(v[i]) vs composite \(u[i])")
                return
            }
        }
        try close(ref, y, 1e-5, "y")
        try close(x1.grad, x2.grad, 1e-4, "dx")
        try close(w1.grad, w2.grad, 1e-4, "dw")
        try close(b1.grad, b2.grad, 1e-4, "db")
    }

    /// Dropout: seeded, the same mask however the work is split (a prefix of a large call that
    /// runs on both cores equals a small single-core call), rate and scale right, gradient = mask.
    func testDropoutIsCounterBasedAndReproducible() throws {
        let big = Tensor.ones([300_000]), small = Tensor.ones([1000])
        Tensor.manualSeed(52)
        let a = try Functional.dropout(big, p: 0.1).toFloatArray()
        Tensor.manualSeed(52)
        let b = try Functional.dropout(small, p: 0.1).toFloatArray()
        XCTAssertEqual(Array(a.prefix(1000)), b)
        Tensor.manualSeed(52)
        XCTAssertEqual(try Functional.dropout(big, p: 0.1).toFloatArray(), a)
        XCTAssertEqual(Double(a.filter { $0 == 0 }.count) / 300_000, 0.1, accuracy: 0.005)
        XCTAssertTrue(a.allSatisfy { $0 == 0 || $0 == Float(1 / 0.9) })
        let x = try seeded([40, 50], seed: 53).requiresGrad(true)
        let y = try Functional.dropout(x, p: 0.3)
        try y.sum().backward()
        let (xv, yv, gv) = (x.toFloatArray(), y.toFloatArray(), try XCTUnwrap(x.grad).toFloatArray())
        for i in 0..<xv.count { XCTAssertEqual(gv[i], yv[i] == 0 ? 0 : Float(1 / 0.7), accuracy: 1e-6, "\(xv[i])") }
    }

    /// TransformerEncoderLayer in training mode (its dropouts prescaled into the weights and fused
    /// with relu) equals the same layer composed from the public unfused ops with the same masks
    /// (same seed, same draw order), and its gradient passes finite differences.
    func testTransformerLayerPrescaledDropout() throws {
        Tensor.manualSeed(60)
        let layer = try TransformerEncoderLayer(dModel: 8, nhead: 2, dimFeedforward: 16, dropout: 0.3, batchFirst: true, normFirst: true)
        let pad = try Tensor(bools: [false, false, false, false, false, false, true, true], shape: [2, 4])
        let x = try seeded([2, 4, 8], seed: 61)
        Tensor.manualSeed(62)
        let y = try layer.forward(x, srcKeyPaddingMask: pad)
        Tensor.manualSeed(62)
        let mha = try XCTUnwrap(layer.child("self_attn") as? MultiheadAttention)
        let (n1, n2, l1, l2) = (try XCTUnwrap(layer.child("norm1")), try XCTUnwrap(layer.child("norm2")),
                                try XCTUnwrap(layer.child("linear1")), try XCTUnwrap(layer.child("linear2")))
        let h = try n1(x)
        let a = try mha.forward(h, h, h, keyPaddingMask: pad, needWeights: true).output
        let x1 = try x.add(try Functional.dropout(a, p: 0.3))
        let f = try Functional.dropout(try l2(try Functional.dropout(try l1(try n2(x1)).relu(), p: 0.3)), p: 0.3)
        let ref = try x1.add(f).toFloatArray()
        let got = y.toFloatArray()
        for i in 0..<ref.count { XCTAssertEqual(got[i], ref[i], accuracy: 1e-5) }
        XCTAssertNotEqual(got, try layer.eval().forward(x, srcKeyPaddingMask: pad).toFloatArray())
        _ = layer.train()
        try gradCheck("transformer layer prescaled dropout", [x]) {
            Tensor.manualSeed(63)
            return try layer.forward($0[0], srcKeyPaddingMask: pad)
        }
    }

    /// `where` on dense operands (vectorized, both cores) equals the strided general path.
    func testWhereDenseMatchesStrided() throws {
        let (a, b) = (try seeded([400, 300], seed: 64), try seeded([400, 300], seed: 65))
        let c = try a.gt(b)
        for (x, y) in [(a, b), (a, Tensor.scalar(-1)), (Tensor.scalar(2), b)] {
            let dense = try Tensor.where(c, x, y).toFloatArray()
            // Transposed twice: same values, non-contiguous layout -> the general kernel.
            let strided = try Tensor.where(try c.t().contiguous().t(), x.ndim == 2 ? try x.t().contiguous().t() : x,
                                           y.ndim == 2 ? try y.t().contiguous().t() : y).toFloatArray()
            XCTAssertEqual(dense, strided)
        }
    }

    /// Row- and column-broadcast binary ops (both cores at this size) against elementwise arithmetic.
    func testRowAndColumnBroadcastBinaryOps() throws {
        let x = try seeded([3, 200, 300], seed: 66), row = try seeded([300], seed: 67), col = try seeded([3, 200, 1], seed: 68)
        let (xv, rv, cv) = (x.toFloatArray(), row.toFloatArray(), col.toFloatArray())
        let plusRow = try x.add(row).toFloatArray(), minusCol = try x.sub(col).toFloatArray(), timesCol = try x.mul(col).toFloatArray()
        for i in 0..<xv.count {
            XCTAssertEqual(plusRow[i], xv[i] + rv[i % 300])
            XCTAssertEqual(minusCol[i], xv[i] - cv[i / 300])
            XCTAssertEqual(timesCol[i], xv[i] * cv[i / 300])
        }
    }
}
