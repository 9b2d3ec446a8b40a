import Foundation
import XCTest
@testable import Datasets

/// Options shared by many datasets (seq list filter, unique tags, gzip inputs, random subsets),
/// sparse HDF inputs and the engine's pipeline settings.
final class MoreDatasetTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("mrsh-more-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private func bytes(_ hex: String) -> Data {
        var out: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex { let j = hex.index(i, offsetBy: 2); out.append(UInt8(hex[i..<j], radix: 16)!); i = j }
        return Data(out)
    }

    private func fixture(_ rel: String) -> String { fixturesRoot().appendingPathComponent(rel).path }

    /// Three sequences with tags a, b, a; 1-d int32 inputs (sparse, inputPattSize 7).
    private func sparseFile() throws -> String {
        let path = dir.appendingPathComponent("sparse.hdf").path
        let f = try HDF5File.create(path)
        try f.createDataset("inputs", dtype: .int32, shape: [6])
        try f.writeRows("inputs", start: 0, BatchArray(int32: [1, 2, 3, 4, 5, 6], shape: [6]))
        try f.writeIntAttribute("/", "inputPattSize", [7], scalar: true)
        try f.createStringDataset("seqTags", kind: .fixed(size: 2), count: 3, maxCount: nil)
        try f.writeStrings("seqTags", start: 0, ["a", "b", "a"], kind: .fixed(size: 2))
        try f.createDataset("seqLengths", dtype: .int32, shape: [3, 2])
        try f.writeRows("seqLengths", start: 0, BatchArray(int32: [1, 0, 2, 0, 3, 0], shape: [3, 2]))
        f.close()
        return path
    }

    func testSparseInputsAndUniqueTags() throws {
        let ds = try Dataset.create(options: ["class": "HDFDataset", "files": .list([.string(try sparseFile())]), "unique_seq_tags": true])
        XCTAssertEqual(ds.numOutputs["data"], .dims(dim: 7, ndim: 1))
        XCTAssertTrue(try ds.isDataSparse("data"))
        XCTAssertEqual(ds.dataKeys, ["data"])
        try ds.initSeqOrder(epoch: 1)
        XCTAssertEqual(ds.seqOrder, [0, 1], "the second 'a' is dropped")
        XCTAssertEqual(try ds.getData(1, "data"), .array(BatchArray(int32: [2, 3], shape: [2])))
    }

    func testSeqListFilterFileGzip() throws {
        let list = dir.appendingPathComponent("keep.txt.gz")
        try bytes("1f8b0800000000000203cbc9cc4bd535e2ca0151065c00a5f2a0730e000000").write(to: list)  // "line-2\nline-0\n"
        XCTAssertEqual(try SeqOrdering.loadSeqList(list.path), ["line-2", "line-0"])
        let corpus = dir.appendingPathComponent("c.txt")
        try "a b\nb\na a a\n".write(to: corpus, atomically: true, encoding: .utf8)
        let syms = dir.appendingPathComponent("s.dict")
        try "{'a': 0, 'b': 1, ' ': 2, '[END]': 3}".write(to: syms, atomically: true, encoding: .utf8)
        let ds = try Dataset.create(options: ["class": "LmDataset", "corpus_file": .string(corpus.path),
                                              "orth_symbols_map_file": .string(syms.path), "seq_list_filter_file": .string(list.path)])
        try ds.initSeqOrder(epoch: 1)
        XCTAssertEqual(try (0..<ds.numSeqs).map { try ds.getTag($0) }, ["line-0", "line-2"], "filter keeps the epoch order")
    }

    func testGzipCorruptionIsReported() throws {
        let bad = dir.appendingPathComponent("bad.txt.gz")
        var d = bytes("1f8b0800000000000203cbc9cc4bd535e2ca0151065c00a5f2a0730e000000")
        d[d.count - 6] ^= 0xFF
        try d.write(to: bad)
        XCTAssertThrowsError(try SeqOrdering.loadSeqList(bad.path)) { e in XCTAssertTrue("\(e)".contains(bad.path), "\(e)") }
    }

    func testOggZipFixedRandomSubsetMatchesOriginal() throws {
        let zip = fixture("E/E_corpus.zip")
        let a = try Dataset.create(options: ["class": "OggZipDataset", "path": .string(zip), "audio": nil, "targets": nil, "fixed_random_subset": 3])
        XCTAssertEqual(try a.getAllTags(), ["fixcorpus/rec_one/2", "fixcorpus/rec_two/2", "fixcorpus/rec_one/1"])
        XCTAssertNil(a.numOutputs["classes"])
        let b = try Dataset.create(options: ["class": "OggZipDataset", "path": .string(zip), "audio": nil, "targets": nil,
                                             "fixed_random_subset": 0.5, "fixed_random_subset_seed": 7, "seq_ordering": "laplace:2"])
        XCTAssertEqual(try b.getAllTags(), ["fixcorpus/rec_two/1", "fixcorpus/rec_one/2"])
        try b.initSeqOrder(epoch: 3)
        XCTAssertEqual(try (0..<b.numSeqs).map { try b.getTag($0) }, ["fixcorpus/rec_one/2", "fixcorpus/rec_two/1"])
        guard case .array(let classes) = try b.getData(0, "classes") else { return XCTFail() }
        XCTAssertEqual(classes.shape, [0], "no targets: empty classes")
    }

    func testTranslationDataFromGzip() throws {
        let tr = dir.appendingPathComponent("tr")
        try FileManager.default.createDirectory(at: tr, withIntermediateDirectories: true)
        try bytes(TextDatasetTests.sourcePickle4).write(to: tr.appendingPathComponent("source.vocab.pkl"))
        try bytes("1f8b08080000000002ff736571732e747874004b2f2d49cd5328494ce74a07b3ca53734a14d2f2f3b9404200e57d4ed01d000000")
            .write(to: tr.appendingPathComponent("source.dev.gz"))
        let ds = try Dataset.create(options: ["class": "TranslationDataset", "path": .string(tr.path), "file_postfix": "dev",
                                              "source_only": true, "unknown_label": "<unk>"])
        try ds.initSeqOrder(epoch: 1)
        XCTAssertEqual(ds.dataKeys, ["data"])
        XCTAssertEqual(try ds.getData(1, "data"), .array(BatchArray(int32: [1, 3, 4], shape: [3])))
    }

    func testPipelineOptionsFromConfig() throws {
        let o = try PipelineOptions(config: ["batch_size": 5000, "max_seqs": 40, "batch_drop_last": true, "min_seq_length": ["data": 3],
                                             "chunking_options": ["chunk_streams": ["data": ["size": 100, "step": 50, "min_chunk_size": 10]]],
                                             "learning_rate": 0.1])
        XCTAssertEqual(o.batchSize, .all(5000))
        XCTAssertEqual(o.maxSeqs, 40)
        XCTAssertTrue(o.dropLast)
        XCTAssertEqual(o.minSeqLength, .perKey(["data": 3]))
        XCTAssertEqual(o.chunkStreams, [ChunkStream(key: "data", size: 100, step: 50, minChunkSize: 10)])
        XCTAssertEqual(PipelineOptions().batchSize, .all(1), "RETURNN's default batch_size is 1")
        XCTAssertThrowsError(try PipelineOptions(config: ["batch_size": "big"]))
        XCTAssertThrowsError(try PipelineOptions(config: ["chunking_options": ["chunk_streams": ["data": ["size": 1]]]]))
    }

    func testDumpOfNonHDFDatasetReadsBack() throws {
        let src = try Dataset.create(options: ["class": "Task12AXDataset", "num_seqs": 4])
        let out = dir.appendingPathComponent("task.hdf").path
        try HDFDatasetWriter.dump(src, to: out)
        let back = try HDFDataset(files: [out])
        try back.initSeqOrder(epoch: 1)
        XCTAssertEqual(back.dataKeys, ["data", "classes"])
        XCTAssertEqual(back.numOutputs["classes"], .dims(dim: 2, ndim: 1))
        XCTAssertEqual(back.labels["classes"], ["classes-class-0", "classes-class-1"])
        for i in 0..<4 {
            XCTAssertEqual(try back.getTag(i), "seq-\(i)")
            XCTAssertEqual(try back.getData(i, "data"), try src.getData(i, "data"))
            XCTAssertEqual(try back.getData(i, "classes"), try src.getData(i, "classes"))
        }
    }
}

