@testable import Engine
import Foundation
import XCTest

/// Fixture D: learning_rates files written by the original while simulating the engine's calls.
/// Cases are the `D/*.expected.json` files under `$MRSH_FIXTURES` (default Tests/Fixtures).
final class LearningRateFixtureTests: XCTestCase {
    func testFixtureDLearningRateRuns() throws {
        for file in try EngineTestSupport.expectedFiles(in: "D") {
            try checkRun(file)
        }
    }

    /// Extra cases made with the original code as the oracle (Tests/Fixtures/D/generated/make_lr_cases.py):
    /// every option of the controls, odd float and string values, a pre-existing file. Always the project's copy.
    func testFixtureDGeneratedCases() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/D/generated")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".expected.json") }.sorted()
        XCTAssertEqual(files.count, 8, "generated cases present")
        for name in files { try checkRun(folder.appendingPathComponent(name)) }
    }

    func testFixtureDParsedFiles() throws {
        for file in try EngineTestSupport.expectedFiles(in: "D") {
            let expected = try EngineTestSupport.jsonObject(file)
            let name = try XCTUnwrap(expected["file"] as? String)
            let url = try EngineTestSupport.fixture(file.deletingLastPathComponent().appendingPathComponent(name))
            let text = try String(contentsOf: url, encoding: .utf8)
            let parsed = try LearningRateFileParser.parse(text, file: url.path)
            let want = try XCTUnwrap(expected["parsed_file"] as? [String: [String: Any]])
            XCTAssertEqual(parsed.count, want.count, name)
            for (epochText, entry) in want {
                let epoch = try XCTUnwrap(Int(epochText))
                XCTAssertEqual(parsed[epoch]?.learningRate, EngineTestSupport.number(entry["learning_rate"]), "\(name) epoch \(epoch)")
                XCTAssertEqual(parsed[epoch]?.error, EngineTestSupport.doubles(entry["error"]), "\(name) epoch \(epoch)")
            }
            XCTAssertEqual(LearningRateFile.render(parsed), text, "\(name): parse + render reproduces the file")
        }
    }

    /// Replays the run: LR per epoch, train scores + save, dev scores + save; then the file text,
    /// the next epoch's LR, and the same LR from a fresh controller that loads the file.
    private func checkRun(_ file: URL) throws {
        let expected = try EngineTestSupport.jsonObject(file)
        let name = file.lastPathComponent
        let dir = try EngineTestSupport.temporaryDirectory("lr")
        defer { try? FileManager.default.removeItem(at: dir) }
        let lrFile = dir.appendingPathComponent("learning_rates").path
        var settings = try XCTUnwrap(expected["config"] as? [String: Any]).mapValues(EngineTestSupport.configValue)
        for key in expected["config_dict_int_keys"] as? [String] ?? [] {
            guard case .dict(let items)? = settings[key] else { continue }
            settings[key] = .dict(items.map { item in
                guard case .string(let text) = item.key, let epoch = Int(text) else { return item }
                return (ConfigValue.int(epoch), item.value)
            })
        }
        settings["learning_rate_file"] = .string(lrFile)
        if let initial = expected["initial_file_text"] as? String {
            try initial.write(toFile: lrFile, atomically: false, encoding: .utf8)
        }
        let control = try LearningRateControl(options: LearningRateControlOptions(config: DictionaryConfig(settings)))
        let epochs = try XCTUnwrap(expected["epochs"] as? [[String: Any]])
        for entry in epochs {
            let epoch = try XCTUnwrap(entry["epoch"] as? Int)
            let lr = try control.learningRate(forEpoch: epoch)
            XCTAssertEqual(lr, EngineTestSupport.number(entry["learning_rate"]), "\(name) epoch \(epoch)")
            try control.setEpochError(epoch, EngineTestSupport.doubles(entry["train_errors"]))
            try control.save()
            try control.setEpochError(epoch, EngineTestSupport.doubles(entry["dev_errors"]))
            try control.save()
            XCTAssertEqual(control.errorKey(forEpoch: epoch), entry["error_key_used"] as? String, "\(name) epoch \(epoch)")
            if entry["epoch"] as? Int == (epochs.first?["epoch"] as? Int) {
                XCTAssertEqual(try String(contentsOfFile: lrFile, encoding: .utf8), expected["file_text_after_epoch_1"] as? String, name)
            }
        }
        XCTAssertEqual(try String(contentsOfFile: lrFile, encoding: .utf8), expected["file_text"] as? String, name)
        XCTAssertFalse(FileManager.default.fileExists(atPath: lrFile + ".new_tmp"), "temporary file renamed away")
        let nextEpoch = try XCTUnwrap(expected["next_epoch"] as? Int)
        let nextLR = EngineTestSupport.number(expected["next_epoch_learning_rate"])
        let reloaded = try LearningRateControl(options: control.options)
        XCTAssertEqual(try reloaded.learningRate(forEpoch: nextEpoch), nextLR, "\(name): fresh controller from the file")
        XCTAssertEqual(try control.learningRate(forEpoch: nextEpoch), nextLR, "\(name): running controller")
        let lrs = (expected["learning_rates"] as? [Any])?.compactMap(EngineTestSupport.number)
        XCTAssertEqual(epochs.compactMap { control.epochData[$0["epoch"] as? Int ?? 0]?.learningRate }, lrs, name)
    }
}
