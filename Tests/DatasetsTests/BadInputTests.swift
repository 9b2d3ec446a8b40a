import Foundation
import XCTest
@testable import Datasets

/// Bad files and options give thrown errors naming the file and key, never a crash.
final class BadInputTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("mrsh-bad-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private func expectError(_ substrings: [String], file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void) {
        do {
            try body()
            XCTFail("expected an error mentioning \(substrings)", file: file, line: line)
        } catch {
            let text = "\(error)"
            for s in substrings { XCTAssertTrue(text.contains(s), "'\(text)' lacks '\(s)'", file: file, line: line) }
        }
    }

    /// A small valid file (2 seqs of lengths 2 and 3, dim 2, classes) that `mutate` may break.
    private func makeFile(_ name: String, mutate: (HDF5File) throws -> Void = { _ in }) throws -> String {
        let path = dir.appendingPathComponent(name).path
        let f = try HDF5File.create(path)
        try f.createDataset("inputs", dtype: .float32, shape: [5, 2])
        try f.writeRows("inputs", start: 0, BatchArray(float32: (0..<10).map(Float.init), shape: [5, 2]))
        try f.createStringDataset("seqTags", kind: .variable, count: 2)
        try f.writeStrings("seqTags", start: 0, ["a", "b"], kind: .variable)
        try f.createDataset("seqLengths", dtype: .int32, shape: [2, 2])
        try f.writeRows("seqLengths", start: 0, BatchArray(int32: [2, 2, 3, 3], shape: [2, 2]))
        try f.createGroup("targets/data")
        try f.createGroup("targets/size")
        try f.createDataset("targets/data/classes", dtype: .int32, shape: [5])
        try f.writeRows("targets/data/classes", start: 0, BatchArray(int32: [1, 2, 3, 4, 5], shape: [5]))
        try f.writeIntAttribute("targets/size", "classes", [6, 1], scalar: false)
        try mutate(f)
        f.close()
        return path
    }

    func testValidHandMadeFileReads() throws {
        let ds = try HDFDataset(files: [try makeFile("ok.hdf")])
        try ds.initSeqOrder(epoch: 1)
        XCTAssertEqual(try ds.getData(1, "classes"), .array(BatchArray(int32: [3, 4, 5], shape: [3])))
        XCTAssertEqual(try ds.getTag(1), "b")
    }

    func testMissingFile() {
        expectError(["/nonexistent/x.hdf", "no such file"]) { _ = try HDFDataset(files: ["/nonexistent/x.hdf"]) }
    }

    func testNotHDF5() throws {
        let path = dir.appendingPathComponent("text.hdf").path
        try "hello".write(toFile: path, atomically: true, encoding: .utf8)
        expectError([path, "not an HDF5 file"]) { _ = try HDFDataset(files: [path]) }
    }

    func testTruncatedFile() throws {
        let good = try makeFile("full.hdf")
        let data = try Data(contentsOf: URL(fileURLWithPath: good))
        let path = dir.appendingPathComponent("truncated.hdf").path
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: path))
        expectError([path]) {
            let ds = try HDFDataset(files: [path])
            try ds.initSeqOrder(epoch: 1)
            for i in 0..<ds.numSeqs { for k in ds.dataKeys { _ = try ds.getData(i, k) } }
        }
    }

    func testMissingSeqLengths() throws {
        let bad = dir.appendingPathComponent("nolengths2.hdf").path
        let f = try HDF5File.create(bad)
        try f.createStringDataset("seqTags", kind: .variable, count: 0)
        f.close()
        expectError([bad, "seqLengths", "missing"]) { _ = try HDFDataset(files: [bad]) }
    }

    func testOneDimensionalSeqLengths() throws {
        let path = dir.appendingPathComponent("oned.hdf").path
        let f = try HDF5File.create(path)
        try f.createStringDataset("seqTags", kind: .variable, count: 1)
        try f.createDataset("seqLengths", dtype: .int32, shape: [1])
        f.close()
        expectError([path, "seqLengths", "2-D"]) { _ = try HDFDataset(files: [path]) }
    }

    func testInconsistentFrameCount() throws {
        let path = try makeFile("short.hdf") { f in
            try f.writeRows("seqLengths", start: 1, BatchArray(int32: [4, 3], shape: [1, 2]))
        }
        expectError([path, "inputs", "seqLengths"]) { _ = try HDFDataset(files: [path]) }
    }

    func testTagCountMismatch() throws {
        let bad = dir.appendingPathComponent("tags2.hdf").path
        let g = try HDF5File.create(bad)
        try g.createDataset("inputs", dtype: .float32, shape: [5, 2])
        try g.createStringDataset("seqTags", kind: .variable, count: 1)
        try g.createDataset("seqLengths", dtype: .int32, shape: [2, 2])
        try g.writeRows("seqLengths", start: 0, BatchArray(int32: [2, 2, 3, 3], shape: [2, 2]))
        g.close()
        expectError([bad, "seqTags", "1 tags", "2 rows"]) { _ = try HDFDataset(files: [bad]) }
    }

    func testBadTargetSizeAttribute() throws {
        let path = try makeFile("size.hdf") { f in
            try f.writeIntAttribute("targets/size", "classes", [6, 1, 2], scalar: false)
        }
        expectError([path, "targets/size", "classes"]) { _ = try HDFDataset(files: [path]) }
    }

    func testDifferentInputDims() throws {
        let a = try makeFile("a.hdf")
        let b = dir.appendingPathComponent("b.hdf").path
        let f = try HDF5File.create(b)
        try f.createDataset("inputs", dtype: .float32, shape: [2, 3])
        try f.createStringDataset("seqTags", kind: .variable, count: 1)
        try f.createDataset("seqLengths", dtype: .int32, shape: [1, 2])
        try f.writeRows("seqLengths", start: 0, BatchArray(int32: [2, 0], shape: [1, 2]))
        f.close()
        expectError([b, "input dimension"]) { _ = try HDFDataset(files: [a, b]) }
    }

    func testUnknownDataKeyHasHint() throws {
        let ds = try HDFDataset(files: [try makeFile("k.hdf")])
        try ds.initSeqOrder(epoch: 1)
        expectError(["'clases'", "did you mean 'classes'"]) { _ = try ds.getData(0, "clases") }
        expectError(["seq 7", "out of range"]) { _ = try ds.getData(7, "data") }
    }

    func testUnknownClassAndOptionHaveHints() throws {
        expectError(["HDFDatset", "did you mean 'HDFDataset'"]) { _ = try Dataset.create(options: ["class": "HDFDatset"]) }
        let path = try makeFile("o.hdf")
        expectError(["'partition_epochs'", "unknown option", "did you mean 'partition_epoch'"]) {
            _ = try Dataset.create(options: ["class": "HDFDataset", "files": .list([.string(path)]), "partition_epochs": 2])
        }
        expectError(["seq_ordering", "rnadom"]) {
            _ = try Dataset.create(options: ["class": "HDFDataset", "files": .list([.string(path)]), "seq_ordering": "rnadom"])
        }
        expectError(["CombinedDataset", "not yet supported"]) { _ = try Dataset.create(options: ["class": "CombinedDataset"]) }
        expectError(["'pat'", "did you mean 'path'"]) {
            _ = try Dataset.create(options: ["class": "OggZipDataset", "pat": "x.zip", "audio": nil, "targets": nil])
        }
        expectError(["files", "expected a list of strings"]) {
            _ = try Dataset.create(options: ["class": "HDFDataset", "files": 3])
        }
    }

    func testCreatedDatasetWorks() throws {
        let path = try makeFile("c.hdf")
        let ds = try Dataset.create(options: ["class": "HDFDataset", "files": .list([.string(path)]), "seq_ordering": "reverse", "partition_epoch": 1])
        try ds.initSeqOrder(epoch: 1)
        XCTAssertEqual(try ds.getTag(0), "b")
    }
}

