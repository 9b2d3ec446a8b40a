import Foundation

/// Statistics of a dataset's batches for the "analyze dataset batches" tool: how many sequences a
/// batch holds and how much of the padded `[B, Tmax]` area is padding, per data key.
public struct BatchStatistics: Equatable {
    public var batches = 0
    public var sequences = 0
    public var minSequencesPerBatch = Int.max
    public var maxSequencesPerBatch = 0
    /// Per data key: real frames Σ T and padded frames Σ B · Tmax.
    public var realFrames: [String: Int] = [:]
    public var paddedFrames: [String: Int] = [:]
    public var longestSequence: [String: Int] = [:]

    public init() {}

    /// Adds one batch given each sequence's length per key (`data:size1` etc. of the batch dict).
    public mutating func add(lengths: [String: [Int]]) {
        let count = lengths.values.map(\.count).max() ?? 0
        batches += 1
        sequences += count
        minSequencesPerBatch = min(minSequencesPerBatch, count)
        maxSequencesPerBatch = max(maxSequencesPerBatch, count)
        for (key, values) in lengths {
            let longest = values.max() ?? 0
            realFrames[key, default: 0] += values.reduce(0, +)
            paddedFrames[key, default: 0] += longest * values.count
            longestSequence[key] = max(longestSequence[key] ?? 0, longest)
        }
    }

    /// Fraction of the padded area that is padding, per key (0 = no padding).
    public var paddingRatio: [String: Double] {
        paddedFrames.reduce(into: [:]) { result, item in
            result[item.key] = item.value == 0 ? 0 : Double(item.value - (realFrames[item.key] ?? 0)) / Double(item.value)
        }
    }

    /// A short report, one line per fact.
    public var report: [String] {
        guard batches > 0 else { return ["no batches"] }
        var lines = [
            "batches: \(batches), sequences: \(sequences)",
            "sequences per batch: min \(minSequencesPerBatch), mean " + String(format: "%.2f", Double(sequences) / Double(batches))
                + ", max \(maxSequencesPerBatch)",
        ]
        let ratios = paddingRatio
        for key in paddedFrames.keys.sorted() {
            lines.append("\(key): frames \(realFrames[key] ?? 0), padded \(paddedFrames[key] ?? 0) ("
                         + String(format: "%.1f", 100 * (ratios[key] ?? 0)) + "% padding), longest \(longestSequence[key] ?? 0)")
        }
        return lines
    }
}
