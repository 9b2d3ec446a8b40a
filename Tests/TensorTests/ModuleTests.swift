import Tensor
import XCTest

/// A user-style model registering children by assignment order, as `class Model(nn.Module)`.
private final class TinyModel: Module {
    override init() {
        super.init()
        try? registerModule("encoder", try? Sequential([try Linear(4, 8), Activation(.relu), try Linear(8, 3, bias: false)]))
        try? registerModule("norm", try? LayerNorm([3]))
        try? registerBuffer("scale", Tensor.scalar(2.0))
    }

    override func forward(_ x: Tensor) throws -> Tensor {
        guard let enc = child("encoder"), let norm = child("norm") else { throw TensorError("TinyModel", "not built") }
        return try norm(try enc(x)).mul(buffer("scale") ?? Tensor.scalar(1))
    }
}

final class ModuleTests: XCTestCase {
    func testStateDictKeysFollowPyTorchNaming() throws {
        let m = TinyModel()
        XCTAssertEqual(m.stateDict().map { $0.0 },
                       ["scale", "encoder.0.weight", "encoder.0.bias", "encoder.2.weight", "norm.weight", "norm.bias"])
        XCTAssertEqual(m.namedParameters().map { $0.0 },
                       ["encoder.0.weight", "encoder.0.bias", "encoder.2.weight", "norm.weight", "norm.bias"])
        XCTAssertTrue(m.parameters().allSatisfy { $0.requiresGrad && $0.isLeaf })
    }

    func testReassignmentKeepsPosition() throws {
        let m = TinyModel()
        try m.registerBuffer("scale", Tensor.scalar(3.0))
        try m.registerModule("encoder", try Linear(4, 3))
        XCTAssertEqual(m.stateDict().map { $0.0 }, ["scale", "encoder.weight", "encoder.bias", "norm.weight", "norm.bias"])
        try m.registerParameter("scale", Tensor.scalar(1.0))  // buffer -> parameter moves it
        XCTAssertEqual(m.stateDict().map { $0.0 }.first, "scale")
        XCTAssertEqual(m.namedParameters().map { $0.0 }, ["scale", "encoder.weight", "encoder.bias", "norm.weight", "norm.bias"])
        XCTAssertThrowsError(try m.registerParameter("a.b", nil))
    }

    func testReprMatchesPyTorch() throws {
        XCTAssertEqual(try Linear(40, 256).description, "Linear(in_features=40, out_features=256, bias=True)")
        XCTAssertEqual(try LayerNorm([6], eps: 1e-5).description, "LayerNorm((6,), eps=1e-05, elementwise_affine=True)")
        XCTAssertEqual(try Conv(4, 6, kernelSize: [3], padding: [1]).description, "Conv1d(4, 6, kernel_size=(3,), stride=(1,), padding=(1,))")
        XCTAssertEqual(TinyModel().description, """
            TinyModel(
              (encoder): Sequential(
                (0): Linear(in_features=4, out_features=8, bias=True)
                (1): ReLU()
                (2): Linear(in_features=8, out_features=3, bias=False)
              )
              (norm): LayerNorm((3,), eps=1e-05, elementwise_affine=True)
            )
            """)
    }

    func testLoadStateDictCopiesAndReportsKeys() throws {
        Tensor.manualSeed(3)
        let a = TinyModel(), b = TinyModel()
        let sd = Dictionary(uniqueKeysWithValues: a.stateDict())
        try b.loadStateDict(sd)
        let x = Tensor.randn([2, 4])
        XCTAssertEqual(try a(x).toFloatArray(), try b(x).toFloatArray())
        var broken = sd
        broken["norm.weight"] = nil
        broken["extra"] = Tensor.zeros([1])
        XCTAssertThrowsError(try b.loadStateDict(broken)) {
            XCTAssertTrue("\($0)".contains("Missing key(s) in state_dict: \"norm.weight\""), "\($0)")
            XCTAssertTrue("\($0)".contains("Unexpected key(s) in state_dict: \"extra\""), "\($0)")
        }
        let r = try b.loadStateDict(broken, strict: false)
        XCTAssertEqual(r.missingKeys, ["norm.weight"])
        broken["norm.weight"] = Tensor.zeros([4])
        XCTAssertThrowsError(try b.loadStateDict(broken, strict: false)) {
            XCTAssertTrue("\($0)".contains("size mismatch for norm.weight"), "\($0)")
        }
    }

