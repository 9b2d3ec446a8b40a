@testable import Engine
import Foundation
import Tensor
import XCTest

/// A tiny regression model in plain Swift (y = w·x + b, SGD with momentum, random gradient noise),
/// so the loop's bookkeeping, kill-and-resume and stop requests can be checked without tensors.
final class LinearBackend: TrainingBackend {
    typealias Batch = [(x: Double, y: Double)]
    struct Killed: Error {}

    var w = 0.0, b = 0.0, mw = 0.0, mb = 0.0, gw = 0.0, gb = 0.0, lr = 0.0
    var rng = SplitMix64(seed: 0)
    var killAtGlobalStep: Int?
    var killAtEval: (epoch: Int, dataset: String)?
    var learningRates: [Double] = []

    private func uniform() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }

    func seed(_ seed: Int) { rng = SplitMix64(seed: UInt64(seed)) }

    func initModel(epoch: Int, step: Int) throws {
        w = uniform() - 0.5
        b = 0
        mw = 0; mb = 0; gw = 0; gb = 0
    }

    func batches(dataset name: String, epoch: Int) throws -> AnyIterator<Batch> {
        var data = SplitMix64(seed: name == "train" ? 1234 : 99)
        var samples: Batch = (0..<(name == "train" ? 24 : 6)).map { _ in
            let x = Double(data.next() % 1000) / 250 - 2
            return (x, 3 * x + 1 + Double(data.next() % 100) / 500)
        }
        if name == "train" {
            for i in stride(from: samples.count - 1, to: 0, by: -1) { samples.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        }
        let size = name == "train" ? 3 : 2
        var index = 0
        if let kill = killAtEval, kill.epoch == epoch, kill.dataset == name { throw Killed() }
        return AnyIterator {
            guard index < samples.count else { return nil }
            defer { index += size }
            return Array(samples[index..<min(index + size, samples.count)])
        }
    }

    private func loss(_ batch: Batch) -> Double { batch.reduce(0) { $0 + pow(w * $1.x + b - $1.y, 2) } }

    func trainStep(_ batch: Batch, context: StepContext) throws -> StepOutcome {
        if context.globalStep == killAtGlobalStep { throw Killed() }
        let n = Double(batch.count)
        for (x, y) in batch {
            let e = w * x + b - y
            gw += 2 * e * x / n * (1 + 0.05 * uniform())
            gb += 2 * e / n
        }
        let value = loss(batch)
        if context.isUpdateStep, try context.acceptGradient(norm: (gw * gw + gb * gb).squareRoot()) {
            mw = 0.9 * mw + gw; mb = 0.9 * mb + gb
            w -= lr * mw; b -= lr * mb
        }
        if context.isUpdateStep { gw = 0; gb = 0 }
        return StepOutcome(losses: [StepLoss(name: "mse", value: value, invNormFactor: n)], frames: batch.count)
    }

    func evalStep(_ batch: Batch, context: StepContext) throws -> StepOutcome {
        StepOutcome(losses: [StepLoss(name: "mse", value: loss(batch), invNormFactor: Double(batch.count))])
    }

    func setLearningRate(_ learningRate: Double) { lr = learningRate; learningRates.append(learningRate) }

    static func record(_ name: String, _ value: Double) -> TensorRecord {
        TensorRecord(name: name, dtype: .float64, shape: [], bytes: (0..<8).map { UInt8(truncatingIfNeeded: value.bitPattern >> (8 * $0)) })
    }

    func modelState() throws -> ModelCheckpoint {
        ModelCheckpoint(parameters: [Self.record("w", w), Self.record("b", b)], epoch: nil, step: nil)
    }

    func loadModelState(_ checkpoint: ModelCheckpoint) throws {
        let values = Dictionary(uniqueKeysWithValues: checkpoint.parameters.map { ($0.name, $0.doubleValues()![0]) })
        w = values["w"]!; b = values["b"]!
    }

    func optimizerState() throws -> OptimizerCheckpoint? {
        var group = PickleDict()
        group.set(.string("lr"), .float(lr))
        group.set(.string("momentum"), .float(0.9))
        group.set(.string("params"), .list([.int(0), .int(1)]))
        return OptimizerCheckpoint(state: [
            OptimizerParameterState(index: 0, names: ["momentum_buffer"], entries: ["momentum_buffer": .tensor(Self.record("m", mw))]),
            OptimizerParameterState(index: 1, names: ["momentum_buffer"], entries: ["momentum_buffer": .tensor(Self.record("m", mb))]),
        ], paramGroups: [group])
    }

    func loadOptimizerState(_ checkpoint: OptimizerCheckpoint) throws {
        func buffer(_ i: Int) -> Double {
            guard case .tensor(let r)? = checkpoint.state.first(where: { $0.index == i })?.entries["momentum_buffer"] else { return .nan }
            return r.doubleValues()![0]
        }
        mw = buffer(0); mb = buffer(1)
    }
}

final class EpochLoopTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws { dir = try EngineTestSupport.temporaryDirectory("loop") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private func config(_ run: String) -> DictionaryConfig {
        DictionaryConfig([
            "model": .string(dir.appendingPathComponent("\(run)/net/model").path),
            "learning_rate_file": .string(dir.appendingPathComponent("\(run)/learning_rates").path),
            "num_epochs": .int(6), "learning_rate": .float(0.05), "learning_rate_control": .string("newbob_rel"),
            "newbob_relative_error_threshold": .float(-0.3), "dev": .dict([]), "save_interval": .int(2),
            "cleanup_old_models": .dict([(.string("keep_last_n"), .int(1)), (.string("keep_best_n"), .int(1))]),
            "gradient_clip_norm": .float(100), "accum_grad_multiple_step": .int(2), "random_seed": .int(7),
        ])
    }

