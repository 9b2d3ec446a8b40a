import Foundation
import XCTest

/// Runs the built `mrsh` binary and captures what it wrote and how it exited.
struct BinaryResult {
    let stdout: String
    let stderr: String
    let status: Int32
}

enum BinaryRunner {
    /// The `mrsh` executable next to the test bundle (.build/<config>/mrsh).
    static func binary() throws -> URL {
        var dirs: [URL] = [Bundle.main.bundleURL]
        for b in Bundle.allBundles where b.bundlePath.hasSuffix(".xctest") { dirs.append(b.bundleURL.deletingLastPathComponent()) }
        for d in dirs {
            let url = d.appendingPathComponent("mrsh")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        throw XCTSkip("the mrsh binary was not found next to the tests (looked in \(dirs.map(\.path)))")
    }

    /// Runs `mrsh args`, feeding `input` on stdin (a pipe, so not a terminal).
    static func run(_ args: [String], input: String = "", env: [String: String] = [:], cwd: URL? = nil) throws -> BinaryResult {
        let p = Process()
        p.executableURL = try binary()
        p.arguments = args
        p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
        if let c = cwd { p.currentDirectoryURL = c }
        let (inPipe, outPipe, errPipe) = (Pipe(), Pipe(), Pipe())
        p.standardInput = inPipe
        p.standardOutput = outPipe
        p.standardError = errPipe
        try p.run()
        inPipe.fileHandleForWriting.write(input.data(using: .utf8)!)
        try inPipe.fileHandleForWriting.close()
        let out = outPipe.fileHandleForReading.readDataToEndOfFile()
        let err = errPipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return BinaryResult(stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self),
                            status: p.terminationStatus)
    }

    /// Runs `mrsh args` under a pseudo-terminal (`script -qfc`), typing each step's text after
    /// its delay; returns everything the terminal showed (prompts included, "\r\n" as "\n").
    static func runInTerminal(_ args: [String], steps: [(delay: Double, text: String)], env: [String: String] = [:]) throws -> BinaryResult {
        let command = ([try binary().path] + args).map { "'" + $0 + "'" }.joined(separator: " ")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        p.arguments = ["-qfc", command, "/dev/null"]
        p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
        let (inPipe, outPipe) = (Pipe(), Pipe())
        p.standardInput = inPipe
        p.standardOutput = outPipe
        p.standardError = outPipe
        try p.run()
        for s in steps {
            Thread.sleep(forTimeInterval: s.delay)
            inPipe.fileHandleForWriting.write(s.text.data(using: .utf8)!)
        }
        Thread.sleep(forTimeInterval: 0.3)
        try inPipe.fileHandleForWriting.close()
        let out = outPipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: out, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        return BinaryResult(stdout: text, stderr: "", status: p.terminationStatus)
    }
}
