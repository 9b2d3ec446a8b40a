import Foundation
import XCTest
@testable import Datasets

/// Length filter, chunking, batching limits and the prefetching loader, checked against the
/// original pipeline classes run under CPython (values in the comments' scenario).
final class PipelineTests: XCTestCase {
    /// Five sequences of lengths 7, 2, 5, 10, 1: data [T, 2] float32 = arange + 100 i, classes [T] int32 = arange + 10 i.
    private func makeDataset() throws -> StaticDataset {
        let data = [7, 2, 5, 10, 1].enumerated().map { i, t -> [String: BatchArray] in
            ["data": BatchArray(float32: (0..<(2 * t)).map { Float($0 + 100 * i) }, shape: [t, 2]),
             "classes": BatchArray(int32: (0..<t).map { Int32($0 + 10 * i) }, shape: [t])]
        }
        return try StaticDataset(data: data)
    }

    private func allSequences(_ ds: Dataset, _ opts: PipelineOptions) throws -> [[SequenceDict]] {
        let it = try BatchIterator(dataset: ds, epoch: 1, options: opts)
        var out: [[SequenceDict]] = []
        while let b = try it.nextSequences() { out.append(b) }
        return out
    }

    private func seqIdx(_ s: SequenceDict) -> Int {
        if case .int(let i)? = s.first(where: { $0.key == "seq_idx" })?.value { return i }
        return -1
    }

    func testStaticDatasetKeysAndTags() throws {
        let ds = try makeDataset()
        XCTAssertEqual(ds.dataKeys, ["data", "classes"])
        XCTAssertEqual(ds.targetList, ["classes"])
        XCTAssertEqual(ds.numOutputs["data"], .dims(dim: 2, ndim: 2))
        XCTAssertEqual(ds.numOutputs["classes"], .dims(dim: 0, ndim: 1))
        XCTAssertEqual(try ds.getTag(3), "seq-3")
    }

    func testLengthFilter() throws {
        var opts = PipelineOptions(batchSize: nil)
        opts.minSeqLength = .all(2)
        opts.maxSeqLength = .perKey(["classes": 9])
        let batches = try allSequences(try makeDataset(), opts)
        XCTAssertEqual(batches.flatMap { $0.map(seqIdx) }, [0, 1, 2], "original: filter [0, 1, 2]")
    }

    func testChunkingAndDropLast() throws {
        var opts = PipelineOptions(batchSize: .all(8), maxSeqs: 3, dropLast: true)
        try opts.setChunking(["chunk_streams": ["classes": ["size": 4, "step": 3, "min_chunk_size": 2],
                                                "data": ["size": 4, "step": 3, "min_chunk_size": 2]]])
        let batches = try allSequences(try makeDataset(), opts)
        XCTAssertEqual(batches.map { $0.map(seqIdx) }, [[0, 0], [1, 2], [2, 3]])
        let chunk = batches[1][1]
        XCTAssertEqual(chunk.map(\.key), ["classes", "data", "seq_idx", "seq_tag"], "chunked keys come first")
        XCTAssertEqual(chunk[0].value, .array(BatchArray(int32: [20, 21, 22, 23], shape: [4])))
        // All chunks, without batching limits: classes of every chunk as the original gives them.
        opts.batchSize = nil
        opts.maxSeqs = 1
        opts.dropLast = false
        let all = try allSequences(try makeDataset(), opts).map { b -> [Int32] in
            guard case .array(let a) = b[0][0].value else { return [] }
            return a.elements(as: Int32.self)
        }
        XCTAssertEqual(all, [[0, 1, 2, 3], [3, 4, 5, 6], [10, 11], [20, 21, 22, 23], [23, 24], [30, 31, 32, 33], [33, 34, 35, 36], [36, 37, 38, 39]])
    }

    func testPerKeyBatchSizeWithChunks() throws {
        var opts = PipelineOptions(batchSize: .perKey(["data": 8]), maxSeqs: nil)
        try opts.setChunking(["chunk_streams": ["classes": ["size": 4, "step": 3, "min_chunk_size": 2],
                                                "data": ["size": 4, "step": 3, "min_chunk_size": 2]]])
        let batches = try allSequences(try makeDataset(), opts)
        XCTAssertEqual(batches.map { $0.map(seqIdx) }, [[0, 0], [1, 2], [2, 3], [3, 3]])
    }

    func testLoaderGivesSameBatchesAsIterator() throws {
        let opts = PipelineOptions(batchSize: .all(12), maxSeqs: 2)
        let it = try BatchIterator(dataset: try makeDataset(), epoch: 1, options: opts)
        var direct: [Batch] = []
        while let b = try it.next() { direct.append(b) }
        let loader = try BatchLoader(dataset: try makeDataset(), epoch: 1, options: opts, prefetch: 1)
        XCTAssertEqual(loader.numSeqs, 5)
        var loaded: [Batch] = []
        while let b = try loader.next() { loaded.append(b) }
        XCTAssertEqual(loaded.count, direct.count)
        XCTAssertTrue(loaded == direct)
        XCTAssertNil(try loader.next())
    }

    /// A dataset whose third sequence cannot be read.
    private final class FailingDataset: Dataset {
        init() { super.init(name: "failing", ordering: SeqOrdering()) }
        override var totalNumSeqs: Int { 5 }
        override var targetList: [String] { [] }
        override func corpusData(_ corpusIdx: Int, key: String) throws -> SeqValue {
            if corpusIdx == 2 { throw DatasetError(file: "failing", key: "seq 2", "corrupt") }
            return .array(BatchArray(float32: [1], shape: [1]))
        }
    }

    func testLoaderRethrowsAfterEarlierBatches() throws {
        let loader = try BatchLoader(dataset: FailingDataset(), epoch: 1, options: PipelineOptions(batchSize: .all(1)))
        // Batching looks at sequence 2 before it emits the batch of sequence 1 (as the original does).
        XCTAssertEqual(try loader.next()?.numSeqs, 1)
        XCTAssertThrowsError(try loader.next()) { e in XCTAssertTrue("\(e)".contains("seq 2"), "\(e)") }
        XCTAssertNil(try loader.next())
    }

    func testLoaderThrowsOptionErrorsAtOnce() throws {
        XCTAssertThrowsError(try BatchLoader(dataset: try makeDataset(), epoch: 1, options: PipelineOptions(batchSize: .all(0)))) { e in
            XCTAssertTrue("\(e)".contains("batch_size"), "\(e)")
        }
    }

    func testLoaderCancelDoesNotHang() throws {
        let loader = try BatchLoader(dataset: try makeDataset(), epoch: 1, options: PipelineOptions(batchSize: .all(1)), prefetch: 1)
        XCTAssertNotNil(try loader.next())
        loader.cancel()
        XCTAssertNil(try loader.next())
    }
}
