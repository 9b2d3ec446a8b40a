import Tensor
import XCTest

/// Finite-difference checks of every differentiable primitive and composite op.
final class GradCheckTests: XCTestCase {
    func testBinaryOpsWithBroadcasting() throws {
        let a = try seeded([3, 4], seed: 1), b = try seeded([4], seed: 2, positive: true)
        try gradCheck("add", [a, b]) { try $0[0].add($0[1], alpha: 2) }
        try gradCheck("sub", [a, b]) { try $0[0].sub($0[1]) }
        try gradCheck("mul", [a, b]) { try $0[0].mul($0[1]) }
        try gradCheck("div", [a, b]) { try $0[0].div($0[1]) }
        try gradCheck("pow", [b, try seeded([3, 1], seed: 3)]) { try $0[0].pow($0[1]) }
        try gradCheck("pow scalar", [a]) { try $0[0].pow(3) }
        try gradCheck("maximum", [a, try seeded([3, 1], seed: 4)]) { try $0[0].maximum($0[1]) }
        try gradCheck("minimum", [a, try seeded([3, 1], seed: 4)]) { try $0[0].minimum($0[1]) }
        let c = try Tensor(bools: [true, false, true, false], shape: [4])
        try gradCheck("where", [a, b]) { try Tensor.where(c, $0[0], $0[1]) }
        try gradCheck("clamp tensor", [a, try seeded([4], seed: 5)]) { try $0[0].clamp(min: $0[1], max: nil) }
    }

    func testUnaryOps() throws {
        let x = try seeded([2, 5], seed: 6, margin: 0.1)
        let p = try seeded([2, 5], seed: 7, positive: true)
        let ops: [(String, Tensor, (Tensor) throws -> Tensor)] = [
            ("neg", x, { $0.neg() }), ("exp", x, { $0.exp() }), ("log", p, { $0.log() }),
            ("sqrt", p, { $0.sqrt() }), ("rsqrt", p, { $0.rsqrt() }), ("abs", x, { $0.abs() }),
            ("tanh", x, { $0.tanh() }), ("sigmoid", x, { $0.sigmoid() }), ("relu", x, { $0.relu() }),
            ("gelu", x, { try $0.gelu() }), ("gelu tanh", x, { try $0.gelu(approximate: "tanh") }),
            ("silu", x, { $0.silu() }), ("leaky_relu", x, { $0.leakyRelu(negativeSlope: 0.2) }),
            ("elu", x, { $0.elu(alpha: 0.5) }), ("softplus", x, { $0.softplus(beta: 2) }),
            ("clamp", x, { try $0.clamp(min: -0.5, max: 0.5) }), ("sin", x, { $0.sin() }),
            ("cos", x, { $0.cos() }), ("log1p", p, { $0.log1p() }), ("expm1", x, { $0.expm1() }),
        ]
        for (name, input, f) in ops {
            try gradCheck(name, [input.clone().detach()]) { try f($0[0]) }
        }
    }

    func testReductions() throws {
        let x = try seeded([3, 4, 2], seed: 8)
        try gradCheck("sum dims", [x]) { try $0[0].sum(dims: [0, 2], keepdim: true) }
        try gradCheck("mean", [x]) { try $0[0].mean(dims: [1]) }
        try gradCheck("amax", [x]) { try $0[0].amax(dims: [-1]) }
        try gradCheck("amin", [x]) { try $0[0].amin(dims: [0, 1]) }
        try gradCheck("max dim", [x]) { try $0[0].max(dim: 1).values }
        try gradCheck("logsumexp", [x]) { try $0[0].logsumexp(dims: [1]) }
        try gradCheck("var", [x]) { try $0[0].variance(dims: [1], correction: 1) }
        try gradCheck("std", [x]) { try $0[0].std(dims: [0, 2], correction: 0, keepdim: true) }
        try gradCheck("norm2", [x]) { try $0[0].norm(dims: [2]) }
        try gradCheck("norm3", [x]) { try $0[0].norm(p: 3, dims: [1]) }
    }