    private func makeLoop(_ run: String, _ backend: LinearBackend, events: @escaping (EngineEvent) -> Void = { _ in }) throws -> EpochLoop<LinearBackend> {
        let c = config(run)
        return EpochLoop(settings: try EngineSettings(config: c), modelSettings: try EpochModelSettings(config: c),
                         control: try LearningRateControl(options: LearningRateControlOptions(config: c)), backend: backend, events: events)
    }

    private func runFiles(_ run: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("\(run)/net").path).sorted()
    }

    private func text(_ run: String) throws -> String {
        try String(contentsOfFile: dir.appendingPathComponent("\(run)/learning_rates").path, encoding: .utf8)
    }

    func testKilledRunResumesToTheSameResult() throws {
        let reference = LinearBackend()
        var lines: [String] = []
        let loop = try makeLoop("a", reference) { if case .log(let v, let t) = $0, v <= 4 { lines.append(t) } }
        try loop.start()
        XCTAssertEqual(try loop.train(), .finished(epoch: 6))
        XCTAssertEqual(loop.globalStep, 48)
        let dev = { (e: Int) in loop.control.epochData[e]?.error["dev_loss_mse"] ?? .nan }
        XCTAssertLessThan(dev(6), dev(1) / 4, "the dev score falls")
        XCTAssertTrue(lines.contains("start epoch 1 with learning rate 0.05 ..."))
        XCTAssertTrue(Set(reference.learningRates).count > 1, "newbob changed the learning rate: \(reference.learningRates)")

        // Killed in epoch 3 (global step 9), then after saving epoch 4 but before its dev evaluation.
        let first = LinearBackend()
        first.killAtGlobalStep = 19
        let loop1 = try makeLoop("b", first)
        try loop1.start()
        XCTAssertThrowsError(try loop1.train()) { XCTAssertTrue($0 is LinearBackend.Killed) }
        let second = LinearBackend()
        second.killAtEval = (4, "dev")
        let loop2 = try makeLoop("b", second)
        try loop2.start()
        XCTAssertEqual(loop2.epoch, 2, "resumed from the last saved epoch")
        XCTAssertThrowsError(try loop2.train()) { XCTAssertTrue($0 is LinearBackend.Killed) }
        let third = LinearBackend()
        let loop3 = try makeLoop("b", third)
        try loop3.start()
        XCTAssertEqual(loop3.epoch, 4, "epoch 4's checkpoint was complete; its dev score is computed on start")
        XCTAssertEqual(try loop3.train(), .finished(epoch: 6))

        XCTAssertEqual(third.w.bitPattern, reference.w.bitPattern)
        XCTAssertEqual(third.b.bitPattern, reference.b.bitPattern)
        XCTAssertEqual(try text("b"), try text("a"), "identical learning_rates file")
        XCTAssertEqual(try runFiles("b"), try runFiles("a"))
        // Saved 2, 4, 6; cleanup kept only the last, which is also the best; optimizer files rotated.
        XCTAssertEqual(try runFiles("a"), ["model.006.opt.safetensors", "model.006.safetensors"])
    }

    func testStopRequestPausesAtAStepBoundaryAndContinues() throws {
        let reference = LinearBackend()
        let refLoop = try makeLoop("a", reference)
        try refLoop.start()
        _ = try refLoop.train()

        let backend = LinearBackend()
        var steps = 0
        var loop: EpochLoop<LinearBackend>!
        loop = try makeLoop("c", backend) { event in
            if case .trainStep = event {
                steps += 1
                if steps == 14 { loop.requestStop() }
            }
        }
        try loop.start()
        XCTAssertEqual(try loop.train(), .stopped(epoch: 2, globalStep: 14))
        XCTAssertEqual(loop.epoch, 1)
        XCTAssertEqual(try loop.train(epochs: 1), .finished(epoch: 2), "the epoch continues where it stopped")
        XCTAssertEqual(try loop.train(), .finished(epoch: 6))
        XCTAssertEqual(backend.w.bitPattern, reference.w.bitPattern)
        XCTAssertEqual(try text("c"), try text("a"))
    }

    func testEmptyDevDatasetIsAnError() throws {
        final class NoDev: TrainingBackend {
            func seed(_ seed: Int) {}
            func initModel(epoch: Int, step: Int) throws {}
            func batches(dataset name: String, epoch: Int) throws -> AnyIterator<Int> {
                AnyIterator(name == "train" ? [1, 2].makeIterator() : [Int]().makeIterator())
            }
            func trainStep(_ batch: Int, context: StepContext) throws -> StepOutcome { StepOutcome(losses: [StepLoss(name: "l", value: 1)]) }
            func evalStep(_ batch: Int, context: StepContext) throws -> StepOutcome { StepOutcome(losses: []) }
            func setLearningRate(_ learningRate: Double) {}
            func modelState() throws -> ModelCheckpoint { ModelCheckpoint(parameters: [], epoch: nil, step: nil) }
            func loadModelState(_ checkpoint: ModelCheckpoint) throws {}
            func optimizerState() throws -> OptimizerCheckpoint? { nil }
            func loadOptimizerState(_ checkpoint: OptimizerCheckpoint) throws {}
        }
        let c = DictionaryConfig(["dev": .dict([]), "num_epochs": .int(1)])
        let loop = EpochLoop(settings: try EngineSettings(config: c), modelSettings: try EpochModelSettings(config: c),
                             control: try LearningRateControl(options: LearningRateControlOptions(config: c)), backend: NoDev())
        try loop.start()
        XCTAssertThrowsError(try loop.train()) { XCTAssertEqual("\($0)", "No data in dataset 'dev'.") }
    }
}
