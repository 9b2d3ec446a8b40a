import Foundation
import XCTest
@testable import Datasets

/// The fixture folder: `$MRSH_FIXTURES`, else the project's copy under Tests/Fixtures.
func fixturesRoot() -> URL {
    if let env = ProcessInfo.processInfo.environment["MRSH_FIXTURES"], !env.isEmpty {
        return URL(fileURLWithPath: env)
    }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
}

/// Every `*.expected.json` below the fixture root whose top-level object has `marker`.
func discoverFixtures(withKey marker: String) throws -> [(url: URL, json: [String: Any])] {
    let root = fixturesRoot()
    guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else {
        throw DatasetError(file: root.path, "fixture folder missing")
    }
    var out: [(URL, [String: Any])] = []
    for case let url as URL in walker where url.lastPathComponent.hasSuffix(".expected.json") {
        let data = try Data(contentsOf: url)
        guard let obj = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { continue }
        if obj[marker] != nil { out.append((url, obj)) }
    }
    return out.sorted { $0.0.path < $1.0.path }
}

/// Flattens a JSON scalar or nested list of numbers.
func flatNumbers(_ v: Any?) -> [Double] {
    if let list = v as? [Any] { return list.flatMap(flatNumbers) }
    if let n = v as? NSNumber { return [n.doubleValue] }
    return []
}

/// A JSON list of ints; `null` entries (unknown dims) become -1.
func intList(_ v: Any?) -> [Int] { (v as? [Any] ?? []).map { ($0 as? NSNumber)?.intValue ?? -1 } }

/// JSON → OptionValue (dict order is lost by JSONSerialization; callers order keys themselves when it matters).
func optionValue(_ v: Any) -> OptionValue {
    if let n = v as? NSNumber {
        if String(cString: n.objCType) == "c" { return .bool(n.boolValue) }
        return n.doubleValue == n.doubleValue.rounded() && !"\(n)".contains(".") ? .int(n.intValue) : .double(n.doubleValue)
    }
    if let s = v as? String { return .string(s) }
    if let l = v as? [Any] { return .list(l.map(optionValue)) }
    if let d = v as? [String: Any] { return .dict(d.keys.sorted().map { OptionEntry($0, optionValue(d[$0]!)) }) }
    return .none
}

/// Compares one collated batch with the fixture's list of `{key, kind, dtype, shape, values}`.
func assertBatch(_ batch: Batch, _ expected: [[String: Any]], _ context: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(batch.keys, expected.map { $0["key"] as? String ?? "" }, "\(context): keys", file: file, line: line)
    for (entry, exp) in zip(batch.entries, expected) {
        let where_ = "\(context) key \(entry.key)"
        switch entry.value {
        case .tensor(let t):
            XCTAssertEqual(exp["kind"] as? String, "tensor", where_, file: file, line: line)
            XCTAssertEqual(t.dtype.torchName, exp["dtype"] as? String, where_, file: file, line: line)
            XCTAssertEqual(t.shape, intList(exp["shape"]), where_, file: file, line: line)
            XCTAssertTrue(valuesMatch(t, exp["values"]), "\(where_): \(t.doubles()) vs \(flatNumbers(exp["values"]))", file: file, line: line)
        case .ints(let l):
            XCTAssertEqual(exp["kind"] as? String, "list", where_, file: file, line: line)
            XCTAssertEqual(l, intList(exp["values"]), where_, file: file, line: line)
        case .strings(let l):
            XCTAssertEqual(exp["kind"] as? String, "list", where_, file: file, line: line)
            XCTAssertEqual(l, exp["values"] as? [String], where_, file: file, line: line)
        }
    }
}

/// Runs the fixture's `batching` runs against `makeDataset(seq_ordering)`.
func checkBatchingRuns(_ json: [String: Any], _ name: String, makeDataset: (String?) throws -> Dataset) throws {
    let runs = json["batching"] as? [[String: Any]] ?? []
    XCTAssertFalse(runs.isEmpty, "\(name): no batching runs")
    for (r, run) in runs.enumerated() {
        var opts = PipelineOptions()
        // null means unlimited, as None does in the original.
        let size = optionValue(run["batch_size"] ?? NSNull())
        opts.batchSize = size == .none ? nil : try KeyLimit(option: size, name: "batch_size")
        opts.maxSeqs = (run["max_seqs"] as? NSNumber)?.intValue
        let ds = try makeDataset(run["dataset_seq_ordering"] as? String)
        let it = try BatchIterator(dataset: ds, epoch: (run["epoch"] as? NSNumber)?.intValue ?? 1, options: opts)
        var got: [Batch] = []
        while let b = try it.next() { got.append(b) }
        let expected = run["batches"] as? [[[String: Any]]] ?? []
        XCTAssertEqual(got.count, expected.count, "\(name) run \(r): number of batches")
        for (i, (b, e)) in zip(got, expected).enumerated() { assertBatch(b, e, "\(name) run \(r) batch \(i)") }
    }
}

/// Element values compared exactly at the array's precision. Foundation's JSON parser on Linux
/// can be off in the last bits of a double, so float32 data is compared after rounding the
/// expected value to float32 (the fixture guarantees `Float(json)` is the stored value).
func valuesMatch(_ a: BatchArray, _ expected: Any?) -> Bool {
    let exp = flatNumbers(expected)
    let got = a.doubles()
    guard exp.count == got.count else { return false }
    if a.dtype == .float32 { return zip(got, exp).allSatisfy { Float($0) == Float($1) } }
    // float64: within a few ulps, the parser's error; integers are exact.
    if a.dtype == .float64 { return zip(got, exp).allSatisfy { abs($0 - $1) <= 1e-15 * max(abs($0), abs($1)) } }
    return got == exp
}

/// A fixture's order name as options: "random:2", "random with fixed_random_seed=17",
/// "default with partition_epoch=2".
func orderingOptions(_ name: String) -> [OptionEntry] {
    let parts = name.components(separatedBy: " with ")
    var entries = [OptionEntry("seq_ordering", .string(parts[0]))]
    for opt in parts.dropFirst() {
        let kv = opt.split(separator: "=", maxSplits: 1).map(String.init)
        entries.append(OptionEntry(kv[0], Int(kv[1]).map { .int($0) } ?? .string(kv[1])))
    }
    return entries
}
