import Foundation
import XCTest
@testable import Datasets

/// LmDataset, TranslationDataset, MetaDataset and the pickle reader against outputs of the
/// original classes (MiniReturnn run under CPython; the inputs are written by the tests).
final class TextDatasetTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("mrsh-text-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try write("corpus.txt", "hello world\n\n  the (cat) sat  \nunknownz q\n</s>\nhello [noise] world\n")
        let chars = ["a", "b", "c", "d", "e", "h", "l", "o", "w", "r", "t", "s", " ", "[END]", "[UNKNOWN]", "[NOISE]", "[START]"]
        try write("chars.dict", "{" + chars.enumerated().map { "'\($1)': \($0)" }.joined(separator: ", ") + "}")
        let words = ["hello", "world", "the", "cat", "sat", "[END]", "[UNKNOWN]", "[NOISE]", "[START]"]
        try write("words.lines", words.enumerated().map { "\($1) \($0)\n" }.joined())
        try write("words.dict", "{" + words.enumerated().map { "'\($1)': \($0)" }.joined(separator: ", ") + "}\n")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("tr"), withIntermediateDirectories: true)
        try Data(hex(TextDatasetTests.sourcePickle4)).write(to: dir.appendingPathComponent("tr/source.vocab.pkl"))
        try Data(hex(TextDatasetTests.targetPickle2)).write(to: dir.appendingPathComponent("tr/target.vocab.pkl"))
        try write("tr/source.train", "guten tag\nguten welt foo\ntag\n")
        try write("tr/target.train", "good day\ngood world\nday\n")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    // pickle.dumps({'<s>':0,'</s>':0,'guten':1,'tag':2,'welt':3,'<unk>':4}, protocol=4)
    static let sourcePickle4 = "8004953b000000000000007d94288c033c733e944b008c043c2f733e944b008c05677574656e944b018c03746167944b028c0477656c74944b038c053c756e6b3e944b04752e"
    // pickle.dumps({'<s>':0,'</s>':0,'good':1,'day':2,'world':3,'<unk>':4}, protocol=2)
    static let targetPickle2 = "80027d71002858030000003c733e71014b0058040000003c2f733e71024b005804000000676f6f6471034b01580300000064617971044b025805000000776f726c6471054b0358050000003c756e6b3e71064b04752e"
    // the source dict with protocol=0
    static let sourcePickle0 = "286470300a563c733e0a70310a49300a73563c2f733e0a70320a49300a7356677574656e0a70330a49310a73567461670a70340a49320a735677656c740a70350a49330a73563c756e6b3e0a70360a49340a732e"

    private func write(_ name: String, _ text: String) throws {
        try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    private func path(_ name: String) -> OptionValue { .string(dir.appendingPathComponent(name).path) }

    private func hex(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        var i = s.startIndex
        while i < s.endIndex { let j = s.index(i, offsetBy: 2); out.append(UInt8(s[i..<j], radix: 16)!); i = j }
        return out
    }

    /// Every sequence of epoch `epoch` as (tag, key → int values).
    private func dump(_ ds: Dataset, epoch: Int = 1) throws -> [(String, [String: [Int64]])] {
        try ds.initSeqOrder(epoch: epoch)
        return try (0..<ds.numSeqs).map { i in
            (try ds.getTag(i), Dictionary(uniqueKeysWithValues: try ds.dataKeys.map { k -> (String, [Int64]) in
                guard case .array(let a) = try ds.getData(i, k) else { throw DatasetError("not an array") }
                return (k, a.int64s())
            }))
        }
    }

    func testUnpicklerProtocols() throws {
        let expected: [(String, Int)] = [("<s>", 0), ("</s>", 0), ("guten", 1), ("tag", 2), ("welt", 3), ("<unk>", 4)]
        for h in [TextDatasetTests.sourcePickle4, TextDatasetTests.sourcePickle0] {
            guard case .dict(let items) = try Unpickler.load(hex(h), file: "x.pkl") else { return XCTFail() }
            XCTAssertEqual(items.map { $0.0 }, expected.map { .string($0.0) })
            XCTAssertEqual(items.map { $0.1 }, expected.map { .int($0.1) })
        }
        XCTAssertThrowsError(try Unpickler.load(hex("80048c01"), file: "bad.pkl")) { e in XCTAssertTrue("\(e)".contains("bad.pkl")) }
    }

    func testLmDatasetCharacters() throws {
        let ds = try Dataset.create(options: ["class": "LmDataset", "corpus_file": path("corpus.txt"),
                                              "orth_symbols_map_file": path("chars.dict"), "auto_replace_unknown_symbol": true])
        XCTAssertEqual(ds.dataKeys, ["data"])
        XCTAssertEqual(ds.targetList, ["data"])
        XCTAssertEqual(ds.numOutputs["data"], .dims(dim: 17, ndim: 1))
        XCTAssertEqual(try ds.dataDType("data"), "int8")
        let got = try dump(ds)
        XCTAssertEqual(got.map(\.0), ["line-0", "line-1", "line-2", "line-4"])
        XCTAssertEqual(got.map { $0.1["data"]! }, [[5, 4, 6, 6, 7, 12, 8, 7, 9, 6, 3, 13], [10, 5, 4, 12, 2, 0, 10, 12, 11, 0, 10, 13],
                                                   [14, 14, 14, 14, 7, 8, 14, 14, 12, 14, 13], [5, 4, 6, 6, 7, 12, 15, 12, 8, 7, 9, 6, 3, 13]])
    }

    func testLmDatasetWordsDelayedSorted() throws {
        let ds = try Dataset.create(options: ["class": "LmDataset", "corpus_file": path("corpus.txt"), "orth_symbols_map_file": path("words.lines"),
                                              "word_based": true, "auto_replace_unknown_symbol": true, "add_delayed_seq_data": true,
                                              "seq_ordering": "sorted"])
        XCTAssertEqual(ds.dataKeys, ["data", "delayed"])
        let got = try dump(ds)
        XCTAssertEqual(got.map(\.0), ["line-2", "line-0", "line-1", "line-4"])
        XCTAssertEqual(got.map { $0.1["data"]! }, [[6, 6, 5], [0, 1, 5], [2, 3, 4, 5], [0, 7, 1, 5]])
        XCTAssertEqual(got.map { $0.1["delayed"]! }, [[8, 6, 6], [8, 0, 1], [8, 2, 3, 4], [8, 0, 7, 1]])
    }

    func testLmDatasetSkipsInvalidWhenAllowed() throws {
        let opts: OptionValue = ["class": "LmDataset", "corpus_file": path("corpus.txt"), "orth_symbols_map_file": path("words.dict"), "word_based": true]
        guard case .dict(var e) = opts else { return XCTFail() }
        e.append(OptionEntry("error_on_invalid_seq", false))
        let got = try dump(try Dataset.create(options: .dict(e)))
        XCTAssertEqual(got.map(\.0), ["line-0", "line-1", "line-4"])
        XCTAssertEqual(got.map { $0.1["data"]! }, [[0, 1, 5], [2, 3, 4, 5], [0, 7, 1, 5]])
        let strict = try Dataset.create(options: opts)
        try strict.initSeqOrder(epoch: 1)
        XCTAssertThrowsError(try strict.getData(2, "data")) { err in XCTAssertTrue("\(err)".contains("line-2"), "\(err)") }
    }

    func testTranslationDataset() throws {
        let ds = try Dataset.create(options: ["class": "TranslationDataset", "path": path("tr"), "file_postfix": "train",
                                              "target_postfix": " </s>", "unknown_label": "<unk>", "seq_ordering": "random"])
        XCTAssertEqual(ds.dataKeys, ["classes", "data"])
        XCTAssertEqual(ds.targetList, ["classes"])
        XCTAssertEqual(ds.numOutputs["data"], .dims(dim: 5, ndim: 1))
        XCTAssertEqual(ds.labels["data"], ["<s>", "guten", "tag", "welt", "<unk>"])
        XCTAssertEqual(ds.labels["classes"], ["<s>", "good", "day", "world", "<unk>"])
        let got = try dump(ds, epoch: 2)
        XCTAssertEqual(got.map(\.0), ["line-2", "line-1", "line-0"])
        XCTAssertEqual(got.map { $0.1["classes"]! }, [[2, 0], [1, 3, 0], [1, 2, 0]])
        XCTAssertEqual(got.map { $0.1["data"]! }, [[2], [1, 3, 4], [1, 2]])
        XCTAssertThrowsError(try Dataset.create(options: ["class": "TranslationDataset", "path": path("tr"), "file_postfix": "train"])) { e in
            XCTAssertTrue("\(e)".contains("foo"), "unknown word without unknown_label: \(e)")
        }
    }

    private func metaOptions(_ extra: [OptionEntry]) -> OptionValue {
        let lens = [3, 1, 4, 2, 5]
        let a: OptionValue = ["class": "StaticDataset", "data": .list(lens.enumerated().map { i, t in
            ["data": .list((0..<t).map { r in .list([.double(Double(2 * r + 10 * i)), .double(Double(2 * r + 1 + 10 * i))]) })]
        })]
        let b: OptionValue = ["class": "StaticDataset", "seq_ordering": "reverse",
                              "data": .list((0..<5).map { i in ["data": .list((0...i).map { .int($0) })] })]
        return .dict([OptionEntry("class", "MetaDataset"), OptionEntry("datasets", ["a": a, "b": b]),
                      OptionEntry("data_map", ["data": ["a", "data"], "classes": ["b", "data"]])] + extra)
    }

    func testMetaDatasetSortedPartitioned() throws {
        let ds = try Dataset.create(options: metaOptions([OptionEntry("seq_ordering", "sorted"), OptionEntry("partition_epoch", 2)]))
        XCTAssertEqual(ds.dataKeys, ["classes", "data"])
        XCTAssertEqual(ds.targetList, ["classes"])
        XCTAssertEqual(ds.numOutputs, ["data": .dims(dim: 2, ndim: 2), "classes": .dims(dim: 0, ndim: 1)])
        let e1 = try dump(ds, epoch: 1)
        XCTAssertEqual(e1.map(\.0), ["seq-1", "seq-3", "seq-0"])
        XCTAssertEqual(e1.map { $0.1["classes"]! }, [[0, 1], [0, 1, 2, 3], [0]])
        XCTAssertEqual(e1[0].1["data"]!, [10, 11])
        let e2 = try dump(ds, epoch: 2)
        XCTAssertEqual(e2.map(\.0), ["seq-2", "seq-4"])
        XCTAssertEqual(e2.map { $0.1["classes"]! }, [[0, 1, 2], [0, 1, 2, 3, 4]])
    }

    func testMetaDatasetControlDatasetAndErrors() throws {
        let ds = try Dataset.create(options: metaOptions([OptionEntry("seq_order_control_dataset", "b")]))
        XCTAssertEqual(try dump(ds).map(\.0), ["seq-4", "seq-3", "seq-2", "seq-1", "seq-0"])
        guard case .dict(var e) = metaOptions([]) else { return XCTFail() }
        e = e.map { $0.key == "data_map" ? OptionEntry("data_map", ["data": ["a", "data"], "classes": ["c", "data"]]) : $0 }
        XCTAssertThrowsError(try Dataset.create(options: .dict(e))) { err in XCTAssertTrue("\(err)".contains("unknown dataset 'c'"), "\(err)") }
    }
}

