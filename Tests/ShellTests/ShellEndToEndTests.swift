import XCTest

/// End-to-end tests of the built `mrsh` binary: stdout, stderr and exit status of -f and -c.
final class ShellEndToEndTests: XCTestCase {
    /// The mrsh executable next to the test bundle (same build configuration).
    private var mrsh: URL {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var dir = bundle
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("mrsh").path), dir.path != "/" {
            dir.deleteLastPathComponent()
        }
        return dir.appendingPathComponent("mrsh")
    }

    private func run(_ args: [String], cwd: String? = nil) throws -> (out: String, err: String, status: Int32) {
        guard FileManager.default.isExecutableFile(atPath: mrsh.path) else {
            XCTFail("mrsh binary not found at \(mrsh.path); build it first")
            return ("", "", -1)
        }
        let p = Process()
        p.executableURL = mrsh
        p.arguments = args
        if let c = cwd { p.currentDirectoryURL = URL(fileURLWithPath: c) }
        let o = Pipe(), e = Pipe()
        p.standardOutput = o
        p.standardError = e
        try p.run()
        let od = o.fileHandleForReading.readDataToEndOfFile()
        let ed = e.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (String(decoding: od, as: UTF8.self), String(decoding: ed, as: UTF8.self), p.terminationStatus)
    }

    private var fixtures: String {
        if let d = ProcessInfo.processInfo.environment["MRSH_LANG_CONFORMANCE"], !d.isEmpty { return d }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/lang").path
    }

    func testDashCSuccess() throws {
        let r = try run(["-c", "import sys\nprint(1 + 1, sys.argv)\nprint('e', file=sys.stderr)", "x", "y"])
        XCTAssertEqual(r.out, "2 ['-c', 'x', 'y']\n")
        XCTAssertEqual(r.err, "e\n")
        XCTAssertEqual(r.status, 0)
    }

    func testDashFRunsAConformanceProgram() throws {
        let r = try run(["-f", "042_print_sep_end.py"], cwd: fixtures)
        XCTAssertEqual(r.out, try String(contentsOfFile: fixtures + "/042_print_sep_end.py.out", encoding: .utf8))
        XCTAssertEqual(r.err, "to stderr\n")
        XCTAssertEqual(r.status, 0)
    }

    func testRuntimeErrorPrintsTracebackAndExitsOne() throws {
        let r = try run(["-f", "037_err_key_error.py"], cwd: fixtures)
        XCTAssertEqual(r.out, try String(contentsOfFile: fixtures + "/037_err_key_error.py.out", encoding: .utf8))
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.hasPrefix("Traceback (most recent call last):\n  File \"037_err_key_error.py\", line 9"), r.err)
        XCTAssertTrue(r.err.hasSuffix("KeyError: 'optimizer'\n"), r.err)
    }

    func testSyntaxErrorNamesFileLineColumn() throws {
        let r = try run(["-c", "x = 1\nif x\n    pass"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.out, "")
        XCTAssertEqual(r.err, "<string>:2:5: expected ':', found end of line\n    if x\n        ^\n")
    }

    func testRefusedConstructNamesIt() throws {
        let r = try run(["-c", "def g():\n    yield 1"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.hasPrefix("<string>:2:5: 'yield' is not supported by mrsh"), r.err)
    }

    func testUsageErrorsExitTwo() throws {
        // (No arguments is not a usage error: mrsh then reads commands from stdin.)
        XCTAssertEqual(try run(["-x"]).status, 2)
        let missing = try run(["-f", "/no/such/file.py"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.err.contains("can't open file"), missing.err)
    }

    func testSysExitStatus() throws {
        XCTAssertEqual(try run(["-c", "import sys\nsys.exit(3)"]).status, 3)
        XCTAssertEqual(try run(["-c", "import sys\nprint('ok')\nsys.exit()"]).status, 0)
    }
}
