@testable import Engine
import Datasets
import Foundation
import XCTest

/// Typed settings, did-you-mean warnings, loss bookkeeping and the original's log lines.
final class EngineSettingsTests: XCTestCase {
    func testDefaultsAreTheOriginals() throws {
        let s = try EngineSettings(config: DictionaryConfig([:]))
        XCTAssertEqual(s.numEpochs, 5)
        XCTAssertEqual(s.batchSize, .all(1))
        XCTAssertEqual(s.maxSeqs, -1)
        XCTAssertEqual(s.randomSeed, 42)
        XCTAssertEqual(s.invalidGradientThreshold, 3)
        XCTAssertTrue(s.stopOnNonfiniteTrainScore)
        XCTAssertNil(s.cleanup)
        XCTAssertEqual(s.log, LogSettings(targets: [("stdout", 3)]))
    }

    func testReadsTypedSettings() throws {
        let config = DictionaryConfig([
            "batch_size": .dict([(.string("data"), .int(5000)), (.string("classes"), .int(300))]),
            "max_seqs": .int(32), "max_seq_length": .int(1200), "num_epochs": .int(40),
            "optimizer": .dict([(.string("class"), .string("AdamW")), (.string("epsilon"), .float(1e-8)),
                                (.string("weight_decay"), .float(0.01)), (.string("learning_rate_multiplier"), .float(0.5))]),
            "gradient_clip_norm": .float(5), "accum_grad_multiple_step": .int(2), "device": .string("gpu"),
            "cleanup_old_models": .dict([(.string("keep"), .list([.int(10)]))]),
            "dev": .dict([]), "eval_datasets": .dict([(.string("devother"), .dict([])), (.string("dev"), .dict([]))]),
            "log": .string("run/returnn.log"), "log_verbosity": .int(5),
        ])
        let s = try EngineSettings(config: config)
        XCTAssertEqual(s.batchSize, .perKey(["data": 5000, "classes": 300]))
        XCTAssertEqual(s.maxSeqLength, .all(1200))
        XCTAssertEqual(s.optimizer?.className, "adamw")
        XCTAssertEqual(s.optimizer?.options, ["eps", "weight_decay"])
        XCTAssertEqual(s.optimizer?.learningRateMultiplier, 0.5)
        XCTAssertEqual(s.gradientClipNorm, 5)
        XCTAssertEqual(s.device, "cuda")
        XCTAssertEqual(s.cleanup?.keep, [10])
        XCTAssertEqual(s.evalDatasetNames, ["dev", "devother"])
        XCTAssertEqual(s.log, LogSettings(targets: [("run/returnn.log", 5), ("stdout", 5)]))
        let perTarget = try LogSettings.read(DictionaryConfig(["log": .list([.string("a"), .string("b")]), "log_verbosity": .list([.int(5), .int(2)])]))
        XCTAssertEqual(perTarget, LogSettings(targets: [("a", 5), ("b", 2), ("stdout", 3)]))
    }

    func testWrongTypesNameTheKey() {
        let cases: [(String, ConfigValue, String)] = [
            ("num_epochs", .string("ten"), "config setting 'num_epochs': cannot read 'ten' as an int"),
            ("batch_size", .list([]), "config setting 'batch_size': expected an int or a dict of data key → int, got list"),
            ("optimizer", .dict([(.string("lr"), .float(1))]), "config setting 'optimizer': 'class' field of 'optimizer' dict was not set (use e.g. 'SGD', 'Adam', ...)"),
            ("optimizer", .dict([(.string("class"), .string("sgd")), (.string("learning_rate"), .float(1))]),
             "config setting 'optimizer': 'learning_rate' should be set outside of the 'optimizer' dict"),
            ("save_interval", .int(0), "config setting 'save_interval': must be >= 1, got 0"),
            ("log_verbosity", .int(7), "config setting 'log_verbosity': invalid verbosity 7 (0...5)"),
            ("learning_rate", .list([]), "config setting 'learning_rate': expected a float, got list"),
        ]
        for (key, value, message) in cases {
            XCTAssertThrowsError(try EngineSettings(config: DictionaryConfig([key: value]))
                                 .learningRateCheck(DictionaryConfig([key: value]))) { XCTAssertEqual("\($0)", message) }
        }
        XCTAssertThrowsError(try LearningRateControlOptions(config: DictionaryConfig(["learning_rate_control": .string("newbobb")]))) {
            XCTAssertTrue("\($0)".hasPrefix("config setting 'learning_rate_control': unknown learning-rate control 'newbobb'"))
        }
    }

    func testDidYouMeanWarnings() {
        let keys = ["batch_sizes", "num_epoch", "learning_rate_controll", "newbob_learning_rate_decy", "Learning_Rate",
                    "train", "get_model", "my_helper", "_private", "model_dim", "lr", "chunk_size", "log"]
        XCTAssertEqual(ConfigKeys.warnings(for: keys), [
            "config setting 'Learning_Rate' is not known to the engine; did you mean 'learning_rate'?",
            "config setting 'batch_sizes' is not known to the engine; did you mean 'batch_size'?",
            "config setting 'learning_rate_controll' is not known to the engine; did you mean 'learning_rate_control'?",
            "config setting 'newbob_learning_rate_decy' is not known to the engine; did you mean 'newbob_learning_rate_decay'?",
            "config setting 'num_epoch' is not known to the engine; did you mean 'num_epochs'?",
        ])
        XCTAssertEqual(DidYouMean.distance("kitten", "sitting"), 3)
        XCTAssertEqual(DidYouMean.distance("", "abc"), 3)
    }

