import Datasets
@testable import Engine
import Foundation
import Tensor
import XCTest

/// End-to-end runs of the Engine with Tensor modules on a generated corpus (seeded): training
/// lowers the loss and writes the learning_rates file and checkpoints; a killed run resumes to
/// bit-identical checkpoints; eval reproduces the stored dev score; forward output reads back.
final class TensorEngineTests: XCTestCase {
    private var dir: URL!
    private var corpus: (train: String, dev: String)!

    override func setUpWithError() throws {
        dir = try EngineTestSupport.temporaryDirectory("tensor")
        corpus = try TensorEngineSupport.writeCorpus(dir)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private func engine(_ run: String, extra: [String: ConfigValue] = [:],
                        onStep: @escaping (RunContext) throws -> Void = { _ in }) throws -> Engine {
        try Engine(config: TensorEngineSupport.config(runDir: dir.appendingPathComponent(run), corpus: corpus, extra: extra),
                   functions: TensorEngineSupport.functions(onStep: onStep))
    }

    private func data(_ run: String, _ file: String) throws -> Data {
        try Data(contentsOf: dir.appendingPathComponent(run).appendingPathComponent(file))
    }

    private func checkpoint(_ run: String, epoch: Int) -> String {
        dir.appendingPathComponent("\(run)/models/epoch.00\(epoch).safetensors").path
    }

    func testTrainingLowersTheLossAndWritesFiles() throws {
        var summaries: [String] = []
        let e = try engine("a")
        e.events = { if case .epochSummary(let s) = $0 { summaries.append(s) } }
        XCTAssertEqual(try e.train(), .finished(epoch: 3))
        let epochs = e.loop.control.epochData
        XCTAssertEqual(epochs.keys.sorted(), [1, 2, 3])
        let train = try XCTUnwrap(epochs[1]?.error["ce"]), train3 = try XCTUnwrap(epochs[3]?.error["ce"])
        let dev1 = try XCTUnwrap(epochs[1]?.error["dev_loss_ce"]), dev3 = try XCTUnwrap(epochs[3]?.error["dev_loss_ce"])
        XCTAssertLessThan(train3, train * 0.8, "train CE should fall")
        XCTAssertLessThan(dev3, dev1, "dev CE should fall")
        XCTAssertLessThan(dev3, log(4.0), "better than chance")
        XCTAssertEqual(summaries.count, 3)
        let models = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("a/models").path).sorted()
        XCTAssertEqual(models, ["epoch.001.safetensors", "epoch.002.opt.safetensors", "epoch.002.safetensors",
                                "epoch.003.opt.safetensors", "epoch.003.safetensors"])
        let saved = try ModelCheckpoint.load(from: dir.appendingPathComponent("a/models/epoch.003.safetensors").path)
        XCTAssertEqual(saved.parameters.map(\.name), ["linear_in.weight", "linear_in.bias", "linear_out.weight", "linear_out.bias"])
        XCTAssertEqual(saved.epoch, 3)
        XCTAssertEqual(saved.step, e.loop.globalStep)
        let live = e.model!.stateDict().first!.1.toFloatArray()
        XCTAssertEqual(saved.parameters[0].float32Values(), live)
    }

