import Foundation
import Tensor
import XCTest

/// RETURNN's tools as `mrsh` subcommands and as language functions, run by the binary on the
/// engine test config (DummyDataset, seeded).
final class ToolCommandTests: XCTestCase {
    private func runDir() throws -> URL { try EngineShellTests.makeRunDir() }

    func testAnalyzeBatchesUsesTheConfigsBatchingAndOverrides() throws {
        let dir = try runDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        // 20 sequences of length 5, batch_size 40, max_seqs 4: 5 batches of 4, no padding.
        var r = try BinaryRunner.run(["analyze-dataset-batches", "cfg.mrs"], cwd: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("batches: 5, sequences: 20\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("data: frames 100, padded 100 (0.0% padding), longest 5"), r.stdout)
        r = try BinaryRunner.run(["analyze-batches", "cfg.mrs", "--dataset", "dev", "++max_seqs", "2"], cwd: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("batches: 3, sequences: 6\n"), r.stdout)
        r = try BinaryRunner.run(["analyze-batches", "cfg.mrs", "--dataset", "nosuch"], cwd: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("no dataset 'nosuch'"), r.stderr)
    }

    func testDumpDatasetShapesAndUsageErrors() throws {
        let dir = try runDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        var r = try BinaryRunner.run(["dump-dataset", "cfg.mrs", "--type", "print_shape", "--endseq", "1"], cwd: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("seq 1/20 (5.00%) data shape: (5, 3)\nseq 1 target 'classes' shape: (5,)\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("More seqs which we did not dumped: True"), r.stdout)
        r = try BinaryRunner.run(["dump-dataset", "cfg.mrs", "--type", "bogus"], cwd: dir)
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("unknown --type 'bogus'"), r.stderr)
        r = try BinaryRunner.run(["dump-dataset", "missing.hdf"], cwd: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("missing.hdf: no such file"), r.stderr)
    }

    func testAverageCheckpointsCommandAndFunction() throws {
        let dir = try runDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        var r = try BinaryRunner.run(["-f", "cfg.mrs", "++num_epochs", "2"], cwd: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try BinaryRunner.run(["avg-checkpoints", "--checkpoints", "models/epoch.001,models/epoch.002", "--postfix", ".safetensors",
                                  "--output_path", "avg.safetensors"], cwd: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("in ckpt: models/epoch.002.safetensors"), r.stdout)
        let (a, _) = try Safetensors.read(dir.appendingPathComponent("models/epoch.001.safetensors").path)
        let (b, _) = try Safetensors.read(dir.appendingPathComponent("models/epoch.002.safetensors").path)
        let (avg, meta) = try Safetensors.read(dir.appendingPathComponent("avg.safetensors").path)
        XCTAssertEqual(meta["epoch"], "2")
        XCTAssertEqual(meta["merged_epochs"], "[1, 2]")
        XCTAssertEqual(avg.map(\.name), a.map(\.name))
        for ((x, y), m) in zip(zip(a, b), avg) {
            let want = zip(try XCTUnwrap(x.float32Values()), try XCTUnwrap(y.float32Values())).map { ($0 + $1) / 2 }
            XCTAssertEqual(try XCTUnwrap(m.float32Values()), want, m.name)
        }
        // The same from the language, and the dataset tools as functions.
        let program = """
        print(average_checkpoints(["models/epoch.001.safetensors", "models/epoch.002.safetensors"], output_path="avg2.safetensors"))
        n = dump_dataset("dev", type="null", end_seq=-1)
        s = analyze_dataset_batches(dataset=train)
        print(n, s["batches"], s["seqs"], s["padding"])
        """
        r = try BinaryRunner.run(["-i", "-f", "cfg.mrs", "++task", "None"], input: program, cwd: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("2\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("6 5 20 {'classes': 0.0, 'data': 0.0}"), r.stdout)
        let (avg2, _) = try Safetensors.read(dir.appendingPathComponent("avg2.safetensors").path)
        XCTAssertEqual(avg2.map { $0.float32Values() }, avg.map { $0.float32Values() })
    }
}

/// The forward task from a config: its dataset under Mini-RETURNN's key `forward` (or mrsh's
/// older `forward_data`), outputs written by `run_ctx.mark_as_output` read back as HDF.
final class ForwardTaskShellTests: XCTestCase {
    static let forwardStep = """

    def forward_step(*, model, data, run_ctx, **kwargs):
        logits = model(data["data"])
        run_ctx.mark_as_output(torch.log_softmax(logits, dim=-1), "log_probs", lengths=data["data:size1"])

    """

    func testForwardTaskWithEitherKey() throws {
        let dir = try EngineShellTests.makeRunDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cfg = dir.appendingPathComponent("cfg.mrs")
        try (EngineShellTests.config + Self.forwardStep).write(to: cfg, atomically: true, encoding: .utf8)
        var r = try BinaryRunner.run(["-f", "cfg.mrs", "++num_epochs", "1"], cwd: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        for key in ["forward", "forward_data"] {
            let out = "out_\(key).hdf"
            try (EngineShellTests.config + Self.forwardStep + "\n\(key) = dev\n").write(to: cfg, atomically: true, encoding: .utf8)
            r = try BinaryRunner.run(["-f", "cfg.mrs", "++task", "forward", "++load", "models/epoch.001.safetensors",
                                      "++forward_output_file", out], cwd: dir)
            XCTAssertEqual(r.status, 0, "\(key): \(r.stderr)")
            r = try BinaryRunner.run(["dump-dataset", out, "--type", "print_shape", "--endseq", "-1"], cwd: dir)
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stdout.contains("seq 5/6 (83.33%) data shape: (5, 4)"), "\(key): \(r.stdout)")
        }
    }
}