    func testLossAccumulation() throws {
        var train = LossAccumulator()
        train.add([StepLoss(name: "ce", value: 30, invNormFactor: 10), StepLoss(name: "fer", value: 2, scale: 0, invNormFactor: 10)])
        train.add([StepLoss(name: "ce", value: 10, invNormFactor: 30), StepLoss(name: "fer", value: 1, scale: 0, invNormFactor: 30)])
        XCTAssertEqual(train.names, ["ce", "fer"])
        XCTAssertEqual(train.scores(), ["ce": 1.0, "fer": 0.075])
        XCTAssertEqual(train.scores(dataset: "dev"), ["dev_loss_ce": 1.0, "dev_loss_fer": 0.075])
        XCTAssertEqual(LossAccumulator.totalLoss([StepLoss(name: "ce", value: 30, scale: 0.5, invNormFactor: 10),
                                                  StepLoss(name: "aux", value: 4), StepLoss(name: "fer", value: 9, scale: 0)]), 5.5)
        var steps = LossAccumulator()
        steps.add([StepLoss(name: "ce", value: 2)])
        steps.add([StepLoss(name: "ce", value: 4)])
        XCTAssertEqual(steps.averages, ["ce": 3], "without inv_norm_factor the average is per step")
        XCTAssertThrowsError(try NonFiniteLossError.check([StepLoss(name: "ce", value: .nan, invNormFactor: 3)], epoch: 2, step: 17)) {
            XCTAssertEqual("\($0)", "Inf/nan loss in epoch 2, step 17 (ce: nan).")
        }
        XCTAssertNoThrow(try NonFiniteLossError.check([StepLoss(name: "ce", value: 1)], epoch: 1, step: 1))
    }

    func testInvalidGradientGuardAndAccumulation() throws {
        var guardian = InvalidGradientGuard(threshold: 3)
        XCTAssertFalse(try guardian.record(norm: .nan))
        XCTAssertFalse(try guardian.record(norm: .infinity))
        XCTAssertTrue(try guardian.record(norm: 1.5), "a finite norm resets the count")
        XCTAssertFalse(try guardian.record(norm: .nan))
        XCTAssertFalse(try guardian.record(norm: .nan))
        XCTAssertThrowsError(try guardian.record(norm: .nan)) {
            XCTAssertEqual("\($0)", "Got 3 invalid gradients in succession, abort training")
        }
        XCTAssertEqual((0..<6).filter { isUpdateStep($0, accumGradMultipleStep: 3) }, [2, 5])
    }

    /// The step line against Python's own `%` formatting of the same numbers.
    func testLogLinesMatchPythonFormatting() throws {
        var rng = SplitMix64(seed: 99)
        var lines: [String] = [], inputs: [String] = []
        for step in 0..<40 {
            let t = Double(rng.next() % 100_000) / 7919, total = Double(rng.next() % 1_000_000) / 3_333 - 100
            let ce = Double(rng.next() % 1_000_000) / 12_345, fer = step == 3 ? Double.nan : Double(rng.next() % 1000) / 1000.5
            lines.append(EngineLogLines.step("train epoch 2", step: step, stepTime: t, totalTime: step % 2 == 0 ? t * 2 : nil,
                                             totalLoss: total, losses: ["fer": fer, "ce": ce]))
            inputs.append([t, total, ce, fer].map { String($0.bitPattern) }.joined(separator: " "))
        }
        let script = """
        import sys, struct
        f = lambda s: struct.unpack('<d', struct.pack('<Q', int(s)))[0]
        for i, line in enumerate(sys.stdin.read().split('\\n')):
            t, total, ce, fer = map(f, line.split())
            info = ['train epoch 2', 'step:%i' % i, 'step time: %.3f' % t]
            if i % 2 == 0: info += ['total time: %.3f' % (t * 2)]
            info += ['total (grad) loss: %f' % total, ', '.join('%s: %.5f' % (k, v) for k, v in sorted({'fer': fer, 'ce': ce}.items()))]
            print(', '.join(info))
        """
        let expected = try EngineTestSupport.python(script, input: inputs.joined(separator: "\n")).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines, expected)
        XCTAssertEqual(EngineLogLines.startEpoch(3, learningRate: 0.0005), "start epoch 3 with learning rate 0.0005 ...")
        XCTAssertEqual(EngineLogLines.trained(steps: 12, seconds: 3.14159), "Trained 12 steps, took 3.142s")
        XCTAssertEqual(EngineLogLines.evaluating("dev"), "Evaluating dataset 'dev''")
    }
}

private extension EngineSettings {
    /// Reads the learning-rate options too, so one call checks every typed read of a config.
    func learningRateCheck(_ config: EngineConfig) throws -> LearningRateControlOptions {
        try LearningRateControlOptions(config: config)
    }
}