/// Several HDF files with different key sets, and the bounded read cache.
final class HDFMultiFileTests: XCTestCase {
    /// A file with `inputs` [n, 1] and the given extra keys (each [n] int32, one frame per seq).
    private func file(_ name: String, tags: [String], keys: [String]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mrsh-multi-\(getpid())-\(name)").path
        try? FileManager.default.removeItem(atPath: path)
        let w = try SimpleHDFWriter(filename: path, dim: 1)
        for (i, t) in tags.enumerated() {
            try w.insertBatch(inputs: BatchArray(float32: [Float(i)], shape: [1, 1, 1]), seqLen: [1], seqTag: [t],
                              extra: keys.map { ($0, BatchArray(int32: [Int32(i * 10 + $0.count)], shape: [1, 1])) })
        }
        try w.close()
        return path
    }

    func testSupersetOfKeysInLaterFileIsDropped() throws {
        let a = try file("a.hdf", tags: ["a0", "a1"], keys: ["classes"])
        let b = try file("b.hdf", tags: ["b0"], keys: ["classes", "speaker"])
        let ds = try HDFDataset(files: [a, b])
        try ds.initSeqOrder(epoch: 1)
        XCTAssertEqual(ds.dataKeys, ["data", "classes"])
        XCTAssertEqual(try ds.getAllTags(), ["a0", "a1", "b0"])
        XCTAssertEqual(try ds.getData(2, "classes"), .array(BatchArray(int32: [7], shape: [1])))
        XCTAssertThrowsError(try HDFDataset(files: [b, a])) { e in
            XCTAssertTrue("\(e)".contains("load the file with fewer keys first"), "\(e)")
        }
    }