    func testShapeOps() throws {
        let x = try seeded([2, 3, 4], seed: 9)
        try gradCheck("reshape", [x]) { try $0[0].reshape([4, -1]) }
        try gradCheck("permute", [x]) { try $0[0].permute([2, 0, 1]) }
        try gradCheck("transpose+contiguous+view", [x]) { try $0[0].transpose(0, 2).contiguous().view([-1]) }
        try gradCheck("expand", [try seeded([3, 1], seed: 10)]) { try $0[0].expand([2, 3, 5]) }
        try gradCheck("slice", [x]) { try $0[0].slice(dim: 2, start: 1, end: nil, step: 2) }
        try gradCheck("select", [x]) { try $0[0].select(dim: 1, index: -1) }
        try gradCheck("cat", [x, try seeded([2, 1, 4], seed: 11)]) { try Tensor.cat([$0[0], $0[1]], dim: 1) }
        try gradCheck("stack", [x, x.clone().detach()]) { try Tensor.stack([$0[0], $0[1]], dim: -1) }
        try gradCheck("split", [x]) { try $0[0].split(3, dim: 2)[1] }
        try gradCheck("flip", [x]) { try $0[0].flip([0, 2]) }
        try gradCheck("pad", [x]) { try $0[0].pad([1, -1, 2, 0], value: 0.5) }
        try gradCheck("repeat", [x]) { try $0[0].repeat([1, 2, 1, 2]) }
        try gradCheck("triu", [x]) { try $0[0].triu(diagonal: 1) }
        try gradCheck("squeeze/unsqueeze", [x]) { try $0[0].unsqueeze(1).squeeze([1]) }
    }

    func testIndexingOps() throws {
        let x = try seeded([4, 3], seed: 12)
        let idx = try Tensor(ints: [3, 0, 3, -1], shape: [4])
        try gradCheck("index_select", [x]) { try $0[0].indexSelect(dim: 0, index: idx) }
        try gradCheck("gather", [x]) { try $0[0].gather(dim: 1, index: try Tensor(ints: [0, 2, 2, 1, 0, 0, 1, 1], shape: [4, 2])) }
        // An index expanded along the last dim (the sequence-reversal idiom) takes the row path;
        // it must agree with the element path (the same index materialized), forward and backward,
        // also on a transposed (strided) input.
        let rev = try Tensor(ints: [2, 1, 0, 0, 1, 2, 1, 0, 2], shape: [3, 3, 1])
        let expanded = try rev.expand([3, 3, 4]), dense = expanded.contiguous()
        let y = try seeded([3, 3, 4], seed: 14)
        for input in [y, try y.transpose(0, 1)] {
            var outs: [[Float]] = []
            for index in [expanded, dense] {
                let leaf = try input.clone().detach().requiresGrad(true)
                let out = try leaf.gather(dim: 1, index: index)
                try out.mul(try seeded([3, 3, 4], seed: 15)).sum().backward()
                outs.append(out.toFloatArray() + (leaf.grad?.toFloatArray() ?? []))
            }
            XCTAssertEqual(outs[0], outs[1])
        }
        try gradCheck("gather expanded", [y]) { try $0[0].gather(dim: 1, index: expanded) }
        XCTAssertThrowsError(try y.gather(dim: 1, index: try Tensor(ints: [0, 3, 0], shape: [1, 3, 1]).expand([1, 3, 4])))
        try gradCheck("embedding", [x]) { try Tensor.embedding(try Tensor(ints: [1, 2, 1], shape: [3]), $0[0]) }
        // padding_idx rows are looked up but get no gradient (PyTorch's definition, not a derivative).
        let w = try x.clone().detach().requiresGrad(true)
        try Tensor.embedding(try Tensor(ints: [1, 2, 1], shape: [3]), w, paddingIdx: 2).sum().backward()
        XCTAssertEqual(w.grad?.toFloatArray(), [0, 0, 0, 2, 2, 2, 0, 0, 0, 0, 0, 0])
        try gradCheck("advanced", [x]) { try $0[0].index([.tensor(idx), .slice(nil, nil, 2)]) }
        let mask = try Tensor(bools: [true, false, true, true], shape: [4])
        try gradCheck("bool mask", [x]) { try $0[0].index([.tensor(mask)]) }
    }

