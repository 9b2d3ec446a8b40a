import XCTest
@testable import Interpreter

/// Differential tests: every program of the conformance set and of the project's corpus runs
/// in-process and must print exactly what CPython printed (the committed `.out`), failing with
/// the exception class of `.err` when one exists.
final class ProgramTests: XCTestCase {
    func testConformancePrograms() throws {
        try runFolder(fixtureDirectory("MRSH_LANG_CONFORMANCE", "lang"), expectAtLeast: 42)
    }

    func testCorpusPrograms() throws {
        try runFolder(fixtureDirectory("MRSH_LANG_CORPUS", "lang-corpus"), expectAtLeast: 20)
    }

    /// The corpus expectations are still what python3 prints (skipped when python3 is absent).
    func testCorpusAgainstLivePython() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") else { throw XCTSkip("no python3") }
        let dir = fixtureDirectory("MRSH_LANG_CORPUS", "lang-corpus")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".py") }.sorted()
        for name in files.prefix(6) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            p.arguments = [name]
            p.currentDirectoryURL = URL(fileURLWithPath: dir)
            let pipe = Pipe()
            p.standardOutput = pipe
            p.standardError = FileHandle.nullDevice
            try p.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            let live = String(decoding: data, as: UTF8.self)
            let (out, _, _) = runProgram(try readText(dir + "/" + name), file: name)
            XCTAssertEqual(out, live, name)
        }
    }

    private func runFolder(_ dir: String, expectAtLeast: Int) throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".py") }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, expectAtLeast, "fixtures missing in \(dir)")
        let cwd = FileManager.default.currentDirectoryPath
        FileManager.default.changeCurrentDirectoryPath(dir)
        defer { FileManager.default.changeCurrentDirectoryPath(cwd) }
        var passed = 0
        for name in files {
            let path = dir + "/" + name
            let source = try readText(path)
            let expected = try readText(path + ".out")
            let errPath = path + ".err"
            let (out, err, error) = runProgram(source, file: name)
            XCTAssertEqual(out, expected, "stdout of \(name)")
            if FileManager.default.fileExists(atPath: errPath) {
                let want = try readText(errPath).trimmingCharacters(in: .whitespacesAndNewlines)
                XCTAssertNotNil(error, "\(name) should fail with \(want)")
                let last = err.split(separator: "\n").last.map(String.init) ?? ""
                XCTAssertTrue(last.hasPrefix(want), "\(name): last stderr line '\(last)', want '\(want)'")
                XCTAssertTrue(err.contains("File \"\(name)\", line "), "\(name): traceback names the file:\n\(err)")
            } else {
                XCTAssertNil(error, "\(name) failed:\n\(err)")
            }
            if out == expected { passed += 1 }
        }
        print("lang programs in \(dir): \(passed) passed, \(files.count - passed) failed")
    }
}