    func testTrainEvalAndDefaultInitBounds() throws {
        Tensor.manualSeed(5)
        let m = TinyModel().eval()
        XCTAssertTrue(m.namedModules().allSatisfy { !$0.1.training })
        m.train()
        XCTAssertTrue(m.children().allSatisfy { $0.training })
        let lin = try Linear(100, 50)
        let w = lin.parameter("weight")!.toFloatArray()
        XCTAssertLessThanOrEqual(w.map { abs($0) }.max()!, 0.1)
        XCTAssertGreaterThan(w.map { abs($0) }.max()!, 0.09)
    }

    func testOptimizerTrainsAModel() throws {
        Tensor.manualSeed(11)
        let m = TinyModel()
        let opt = try Adam([ParamGroup(params: m.parameters())], lr: 0.01)
        let x = Tensor.randn([16, 4]), y = Tensor.randn([16, 3])
        var first = 0.0, last = 0.0
        for i in 0..<50 {
            try opt.zeroGrad()
            let loss = try Functional.mseLoss(try m(x), y)
            try loss.backward()
            try opt.step()
            if i == 0 { first = try loss.item() }
            last = try loss.item()
        }
        XCTAssertLessThan(last, first * 0.7)
    }
}

final class OptimizerStateTests: XCTestCase {
    /// Saving and restoring Adam's state continues the trajectory exactly.
    func testAdamStateDictRoundTrip() throws {
        Tensor.manualSeed(21)
        let p1 = try Tensor.randn([3, 2]).requiresGrad(true)
        let p2 = try p1.detach().clone().requiresGrad(true)
        let a = try Adam([ParamGroup(params: [p1])], lr: 0.1)
        let grads = (0..<4).map { _ in Tensor.randn([3, 2]) }
        for g in grads.prefix(2) {
            p1.grad = g
            try a.step()
        }
        try noGrad { try p2.copyFrom(p1) }
        let b = try Adam([ParamGroup(params: [p2])], lr: 0.5)
        try b.loadStateDict(a.stateDict())
        XCTAssertEqual(b.paramGroups[0].lr, 0.1)
        for g in grads.suffix(2) {
            p1.grad = g
            p2.grad = g
            try a.step()
            try b.step()
        }
        XCTAssertEqual(p1.toFloatArray(), p2.toFloatArray())
        XCTAssertEqual(b.state(for: p2).step, 4)
        XCTAssertEqual(a.stateDict().flattened.map { $0.0 }.prefix(3), ["state.0.exp_avg", "state.0.exp_avg_sq", "state.0.step"])
    }
}

final class TrainingSmokeTests: XCTestCase {
    /// A W1-shaped model (Linear -> BLSTM over variable lengths -> Linear, framewise CE with
    /// padding ignored, Adam) learns a seeded framewise task.
    func testBLSTMFramewiseTrainingLossFalls() throws {
        Tensor.manualSeed(8)
        let (t, b, f, classes) = (12, 4, 6, 3)
        let lengths = [12, 9, 7, 4]
        let x = Tensor.randn([t, b, f])
        // Label = argmax of a fixed projection of the frame; padding frames get ignore_index.
        var labels = try x.matmul(Tensor.randn([f, classes])).argmax(dim: 2)
        let valid = try Functional.sequenceMask(try Tensor(ints: lengths.map(Int64.init)), maxLen: t).t()
        labels = try Tensor.where(valid, labels, Tensor.scalar(-100))
        let inLayer = try Linear(f, 16), lstm = try RNN(.lstm, inputSize: 16, hiddenSize: 8, bidirectional: true)
        let outLayer = try Linear(16, classes)
        let params = inLayer.parameters() + lstm.parameters() + outLayer.parameters()
        let opt = try Adam([ParamGroup(params: params)], lr: 0.02)
        var losses: [Double] = []
        for _ in 0..<60 {
            try opt.zeroGrad()
            let h = try lstm.forward(try inLayer(x), h0: nil, lengths: lengths).output
            let logits = try outLayer(h)  // [T, B, C]
            let loss = try Functional.crossEntropy(try logits.reshape([-1, classes]), try labels.reshape([-1]))
            try loss.backward()
            try opt.step()
            losses.append(try loss.item())
        }
        XCTAssertLessThan(losses.last!, losses.first! * 0.5, "losses \(losses.first!) -> \(losses.last!)")
    }
}

