import Foundation
import XCTest
@testable import Datasets

/// OggZipDataset with audio against `G_oggzip.expected.json` (the original's readings, orders and batches).
final class OggZipAudioFixtureTests: XCTestCase {
    private func fixture() throws -> [String: Any] {
        let found = try discoverFixtures(withKey: "readings")
        XCTAssertEqual(found.count, 1, "expected one G_oggzip fixture")
        guard let f = found.first else { throw DatasetError("no G_oggzip fixture") }
        return f.json
    }

    /// The reading's options as a dataset dict, with fixture file names made absolute.
    private func options(_ o: [String: Any], zip: String) -> OptionValue {
        var entries: [OptionEntry] = [OptionEntry("class", "OggZipDataset"),
                                      OptionEntry("path", .string(audioFixtureDir().appendingPathComponent(zip).path))]
        for key in o.keys.sorted() {
            var v = o[key]!
            if key == "targets", var t = v as? [String: Any], let f = t["vocab_file"] as? String {
                t["vocab_file"] = audioFixtureDir().appendingPathComponent(f).path
                v = t
            }
            entries.append(OptionEntry(key, optionValue(v)))
        }
        return .dict(entries)
    }

    /// OGG-decoded features follow the decoder-noise tolerance of the feature type.
    private func tolerance(_ o: [String: Any]) -> FeatureTolerance {
        let audio = o["audio"] as? [String: Any] ?? [:]
        return .ogg(audio["features"] as? String ?? "mfcc")
    }

    private func checkSeqs(_ ds: Dataset, _ seqs: [[String: Any]], tol: FeatureTolerance, _ ctx: String) throws {
        for s in seqs {
            let i = (s["seq_idx"] as? NSNumber)?.intValue ?? seqs.firstIndex { ($0 as NSDictionary) == (s as NSDictionary) }!
            XCTAssertEqual(try ds.getTag(i), s["tag"] as? String, ctx)
            if let c = s["corpus_seq_idx"] as? NSNumber { XCTAssertEqual(try ds.corpusSeqIdx(i), c.intValue, ctx) }
            if let shape = s["data_shape"] {
                guard case .array(let a) = try ds.getData(i, "data") else { return XCTFail(ctx) }
                var exp: [String: Any] = ["shape": shape]
                for k in ["sum", "first_frame"] { exp[k] = s[k] }
                assertFeatures(a, exp, tol: tol, "\(ctx) seq \(i)")
            }
            for (key, d) in s["data"] as? [String: [String: Any]] ?? [:] {
                switch try ds.getData(i, key) {
                case .array(let a) where key == "data":
                    assertFeatures(a, d, tol: tol, "\(ctx) seq \(i) data")
                case .array(let a):
                    XCTAssertEqual(a.shape, intList(d["shape"]), "\(ctx) seq \(i) \(key)")
                    XCTAssertEqual(a.dtype.rawValue, d["dtype"] as? String, "\(ctx) seq \(i) \(key)")
                    XCTAssertEqual(a.doubles(), flatNumbers(d["values"]), "\(ctx) seq \(i) \(key)")
                case .text(let t):
                    XCTAssertEqual(t, d["values"] as? String, "\(ctx) seq \(i) \(key)")
                default: XCTFail("\(ctx) seq \(i) \(key): unexpected value kind")
                }
            }
        }
    }