    func testFunctional() throws {
        let x = try seeded([2, 3, 4], seed: 19)
        try gradCheck("softmax dim1", [x]) { try $0[0].softmax(dim: 1) }
        try gradCheck("log_softmax last", [x]) { try $0[0].logSoftmax(dim: -1) }
        try gradCheck("layer_norm", [x, try seeded([4], seed: 20), try seeded([4], seed: 21)]) {
            try Functional.layerNorm($0[0], [4], weight: $0[1], bias: $0[2])
        }
        let target = try Tensor(ints: [0, 2, -100, 1, 1, 0], shape: [2, 3])
        try gradCheck("cross_entropy", [try seeded([2, 4, 3], seed: 22)]) {
            try Functional.crossEntropy($0[0], target, labelSmoothing: 0.1)
        }
    }

    func testConvPoolAttention() throws {
        let x = try seeded([2, 4, 7], seed: 23)
        try gradCheck("conv1d groups", [x, try seeded([6, 2, 3], seed: 24), try seeded([6], seed: 25)]) {
            try Functional.conv1d($0[0], $0[1], $0[2], stride: 2, padding: 1, dilation: 1, groups: 2)
        }
        try gradCheck("conv2d", [try seeded([1, 2, 5, 4], seed: 26), try seeded([3, 2, 2, 3], seed: 27)]) {
            try Functional.conv2d($0[0], $0[1], stride: [2, 1], padding: [1, 0])
        }
        // Distinct values 0.1 apart, so no window has a near-tie that finite differences would cross.
        let spaced = try Tensor((0..<56).map { Float(($0 * 37) % 56) * 0.1 }, shape: [2, 4, 7])
        try gradCheck("max_pool1d", [spaced]) { try Functional.maxPool1d($0[0], kernelSize: 3, stride: 2, padding: 1).values }
        try gradCheck("avg_pool1d", [x]) { try Functional.avgPool1d($0[0], kernelSize: 3, stride: 2, padding: 1, countIncludePad: false) }
        try gradCheck("sdpa causal", [try seeded([2, 3, 4], seed: 28), try seeded([2, 3, 4], seed: 29), try seeded([2, 3, 2], seed: 30)]) {
            try Functional.scaledDotProductAttention($0[0], $0[1], $0[2], isCausal: true)
        }
        try gradCheck("batch_norm", [try seeded([4, 3, 2], seed: 31), try seeded([3], seed: 32)]) {
            try Functional.batchNorm($0[0], runningMean: nil, runningVar: nil, weight: $0[1], training: true)
        }
    }

