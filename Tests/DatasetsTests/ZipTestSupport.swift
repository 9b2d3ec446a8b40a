import Foundation
import XCTest

/// Helpers for zip tests: temporary folders, python3 (the oracle that writes reference zips), fixtures.
enum ZipTestSupport {
    /// A fresh temporary directory for one test.
    static func temporaryDirectory(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("mrsh-zip-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs `python3 -c script` with `arguments`; fails the test on a non-zero exit.
    static func python(_ script: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus != 0 {
            throw NSError(domain: "python3", code: Int(process.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: "python3 failed: \(errorText)"])
        }
    }

    /// The fixtures root: `$MRSH_FIXTURES`, else the project's Tests/Fixtures.
    static func fixturesRoot(filePath: String = #filePath) -> URL {
        if let env = ProcessInfo.processInfo.environment["MRSH_FIXTURES"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        return URL(fileURLWithPath: filePath).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures")
    }

    /// A fixture file that must exist (a missing fixture fails the test).
    static func fixture(_ relativePath: String) throws -> URL {
        let url = fixturesRoot().appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw NSError(domain: "fixture", code: 1,
                          userInfo: [NSLocalizedDescriptionKey: "missing fixture file \(url.path)"])
        }
        return url
    }

    static func json(_ url: URL) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url))
    }
}
