@testable import Engine
import Foundation
import XCTest

/// Checkpoint names, the starting checkpoint and cleanup selection, against fixture F and cases
/// generated with the original code (Tests/Fixtures/F/generated/make_cleanup_cases.py).
final class CheckpointNamesTests: XCTestCase {
    private var generated: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/F/generated")
    }

    func testFixtureFEpochNamesAndResume() throws {
        for file in try EngineTestSupport.expectedFiles(in: "F") {
            let expected = try EngineTestSupport.jsonObject(file)
            let examples = try XCTUnwrap(expected["epoch_model_filename_examples"] as? [String: String])
            for (epoch, name) in examples {
                XCTAssertEqual(CheckpointNames.epochModelFilename("PREFIX", epoch: try XCTUnwrap(Int(epoch))), name)
            }
            let folder = file.deletingLastPathComponent()
            var settings = EpochModelSettings()
            settings.model = folder.appendingPathComponent(try XCTUnwrap(expected["model_prefix"] as? String)).path
            let choice = try EpochModelChoice.choose(settings) { FileManager.default.fileExists(atPath: $0) }
            let want = try XCTUnwrap(expected["get_epoch_model_for_training"] as? [String: Any])
            XCTAssertEqual(choice.epoch, want["epoch"] as? Int)
            XCTAssertEqual(choice.filename, folder.appendingPathComponent(try XCTUnwrap(want["filename_without_postfix"] as? String)).path)
            XCTAssertEqual(choice.trainStartEpoch, (want["epoch"] as? Int ?? 0) + 1)
        }
    }

    func testFixtureFGeneratedEpochModelCases() throws {
        let cases = try XCTUnwrap(ExactJSON.parse(Data(contentsOf: generated.appendingPathComponent("epoch_model_cases.json"))) as? [[String: Any]])
        XCTAssertEqual(cases.count, 80)
        for (i, c) in cases.enumerated() {
            let files = Set(try XCTUnwrap(c["files"] as? [String]).map { "/run/" + $0 })
            let raw = try XCTUnwrap(c["settings"] as? [String: Any])
            var values = raw.mapValues(EngineTestSupport.configValue)
            for key in ["model", "load", "import_model_train_epoch1"] {
                if case .string(let p)? = values[key] { values[key] = .string("/run/" + p) }
            }
            let settings = try EpochModelSettings(config: DictionaryConfig(values))
            let result = try XCTUnwrap(c["result"] as? [String: Any])
            let label = "case \(i): \(raw) with \(files.sorted())"
            if result["error"] != nil {
                XCTAssertThrowsError(try EpochModelChoice.choose(settings, fileExists: files.contains), label)
                continue
            }
            let choice = try EpochModelChoice.choose(settings, fileExists: files.contains)
            XCTAssertEqual(choice.epoch, result["epoch"] as? Int, label)
            XCTAssertEqual(choice.filename, (result["filename"] as? String).map { "/run/" + $0 }, label)
            if let start = result["start_epoch"] as? Int { XCTAssertEqual(choice.trainStartEpoch, start, label) }
        }
    }

    func testFixtureFGeneratedCleanupCases() throws {
        let cases = try XCTUnwrap(ExactJSON.parse(Data(contentsOf: generated.appendingPathComponent("cleanup_cases.json"))) as? [[String: Any]])
        XCTAssertEqual(cases.count, 60)
        for (i, c) in cases.enumerated() {
            let epochs = try XCTUnwrap(c["model_epochs"] as? [Int])
            let rawData = try XCTUnwrap(c["epoch_data"] as? [String: Any])
            var data: [Int: EpochData] = [:]
            for (epoch, errors) in rawData { data[Int(epoch)!] = EpochData(learningRate: 0.001, error: EngineTestSupport.doubles(errors)) }
            let optionsJSON = try XCTUnwrap(c["options"] as? [String: Any])
            let config: ConfigValue = optionsJSON.isEmpty ? .bool(true) : EngineTestSupport.configValue(optionsJSON)
            let options = try XCTUnwrap(try CleanupOptions.fromConfig(config))
            let plan = CheckpointCleanup.plan(modelEpochs: epochs, epochData: data, options: options)
            XCTAssertEqual(plan.epochsToRemove, try XCTUnwrap(c["removed"] as? [Int]), "case \(i): \(c)")
        }
    }

    func testNamesAndSchedule() {
        XCTAssertEqual(CheckpointNames.modelFile("out/model", epoch: 12), "out/model.012.safetensors")
        XCTAssertEqual(CheckpointNames.optimizerFile("m", epoch: 1000), "m.1000.opt.safetensors")
        XCTAssertEqual(CheckpointNames.checkpointFilePattern("a/model.003.pt"), "a/model.003")
        XCTAssertEqual(CheckpointNames.checkpointFilePattern("a/model.003.safetensors"), "a/model.003")
        XCTAssertEqual(CheckpointNames.checkpointFilePattern("x.index"), "x")
        XCTAssertEqual(CheckpointNames.finalEpoch(numEpochs: 5, loadEpoch: 8), 8)
        XCTAssertEqual(CheckpointNames.finalEpoch(numEpochs: 5, loadEpoch: 2), 5)
        XCTAssertEqual((1...7).filter { CheckpointNames.shouldSave(epoch: $0, saveInterval: 3, finalEpoch: 7) }, [3, 6, 7])
        XCTAssertEqual(CheckpointNames.optimizerEpochToDelete(afterSaving: 2), nil)
        XCTAssertEqual(CheckpointNames.optimizerEpochToDelete(afterSaving: 5), 3)
        let files: Set<String> = ["m.002.safetensors", "m.003.pt", "m.004"]
        XCTAssertEqual(CheckpointNames.existingModels(prefix: "m", finalEpoch: 5, fileExists: files.contains),
                       [2: "m.002", 3: "m.003", 4: "m.004"])
        XCTAssertEqual(CheckpointNames.modelFileToLoad("m.003", fileExists: files.contains), "m.003.pt")
    }

    /// The seed formula, checked against Python's integers.
    func testSeedAfterLoadMatchesPython() throws {
        let cases = [(1, 0, 42), (3, 1234, 42), (100, 987_654_321, 7), (5, 0, -1), (2, 10, 123_456_789_012)]
        let script = "import sys\nfor a in sys.argv[1:]:\n    e, s, r = map(int, a.split(','))\n    print((e * 193939 + s * 19937 + r * 27644437 + 479001599) % (2**31))"
        let output = try EngineTestSupport.python(script, cases.map { "\($0.0),\($0.1),\($0.2)" }).split(separator: "\n")
        for (c, want) in zip(cases, output) {
            XCTAssertEqual(String(CheckpointNames.seedAfterLoad(epoch: c.0, step: c.1, randomSeed: c.2)), String(want), "\(c)")
        }
    }

    func testCleanupOptionErrorsAndHints() {
        XCTAssertNil(try CleanupOptions.fromConfig(nil))
        XCTAssertNil(try CleanupOptions.fromConfig(.bool(false)))
        XCTAssertEqual(try CleanupOptions.fromConfig(.bool(true)), CleanupOptions())
        XCTAssertThrowsError(try CleanupOptions.fromConfig(.dict([(.string("keep_lastn"), .int(3))]))) {
            XCTAssertEqual("\($0)", "config setting 'cleanup_old_models': unknown option 'keep_lastn' (did you mean 'keep_last_n'?)")
        }
        XCTAssertThrowsError(try CleanupOptions.fromConfig(.dict([(.string("keep_last_n"), .int(0))])))
        let plan = CheckpointCleanup.plan(modelEpochs: [1, 2, 3, 4], epochData: [
            1: EpochData(learningRate: 1, error: ["dev": 3, "c": 1]), 2: EpochData(learningRate: 1, error: ["dev": .nan, "c": 1]),
            3: EpochData(learningRate: 1, error: ["dev": 2, "c": 1]), 4: EpochData(learningRate: 1, error: ["dev": 5, "c": 1]),
        ], options: { var o = CleanupOptions(); o.keepLastN = 1; o.keepBestN = 1; return o }())
        XCTAssertEqual(plan.decision, .delete(keep: [3, 4], remove: [1, 2]))
        XCTAssertEqual(plan.ignoredScoreKeys, ["c"])
    }
}
