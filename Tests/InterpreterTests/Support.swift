import XCTest
@testable import Interpreter

/// Runs a program in-process on a large stack; returns (stdout, stderr text, error or nil).
func runProgram(_ source: String, file: String = "<test>") -> (out: String, err: String, error: Error?) {
    var out = ""
    var err = ""
    let interp = Interpreter(stdout: { out += $0 }, stderr: { err += $0 })
    interp.rememberSource(source, file: file)
    let error: Error? = Interpreter.onLargeStack {
        do { try interp.run(source, file: file); return nil } catch { return error }
    }
    if let e = error { err += interp.formatError(e) }
    return (out, err, error)
}

/// The folder of a fixture set: the environment variable, or the project's copy.
func fixtureDirectory(_ env: String, _ relative: String, filePath: String = #filePath) -> String {
    if let d = ProcessInfo.processInfo.environment[env], !d.isEmpty { return d }
    let root = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
    return root.appendingPathComponent("Fixtures").appendingPathComponent(relative).path
}

func readText(_ path: String) throws -> String {
    try String(contentsOfFile: path, encoding: .utf8)
}
