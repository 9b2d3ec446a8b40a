import Foundation
import XCTest
@testable import Datasets

/// Checks HDFDataset against every HDF fixture (`*.expected.json` with a `reader` section).
final class HDFFixtureTests: XCTestCase {
    private func cases() throws -> [(url: URL, json: [String: Any])] {
        let found = try discoverFixtures(withKey: "reader")
        XCTAssertFalse(found.isEmpty, "no HDF fixtures found under \(fixturesRoot().path)")
        return found
    }

    private func files(_ c: (url: URL, json: [String: Any]), reversed: Bool = false) -> [String] {
        let names = c.json["files"] as? [String] ?? []
        let paths = names.map { c.url.deletingLastPathComponent().appendingPathComponent($0).path }
        return reversed ? paths.reversed() : paths
    }

    func testReaderMatchesFixtures() throws {
        for c in try cases() {
            let name = c.url.lastPathComponent
            try checkReader(try HDFDataset(files: files(c)), c.json["reader"] as! [String: Any], name)
            if let rev = c.json["reader_reversed_file_order"] as? [String: Any] {
                try checkReader(try HDFDataset(files: files(c, reversed: true)), rev, name + " reversed")
            }
        }
    }

    private func checkReader(_ ds: HDFDataset, _ r: [String: Any], _ name: String) throws {
        try ds.initSeqOrder(epoch: 1)
        XCTAssertEqual(ds.numSeqs, (r["num_seqs"] as! NSNumber).intValue, name)
        XCTAssertEqual(ds.dataKeys, r["data_keys"] as! [String], name)
        XCTAssertEqual(ds.targetList, r["target_list"] as! [String], name)
        XCTAssertEqual(ds.numInputs, (r["num_inputs"] as! NSNumber).intValue, name)
        let outputs = (r["num_outputs"] as! [String: [Int]]).mapValues { NumOutput.dims(dim: $0[0], ndim: $0[1]) }
        XCTAssertEqual(ds.numOutputs, outputs, name)
        XCTAssertEqual(ds.labels, r["labels"] as! [String: [String]], name)
        XCTAssertEqual(ds.numTimesteps, (r["num_timesteps"] as! NSNumber).intValue, name)
        XCTAssertEqual(try ds.getAllTags(), r["all_tags"] as! [String], name)
        for (key, k) in r["keys"] as! [String: [String: Any]] {
            XCTAssertEqual(try ds.dataDType(key), k["dtype"] as? String, "\(name) \(key)")
            XCTAssertEqual(try ds.isDataSparse(key), k["sparse"] as? Bool, "\(name) \(key)")
            XCTAssertEqual(try ds.dataDim(key), (k["dim"] as! NSNumber).intValue, "\(name) \(key)")
            XCTAssertEqual(try ds.dataShape(key).map { $0 ?? -1 }, intList(k["shape_without_time"]), "\(name) \(key)")
        }
        for s in r["seqs"] as! [[String: Any]] {
            let i = (s["seq_idx"] as! NSNumber).intValue
            let where_ = "\(name) seq \(i)"
            XCTAssertEqual(try ds.corpusSeqIdx(i), (s["corpus_seq_idx"] as! NSNumber).intValue, where_)
            XCTAssertEqual(try ds.getTag(i), s["tag"] as? String, where_)
            let lengths = Dictionary(uniqueKeysWithValues: try ds.seqLengths(i).map { ($0.key, $0.length) })
            XCTAssertEqual(lengths, s["seq_length"] as! [String: Int], where_)
            for (key, d) in s["data"] as! [String: [String: Any]] {
                guard case .array(let a) = try ds.getData(i, key) else { XCTFail(where_); continue }
                XCTAssertEqual(a.shape, intList(d["shape"]), "\(where_) \(key)")
                XCTAssertEqual(a.dtype.rawValue, d["dtype"] as? String, "\(where_) \(key)")
                XCTAssertTrue(valuesMatch(a, d["values"]), "\(where_) \(key) values")
                let sum = (d["sum_float64"] as! NSNumber).doubleValue
                XCTAssertEqual(a.doubles().reduce(0, +), sum, accuracy: 1e-9 * max(1, abs(sum)), "\(where_) \(key)")
            }
        }
    }

    func testSeqOrdersMatchFixtures() throws {
        var checked = 0
        for c in try cases() {
            guard let orders = c.json["seq_orders"] as? [String: Any] else { continue }
            for (mode, perEpoch) in orders {
                guard let perEpoch = perEpoch as? [String: [Int]] else { continue }
                let ordering = try parseOrderingName(mode)
                let ds = try HDFDataset(files: files(c), ordering: ordering)
                for (epoch, expected) in perEpoch {
                    try ds.initSeqOrder(epoch: Int(epoch)!)
                    XCTAssertEqual(ds.seqOrder, expected, "\(c.url.lastPathComponent) \(mode) epoch \(epoch)")
                    checked += 1
                }
            }
        }
        XCTAssertGreaterThan(checked, 0)
    }

    private func parseOrderingName(_ name: String) throws -> SeqOrdering {
        let reader = try OptionReader(.dict(orderingOptions(name)), context: name)
        let ordering = try SeqOrdering(options: reader)
        try reader.finish()
        return ordering
    }

    func testBatchingMatchesFixtures() throws {
        for c in try cases() {
            try checkBatchingRuns(c.json, c.url.lastPathComponent) { mode in
                try HDFDataset(files: files(c), ordering: SeqOrdering(mode: mode ?? "default"))
            }
        }
    }
}
