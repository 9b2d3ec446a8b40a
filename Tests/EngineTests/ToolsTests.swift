import Datasets
@testable import Engine
import Foundation
import XCTest

/// The dump-dataset and analyze-dataset-batches tools on small static datasets, checked against
/// values computed directly from the data and against formats.md's batching worked example.
final class ToolsTests: XCTestCase {
    /// Sequences of lengths `lengths`, 2-dim float data from a seeded generator, int classes.
    private func dataset(_ lengths: [Int], seed: UInt64 = 7) throws -> (StaticDataset, [[Float]]) {
        var state = seed
        func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2001 - 1000) / 250
        }
        var rows: [[Float]] = []
        let seqs: [[String: BatchArray]] = lengths.map { n in
            let values = (0..<(2 * n)).map { _ in next() }
            for t in 0..<n { rows.append([values[2 * t], values[2 * t + 1]]) }
            return ["data": BatchArray(float32: values, shape: [n, 2]),
                    "classes": BatchArray(int32: (0..<n).map { Int32($0 % 3) }, shape: [n])]
        }
        return (try StaticDataset(data: seqs, targetList: ["classes"]), rows)
    }

    func testDumpPrintsShapesAndComputesStatistics() throws {
        let (ds, rows) = try dataset([5, 3, 7, 4])
        var options = DatasetDumpOptions()
        options.kind = .printShape
        options.endSeq = DatasetDumpOptions.endSeq(-1)
        options.stats = true
        var lines: [String] = []
        let summary = try DatasetDump.run(ds, options) { lines.append($0) }
        XCTAssertEqual(summary.sequences, 4)
        XCTAssertFalse(summary.moreSequences)
        XCTAssertTrue(lines.contains("seq 2/4 (50.00%) data shape: (7, 2)"), "\(lines)")
        XCTAssertTrue(lines.contains("seq 2 target 'classes' shape: (7,)"), "\(lines)")
        XCTAssertTrue(lines.contains("  4 seqs, mean 4.75, std dev 1.47902, min 3, max 7, total frames 19"), "\(lines)")
        let data = try XCTUnwrap(summary.data)
        XCTAssertEqual(data.count, rows.count)
        for j in 0..<2 {
            let column = rows.map { Double($0[j]) }
            let mean = column.reduce(0, +) / Double(column.count)
            let std = (column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(column.count)).squareRoot()
            XCTAssertEqual(data.mean[j], mean, accuracy: 1e-12)
            XCTAssertEqual(data.standardDeviation[j], std, accuracy: 1e-12)
        }
    }

    func testDumpRangeTagsAndLengthsFiles() throws {
        let (ds, _) = try dataset([5, 3, 7, 4])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mrsh-tools-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var options = DatasetDumpOptions()
        options.kind = .dumpSeqLen
        options.startSeq = 1
        options.endSeq = 2
        options.dumpPrefix = dir.path + "/x."
        let summary = try DatasetDump.run(ds, options) { _ in }
        XCTAssertEqual(summary.sequences, 2)
        XCTAssertTrue(summary.moreSequences)
        let text = try String(contentsOfFile: dir.path + "/x.seq-lens.txt", encoding: .utf8)
        XCTAssertEqual(text, "{\n'\(try ds.getTag(1))': 3,\n'\(try ds.getTag(2))': 7,\n}\n")
        options.key = "clases"
        XCTAssertThrowsError(try DatasetDump.run(ds, options) { _ in }) {
            XCTAssertTrue("\($0)".contains("'clases'") && "\($0)".contains("did you mean 'classes'?"), "\($0)")
        }
    }

    /// formats.md §6.3: lengths 5, 3, 7, 4, 6 with batch_size 12 give the batches [0, 1] [2] [3, 4].
    func testAnalyzeBatchesWorkedExample() throws {
        let (ds, _) = try dataset([5, 3, 7, 4, 6])
        var lines: [String] = []
        let stats = try BatchAnalysis.run(ds, epoch: 1, pipeline: PipelineOptions(batchSize: .all(12), maxSeqs: -1), perBatch: true) {
            lines.append($0)
        }
        XCTAssertEqual(stats.batches, 3)
        XCTAssertEqual(stats.sequences, 5)
        XCTAssertEqual(stats.realFrames["data"], 25)
        XCTAssertEqual(stats.paddedFrames["data"], 10 + 7 + 12)
        XCTAssertTrue(lines.contains("0/5, batch 0, num seqs 2, frames {'classes': 10, 'data': 10}, used {'classes': 8, 'data': 8} "
                                     + "({'classes': 0.8000, 'data': 0.8000})"), "\(lines)")
        let limited = try BatchAnalysis.run(ds, epoch: 1, pipeline: PipelineOptions(batchSize: .all(12), maxSeqs: 1)) { _ in }
        XCTAssertEqual(limited.batches, 5)
        XCTAssertEqual(limited.paddedFrames["data"], 25)
    }

    func testAveragingNamesAMissingInput() {
        XCTAssertThrowsError(try CheckpointAveraging.averageFiles(["/nonexistent/a.safetensors"], output: "/tmp/unused.safetensors")) {
            XCTAssertEqual("\($0)", "/nonexistent/a.safetensors: input checkpoint not found")
        }
    }
}
