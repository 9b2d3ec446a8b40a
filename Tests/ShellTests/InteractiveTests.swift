import Foundation
import XCTest

/// The interactive shell under a pseudo-terminal (`script -qfc`): prompts, continuation lines,
/// echo into `_`, an error that keeps state, history written, Ctrl-C back to the prompt.
final class InteractiveTests: XCTestCase {
    func historyFile() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("mrsh-history-\(getpid())-\(UUID().uuidString)")
    }

    func testPromptsContinuationErrorsAndHistory() throws {
        let hist = historyFile()
        defer { try? FileManager.default.removeItem(at: hist) }
        let steps: [(Double, String)] = [
            (0.4, "x = 40 + 2\n"), (0.15, "x\n"),
            (0.15, "def twice(a):\n"), (0.15, "    return a * 2\n"), (0.15, "\n"),
            (0.15, "twice(x)\n"), (0.15, "_ + 1\n"),
            (0.15, "1 / 0\n"), (0.15, "x\n"),
            (0.15, "(1,\n"), (0.15, " 2)\n"),
            (0.15, "\u{04}"),
        ]
        let r = try BinaryRunner.runInTerminal([], steps: steps, env: ["MRSH_HISTORY": hist.path])
        let out = r.stdout
        XCTAssertTrue(out.contains(">>> x\n42\n"), out)
        XCTAssertTrue(out.contains(">>> def twice(a):\n...     return a * 2\n... \n>>> "), out)
        XCTAssertTrue(out.contains(">>> twice(x)\n84\n>>> _ + 1\n85\n"), out)
        XCTAssertTrue(out.contains("ZeroDivisionError: division by zero\n>>> x\n42\n"), out)
        XCTAssertTrue(out.contains(">>> (1,\n...  2)\n(1, 2)\n"), out)
        XCTAssertEqual(r.status, 0)
        let history = try String(contentsOf: hist, encoding: .utf8)
        // libedit escapes spaces in its history file as \040.
        let lines = history.split(separator: "\n").map { $0.replacingOccurrences(of: "\\040", with: " ") }
        XCTAssertTrue(lines.contains("x = 40 + 2"), history)
        XCTAssertTrue(lines.contains("def twice(a):"), history)
        XCTAssertTrue(lines.contains("    return a * 2"), history)
        XCTAssertTrue(lines.contains("1 / 0"), history)
    }

    func testCtrlCInterruptsTheRunningStatementAndKeepsState() throws {
        let steps: [(Double, String)] = [
            (1.0, "n = 7\n"),
            (0.15, "while True:\n"), (0.15, "    n = n\n"), (0.15, "\n"),
            (1.0, "\u{03}"),
            (0.4, "n * 6\n"),
            (0.2, "(1 +\n"), (0.2, "\u{03}"), (0.3, "n\n"),
            (0.2, "\u{04}"),
        ]
        let r = try BinaryRunner.runInTerminal([], steps: steps, env: ["MRSH_HISTORY": historyFile().path])
        let out = r.stdout
        XCTAssertTrue(out.contains("KeyboardInterrupt\n>>> n * 6\n42\n"), out)
        // Ctrl-C at a continuation prompt drops the pending entry.
        XCTAssertTrue(out.contains("... ^C\nKeyboardInterrupt\n>>> n\n7\n") || out.contains("\nKeyboardInterrupt\n>>> n\n7\n"), out)
        XCTAssertEqual(r.status, 0)
    }

    func testTensorsAtThePrompt() throws {
        let steps: [(Double, String)] = [
            (0.4, "import torch\n"),
            (0.15, "torch.tensor([[0.1, 0.2]], requires_grad=True)\n"),
            (0.15, "torch.zeros(2, dtype=torch.long).shape\n"),
            (0.15, "\u{04}"),
        ]
        let r = try BinaryRunner.runInTerminal([], steps: steps, env: ["MRSH_HISTORY": historyFile().path])
        XCTAssertTrue(r.stdout.contains("tensor([[0.1000, 0.2000]], requires_grad=True)\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("torch.Size([2])\n"), r.stdout)
    }
}
