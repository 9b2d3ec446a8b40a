import Engine
import Foundation
import XCTest

/// Fixtures, temporary folders, python3 and JSON helpers shared by the engine tests.
enum EngineTestSupport {
    /// The fixtures root: `$MRSH_FIXTURES`, else the project's Tests/Fixtures.
    static func fixturesRoot(filePath: String = #filePath) -> URL {
        if let env = ProcessInfo.processInfo.environment["MRSH_FIXTURES"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        return URL(fileURLWithPath: filePath).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures")
    }

    /// The `*.expected.json` files of fixture folder `folder`; a folder without any fails.
    static func expectedFiles(in folder: String) throws -> [URL] {
        let dir = fixturesRoot().appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        let files = names.filter { $0.hasSuffix(".expected.json") }.sorted().map { dir.appendingPathComponent($0) }
        if files.isEmpty { throw TestFailure("no *.expected.json fixture files in \(dir.path)") }
        return files
    }

    /// A fixture file that must exist.
    static func fixture(_ url: URL) throws -> URL {
        guard FileManager.default.fileExists(atPath: url.path) else { throw TestFailure("missing fixture file \(url.path)") }
        return url
    }

    static func jsonObject(_ url: URL) throws -> [String: Any] {
        guard let object = try ExactJSON.parse(Data(contentsOf: url)) as? [String: Any] else {
            throw TestFailure("\(url.path) is not a JSON object")
        }
        return object
    }

    static func temporaryDirectory(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mrsh-engine-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs `python3 -c script args...` and returns its standard output.
    @discardableResult
    static func python(_ script: String, _ arguments: [String] = [], input: String? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let output = Pipe(), errors = Pipe(), stdin = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestFailure("python3 failed: \(String(decoding: err, as: UTF8.self))")
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A JSON value as a config value (ints stay ints, floats stay floats).
    static func configValue(_ json: Any) -> ConfigValue {
        switch json {
        case let b as Bool: return .bool(b)
        case let i as Int: return .int(i)
        case let d as Double: return .float(d)
        case let s as String: return .string(s)
        case let list as [Any]: return .list(list.map(configValue))
        case let dict as [String: Any]:
            return .dict(dict.keys.sorted().map { (ConfigValue.string($0), configValue(dict[$0]!)) })
        default: return .none
        }
    }

    static func doubles(_ json: Any?) -> [String: Double] {
        ((json as? [String: Any]) ?? [:]).mapValues { number($0) ?? .nan }
    }

    /// A JSON number (Int or Double) as a Double.
    static func number(_ json: Any?) -> Double? {
        if let i = json as? Int { return Double(i) }
        return json as? Double
    }
}

/// Fixture F's files, read from its JSON (so another fixture set with other epochs works too).
struct FixtureF {
    let folder: URL
    let expected: [String: Any]
    /// Model files (`P.NNN.pt`) in epoch order, and optimizer files (`P.NNN.opt.pt`).
    let modelFiles: [String]
    let optimizerFiles: [String]

    init() throws {
        let file = try EngineTestSupport.expectedFiles(in: "F")[0]
        folder = file.deletingLastPathComponent()
        expected = try EngineTestSupport.jsonObject(file)
        let present = (expected["files_present"] as? [String] ?? []).sorted()
        modelFiles = present.filter { !$0.hasSuffix(".opt.pt") }
        optimizerFiles = present.filter { $0.hasSuffix(".opt.pt") }
        guard !modelFiles.isEmpty, !optimizerFiles.isEmpty else { throw TestFailure("fixture F lists no model/optimizer files") }
    }

    func path(_ name: String) throws -> String {
        try EngineTestSupport.fixture(folder.appendingPathComponent(name)).path
    }

    /// The JSON entry of file `name`.
    func info(_ name: String) -> [String: Any] {
        (expected["files"] as? [String: [String: Any]])?[name] ?? [:]
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
