@testable import Datasets
import Foundation
import XCTest

/// The W2-shaped CTC corpus generator: shapes, label range and determinism, read back through
/// HDFDataset (the same reader the engine uses).
final class SyntheticCTCCorpusTests: XCTestCase {
    func testShapesLabelsAndDeterminism() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mrsh-ctc-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a.hdf").path, b = dir.appendingPathComponent("b.hdf").path
        let info = try SyntheticCorpus.writeCTC(path: a, numSeqs: 12, seed: 5)
        try SyntheticCorpus.writeCTC(path: b, numSeqs: 12, seed: 5)
        let ds = try HDFDataset(files: [a]), again = try HDFDataset(files: [b])
        try ds.initSeqOrder(epoch: 1)
        try again.initSeqOrder(epoch: 1)
        for i in [0, 11] {
            XCTAssertEqual(try ds.getData(i, "data"), try again.getData(i, "data"), "same seed, same data")
            XCTAssertEqual(try ds.getData(i, "classes"), try again.getData(i, "classes"), "same seed, same labels")
        }
        XCTAssertEqual(ds.numSeqs, 12)
        var frames = 0
        for i in 0..<ds.numSeqs {
            guard case .array(let x) = try ds.getData(i, "data"), case .array(let y) = try ds.getData(i, "classes") else {
                return XCTFail("expected arrays")
            }
            let t = x.shape[0]
            XCTAssertTrue((200...800).contains(t), "T = \(t)")
            XCTAssertEqual(x.shape, [t, 80])
            XCTAssertEqual(y.shape, [t / 8])
            XCTAssertTrue(y.int64s().allSatisfy { (1...49).contains($0) }, "labels 1..49")
            frames += t
        }
        XCTAssertEqual(frames, info.numFrames)
    }
}
