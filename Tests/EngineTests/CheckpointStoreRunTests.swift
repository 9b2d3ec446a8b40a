@testable import Engine
import Foundation
import Tensor
import XCTest

/// A simulated run on disk: saving every save_interval epochs, optimizer rotation, cleanup,
/// leftovers of an interrupted write, and what a resumed run loads.
final class CheckpointStoreRunTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws { dir = try EngineTestSupport.temporaryDirectory("run") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private func files() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("net").path).sorted()
    }

    private func model(_ epoch: Int) -> ModelCheckpoint {
        ModelCheckpoint(parameters: [TensorRecord(name: "w", shape: [2], float32: [Float(epoch), -1])], epoch: nil, step: epoch * 10)
    }

    private func optimizer(_ epoch: Int) -> OptimizerCheckpoint {
        var group = PickleDict()
        group.set(.string("lr"), .float(0.001))
        group.set(.string("params"), .list([.int(0)]))
        return OptimizerCheckpoint(state: [OptimizerParameterState(index: 0, names: ["step", "exp_avg"], entries: [
            "step": .tensor(TensorRecord(name: "step", shape: [], float32: [Float(epoch * 10)])),
            "exp_avg": .tensor(TensorRecord(name: "exp_avg", shape: [2], float32: [0.5, Float(epoch)])),
        ])], paramGroups: [group])
    }

    func testRunSavesRotatesCleansAndResumes() throws {
        let prefix = dir.appendingPathComponent("net/model").path
        let store = CheckpointStore(prefix: prefix)
        var cleanup = CleanupOptions()
        cleanup.keepLastN = 1
        cleanup.keepBestN = 1
        let devScores = [1: 3.0, 2: 2.0, 3: 2.5, 4: 1.5, 5: 1.7, 6: 1.9, 7: 1.8]
        var epochData: [Int: EpochData] = [:]
        for epoch in 1...7 {
            epochData[epoch] = EpochData(learningRate: 0.001, error: ["dev_loss_ce": devScores[epoch]!])
            guard CheckpointNames.shouldSave(epoch: epoch, saveInterval: 2, finalEpoch: 7) else { continue }
            try store.save(epoch: epoch, model: model(epoch), optimizer: optimizer(epoch))
            let plan = CheckpointCleanup.plan(modelEpochs: Array(store.existingModels(finalEpoch: 7).keys),
                                              epochData: epochData, options: cleanup)
            try store.apply(plan)
        }
        // Saved 2, 4, 6, 7; cleanup keeps the last (7) and the best dev score among stored (4).
        XCTAssertEqual(try files(), ["model.004.safetensors", "model.006.opt.safetensors",
                                     "model.007.opt.safetensors", "model.007.safetensors"])
        // A write interrupted before its rename leaves only a temporary file, which never counts.
        try Data("partial".utf8).write(to: URL(fileURLWithPath: prefix + ".008.safetensors.tmp"))
        var settings = EpochModelSettings()
        settings.model = prefix
        settings.numEpochs = 10
        let choice = try EpochModelChoice.choose(settings) { FileManager.default.fileExists(atPath: $0) }
        XCTAssertEqual(choice.epoch, 7)
        XCTAssertEqual(choice.trainStartEpoch, 8)
        let (loaded, optimizerState) = try CheckpointStore.loadForResume(try XCTUnwrap(choice.filename), allowMissingOptimizer: false)
        XCTAssertEqual(loaded.epoch, 7)
        XCTAssertEqual(loaded.step, 70)
        XCTAssertEqual(loaded.parameters, model(7).parameters)
        XCTAssertEqual(optimizerState?.state, optimizer(7).state)
        XCTAssertEqual(optimizerState?.step, 70)
    }

    func testMissingOptimizerOnResume() throws {
        let prefix = dir.appendingPathComponent("net/model").path
        try CheckpointStore(prefix: prefix).save(epoch: 1, model: model(1), optimizer: nil)
        let pattern = CheckpointNames.epochModelFilename(prefix, epoch: 1)
        XCTAssertThrowsError(try CheckpointStore.loadForResume(pattern, allowMissingOptimizer: false)) {
            XCTAssertEqual("\($0)", "\(pattern).opt.safetensors: optimizer file not found and allow_missing_optimizer_checkpoint is False")
        }
        let (m, o) = try CheckpointStore.loadForResume(pattern, allowMissingOptimizer: true)
        XCTAssertEqual(m.epoch, 1)
        XCTAssertNil(o)
        XCTAssertThrowsError(try CheckpointStore.loadForResume(prefix + ".009", allowMissingOptimizer: true)) {
            XCTAssertTrue("\($0)".contains("model checkpoint not found"))
        }
    }

    /// Resuming from the original's files: fixture F's newest model with its optimizer file.
    func testFixtureFResumeFromOriginalFiles() throws {
        let fixture = try FixtureF()
        let want = try XCTUnwrap(fixture.expected["get_epoch_model_for_training"] as? [String: Any])
        let pattern = try XCTUnwrap(want["filename_without_postfix"] as? String)
        let (model, optimizer) = try CheckpointStore.loadForResume(fixture.folder.appendingPathComponent(pattern).path,
                                                                   allowMissingOptimizer: false)
        XCTAssertEqual(model.epoch, want["epoch"] as? Int)
        let stateKeys = (fixture.info(pattern + ".opt.pt")["state"] as? [String: Any])?.count
        XCTAssertEqual(optimizer?.state.count, stateKeys)
    }

    func testAbortedWriterLeavesTargetUntouched() throws {
        let path = dir.appendingPathComponent("lr.txt").path
        try AtomicFileWriter.write(Array("old\n".utf8), to: path)
        let writer = try AtomicFileWriter(path: path)
        try writer.write("new content that never lands")
        writer.abort()
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "old\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + ".new_tmp"))
        XCTAssertThrowsError(try AtomicFileWriter(path: "/proc/none/x")) { XCTAssertTrue("\($0)".contains("/proc/none")) }
    }
}