/// ConcatSeqsDataset against the original (sub-dataset of five sequences, `;`-joined tags).
final class ConcatSeqsDatasetTests: XCTestCase {
    func testMatchesOriginal() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mrsh-cs-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "seq-0;seq-1\nseq-2\nseq-3;seq-4;seq-1\n".write(to: dir.appendingPathComponent("cs.list"), atomically: true, encoding: .utf8)
        try "{'seq-0': 3, 'seq-1': 2, 'seq-2': 4, 'seq-3': 1, 'seq-4': 2}\n".write(to: dir.appendingPathComponent("cs.lens"), atomically: true, encoding: .utf8)
        // data [T, 1] = t + 10 i (float32); classes = 10 i ..< 10 i + T - 1, then 9 (int32)
        let sub: OptionValue = ["class": "StaticDataset", "data": .list([3, 2, 4, 1, 2].enumerated().map { i, t in
            ["data": .list((0..<t).map { .list([.double(Double($0 + 10 * i))]) }),
             "classes": .list(((10 * i)..<(10 * i + t - 1)).map { .int($0) } + [.int(9)])] })]
        func make(_ ordering: String) throws -> Dataset {
            try Dataset.create(options: ["class": "ConcatSeqsDataset", "dataset": sub,
                                         "seq_list_file": .string(dir.appendingPathComponent("cs.list").path),
                                         "seq_len_file": .string(dir.appendingPathComponent("cs.lens").path),
                                         "remove_in_between_postfix": ["classes": 9],
                                         "repeat_in_between_last_frame_up_to_multiple_of": ["data": 2], "seq_ordering": .string(ordering)])
        }
        let ds = try make("default")
        try ds.initSeqOrder(epoch: 1)
        XCTAssertEqual(ds.dataKeys, ["data", "classes"])
        XCTAssertEqual(try (0..<3).map { try ds.getTag($0) }, ["seq-0;seq-1", "seq-2", "seq-3;seq-4;seq-1"])
        XCTAssertEqual(try ds.getData(0, "data"), .array(BatchArray(float32: [0, 1, 2, 2, 10, 11], shape: [6, 1])))
        XCTAssertEqual(try ds.getData(0, "classes"), .array(BatchArray(int32: [0, 1, 10, 9], shape: [4])))
        XCTAssertEqual(try ds.getData(2, "data"), .array(BatchArray(float32: [30, 30, 40, 41, 10, 11], shape: [6, 1])))
        XCTAssertEqual(try ds.getData(2, "classes"), .array(BatchArray(int32: [40, 10, 9], shape: [3])))
        let sorted = try make("sorted")
        try sorted.initSeqOrder(epoch: 1)
        XCTAssertEqual(try (0..<3).map { try sorted.getTag($0) }, ["seq-2", "seq-0;seq-1", "seq-3;seq-4;seq-1"])
        XCTAssertEqual(try sorted.getData(1, "classes"), .array(BatchArray(int32: [0, 1, 10, 9], shape: [4])))
    }
}
