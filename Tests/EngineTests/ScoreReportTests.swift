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