final class RNNModesTests: XCTestCase {
    /// The concurrent bidirectional path computes exactly what the sequential one does.
    func testConcurrentDirectionsMatchSequential() throws {
        Tensor.manualSeed(12)
        let lstm = try RNN(.lstm, inputSize: 5, hiddenSize: 6, numLayers: 2, bidirectional: true)
        let x = Tensor.randn([7, 3, 5])
        var results: [[Float]] = []
        for concurrent in [true, false] {
            lstm.concurrentDirections = concurrent
            lstm.zeroGrad()
            let r = try lstm.forward(x, h0: nil, lengths: [7, 5, 2])
            try r.output.sum().add(try r.c!.sum()).backward()
            results.append(r.output.toFloatArray() + lstm.parameters().flatMap { $0.grad?.toFloatArray() ?? [] })
        }
        XCTAssertEqual(results[0], results[1])
    }
}

extension RNNModesTests {
    /// One LSTM direction split over two threads (by hidden units, meeting once per step)
    /// computes what one thread does, forward and backward, padded and variable-length.
    func testTwoThreadRecurrenceMatchesOneThread() throws {
        let saved = IntraOpThreads.count
        defer { IntraOpThreads.set(saved) }
        Tensor.manualSeed(13)
        let lstm = try RNN(.lstm, inputSize: 7, hiddenSize: 40, numLayers: 2, bidirectional: true)
        lstm.concurrentDirections = false
        let x = Tensor.randn([9, 4, 7])
        for lengths in [nil, [9, 4, 1, 6]] as [[Int]?] {
            var results: [[Float]] = []
            for threads in [2, 1] {
                IntraOpThreads.set(threads)
                lstm.zeroGrad()
                let r = try lstm.forward(x, h0: nil, lengths: lengths)
                try r.output.pow(2).sum().add(try r.c!.sum()).add(try r.h.mul(0.5).sum()).backward()
                results.append(r.output.toFloatArray() + r.h.toFloatArray() + r.c!.toFloatArray()
                               + lstm.parameters().flatMap { $0.grad?.toFloatArray() ?? [] })
            }
            XCTAssertEqual(results[0].count, results[1].count)
            let worst = zip(results[0], results[1]).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
            XCTAssertLessThan(worst, 1e-5, "lengths \(String(describing: lengths))")
        }
    }
}

final class PackedSequenceTests: XCTestCase {
    func testPackChecksAndPadding() throws {
        let x = Tensor.ones([4, 2, 3])
        XCTAssertThrowsError(try Functional.packPaddedSequence(x, lengths: [2, 4])) {
            XCTAssertTrue("\($0)".contains("sorted in decreasing order"), "\($0)")
        }
        XCTAssertThrowsError(try Functional.packPaddedSequence(x, lengths: [5, 1], enforceSorted: false))
        let p = try Functional.packPaddedSequence(x, lengths: [2, 4], enforceSorted: false)
        let (padded, lengths) = try Functional.padPackedSequence(p, batchFirst: true, paddingValue: -1, totalLength: 5)
        XCTAssertEqual(padded.shape, [2, 5, 3])
        XCTAssertEqual(lengths.toIntArray(), [2, 4])
        XCTAssertEqual(try padded.select(dim: 0, index: 0).sum(dims: [1]).toFloatArray(), [3, 3, -3, -3, -3])
    }
}