/// ConcatDataset and the forward task's epoch 0, against the original.
final class ConcatAndEpochTests: XCTestCase {
    func testConcatDatasetMatchesOriginal() throws {
        let a: OptionValue = ["class": "StaticDataset", "data": .list((0..<3).map { i in
            ["data": .list((0...i).map { .list([.double(Double($0))]) }), "classes": .list((0...i).map { .int($0) })] })]
        let b: OptionValue = ["class": "StaticDataset", "seq_ordering": "reverse", "data": .list((0..<2).map { i in
            ["data": .list((0...(i + 1)).map { .list([.double(Double($0 + 100))]) }), "classes": .list((0...(i + 1)).map { .int($0 + 100) })] })]
        let ds = try Dataset.create(options: ["class": "ConcatDataset", "datasets": [a, b]])
        try ds.initSeqOrder(epoch: 1)
        XCTAssertEqual(ds.dataKeys, ["classes", "data"])
        XCTAssertEqual(ds.targetList, ["classes"])
        XCTAssertEqual(try (0..<ds.numSeqs).map { try ds.getTag($0) }, ["seq-0", "seq-1", "seq-2", "seq-1", "seq-0"])
        XCTAssertEqual(try ds.getData(3, "classes"), .array(BatchArray(int32: [100, 101, 102], shape: [3])))
        XCTAssertEqual(try ds.getData(4, "data"), .array(BatchArray(float32: [100, 101], shape: [2, 1])))
        XCTAssertThrowsError(try Dataset.create(options: ["class": "ConcatDataset", "datasets": [a, b], "seq_ordering": "random"]))
    }

