@testable import Engine
import Foundation
import XCTest

final class ForwardAndEvalTests: XCTestCase {
    func testForwardRunOrderAndEmptyDataset() throws {
        var calls: [String] = []
        let run = ForwardRun<Int>(initHook: { calls.append("init \($0.stage)") },
                                  step: { batch, ctx in calls.append("step \(ctx.stepInEpoch): \(batch) epoch \(ctx.epoch)") },
                                  finishHook: { _ in calls.append("finish") })
        XCTAssertEqual(try run.run(AnyIterator([10, 20].makeIterator()), epoch: 3, globalStep: 7), 2)
        XCTAssertEqual(calls, ["init forward_step", "step 0: 10 epoch 3", "step 1: 20 epoch 3", "finish"])
        XCTAssertThrowsError(try run.run(AnyIterator([Int]().makeIterator()), epoch: 1, globalStep: 0)) {
            XCTAssertEqual("\($0)", "No data in forward dataset")
        }
    }

    /// task = "eval": load a checkpoint and score it on dev without writing the learning_rates file.
    func testEvalTaskScoresTheLoadedModel() throws {
        let dir = try EngineTestSupport.temporaryDirectory("eval")
        defer { try? FileManager.default.removeItem(at: dir) }
        let trainConfig = DictionaryConfig(["model": .string(dir.appendingPathComponent("model").path), "num_epochs": .int(2),
                                            "learning_rate": .float(0.05), "dev": .dict([])])
        let trained = LinearBackend()
        let loop = EpochLoop(settings: try EngineSettings(config: trainConfig), modelSettings: try EpochModelSettings(config: trainConfig),
                             control: try LearningRateControl(options: LearningRateControlOptions(config: trainConfig)), backend: trained)
        try loop.start()
        _ = try loop.train()
        let devAfterTraining = try XCTUnwrap(loop.control.epochData[2]?.error["dev_loss_mse"])

        let lrFile = dir.appendingPathComponent("lr").path
        let evalConfig = DictionaryConfig(["task": .string("eval"), "load": .string(dir.appendingPathComponent("model.002.safetensors").path),
                                           "dev": .dict([]), "learning_rate_file": .string(lrFile)])
        let evalLoop = EpochLoop(settings: try EngineSettings(config: evalConfig), modelSettings: try EpochModelSettings(config: evalConfig),
                                 control: try LearningRateControl(options: LearningRateControlOptions(config: evalConfig)), backend: LinearBackend())
        try evalLoop.start()
        XCTAssertEqual(evalLoop.epoch, 2, "epoch read from the checkpoint")
        let results = try evalLoop.evaluateLoadedModel()
        XCTAssertEqual(results.map(\.dataset), ["dev"])
        XCTAssertEqual(results.first?.scores["dev_loss_mse"], devAfterTraining)
        XCTAssertFalse(FileManager.default.fileExists(atPath: lrFile))

        let noLoad = DictionaryConfig(["task": .string("eval")])
        let bad = EpochLoop(settings: try EngineSettings(config: noLoad), modelSettings: try EpochModelSettings(config: noLoad),
                            control: try LearningRateControl(options: LearningRateControlOptions()), backend: LinearBackend())
        XCTAssertThrowsError(try bad.start()) { XCTAssertEqual("\($0)", "no model given (config option load) but task is eval, not train") }
    }
}
