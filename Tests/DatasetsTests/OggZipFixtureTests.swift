import Foundation
import XCTest
@testable import Datasets

/// OggZipDataset (text only) against the E fixtures (`*.expected.json` with `zip_members`).
final class OggZipFixtureTests: XCTestCase {
    private func cases() throws -> [(url: URL, json: [String: Any])] {
        // The G audio fixture (with `readings`) is checked by OggZipAudioFixtureTests.
        let found = try discoverFixtures(withKey: "zip_members").filter { $0.json["readings"] == nil }
        XCTAssertFalse(found.isEmpty, "no OggZip fixtures")
        return found
    }

    /// The unknown label named in the fixture's description (the original's reader options), else "<unk>".
    private func unknownLabel(_ json: [String: Any]) -> String {
        let d = json["description"] as? String ?? ""
        guard let r = d.range(of: "'unknown_label': '") else { return "<unk>" }
        return String(d[r.upperBound...].prefix { $0 != "'" })
    }

    private func options(_ c: (url: URL, json: [String: Any]), ordering: String = "default") -> OptionValue {
        let dir = c.url.deletingLastPathComponent()
        let zipName = (c.json["txt_member"] as! String).replacingOccurrences(of: ".txt", with: ".zip")
        let base: OptionValue = ["class": "OggZipDataset", "path": .string(dir.appendingPathComponent(zipName).path), "audio": nil,
                                 "targets": ["class": "Vocabulary", "vocab_file": .string(dir.appendingPathComponent(c.json["vocab_file"] as! String).path),
                                             "unknown_label": .string(unknownLabel(c.json))]]
        return base.replacingOrdering(with: orderingOptions(ordering))
    }

    func testZipMembers() throws {
        for c in try cases() {
            let dir = c.url.deletingLastPathComponent()
            let zipName = (c.json["txt_member"] as! String).replacingOccurrences(of: ".txt", with: ".zip")
            let zip = try ZipArchive(path: dir.appendingPathComponent(zipName).path)
            XCTAssertEqual(zip.names, (c.json["zip_members"] as! [[String: Any]]).map { $0["name"] as! String })
            XCTAssertEqual(try zip.readText(c.json["txt_member"] as! String), c.json["txt_content"] as? String)
        }
    }

    func testReaderMatchesFixtures() throws {
        for c in try cases() {
            let ds = try Dataset.create(options: options(c))
            try ds.initSeqOrder(epoch: 1)
            XCTAssertEqual(ds.dataKeys, c.json["data_keys"] as! [String])
            XCTAssertEqual(ds.numSeqs, (c.json["num_seqs"] as! NSNumber).intValue)
            XCTAssertEqual(try ds.getAllTags(), c.json["all_tags"] as! [String])
            for (key, v) in c.json["num_outputs"] as! [String: Any] {
                if let pair = v as? [Int] {
                    XCTAssertEqual(ds.numOutputs[key], .dims(dim: pair[0], ndim: pair[1]), key)
                } else {
                    XCTAssertEqual(ds.numOutputs[key], .string, key)
                }
            }
            for s in c.json["seqs"] as! [[String: Any]] {
                let i = (s["seq_idx"] as! NSNumber).intValue
                XCTAssertEqual(try ds.getTag(i), s["tag"] as? String)
                for (key, d) in s["data"] as! [String: [String: Any]] {
                    switch try ds.getData(i, key) {
                    case .array(let a):
                        XCTAssertEqual(a.shape, intList(d["shape"]), "seq \(i) \(key)")
                        XCTAssertEqual(a.dtype.rawValue, d["dtype"] as? String, "seq \(i) \(key)")
                        XCTAssertTrue(valuesMatch(a, d["values"]), "seq \(i) \(key)")
                    case .text(let t):
                        XCTAssertEqual(t, d["values"] as? String, "seq \(i) \(key)")
                        XCTAssertEqual(d["dtype"] as? String, "<U\(t.unicodeScalars.count)")
                    default: XCTFail("seq \(i) \(key): unexpected value kind")
                    }
                }
            }
        }
    }

    func testSeqOrdersAndBatching() throws {
        for c in try cases() {
            for (mode, expected) in c.json["seq_orders_epoch1"] as! [String: [Int]] {
                let ds = try Dataset.create(options: options(c, ordering: mode))
                try ds.initSeqOrder(epoch: 1)
                XCTAssertEqual(ds.seqOrder, expected, mode)
            }
            try checkBatchingRuns(c.json, c.url.lastPathComponent) { mode in
                try Dataset.create(options: options(c, ordering: mode ?? "default"))
            }
        }
    }

    func testUnknownAudioFeatureIsAnError() throws {
        let c = try cases()[0]
        guard case .dict(var entries) = options(c) else { return XCTFail() }
        entries = entries.map { $0.key == "audio" ? OptionEntry("audio", ["features": "mfc"]) : $0 }
        XCTAssertThrowsError(try Dataset.create(options: .dict(entries))) { e in
            XCTAssertTrue("\(e)".contains("non-supported feature type 'mfc'") && "\(e)".contains("did you mean 'mfcc'"), "\(e)")
        }
    }

    func testCorruptZipNamesFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(getpid()).zip").path
        try Data("PK\u{03}\u{04} this is not a zip".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try Dataset.create(options: ["class": "OggZipDataset", "path": .string(path), "audio": nil, "targets": nil])) { e in
            XCTAssertTrue("\(e)".contains(path), "\(e)")
        }
    }
}

private extension OptionValue {
    /// The dict with its `seq_ordering` entry replaced by `entries`.
    func replacingOrdering(with entries: [OptionEntry]) -> OptionValue {
        guard case .dict(let d) = self else { return self }
        return .dict(d.filter { $0.key != "seq_ordering" } + entries)
    }
}
