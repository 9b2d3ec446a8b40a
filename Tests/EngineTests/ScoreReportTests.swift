@testable import Engine
import Foundation
import XCTest

final class ScoreReportTests: XCTestCase {
    private let epochs: [Int: EpochData] = [
        1: EpochData(learningRate: 0.001, error: ["ce": 3.35, "dev_loss_ce": 3.0]),
        2: EpochData(learningRate: 0.0005, error: ["ce": 2.8, "dev_loss_ce": 2.5]),
        3: EpochData(learningRate: 0.00025, error: ["ce": 2.47]),
        10: EpochData(learningRate: nil),
    ]

    func testTable() {
        XCTAssertEqual(ScoreReport.table(epochs), [
            "epoch  learning_rate  ce    dev_loss_ce",
            "    1  0.001          3.35  3",
            "    2  0.0005         2.8   2.5",
            "    3  0.00025        2.47  -",
            "   10  None           -     -",
        ])
    }

    func testPlotPlacesLowestAtTheBottom() {
        let lines = ScoreReport.plot([(1, 3.0), (2, 2.0), (3, nil), (4, 1.0)], height: 3, title: "dev_loss_ce")
        XCTAssertEqual(lines, [
            "dev_loss_ce",
            "3 |*   ",
            "  | *  ",
            "1 |   *",
            "  +----",
            "   epochs 1–4",
        ])
        XCTAssertEqual(ScoreReport.plot([], title: "dev"), ["dev: no scores yet"])
    }

    func testControlScoresUseTheErrorKey() throws {
        let control = try LearningRateControl(options: LearningRateControlOptions())
        control.replaceEpochData(epochs)
        XCTAssertEqual(ScoreReport.controlScores(control).map(\.value), [3.0, 2.5, 2.47, nil])
    }

    func testEpochSummary() {
        let line = ScoreReport.epochSummary(epoch: 3, train: ["fer": 0.25, "ce": 2.47],
                                            eval: [("dev", ["dev_loss_ce": 2.2]), ("devother", ["devother_loss_ce": .nan])],
                                            learningRate: 0.001, seconds: 12.34, frames: 56_000)
        XCTAssertEqual(line, "epoch 3  train ce 2.47 fer 0.25 | dev dev_loss_ce 2.2 | devother devother_loss_ce nan | lr 0.001 | 12.3s 4538 frames/s")
    }
}

final class BatchStatisticsTests: XCTestCase {
    /// The batches of formats.md §6.3's worked example (lengths 5, 3, 7, 4, 6; batch_size=12): [0,1] [2] [3,4].
    func testWorkedExample() {
        var stats = BatchStatistics()
        for batch in [[5, 3], [7], [4, 6]] { stats.add(lengths: ["data": batch, "classes": batch]) }
        XCTAssertEqual(stats.batches, 3)
        XCTAssertEqual(stats.sequences, 5)
        XCTAssertEqual(stats.realFrames["data"], 25)
        XCTAssertEqual(stats.paddedFrames["data"], 10 + 7 + 12)
        XCTAssertEqual(stats.paddingRatio["data"]!, 4.0 / 29.0, accuracy: 1e-15)
        XCTAssertEqual(stats.report, [
            "batches: 3, sequences: 5",
            "sequences per batch: min 1, mean 1.67, max 2",
            "classes: frames 25, padded 29 (13.8% padding), longest 7",
            "data: frames 25, padded 29 (13.8% padding), longest 7",
        ])
        XCTAssertEqual(BatchStatistics().report, ["no batches"])
    }
}