    private func checkReading(_ r: [String: Any], zip: String, _ ctx: String) throws {
        let o = r["options"] as! [String: Any]
        let ds = try Dataset.create(options: options(o, zip: zip))
        try ds.initSeqOrder(epoch: (r["epoch"] as? NSNumber)?.intValue ?? 1)
        if let keys = r["data_keys"] as? [String] { XCTAssertEqual(ds.dataKeys, keys, ctx) }
        if let n = r["num_inputs"] as? NSNumber { XCTAssertEqual(ds.numInputs, n.intValue, ctx) }
        if let tags = r["all_tags"] as? [String] { XCTAssertEqual(try ds.getAllTags(), tags, ctx) }
        if let order = r["seq_order"] { XCTAssertEqual(ds.seqOrder, intList(order), ctx) }
        for (key, v) in r["num_outputs"] as? [String: Any] ?? [:] {
            if let pair = v as? [Int] {
                XCTAssertEqual(ds.numOutputs[key], .dims(dim: pair[0], ndim: pair[1]), "\(ctx) \(key)")
            } else {
                XCTAssertEqual(ds.numOutputs[key], .string, "\(ctx) \(key)")
            }
        }
        try checkSeqs(ds, r["seqs"] as? [[String: Any]] ?? [], tol: tolerance(o), ctx)
    }

    func testCorpusReadings() throws {
        let json = try fixture()
        let readings = json["readings"] as? [[String: Any]] ?? []
        XCTAssertEqual(readings.count, 6)
        for r in readings { try checkReading(r, zip: json["zip"] as! String, r["id"] as! String) }
    }

    func testMixedZipWithoutSeqNames() throws {
        let m = try fixture()["mixed_zip"] as! [String: Any]
        let zip = try ZipArchive(path: audioFixtureDir().appendingPathComponent(m["zip"] as! String).path)
        XCTAssertEqual(zip.names, (m["zip_members"] as! [[String: Any]]).map { $0["name"] as! String })
        try checkReading(m, zip: m["zip"] as! String, "mixed_zip")
    }

    func testZipMembersAndIndex() throws {
        let json = try fixture()
        let zip = try ZipArchive(path: audioFixtureDir().appendingPathComponent(json["zip"] as! String).path)
        XCTAssertEqual(zip.names, (json["zip_members"] as! [[String: Any]]).map { $0["name"] as! String })
        XCTAssertEqual(try zip.readText(json["txt_member"] as! String), json["txt_content"] as? String)
    }

    /// Collated batches: keys, dtypes and shapes exact; integer values exact; features within the OGG tolerance.
    func testBatching() throws {
        let json = try fixture()
        let run = json["batching"] as! [String: Any]
        let o = run["options"] as! [String: Any]
        let ds = try Dataset.create(options: options(o, zip: json["zip"] as! String))
        var opts = PipelineOptions()
        opts.batchSize = try KeyLimit(option: optionValue(run["batch_size"]!), name: "batch_size")
        opts.maxSeqs = (run["max_seqs"] as? NSNumber)?.intValue
        let it = try BatchIterator(dataset: ds, epoch: (run["epoch"] as? NSNumber)?.intValue ?? 1, options: opts)
        var got: [Batch] = []
        while let b = try it.next() { got.append(b) }
        let expected = run["batches"] as? [[[String: Any]]] ?? []
        XCTAssertEqual(got.count, expected.count)
        for (bi, (b, e)) in zip(got, expected).enumerated() {
            XCTAssertEqual(b.keys, e.map { $0["key"] as? String ?? "" }, "batch \(bi)")
            for (entry, exp) in zip(b.entries, e) {
                let ctx = "batch \(bi) \(entry.key)"
                switch entry.value {
                case .tensor(let t):
                    XCTAssertEqual(t.dtype.torchName, exp["dtype"] as? String, ctx)
                    if entry.key == "data" {
                        assertFeatures(t, ["shape": exp["shape"]!, "values": exp["values"]!], tol: tolerance(o), ctx)
                    } else {
                        XCTAssertEqual(t.shape, intList(exp["shape"]), ctx)
                        XCTAssertEqual(t.doubles(), flatNumbers(exp["values"]), ctx)
                    }
                case .ints(let l): XCTAssertEqual(l, intList(exp["values"]), ctx)
                case .strings(let l): XCTAssertEqual(l, exp["values"] as? [String], ctx)
                }
            }
        }
    }
}