    func testCacheStaysBounded() {
        var cache = SequenceCache(limitBytes: 4096)
        for i in 0..<100 { cache.put(i, "data", BatchArray(zeros: .float32, shape: [100])) }  // 400 bytes each
        let held = (0..<100).filter { cache.get($0, "data") != nil }
        XCTAssertEqual(held, Array(90..<100), "only the newest 10 arrays fit in 4096 bytes")
        XCTAssertNil(SequenceCache(limitBytes: 0).get(0, "data"))
    }
}

/// HDF5's own error printing stays off on every thread (errors come back as thrown errors).
final class HDF5SilenceTests: XCTestCase {
    func testNoHDF5DiagnosticsOnStderrFromOtherThreads() throws {
        let dir = FileManager.default.temporaryDirectory
        let good = dir.appendingPathComponent("silence-\(getpid()).hdf").path
        try? FileManager.default.removeItem(atPath: good)
        let f = try HDF5File.create(good)
        try f.createDataset("x", dtype: .float32, shape: [1000])
        f.close()
        let data = try Data(contentsOf: URL(fileURLWithPath: good))
        let bad = dir.appendingPathComponent("silence-bad-\(getpid()).hdf").path
        try data.prefix(900).write(to: URL(fileURLWithPath: bad))
        let pipe = Pipe()
        let saved = dup(2)
        dup2(pipe.fileHandleForWriting.fileDescriptor, 2)
        final class Box: @unchecked Sendable { var error: Error? }
        let thrown = Box()
        let done = DispatchSemaphore(value: 0)
        Thread {
            do { _ = try HDF5File.open(bad).readAll("x") } catch { thrown.error = error }
            done.signal()
        }.start()
        done.wait()
        fflush(stderr)
        dup2(saved, 2)
        close(saved)
        pipe.fileHandleForWriting.closeFile()
        let printed = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertNotNil(thrown.error, "a truncated file must throw")
        XCTAssertFalse(printed.contains("HDF5-DIAG"), "HDF5 printed: \(printed.prefix(200))")
    }
}
