import Foundation
import XCTest
@testable import Datasets

/// Seq orders of an 80-sequence synthetic corpus against the original `HDFDataset` (MiniReturnn
/// with numpy 2.4, h5py 3.16) reading the same file: (mode, partition_epoch, epoch, num_seqs,
/// sum of i * order[i], first 8 entries).
final class SeqOrderingOracleTests: XCTestCase {
    static let expected: [(String, Int, Int, Int, Int, [Int])] = [
        ("random", 1, 1, 80, 112891, [63, 27, 31, 69, 46, 47, 53, 74]),
        ("random", 1, 2, 80, 121865, [25, 30, 29, 77, 74, 57, 41, 71]),
        ("random", 1, 7, 80, 126588, [62, 36, 60, 17, 41, 12, 27, 15]),
        ("random", 3, 1, 27, 15293, [63, 27, 31, 69, 46, 47, 53, 74]),
        ("random", 3, 2, 27, 12943, [67, 26, 78, 65, 44, 42, 60, 79]),
        ("random", 3, 7, 27, 15163, [61, 57, 77, 6, 45, 8, 35, 73]),
        ("laplace:.10", 1, 1, 80, 111618, [73, 27, 69, 39, 74, 53, 31, 46]),
        ("laplace:.10", 1, 2, 80, 122474, [30, 41, 25, 23, 29, 57, 71, 74]),
        ("laplace:.10", 1, 7, 80, 126390, [41, 27, 17, 15, 12, 60, 40, 36]),
        ("laplace:.10", 3, 1, 27, 15324, [73, 27, 69, 39, 74, 53, 31, 46]),
        ("laplace:.10", 3, 2, 27, 14741, [19, 77, 56, 3, 48, 54, 60, 42]),
        ("laplace:.10", 3, 7, 27, 13949, [6, 73, 9, 45, 57, 35, 8, 61]),
        ("laplace:3:2", 1, 1, 80, 119857, [10, 73, 27, 38, 15, 45, 33, 69]),
        ("laplace:3:2", 1, 2, 80, 119857, [10, 73, 27, 38, 15, 45, 33, 69]),
        ("laplace:3:2", 1, 7, 80, 134041, [5, 10, 6, 24, 67, 27, 4, 13]),
        ("laplace:3:2", 3, 1, 27, 14835, [10, 73, 27, 38, 15, 45, 33, 69]),
        ("laplace:3:2", 3, 2, 27, 15879, [48, 77, 0, 52, 54, 7, 8, 60]),
        ("laplace:3:2", 3, 7, 27, 16272, [44, 30, 41, 10, 25, 23, 67, 27]),
        ("sort_bin_shuffle:.10", 1, 1, 80, 119977, [71, 21, 42, 39, 51, 66, 35, 22]),
        ("sort_bin_shuffle:.10", 1, 2, 80, 121906, [40, 36, 53, 37, 31, 68, 8, 72]),
        ("sort_bin_shuffle:.10", 1, 7, 80, 130536, [17, 13, 76, 11, 18, 29, 16, 78]),
        ("sort_bin_shuffle:.10", 3, 1, 27, 13604, [71, 21, 42, 39, 51, 66, 35, 22]),
        ("sort_bin_shuffle:.10", 3, 2, 27, 13568, [58, 20, 63, 45, 32, 43, 33, 1]),
        ("sort_bin_shuffle:.10", 3, 7, 27, 14186, [40, 36, 53, 37, 31, 68, 8, 72]),
        ("sort_bin_shuffle_x2:4", 1, 1, 80, 127862, [76, 18, 16, 43, 26, 33, 11, 29]),
        ("sort_bin_shuffle_x2:4", 1, 2, 80, 130737, [1, 33, 17, 76, 15, 43, 12, 69]),
        ("sort_bin_shuffle_x2:4", 1, 7, 80, 121293, [22, 35, 21, 74, 28, 42, 72, 40]),
        ("sort_bin_shuffle_x2:4", 3, 1, 27, 14011, [76, 18, 16, 43, 26, 33, 11, 29]),
        ("sort_bin_shuffle_x2:4", 3, 2, 27, 14721, [47, 59, 48, 0, 58, 14, 56, 3]),
        ("sort_bin_shuffle_x2:4", 3, 7, 27, 11143, [45, 29, 16, 43, 76, 57, 11, 32]),
        ("sorted_reverse", 1, 1, 80, 121188, [63, 20, 58, 14, 59, 47, 3, 62]),
        ("sorted_reverse", 1, 2, 80, 121188, [63, 20, 58, 14, 59, 47, 3, 62]),
        ("sorted_reverse", 1, 7, 80, 121188, [63, 20, 58, 14, 59, 47, 3, 62]),
        ("sorted_reverse", 3, 1, 27, 14068, [63, 20, 58, 14, 59, 47, 3, 62]),
        ("sorted_reverse", 3, 2, 27, 14268, [53, 36, 40, 60, 74, 22, 35, 66]),
        ("sorted_reverse", 3, 7, 27, 14068, [63, 20, 58, 14, 59, 47, 3, 62]),
        ("default_every_n:4", 1, 1, 80, 137460, [0, 20, 40, 60, 1, 21, 41, 61]),
        ("default_every_n:4", 1, 2, 80, 137460, [0, 20, 40, 60, 1, 21, 41, 61]),
        ("default_every_n:4", 1, 7, 80, 137460, [0, 20, 40, 60, 1, 21, 41, 61]),
        ("default_every_n:4", 3, 1, 27, 11840, [0, 20, 40, 60, 1, 21, 41, 61]),
        ("default_every_n:4", 3, 2, 27, 13913, [66, 7, 27, 47, 67, 8, 28, 48]),
        ("default_every_n:4", 3, 7, 27, 11840, [0, 20, 40, 60, 1, 21, 41, 61]),
    ]

    func testOrdersMatchOriginal() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mrsh-orders-\(getpid()).hdf").path
        try? FileManager.default.removeItem(atPath: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let info = try SyntheticCorpus.write(path: path, numFrames: 60_000, dim: 3)
        XCTAssertEqual(info, SyntheticCorpus.Info(numSeqs: 80, numFrames: 60_000), "generator is deterministic")
        for (mode, pe, epoch, n, weighted, head) in SeqOrderingOracleTests.expected {
            let ds = try HDFDataset(files: [path], ordering: SeqOrdering(mode: mode, partitionEpoch: pe))
            try ds.initSeqOrder(epoch: epoch)
            let o = ds.seqOrder
            let where_ = "\(mode) partition_epoch=\(pe) epoch=\(epoch)"
            XCTAssertEqual(o.count, n, where_)
            XCTAssertEqual(o.enumerated().reduce(0) { $0 + $1.offset * $1.element }, weighted, where_)
            XCTAssertEqual(Array(o.prefix(8)), head, where_)
        }
    }
}