/// Feature extraction runs inside the prefetching pipeline: `BatchLoader` (background thread)
/// yields the same batches as the synchronous `BatchIterator`.
final class AudioLoaderTests: XCTestCase {
    func testLoaderThreadExtractsSameBatches() throws {
        let zipPath = audioFixtureDir().appendingPathComponent("G_corpus.zip").path
        let options: OptionValue = ["class": "OggZipDataset", "path": .string(zipPath), "targets": nil, "seq_ordering": "random",
                                    "audio": ["features": "log_mel_filterbank", "num_feature_filters": 80, "with_delta": 2,
                                              "random_permute": ["rnd_zoom_switch": 0.5, "rnd_stretch_switch": 0.0, "rnd_pitch_switch": 0.0]]]
        var opts = PipelineOptions()
        opts.maxSeqs = 2
        for epoch in 1...2 {
            let it = try BatchIterator(dataset: try Dataset.create(options: options), epoch: epoch, options: opts)
            var direct: [Batch] = []
            while let b = try it.next() { direct.append(b) }
            let loader = try BatchLoader(dataset: try Dataset.create(options: options), epoch: epoch, options: opts, prefetch: 2)
            var loaded: [Batch] = []
            while let b = try loader.next() { loaded.append(b) }
            XCTAssertEqual(loaded.count, 5, "epoch \(epoch): batch_size 1 by default")
            XCTAssertEqual(loaded.map(\.keys), direct.map(\.keys), "epoch \(epoch)")
            for (a, b) in zip(loaded, direct) {
                for (x, y) in zip(a.entries, b.entries) {
                    guard case .tensor(let tx) = x.value, case .tensor(let ty) = y.value else { continue }
                    XCTAssertEqual(tx, ty, "epoch \(epoch) \(x.key)")
                }
            }
        }
    }
}

/// `epoch_wise_filter` on G_corpus (lengths int(duration·100) = [40, 85, 60, 50, 70]); expected
/// orders follow the original's `binary_search_any` over the sorted lengths' running mean.
final class EpochWiseFilterTests: XCTestCase {
    private func order(_ filter: OptionValue, epoch: Int) throws -> [Int] {
        let ds = try Dataset.create(options: ["class": "OggZipDataset", "path": .string(audioFixtureDir().appendingPathComponent("G_corpus.zip").path),
                                              "audio": nil, "targets": nil, "epoch_wise_filter": filter])
        try ds.initSeqOrder(epoch: epoch)
        return ds.seqOrder
    }

    func testMaxMeanLen() throws {
        // mean of the n shortest: 40, 45, 50, 55, 61.
        XCTAssertEqual(try order(["(1, 5)": ["max_mean_len": 55]], epoch: 1), [0, 2, 3, 4])   // exact hit at n = 4
        XCTAssertEqual(try order(["(1, 5)": ["max_mean_len": 52]], epoch: 1), [0, 2, 3, 4])   // the search ends at the first n above
        XCTAssertEqual(try order(["(1, 5)": ["max_mean_len": 45]], epoch: 1), [0, 3])
        XCTAssertEqual(try order(["(1, 5)": ["max_mean_len": 44]], epoch: 1), [0, 3])
        XCTAssertEqual(try order(["(2, None)": ["max_mean_len": 45]], epoch: 1), [0, 1, 2, 3, 4])
        XCTAssertEqual(try order(["(2, None)": ["max_mean_len": 45]], epoch: 7), [0, 3])
    }

    func testBadFilterOptions() throws {
        XCTAssertThrowsError(try order(["(1, 5)": ["max_mean": 45]], epoch: 1)) { XCTAssertTrue("\($0)".contains("'max_mean': unknown option"), "\($0)") }
        XCTAssertThrowsError(try order(["1-5": ["max_mean_len": 45]], epoch: 1)) { XCTAssertTrue("\($0)".contains("not an (ep_start, ep_end) tuple"), "\($0)") }
    }
}