    func testKilledRunResumesToBitIdenticalCheckpoints() throws {
        struct Killed: Error {}
        XCTAssertEqual(try engine("ref").train(), .finished(epoch: 3))
        let killed = try engine("b") { run in if run.epoch == 2 && run.stepInEpoch == 3 { throw Killed() } }
        XCTAssertThrowsError(try killed.train())
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("b/models/epoch.002.safetensors").path))
        let resumed = try engine("b")
        XCTAssertEqual(try resumed.train(), .finished(epoch: 3))
        for file in ["models/epoch.003.safetensors", "models/epoch.003.opt.safetensors", "models/epoch.002.safetensors", "learning_rates"] {
            XCTAssertEqual(try data("b", file), try data("ref", file), file)
        }
    }

    func testStopRequestContinuesTheEpochUnchanged() throws {
        XCTAssertEqual(try engine("ref").train(), .finished(epoch: 3))
        var stopper: Engine?
        let e = try engine("c") { run in if run.epoch == 2 && run.stepInEpoch == 2 { stopper?.requestStop() } }
        stopper = e
        guard case .stopped(epoch: 2, _) = try e.train() else { return XCTFail("expected a stop in epoch 2") }
        stopper = nil
        XCTAssertEqual(try e.train(), .finished(epoch: 3))
        XCTAssertEqual(try data("c", "models/epoch.003.safetensors"), try data("ref", "models/epoch.003.safetensors"))
    }

    func testEvalTaskReproducesTheStoredDevScore() throws {
        let trained = try engine("a")
        try trained.train()
        let stored = try XCTUnwrap(trained.loop.control.epochData[3]?.error["dev_loss_ce"])
        let e = try engine("a", extra: ["task": .string("eval"), "load": .string(checkpoint("a", epoch: 3))])
        let scores = try e.evaluate()
        XCTAssertEqual(scores.map(\.dataset), ["dev"])
        XCTAssertEqual(try XCTUnwrap(scores.first?.scores["dev_loss_ce"]), stored, accuracy: 1e-6)
    }

    func testForwardWritesOutputsThatReadBack() throws {
        try engine("a").train()
        let output = dir.appendingPathComponent("a/forward.hdf").path
        let e = try engine("a", extra: ["task": .string("forward"), "forward": TensorEngineSupport.hdf(corpus.dev, ordering: "default"),
                                        "forward_output_file": .string(output), "load": .string(checkpoint("a", epoch: 3))])
        try e.run()
        let written = try HDFDataset(files: [output])
        let source = try HDFDataset(files: [corpus.dev])
        try written.initSeqOrder(epoch: 1)
        try source.initSeqOrder(epoch: 1)
        XCTAssertEqual(written.numSeqs, source.numSeqs)
        let model = try XCTUnwrap(e.model)
        for i in [0, source.numSeqs - 1] {
            XCTAssertEqual(try written.getTag(i), try source.getTag(i))
            guard case .array(let x) = try source.getData(i, "data"), case .array(let y) = try written.getData(i, "data") else {
                return XCTFail("expected arrays")
            }
            let expected = try noGrad { try model(try Tensor(x.elements(as: Float.self), shape: [1] + x.shape)).logSoftmax(dim: -1) }
            XCTAssertEqual(y.shape, [x.shape[0], TensorEngineSupport.classes])
            let got = y.elements(as: Float.self), want = expected.toFloatArray()
            XCTAssertEqual(got.count, want.count)
            for (a, b) in zip(got, want) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        }
    }

    func testInteractiveFunctions() throws {
        let e = try engine("i")
        try e.initModel()
        let batch = try e.nextBatch(dataset: "train")
        XCTAssertEqual(Array(batch.keys.prefix(4)), ["data:size1", "data:size2", "data", "data:size0"])
        let before = e.model!.parameters().map { $0.toFloatArray() }
        let losses = try e.runTrainStep(batch)
        XCTAssertEqual(losses.keys.sorted(), ["ce"])
        XCTAssertEqual(e.model!.parameters().map { $0.toFloatArray() }, before, "run_train_step must not update")
        let norms = e.grads()
        XCTAssertEqual(norms.map(\.name), ["linear_in.weight", "linear_in.bias", "linear_out.weight", "linear_out.bias"])
        XCTAssertTrue(norms.allSatisfy { $0.norm > 0 && $0.norm.isFinite })
        XCTAssertEqual(try e.train(epochs: 1), .finished(epoch: 1))
        XCTAssertEqual(e.lr(), 0.01)
        XCTAssertTrue(e.scores().contains { $0.contains("dev_loss_ce") })
        try e.loadModel(epoch: 1)
    }

    func testNonFiniteLossStopsBeforeTheUpdateAndKeepsSavedEpochs() throws {
        let e = try Engine(config: TensorEngineSupport.config(runDir: dir.appendingPathComponent("n"), corpus: corpus),
                           functions: ModelFunctions(
                               getModel: { _, _ in try FramewiseMLP(dim: TensorEngineSupport.dim, hidden: 16, classes: TensorEngineSupport.classes) },
                               trainStep: { model, data, run in
                                   guard run.epoch == 2 && run.stepInEpoch == 1 else { return try TensorEngineSupport.trainStep(model, data, run) }
                                   let x = try data.tensor("data")
                                   try run.markAsLoss(try model(x).sum().mul(Double.nan), name: "ce")
                               }))
        try e.initModel()
        XCTAssertEqual(try e.train(epochs: 1), .finished(epoch: 1))
        let before = e.model!.parameters().map { $0.toFloatArray() }
        XCTAssertThrowsError(try e.train()) { error in
            guard let nonFinite = error as? NonFiniteLossError else { return XCTFail("\(error)") }
            XCTAssertEqual(nonFinite.epoch, 2)
            XCTAssertTrue(nonFinite.description.contains("epoch 2, step \(nonFinite.step)"), nonFinite.description)
        }
        XCTAssertTrue(e.model!.parameters().allSatisfy { $0.toFloatArray().allSatisfy(\.isFinite) }, "no NaN update")
        XCTAssertNotEqual(e.model!.parameters().map { $0.toFloatArray() }, before, "step 0 of epoch 2 did update")
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("n/models/epoch.001.safetensors").path))
    }

    func testMissingDatasetAndBadOptimizerNameTheSetting() throws {
        let e = try engine("m", extra: ["train": .none])
        XCTAssertThrowsError(try e.train()) { XCTAssertTrue("\($0)".contains("'train'"), "\($0)") }
        XCTAssertThrowsError(try engine("m2", extra: ["optimizer": .dict([(.string("class"), .string("nadamx"))])]).initModel()) {
            XCTAssertTrue("\($0)".contains("optimizer"), "\($0)")
        }
        let bad = try engine("m3") { _ in throw EngineRunError(message: "boom") }
        XCTAssertThrowsError(try bad.train()) { XCTAssertEqual("\($0)", "while running train_step: boom") }
    }

    func testMissingDevFileFailsBeforeTheFirstStep() throws {
        var steps = 0
        let missing = dir.appendingPathComponent("no-such-dev.hdf").path
        let e = try engine("md", extra: ["dev": TensorEngineSupport.hdf(missing, ordering: "sorted")]) { _ in steps += 1 }
        XCTAssertThrowsError(try e.train()) { XCTAssertTrue("\($0)".contains("no-such-dev.hdf"), "\($0)") }
        XCTAssertEqual(steps, 0, "the missing dev file is reported before epoch 1 trains")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("md/models/epoch.001.safetensors").path))
    }

    func testForwardReadsTheLegacyForwardDataKey() throws {
        try engine("f").train()
        let output = dir.appendingPathComponent("f/forward.hdf").path
        let e = try engine("f", extra: ["task": .string("forward"), "forward_data": TensorEngineSupport.hdf(corpus.dev, ordering: "default"),
                                        "forward_output_file": .string(output), "load": .string(checkpoint("f", epoch: 3))])
        try e.run()
        let written = try HDFDataset(files: [output])
        try written.initSeqOrder(epoch: 1)
        let source = try HDFDataset(files: [corpus.dev])
        try source.initSeqOrder(epoch: 1)
        XCTAssertEqual(written.numSeqs, source.numSeqs)
    }

    func testRunContextTotalLoss() throws {
        let run = RunContext(epoch: 1, globalStep: 0, stage: "train_step")
        try run.markAsLoss(Tensor.scalar(6), name: "a", invNormFactor: Tensor.scalar(3))
        try run.markAsLoss(Tensor.scalar(5), name: "b", scale: 0.5)
        try run.markAsLoss(Tensor.scalar(100), name: "c", scale: 0)
        XCTAssertEqual(try run.totalLoss().item(), 2 + 2.5, accuracy: 1e-6)
        XCTAssertThrowsError(try run.markAsLoss(Tensor.scalar(1), name: "a"))
        XCTAssertThrowsError(try run.markAsLoss(Tensor.zeros([2]), name: "d"))
    }

    func testOptimizerSettings() throws {
        let p = try Tensor.zeros([3]).requiresGrad(true)
        func make(_ items: [(String, ConfigValue)]) throws -> Optimizer {
            let c = DictionaryConfig(["optimizer": .dict(items.map { (.string($0.0), $0.1) })])
            return try OptimizerFactory.make(try EngineSettings(config: c).optimizer, parameters: [p], learningRate: 0.1, weightDecay: 0.5)
        }
        let adam = try make([("class", .string("AdamW")), ("epsilon", .float(1e-6)), ("betas", .list([.float(0.8), .float(0.9)]))])
        XCTAssertEqual(adam.paramGroups[0].options["eps"], 1e-6)
        XCTAssertEqual(adam.paramGroups[0].options["beta1"], 0.8)
        XCTAssertEqual(adam.paramGroups[0].options["weight_decay"], 0.5, "global weight_decay applies")
        XCTAssertTrue((adam as? Adam)?.decoupled == true)
        let sgd = try make([("class", .string("sgd")), ("momentum", .float(0.9)), ("weight_decay", .float(0))])
        XCTAssertTrue(sgd is SGD)
        XCTAssertEqual(sgd.paramGroups[0].options["weight_decay"], 0)
        XCTAssertThrowsError(try make([("class", .string("adamm"))])) { XCTAssertTrue("\($0)".contains("did you mean 'adam'"), "\($0)") }
        XCTAssertThrowsError(try make([("class", .string("adam")), ("betass", .list([]))])) { XCTAssertTrue("\($0)".contains("betas"), "\($0)") }
    }
}

