import Foundation
import XCTest

/// Configs run by the binary: the task after the file (with overrides), and the engine's
/// functions at the prompt (`-i`, piped). Data comes from RETURNN's DummyDataset (seeded).
final class EngineShellTests: XCTestCase {
    static let config = """
    import torch
    from torch import nn
    from returnn.torch.context import RunCtx

    task = "train"
    train = {"class": "DummyDataset", "input_dim": 3, "output_dim": 4, "num_seqs": 20, "seq_len": 5}
    dev = {"class": "DummyDataset", "input_dim": 3, "output_dim": 4, "num_seqs": 6, "seq_len": 5}
    batch_size = 40
    max_seqs = 4
    num_epochs = 3
    learning_rate = 0.01
    optimizer = {"class": "adam"}
    model = "models/epoch"
    learning_rate_file = "lr.txt"

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(3, 4)
        def forward(self, x):
            return self.lin(x)

    def get_model(epoch, step, **kwargs):
        return Model()

    def train_step(*, model, data, run_ctx: RunCtx, **kwargs):
        logits = model(data["data"])
        y = data["classes"].reshape(-1).long()
        loss = nn.functional.cross_entropy(logits.reshape(-1, 4), y, reduction="sum")
        run_ctx.mark_as_loss(loss, "ce", inv_norm_factor=y.numel())

    """

    func runDir() throws -> URL { try Self.makeRunDir() }

    /// A fresh folder holding the config as `cfg.mrs`.
    static func makeRunDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mrsh-engine-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try EngineShellTests.config.write(to: dir.appendingPathComponent("cfg.mrs"), atomically: true, encoding: .utf8)
        return dir
    }

    func testTaskRunsAfterTheFileWithOverrides() throws {
        let dir = try runDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try BinaryRunner.run(["-f", "cfg.mrs", "++num_epochs", "2"], cwd: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("epoch 1  train ce "), r.stdout)
        XCTAssertTrue(r.stdout.contains("epoch 2  train ce "), r.stdout)
        XCTAssertFalse(r.stdout.contains("epoch 3"), "++num_epochs 2 was not applied: \(r.stdout)")
        let fm = FileManager.default
        XCTAssertTrue(fm.fileExists(atPath: dir.appendingPathComponent("models/epoch.002.safetensors").path))
        XCTAssertFalse(fm.fileExists(atPath: dir.appendingPathComponent("models/epoch.003.safetensors").path))
        let lr = try String(contentsOf: dir.appendingPathComponent("lr.txt"), encoding: .utf8)
        XCTAssertTrue(lr.contains("2: EpochData(learningRate=0.01"), lr)
        // A second run resumes from the checkpoints and trains only the third epoch.
        let again = try BinaryRunner.run(["-f", "cfg.mrs"], cwd: dir)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("epoch 3  train ce "), again.stdout)
        XCTAssertFalse(again.stdout.contains("epoch 1  train"), again.stdout)
    }

    /// A config that starts training itself does not run its `task` again after the file.
    func testFileThatTrainsItselfSkipsTheTask() throws {
        let dir = try runDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        try (EngineShellTests.config + "engine.train(1)\n").write(to: dir.appendingPathComponent("self.mrs"), atomically: true, encoding: .utf8)
        let r = try BinaryRunner.run(["-f", "self.mrs"], cwd: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout.components(separatedBy: "\nepoch ").count + (r.stdout.hasPrefix("epoch ") ? 1 : 0) - 1, 1, r.stdout)
        XCTAssertFalse(r.stdout.contains("epoch 2"), r.stdout)
    }

    func testEngineFunctionsAtThePrompt() throws {
        let dir = try runDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = """
        b = next_batch()
        print(sorted(b.keys())[:3], b["data"].shape[-1])
        losses = run_train_step(b)
        print(list(losses.keys()), losses["ce"] > 0)
        print(engine.train(1))
        print(sorted(grads().keys()))
        print(engine.lr())
        print(list(evaluate().keys()))
        d = load_dataset({"class": "DummyDataset", "input_dim": 2, "output_dim": 3, "num_seqs": 2})
        from returnn.datasets import init_dataset

        """
        let r = try BinaryRunner.run(["-f", "cfg.mrs", "++task", "None", "-i"], input: input, cwd: dir)
        XCTAssertEqual(r.stderr, "")
        XCTAssertTrue(r.stdout.contains("['classes', 'classes:size0', 'classes:size1'] 3\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("['ce'] True\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("epoch 1  train ce "), r.stdout)
        XCTAssertTrue(r.stdout.contains("\n1\n['lin.bias', 'lin.weight']\n0.01\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("\n['dev']\n"), r.stdout)
    }

    /// Ctrl-C during `engine.train()` at the prompt: training stops at a step boundary, the
    /// session goes on, and the engine keeps its state.
    func testCtrlCStopsTrainingAtTheNextStep() throws {
        let dir = try runDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let long = EngineShellTests.config.replacingOccurrences(of: "\"num_seqs\": 20", with: "\"num_seqs\": 2000")
            .replacingOccurrences(of: "num_epochs = 3", with: "num_epochs = 1000")
        try long.write(to: dir.appendingPathComponent("long.mrs"), atomically: true, encoding: .utf8)
        let steps: [(Double, String)] = [(1.0, "engine.train()\n"), (1.5, "\u{03}"), (0.8, "engine.lr()\n"), (0.3, "\u{04}")]
        let history = dir.appendingPathComponent("history").path
        let r = try BinaryRunner.runInTerminal(["-f", dir.appendingPathComponent("long.mrs").path, "++task", "None",
                                                "++model", dir.appendingPathComponent("models/epoch").path,
                                                "++learning_rate_file", dir.appendingPathComponent("lr.txt").path, "-i"],
                                               steps: steps, env: ["MRSH_HISTORY": history])
        XCTAssertTrue(r.stdout.contains("KeyboardInterrupt: training stopped in epoch "), r.stdout)
        XCTAssertTrue(r.stdout.contains(">>> engine.lr()\n0.01\n"), r.stdout)
        XCTAssertEqual(r.status, 0)
    }

    func testErrorInTrainStepNamesTheConfigLine() throws {
        let dir = try runDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = EngineShellTests.config.replacingOccurrences(of: "logits = model(data[\"data\"])", with: "logits = model(data[\"nosuch\"])")
        try bad.write(to: dir.appendingPathComponent("bad.mrs"), atomically: true, encoding: .utf8)
        let r = try BinaryRunner.run(["-f", "bad.mrs"], cwd: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.hasPrefix("while running train_step:\nTraceback (most recent call last):\n"), r.stderr)
        XCTAssertTrue(r.stderr.contains("File \"bad.mrs\", line 27, col 5, in train_step\n    logits = model(data[\"nosuch\"])"), r.stderr)
        XCTAssertTrue(r.stderr.hasSuffix("KeyError: 'nosuch'\n"), r.stderr)
    }
}
