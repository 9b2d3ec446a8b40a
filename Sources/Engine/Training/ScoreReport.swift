import Foundation

/// Text renderings of the learning-rate history for `scores()` and the epoch summary line
/// (mrsh's own formats; the original prints none). Returned as lines, never printed here.
public enum ScoreReport {
    /// A table: epoch, learning rate, then every score key (sorted), values with 6 significant digits.
    public static func table(_ epochs: [Int: EpochData]) -> [String] {
        let keys = Set(epochs.values.flatMap(\.error.keys)).sorted(by: PythonRepr.codePointLess)
        let header = ["epoch", "learning_rate"] + keys
        var rows = [header]
        for epoch in epochs.keys.sorted() {
            let data = epochs[epoch]!
            rows.append([String(epoch), data.learningRate.map(PythonRepr.float) ?? "None"]
                        + keys.map { key in data.error[key].map { number($0) } ?? "-" })
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column == 0 ? String(repeating: " ", count: widths[0] - cell.count) + cell
                            : cell + String(repeating: " ", count: widths[column] - cell.count)
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
    }

    /// A small plot of one score per epoch (`height` rows, one column per epoch), lowest at the bottom.
    /// Missing or non-finite values leave their column empty.
    public static func plot(_ values: [(epoch: Int, value: Double?)], height: Int = 8, title: String) -> [String] {
        let finite = values.compactMap(\.value).filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max(), height >= 2 else { return ["\(title): no scores yet"] }
        let span = high > low ? high - low : 1
        let labels = [number(high), number(low)]
        let labelWidth = labels.map(\.count).max()!
        var lines = [title]
        for row in 0..<height {
            let level = height - 1 - row
            var line = row == 0 ? pad(labels[0], labelWidth) : row == height - 1 ? pad(labels[1], labelWidth)
                                                                                 : String(repeating: " ", count: labelWidth)
            line += " |"
            for (_, value) in values {
                guard let v = value, v.isFinite else { line += " "; continue }
                let cell = Int(((v - low) / span * Double(height - 1)).rounded())
                line += cell == level ? "*" : " "
            }
            lines.append(line)
        }
        let first = values.first?.epoch ?? 0, last = values.last?.epoch ?? 0
        lines.append(String(repeating: " ", count: labelWidth) + " +" + String(repeating: "-", count: values.count))
        lines.append(String(repeating: " ", count: labelWidth + 2) + "epochs \(first)–\(last)")
        return lines
    }

    /// The per-epoch points of the score the learning-rate control uses (its error key per epoch).
    public static func controlScores(_ control: LearningRateControl) -> [(epoch: Int, value: Double?)] {
        control.epochData.keys.sorted().map { ($0, control.epochErrorKeyValue($0)?.value) }
    }

    /// `epoch 3  train ce 2.47 fer 0.25 | dev ce 2.2 fer 0.183333 | lr 0.001 | 12.3s 4567 frames/s`.
    public static func epochSummary(epoch: Int, train: [String: Double], eval: [(dataset: String, scores: [String: Double])],
                                    learningRate: Double?, seconds: Double, frames: Int?) -> String {
        func scores(_ s: [String: Double]) -> String {
            s.keys.sorted(by: PythonRepr.codePointLess).map { "\($0) \(number(s[$0]!))" }.joined(separator: " ")
        }
        var parts = ["epoch \(epoch)  train " + scores(train)]
        parts += eval.map { "\($0.dataset) " + scores($0.scores) }
        parts.append("lr " + (learningRate.map(PythonRepr.float) ?? "None"))
        var timing = EngineLogLines.fixed(seconds, 1) + "s"
        if let frames, seconds > 0 { timing += " \(Int((Double(frames) / seconds).rounded())) frames/s" }
        parts.append(timing)
        return parts.joined(separator: " | ")
    }

    /// Six significant digits without trailing zeros (`%g`).
    static func number(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        return String(format: "%g", x)
    }

    private static func pad(_ s: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - s.count)) + s
    }
}