/// Resuming from Mini-RETURNN's own `.pt` checkpoints (fixture F: Sequential(Linear(3,4),
/// BatchNorm1d(4), Linear(4,2)) after 3 epochs of Adam): the model and the Adam state are loaded,
/// and training continues with epoch 4.
final class TorchResumeTests: XCTestCase {
    func testTrainingContinuesFromMiniReturnnCheckpoints() throws {
        let fixtures = EngineTestSupport.fixturesRoot().appendingPathComponent("F")
        let expected = try EngineTestSupport.jsonObject(try EngineTestSupport.fixture(fixtures.appendingPathComponent("F.expected.json")))
        let dir = try EngineTestSupport.temporaryDirectory("torch-resume")
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = try XCTUnwrap(expected["files_present"] as? [String])
        for file in files {
            try FileManager.default.copyItem(at: try EngineTestSupport.fixture(fixtures.appendingPathComponent(file)),
                                             to: dir.appendingPathComponent(file))
        }
        let config = DictionaryConfig([
            "train": .dict([(.string("class"), .string("DummyDataset")), (.string("input_dim"), .int(3)), (.string("output_dim"), .int(2)),
                            (.string("num_seqs"), .int(8)), (.string("seq_len"), .int(5))]),
            "batch_size": .int(20), "max_seqs": .int(4), "num_epochs": .int(4), "learning_rate": .float(1e-3),
            "optimizer": .dict([(.string("class"), .string("adam"))]), "model": .string(dir.appendingPathComponent("model").path),
        ])
        let functions = ModelFunctions(
            getModel: { _, _ in try Sequential([try Linear(3, 4), try BatchNorm1d(4), try Linear(4, 2)]) },
            trainStep: { model, data, run in
                let x = try data.tensor("data"), mask = try Functional.sequenceMask(try data.tensor("data:size1"), maxLen: x.shape[1])
                let logits = try model(try x.index([.tensor(mask)]))
                let loss = try Functional.crossEntropy(logits, try data.tensor("classes").index([.tensor(mask)]), reduction: .sum)
                try run.markAsLoss(loss, name: "ce", invNormFactor: try mask.sum())
            })
        let engine = try Engine(config: config, functions: functions)
        try engine.initModel()
        XCTAssertEqual(engine.loop.epoch, 3)
        let stored = try ModelCheckpoint.load(from: dir.appendingPathComponent("model.003.pt").path)
        let live = Dictionary(uniqueKeysWithValues: engine.model!.stateDict().map { ($0.0, $0.1) })
        XCTAssertEqual(Set(stored.parameters.map(\.name)), Set(live.keys))
        for record in stored.parameters where record.dtype == .float32 {
            XCTAssertEqual(live[record.name]?.toFloatArray(), record.float32Values(), record.name)
        }
        let state = try XCTUnwrap((expected["files"] as? [String: Any])?["model.003.opt.pt"] as? [String: Any])
        let firstStep = try XCTUnwrap((((state["state"] as? [String: Any])?["0"] as? [String: Any])?["step"] as? [String: Any])?["values"] as? Double)
        let optimizer = try XCTUnwrap(engine.backend.optimizer)
        let firstParameter = engine.backend.parameters[0].tensor
        XCTAssertEqual(optimizer.state(for: firstParameter).step, firstStep)
        XCTAssertEqual(try engine.train(), .finished(epoch: 4))
        XCTAssertEqual(optimizer.state(for: firstParameter).step, firstStep + 2, "two Adam steps in epoch 4")
        let saved = try ModelCheckpoint.load(from: dir.appendingPathComponent("model.004.safetensors").path)
        XCTAssertEqual(saved.epoch, 4)
        XCTAssertNotEqual(saved.parameters.first { $0.name == "0.weight" }?.float32Values(),
                          stored.parameters.first { $0.name == "0.weight" }?.float32Values())
    }
}