    func testEpochZeroActsLikeEpochOne() throws {
        let ordering = SeqOrdering(mode: "random", partitionEpoch: 2)
        XCTAssertEqual(try ordering.order(epoch: 0, numSeqs: 9, seqLength: { $0 }, allTags: { [] }),
                       try ordering.order(epoch: 1, numSeqs: 9, seqLength: { $0 }, allTags: { [] }))
        XCTAssertEqual(try ordering.order(epoch: nil, numSeqs: 9, seqLength: { $0 }, allTags: { [] }),
                       try ordering.order(epoch: 1, numSeqs: 9, seqLength: { $0 }, allTags: { [] }))
    }
}

/// `seq_order_seq_lens_file` replaces the data lengths for sorting (tags of fixture A_simple).
final class SeqLensFileTests: XCTestCase {
    func testSortedBySeqLensFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("lens-\(getpid()).py").path
        try "{'seq-0': 5, 'seq-1': 1, 'seq-2': 4, 'seq-3': 2, 'seq-4': 3}".write(toFile: file, atomically: true, encoding: .utf8)
        let hdf = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/A/A_simple.hdf").path
        let ds = try Dataset.create(options: ["class": "HDFDataset", "files": .list([.string(hdf)]), "seq_ordering": "sorted",
                                              "seq_order_seq_lens_file": .string(file)])
        try ds.initSeqOrder(epoch: 1)
        XCTAssertEqual(ds.seqOrder, [1, 3, 4, 2, 0])
        try "{'seq-0': 5}".write(toFile: file, atomically: true, encoding: .utf8)
        let bad = try Dataset.create(options: ["class": "HDFDataset", "files": .list([.string(hdf)]), "seq_ordering": "sorted",
                                               "seq_order_seq_lens_file": .string(file)])
        XCTAssertThrowsError(try bad.initSeqOrder(epoch: 1)) { e in XCTAssertTrue("\(e)".contains("seq-1"), "\(e)") }
    }
}
