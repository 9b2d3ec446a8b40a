import Datasets
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

/// The "analyze dataset batches" tool (RETURNN's `tools/analyze-dataset-batches.py`): builds the
/// training batches of one epoch with the config's batching settings (`batch_size`, `max_seqs`,
/// length filters, chunking) and reports sequences per batch and how much of each padded batch is
/// padding. Lines go to a sink; the tool never prints.
public enum BatchAnalysis {
    /// Runs over the epoch (or until the batch that starts after sequence `endSeq`); with
    /// `perBatch`, one line per batch as the original writes at log verbosity 5.
    @discardableResult
    public static func run(_ dataset: Dataset, epoch: Int, pipeline: PipelineOptions, endSeq: Int? = nil,
                           perBatch: Bool = false, output: (String) -> Void) throws -> BatchStatistics {
        let started = Date()
        output("Epoch: \(epoch)")
        output("Dataset keys: \(DatasetDump.pythonList(dataset.dataKeys))")
        let iterator = try BatchIterator(dataset: dataset, epoch: epoch, options: pipeline)
        var stats = BatchStatistics()
        var firstSeq = 0
        while let seqs = try iterator.nextSequences() {
            if let endSeq, firstSeq > endSeq { break }
            var lengths: [String: [Int]] = [:]
            for seq in seqs {
                for (key, value) in seq {
                    guard case .array(let a) = value, a.length != nil else { continue }
                    lengths[key, default: []].append(value.batchLength)
                }
            }
            if perBatch {
                let padded = lengths.mapValues { ($0.max() ?? 0) * $0.count }
                let used = lengths.mapValues { $0.reduce(0, +) }
                let keys = lengths.keys.sorted()
                let ratio = keys.map { key in
                    "\(PythonRepr.string(key)): " + String(format: "%.4f", padded[key]! == 0 ? 0 : Double(used[key]!) / Double(padded[key]!))
                }
                output("\(firstSeq)/\(dataset.numSeqs), batch \(stats.batches), num seqs \(seqs.count), frames "
                       + dict(keys.map { ($0, padded[$0]!) }) + ", used " + dict(keys.map { ($0, used[$0]!) })
                       + " ({" + ratio.joined(separator: ", ") + "})")
            }
            stats.add(lengths: lengths)
            firstSeq += seqs.count
        }
        output("Done. Total time \(DatasetDump.hms(Date().timeIntervalSince(started))).")
        output("Dataset epoch \(epoch), order \(PythonRepr.string(dataset.ordering.mode)).")
        stats.report.forEach(output)
        return stats
    }

    private static func dict(_ items: [(String, Int)]) -> String {
        "{" + items.map { "\(PythonRepr.string($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
    }
}
