import Datasets
import Foundation
import XCTest

/// The example config `examples/framewise.config` (a Mini-RETURNN config: BLSTM framewise
/// classification) run by the built `mrsh -f`, shrunk by `++` overrides, on data from the
/// project's own generator (`SyntheticCorpus`, seeded; train and dev from different seeds).
final class ConfigE2ETests: XCTestCase {
    /// The config under test: `$MRSH_EXAMPLE_CONFIG`, else the project's examples/framewise.config.
    static var configPath: String {
        if let env = ProcessInfo.processInfo.environment["MRSH_EXAMPLE_CONFIG"], !env.isEmpty { return env }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/framewise.config").path
    }

    /// Settings that make a run take seconds: a tiny model, small batches.
    static let small = ["++hidden", "8", "++batch_size", "1500", "++max_seqs", "4"]

    struct Run {
        let dir: URL
        var env: [String: String] { ["EXAMPLE_DATA_DIR": dir.path, "EXAMPLE_RUN_DIR": dir.appendingPathComponent("run").path] }
        func file(_ rel: String) -> URL { dir.appendingPathComponent("run/" + rel) }

        func mrsh(_ overrides: [String]) throws -> BinaryResult {
            try BinaryRunner.run(["-f", ConfigE2ETests.configPath] + ConfigE2ETests.small + overrides, env: env, cwd: dir)
        }
    }

    func makeRun() throws -> Run {
        XCTAssertTrue(FileManager.default.fileExists(atPath: Self.configPath), "missing example config \(Self.configPath)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mrsh-config-e2e-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try SyntheticCorpus.write(path: dir.appendingPathComponent("framewise_train.hdf").path, numFrames: 3000,
                                  minLength: 50, maxLength: 300, seed: 1)
        try SyntheticCorpus.write(path: dir.appendingPathComponent("framewise_dev.hdf").path, numFrames: 800,
                                  minLength: 50, maxLength: 300, seed: 2)
        return Run(dir: dir)
    }

    /// `key: value` scores of one epoch's entry in the learning_rates file.
    func score(_ text: String, epoch: Int, key: String) -> Double? {
        guard let start = text.range(of: "\n\(epoch): EpochData(") else { return nil }
        let rest = text[start.upperBound...]
        let entry = rest.range(of: "}),").map { rest[..<$0.lowerBound] } ?? rest
        guard let k = entry.range(of: "'\(key)': ") else { return nil }
        let num = entry[k.upperBound...].prefix { $0 != "," && $0 != "\n" }
        return Double(num)
    }

    func testTrainsResumesAndContinues() throws {
        let run = try makeRun()
        defer { try? FileManager.default.removeItem(at: run.dir) }
        let fm = FileManager.default

        let first = try run.mrsh(["++num_epochs", "2"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("start epoch 1 with learning rate 0.001"), first.stdout)
        XCTAssertTrue(first.stdout.contains("start epoch 2 with learning rate 0.001"), first.stdout)
        XCTAssertTrue(fm.fileExists(atPath: run.file("models/epoch.002.safetensors").path))
        let lr = try String(contentsOf: run.file("learning_rates"), encoding: .utf8)
        let dev1 = try XCTUnwrap(score(lr, epoch: 1, key: "dev_loss_ce"), lr)
        let dev2 = try XCTUnwrap(score(lr, epoch: 2, key: "dev_loss_ce"), lr)
        let train1 = try XCTUnwrap(score(lr, epoch: 1, key: "ce"), lr)
        XCTAssertLessThan(dev2, dev1, "dev score did not fall:\n\(lr)")
        XCTAssertLessThan(train1, 1.6, "epoch 1 train CE far above ln(4) = 1.386:\n\(lr)")
        XCTAssertNil(score(lr, epoch: 3, key: "ce"))

        // The same command again: everything is trained, nothing is retrained or rewritten.
        let again = try run.mrsh(["++num_epochs", "2"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertFalse(again.stdout.contains("start epoch"), again.stdout)
        XCTAssertEqual(try String(contentsOf: run.file("learning_rates"), encoding: .utf8), lr)

        // One more epoch continues from epoch 2's checkpoint.
        let more = try run.mrsh(["++num_epochs", "3"])
        XCTAssertEqual(more.status, 0, more.stderr)
        XCTAssertTrue(more.stdout.contains("start epoch 3 with learning rate"), more.stdout)
        XCTAssertFalse(more.stdout.contains("start epoch 1 "), more.stdout)
        XCTAssertFalse(more.stdout.contains("start epoch 2 "), more.stdout)
        XCTAssertTrue(fm.fileExists(atPath: run.file("models/epoch.003.safetensors").path))
        let lr3 = try String(contentsOf: run.file("learning_rates"), encoding: .utf8)
        XCTAssertEqual(score(lr3, epoch: 2, key: "dev_loss_ce"), dev2, "epoch 2's scores changed:\n\(lr3)")
        let dev3 = try XCTUnwrap(score(lr3, epoch: 3, key: "dev_loss_ce"), lr3)
        XCTAssertLessThan(dev3, dev1, lr3)
    }

    /// A missing dataset file is named in the error, and the process fails cleanly.
    func testMissingDataFileIsNamed() throws {
        let run = try makeRun()
        defer { try? FileManager.default.removeItem(at: run.dir) }
        try FileManager.default.removeItem(at: run.dir.appendingPathComponent("framewise_dev.hdf"))
        let r = try run.mrsh(["++num_epochs", "1"])
        XCTAssertEqual(r.status, 1, r.stdout)
        XCTAssertTrue(r.stderr.contains("framewise_dev.hdf"), r.stderr)
    }
}
