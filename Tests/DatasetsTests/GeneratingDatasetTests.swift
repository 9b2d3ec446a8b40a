import Foundation
import XCTest
@testable import Datasets

/// Generating datasets against values printed by the original classes under CPython/numpy.
final class GeneratingDatasetTests: XCTestCase {
    func testInitByArrayMatchesNumpy() {
        // numpy: r = RandomState(); r.seed((1, 5)); r.get_state()[1][:4]
        let r = RandomState(key: [1, 5])
        XCTAssertEqual(Array(r.state.prefix(4)), [2_147_483_648, 4_016_527_798, 2_909_809_932, 3_817_555_096])
        var s = RandomState(key: [1, 5])
        // numpy: randint(0, 2**32-1), randint(10, 100), uniform(), choice(['', '1', '2'])
        XCTAssertEqual(s.randint(0, Int(UInt32.max)), 2_460_872_410)
        XCTAssertEqual(s.randint(10, 100), 26)
        XCTAssertEqual(s.uniform(), 0.7972835285038739)
        XCTAssertEqual(s.choice(["", "1", "2"]), "1")
    }

    func testTask12AXMatchesOriginal() throws {
        let ds = try Dataset.create(options: ["class": "Task12AXDataset", "num_seqs": 5])
        try ds.initSeqOrder(epoch: 1)
        XCTAssertEqual(ds.dataKeys, ["data", "classes"])
        let expected: [(Int, [Int], [Int32], Int)] = [
            (84, [4, 7, 0, 3, 6, 6, 1, 3, 6, 5, 2, 3, 2, 7, 1, 3, 6, 3, 6, 3, 6, 0, 3, 6, 4, 7, 4, 7, 8, 3],
             [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0], 13),
            (15, [3, 6, 6, 2, 7, 0, 4, 7, 6, 4, 7, 7, 6, 0, 4], [Int32](repeating: 0, count: 15), 0),
            (65, [1, 3, 6, 3, 6, 3, 6, 0, 0, 3, 6, 2, 0, 4, 7, 4, 7, 0, 3, 6, 2, 8, 0, 0, 7, 5, 1, 4, 7, 2],
             [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0], 9),
        ]
        for (i, e) in expected.enumerated() {
            guard case .array(let x) = try ds.getData(i, "data"), case .array(let y) = try ds.getData(i, "classes") else { return XCTFail() }
            XCTAssertEqual(x.shape, [e.0, 9])
            XCTAssertEqual(x.dtype, .float32)
            let argmax = (0..<e.0).map { t in (0..<9).first { x.elements(as: Float.self)[t * 9 + $0] == 1 }! }
            XCTAssertEqual(Array(argmax.prefix(30)), e.1, "seq \(i)")
            XCTAssertEqual(Array(y.elements(as: Int32.self).prefix(30)), e.2, "seq \(i)")
            XCTAssertEqual(Int(y.elements(as: Int32.self).reduce(0, +)), e.3, "seq \(i)")
        }
        let rnd = try Dataset.create(options: ["class": "Task12AXDataset", "num_seqs": 5, "seq_ordering": "random"])
        try rnd.initSeqOrder(epoch: 3)
        XCTAssertEqual(rnd.seqOrder, [3, 4, 1, 0, 2])
        guard case .array(let c) = try rnd.getData(0, "classes") else { return XCTFail() }
        XCTAssertEqual(c.shape, [32])
    }

    func testDummyDatasetMatchesOriginal() throws {
        let ds = try Dataset.create(options: ["class": "DummyDataset", "input_dim": 3, "output_dim": 4, "num_seqs": 3, "seq_len": 2])
        try ds.initSeqOrder(epoch: 1)
        guard case .array(let x) = try ds.getData(1, "data"), case .array(let y) = try ds.getData(1, "classes") else { return XCTFail() }
        XCTAssertEqual(x.dtype, .float64)
        XCTAssertEqual(x.elements(as: Double.self), [-0.4, -0.30000000000000004, -0.2, -0.1, 0.0, 0.1])
        XCTAssertEqual(y.dtype, .int64)
        XCTAssertEqual(y.elements(as: Int64.self), [3, 0])
        XCTAssertEqual(ds.dataKeys, ["data", "classes"])
    }

    func testStaticDatasetFromOptions() throws {
        let ds = try Dataset.create(options: ["class": "StaticDataset",
                                              "data": [["data": [[1.5, 2], [3, 4]], "classes": [1, 2]], ["data": [[5, 6]], "classes": [3]]],
                                              "output_dim": ["classes": 5]])
        try ds.initSeqOrder(epoch: 1)
        XCTAssertEqual(try ds.getData(0, "data"), .array(BatchArray(float32: [1.5, 2, 3, 4], shape: [2, 2])))
        XCTAssertEqual(try ds.getData(1, "classes"), .array(BatchArray(int32: [3], shape: [1])))
        XCTAssertEqual(ds.numOutputs["classes"], .dims(dim: 5, ndim: 1))
        XCTAssertTrue(try ds.isDataSparse("classes"))
    }
}