    func testFusedLSTMAndCTC() throws {
        Tensor.manualSeed(33)
        let lstm = try RNN(.lstm, inputSize: 3, hiddenSize: 4, numLayers: 1, bidirectional: true)
        let whh = try XCTUnwrap(lstm.parameter("weight_hh_l0_reverse"))
        // Finite differences through the fused kernel w.r.t. input, initial state and W_hh,
        // with a variable-length batch (masked steps).
        try gradCheck("lstm fused", [try seeded([5, 2, 3], seed: 34), try seeded([2, 2, 4], seed: 35), try seeded([2, 2, 4], seed: 36), whh]) { v in
            let r = try lstm.forward(v[0], h0: v[1], c0: v[2], lengths: [5, 3])
            return try Tensor.cat([try r.output.reshape([-1]), try r.h.reshape([-1]), try r.c!.reshape([-1])])
        }
        // Hidden size 20: with two intra-op threads each direction runs on the two-thread team
        // (units split 16 + 4); W_hh and both biases through finite differences too.
        let saved = IntraOpThreads.count
        defer { IntraOpThreads.set(saved) }
        for threads in [2, 1] {
            IntraOpThreads.set(threads)
            let wide = try RNN(.lstm, inputSize: 3, hiddenSize: 20, numLayers: 1, bidirectional: true)
            wide.concurrentDirections = false
            let params = try ["weight_hh_l0", "bias_ih_l0_reverse", "bias_hh_l0"].map { try XCTUnwrap(wide.parameter($0)) }
            try gradCheck("lstm fused h20 threads \(threads)", [try seeded([4, 3, 3], seed: 40), try seeded([2, 3, 20], seed: 41),
                                                                try seeded([2, 3, 20], seed: 42)] + params) { v in
                let r = try wide.forward(v[0], h0: v[1], c0: v[2], lengths: [4, 2, 3])
                return try Tensor.cat([try r.output.reshape([-1]), try r.h.reshape([-1]), try r.c!.reshape([-1])])
            }
        }
        let gru = try RNN(.gru, inputSize: 3, hiddenSize: 4)
        let gwhh = try XCTUnwrap(gru.parameter("weight_hh_l0")), gbhh = try XCTUnwrap(gru.parameter("bias_hh_l0"))
        try gradCheck("gru fused", [try seeded([5, 2, 3], seed: 38), try seeded([1, 2, 4], seed: 39), gwhh, gbhh]) { v in
            let r = try gru.forward(v[0], h0: v[1], lengths: [4, 5])
            return try Tensor.cat([try r.output.reshape([-1]), try r.h.reshape([-1])])
        }
        let logits = try seeded([6, 2, 4], seed: 37)
        let targets = try Tensor(ints: [1, 2, 2, 3, 0, 0], shape: [2, 3])
        try gradCheck("ctc", [logits], eps: 1e-2, tol: 3e-2) {
            try Functional.ctcLoss(try $0[0].logSoftmax(dim: 2), targets, inputLengths: [6, 5], targetLengths: [3, 1], reduction: .sum)
        }
    }

    func testLinalg() throws {
        let a = try seeded([2, 3, 4], seed: 13), b = try seeded([4, 5], seed: 14)
        try gradCheck("matmul 3d x 2d", [a, b]) { try $0[0].matmul($0[1]) }
        // A transposed (non-contiguous) left operand folds through a copy: finite differences and
        // the per-batch products of the contiguous operand agree.
        try gradCheck("matmul 3d (transposed) x 2d", [try seeded([2, 4, 3], seed: 18), b]) { try $0[0].transpose(1, 2).matmul($0[1]) }
        let t = try seeded([2, 4, 3], seed: 18)
        let folded = try t.transpose(1, 2).matmul(b).toFloatArray()
        let perBatch = try (0..<2).flatMap { try t.select(dim: 0, index: $0).transpose(0, 1).contiguous().matmul(b).toFloatArray() }
        XCTAssertEqual(folded.count, perBatch.count)
        for (x, y) in zip(folded, perBatch) { XCTAssertEqual(x, y, accuracy: 1e-5) }
        try gradCheck("matmul bcast", [try seeded([2, 1, 3, 4], seed: 15), try seeded([3, 4, 2], seed: 16)]) { try $0[0].matmul($0[1]) }
        try gradCheck("matmul 1d", [try seeded([4], seed: 17), b]) { try $0[0].matmul($0[1]) }
        try gradCheck("transposed operand", [b]) { try $0[0].t().matmul($0[0]) }
        try gradCheck("einsum", [a, try seeded([2, 5, 4], seed: 18)]) { try Tensor.einsum("bij,bkj->bik", [$0[0], $0[1]]) }
    }
}
