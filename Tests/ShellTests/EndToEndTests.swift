import Foundation
import XCTest

/// The built `mrsh` binary: stdout, stderr and exit status for -f/-c, pipes, overrides and
/// usage errors. Expected outputs are what CPython/PyTorch print for the same programs.
final class EndToEndTests: XCTestCase {
    func tempFile(_ name: String, _ text: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mrsh-e2e-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func testCommandStringPrintsAndExitsZero() throws {
        let r = try BinaryRunner.run(["-c", "import sys\nprint('hi', sys.argv)", "a", "b"])
        XCTAssertEqual(r.stdout, "hi ['-c', 'a', 'b']\n")
        XCTAssertEqual(r.stderr, "")
        XCTAssertEqual(r.status, 0)
    }

    func testScriptErrorPrintsTracebackAndExitsOne() throws {
        let r = try BinaryRunner.run(["-c", "print(1)\nx = 1 / 0\nprint(2)"])
        XCTAssertEqual(r.stdout, "1\n")
        XCTAssertTrue(r.stderr.contains("File \"<string>\", line 2"), r.stderr)
        XCTAssertTrue(r.stderr.hasSuffix("ZeroDivisionError: division by zero\n"), r.stderr)
        XCTAssertEqual(r.status, 1)
    }

    func testSysExitStatus() throws {
        XCTAssertEqual(try BinaryRunner.run(["-c", "import sys\nsys.exit(3)"]).status, 3)
        XCTAssertEqual(try BinaryRunner.run(["-c", "exit()"]).status, 0)
    }

    func testFileWithOverrides() throws {
        let f = try tempFile("config.mrs", """
        learning_rate = 0.1
        num_epochs = 10
        print("file", learning_rate, num_epochs)

        """)
        let r = try BinaryRunner.run(["-f", f.path, "++learning_rate", "0.01", "++num_epochs", "3", "++model", "out/m",
                                      "++layers", "[1, 2]", "-i"], input: "print(learning_rate, num_epochs, model, layers, type(model).__name__)\n")
        XCTAssertEqual(r.stdout, "file 0.1 10\n0.01 3 out/m [1, 2] str\n\n")
        XCTAssertEqual(r.stderr, "")
        XCTAssertEqual(r.status, 0)
    }

    func testUsageErrorsExitTwo() throws {
        let f = try tempFile("ok.mrs", "x = 1\n")
        for args in [["-f", f.path, "++lr"], ["-f", f.path, "stray"], ["--no-such-option"], ["-f", "/no/such/file.mrs"],
                     ["-f", f.path, "-c", "pass"]] {
            let r = try BinaryRunner.run(args)
            XCTAssertEqual(r.status, 2, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.hasPrefix("mrsh: "), "\(args): \(r.stderr)")
        }
    }

    func testVersionAndHelp() throws {
        let v = try BinaryRunner.run(["--version"])
        XCTAssertEqual(v.stdout, "mrsh 0.1.0\n")
        XCTAssertEqual(v.status, 0)
        let h = try BinaryRunner.run(["--help"])
        XCTAssertTrue(h.stdout.contains("USAGE: mrsh"), h.stdout)
        XCTAssertTrue(h.stdout.contains("--keep-going"), h.stdout)
        XCTAssertEqual(h.status, 0)
    }

    func testPipedStopsAtFirstError() throws {
        let r = try BinaryRunner.run([], input: "print(1)\ny = undefined_name\nprint(2)\n")
        XCTAssertEqual(r.stdout, "1\n")
        XCTAssertTrue(r.stderr.contains("File \"<stdin>\", line 2"), r.stderr)
        XCTAssertTrue(r.stderr.contains("NameError: name 'undefined_name' is not defined"), r.stderr)
        XCTAssertEqual(r.status, 1)
    }

    func testPipedKeepGoingReportsAndContinues() throws {
        let input = "print(1)\ny = undefined_name\ndef f(a):\n    return a * 2\n\nprint(f(21))\nz = 1 / 0\nprint('end')\n1 + 1\n"
        let r = try BinaryRunner.run(["--keep-going"], input: input)
        // Piped input echoes no expression values ("1 + 1" prints nothing).
        XCTAssertEqual(r.stdout, "1\n42\nend\n")
        XCTAssertTrue(r.stderr.contains("line 2"), r.stderr)
        XCTAssertTrue(r.stderr.contains("File \"<stdin>\", line 7"), r.stderr)
        XCTAssertTrue(r.stderr.contains("ZeroDivisionError"), r.stderr)
        XCTAssertEqual(r.status, 1)
        let clean = try BinaryRunner.run(["--keep-going"], input: "print('ok')\n")
        XCTAssertEqual(clean.status, 0)
    }

    func testConfigTaskWithoutGetModelIsAnError() throws {
        let f = try tempFile("task.mrs", "task = 'train'\ndef train_step(*, model, data, run_ctx, **kw):\n    pass\n")
        let r = try BinaryRunner.run(["-f", f.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("NameError: the config defines no get_model(epoch, step)"), r.stderr)
    }

    /// A plain program with a global `task` (CPython runs it as any other) is not a config.
    func testPlainProgramWithTaskGlobalRunsNoTask() throws {
        let f = try tempFile("plain.py", "task = 'train'\nprint(task)\n")
        let r = try BinaryRunner.run(["-f", f.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "train\n")
        XCTAssertTrue(r.stderr.contains("no task was run"), r.stderr)
    }

    func testModuleNotFoundNamesTheModule() throws {
        let r = try BinaryRunner.run(["-c", "from returnn.torch.context import RunCtx\nimport returnn.frontend as rf\nimport returnn.nosuch"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("ModuleNotFoundError: No module named 'returnn.nosuch'"), r.stderr)
        XCTAssertTrue(r.stderr.contains("line 3"), r.stderr)
    }

    func testCudaIsRefusedClearly() throws {
        let r = try BinaryRunner.run(["-c", "import torch\nx = torch.zeros(2, device='cuda')"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("RuntimeError: device 'cuda' is not available"), r.stderr)
    }
}
