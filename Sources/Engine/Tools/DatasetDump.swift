import Datasets
import Foundation
import Tensor

/// The "dump dataset" tool (RETURNN's `tools/dump-dataset.py`): walks the sequences of one epoch
/// and prints, per sequence, its data and targets, shapes or tags, or writes tags / lengths to
/// files; at the end, length statistics per data key and (with `stats`) the mean and standard
/// deviation of the data key per feature dimension. Lines go to a sink: the tool never prints.
public struct DatasetDumpOptions: Equatable {
    /// What is done per sequence (`--type`).
    public enum Kind: String, CaseIterable {
        case stdout, printShape = "print_shape", printTag = "print_tag", dumpTag = "dump_tag",
             dumpSeqLen = "dump_seq_len", null
    }

    public var epoch = 1
    /// First sequence index (inclusive).
    public var startSeq = 0
    /// Last sequence index (inclusive); nil = to the end (`--endseq -1`).
    public var endSeq: Int? = 10
    public var kind = Kind.stdout
    /// The data key that is printed and whose statistics are collected.
    public var key = "data"
    /// Collect mean / standard deviation of `key` per feature dimension.
    public var stats = false
    /// With `stats`: also write `<prefix>.mean.txt` and `<prefix>.std_dev.txt`.
    public var dumpStats: String?
    /// Prefix of the files of `dump_tag` / `dump_seq_len`.
    public var dumpPrefix = "/tmp/mrsh.dump-dataset."

    public init() {}

    /// `--endseq` as the original takes it: a negative value means "to the end".
    public static func endSeq(_ value: Int) -> Int? { value < 0 ? nil : value }
}

public enum DatasetDump {
    /// Running count, mean and variance (Welford) of a stream of values, per dimension.
    public struct Moments: Equatable {
        public private(set) var count = 0
        public private(set) var mean: [Double] = []
        private var m2: [Double] = []
        public private(set) var minimum: [Double] = []
        public private(set) var maximum: [Double] = []

        public init() {}

        /// Adds one row (one frame of `dim` values).
        public mutating func add(_ row: ArraySlice<Double>) {
            if mean.isEmpty {
                mean = Array(repeating: 0, count: row.count); m2 = mean
                minimum = Array(repeating: .infinity, count: row.count); maximum = Array(repeating: -.infinity, count: row.count)
            }
            count += 1
            for (j, x) in zip(0..., row) {
                let delta = x - mean[j]
                mean[j] += delta / Double(count)
                m2[j] += delta * (x - mean[j])
                minimum[j] = Swift.min(minimum[j], x)
                maximum[j] = Swift.max(maximum[j], x)
            }
        }

        /// Population standard deviation (numpy's `std`, ddof 0).
        public var standardDeviation: [Double] { m2.map { count > 0 ? ($0 / Double(count)).squareRoot() : 0 } }
    }

    /// What a dump saw.
    public struct Summary: Equatable {
        public var sequences = 0
        public var moreSequences = false
        /// Per data key: the sequence lengths' moments (one dimension).
        public var lengths: [String: Moments] = [:]
        /// With `stats`: moments of the data key per feature dimension.
        public var data: Moments?
    }

    /// Dumps `dataset` as `options` say, writing lines to `output` (each without a newline).
    /// - Throws: `DatasetError` for a key the dataset lacks or unreadable data; file errors for the dump files.
    @discardableResult
    public static func run(_ dataset: Dataset, _ options: DatasetDumpOptions, output: (String) -> Void) throws -> Summary {
        let started = Date()
        try dataset.initSeqOrder(epoch: options.epoch)
        let keys = dataset.dataKeys
        output("Epoch: \(options.epoch)")
        output("Dataset keys: \(pythonList(keys))")
        output("Dataset target keys: \(pythonList(dataset.targetList))")
        guard keys.contains(options.key) else {
            throw DatasetError(file: dataset.name, key: options.key, "no such data key; keys are \(pythonList(keys))"
                               + (DidYouMean.loose(for: options.key, among: keys).map { " (did you mean '\($0)'?)" } ?? ""))
        }
        var file: AtomicFileWriter?
        switch options.kind {
        case .stdout: output("Dump to stdout")
        case .printShape: output("Dump shape to stdout")
        case .printTag: output("Dump seq tag to stdout")
        case .dumpTag:
            file = try AtomicFileWriter(path: options.dumpPrefix + "seq-tags.txt")
            output("Dump seq tag to file: \(file!.path)")
        case .dumpSeqLen:
            file = try AtomicFileWriter(path: options.dumpPrefix + "seq-lens.txt")
            try file!.write("{\n")
            output("Dump seq lens to file: \(file!.path)")
        case .null: output(options.stats ? "No dump (except stats)." : "No dump.")
        }
        var summary = Summary()
        if options.stats { summary.data = Moments() }
        let total = dataset.numSeqs
        var seqIdx = options.startSeq
        while seqIdx < total, seqIdx <= (options.endSeq ?? Int.max) {
            let progressPrefix = "\(seqIdx)/\(total)"
            let progress = progressPrefix + String(format: " (%.02f%%)", 100 * Double(seqIdx) / Double(max(total, 1)))
            let tag = try dataset.getTag(seqIdx)
            switch options.kind {
            case .printTag: output("seq \(progressPrefix) tag: \(tag)")
            case .dumpTag:
                output("seq \(progressPrefix) tag: \(tag)")
                try file?.write(tag + "\n")
            case .dumpSeqLen:
                let length = try dataset.getData(seqIdx, options.key).batchLength
                output("seq \(progressPrefix) tag: \(tag) \(PythonRepr.string(options.key)) len: \(length)")
                try file?.write("\(PythonRepr.string(tag)): \(length),\n")
            case .stdout, .printShape:
                let data = try dataset.getData(seqIdx, options.key)
                if options.kind == .stdout {
                    output("seq \(progress) tag: \(tag)")
                    output("seq \(progress) data: \(NumpyText.format(data))")
                } else {
                    output("seq \(progress) data shape: \(NumpyText.shape(data))")
                }
                for target in dataset.targetList where target != options.key {
                    let value = try dataset.getData(seqIdx, target)
                    if options.kind == .stdout {
                        var extra = ""
                        if let labels = dataset.labels[target], labels.count > 1, case .array(let a) = value {
                            extra = " (" + PythonRepr.string(a.int64s().map { i in 0 <= i && Int(i) < labels.count ? labels[Int(i)] : "?" }
                                .joined(separator: " ")) + ")"
                        }
                        output("seq \(seqIdx) target \(PythonRepr.string(target)): \(NumpyText.format(value))\(extra)")
                    } else {
                        output("seq \(seqIdx) target \(PythonRepr.string(target)) shape: \(NumpyText.shape(value))")
                    }
                }
            case .null: break
            }
            for (key, length) in try dataset.getSeqLength(seqIdx) {
                summary.lengths[key, default: Moments()].add([Double(length)])
            }
            if options.stats, case .array(let a) = try dataset.getData(seqIdx, options.key) {
                let values = a.doubles()
                let dim = a.shape.count >= 2 ? a.shape.dropFirst().reduce(1, *) : 1
                var start = 0
                while start + dim <= values.count {
                    summary.data!.add(values[start..<(start + dim)])
                    start += dim
                }
            }
            summary.sequences += 1
            seqIdx += 1
        }
        summary.moreSequences = seqIdx < total
        output("Done. Total time \(hms(Date().timeIntervalSince(started))). More seqs which we did not dumped: "
               + (summary.moreSequences ? "True" : "False"))
        for key in keys {
            guard let m = summary.lengths[key] else { continue }
            output("Seq-length \(PythonRepr.string(key)) Stats:")
            output("  \(m.count) seqs, mean \(number(m.mean[0])), std dev \(number(m.standardDeviation[0])), "
                   + "min \(Int(m.minimum[0])), max \(Int(m.maximum[0])), total frames \(Int((m.mean[0] * Double(m.count)).rounded()))")
        }
        if let data = summary.data, data.count > 0 {
            output("Data \(PythonRepr.string(options.key)) Stats:")
            output("  \(data.count) frames, dim \(data.mean.count)")
            output("  Mean: \(NumpyText.vector(data.mean))")
            output("  Std dev: \(NumpyText.vector(data.standardDeviation))")
            output("  Min/max: \(number(data.minimum.min() ?? 0)) / \(number(data.maximum.max() ?? 0))")
            if let prefix = options.dumpStats {
                for (suffix, values) in [("mean", data.mean), ("std_dev", data.standardDeviation)] {
                    let path = "\(prefix).\(suffix).txt"
                    try AtomicFileWriter.write(Array((values.map { String(format: "%.18e", $0) }.joined(separator: "\n") + "\n").utf8), to: path)
                    output("Wrote \(path)")
                }
            }
        }
        if options.kind == .dumpSeqLen { try file?.write("}\n") }
        if let file {
            try file.commit()
            output("Dumped to file: \(file.path)")
        }
        return summary
    }

    static func pythonList(_ items: [String]) -> String { "[" + items.map(PythonRepr.string).joined(separator: ", ") + "]" }

    static func number(_ x: Double) -> String { String(format: "%.6g", x) }

    /// `H:MM:SS` as RETURNN's `hms`.
    static func hms(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
    }
}

/// numpy-style text of a sequence's values for the dump tool: nested brackets, columns aligned,
/// and numpy's summarization (first and last 3 entries per axis with `...`) above 1000 values.
/// Close to `str(numpy_array)`, not byte-identical with it.
enum NumpyText {
    static func shape(_ value: SeqValue) -> String {
        switch value {
        case .array(let a): return a.shape.count == 1 ? "(\(a.shape[0]),)" : "(" + a.shape.map(String.init).joined(separator: ", ") + ")"
        case .text, .string, .int: return "()"
        }
    }

    static func format(_ value: SeqValue) -> String {
        switch value {
        case .array(let a): return format(a)
        case .text(let s), .string(let s): return PythonRepr.string(s)
        case .int(let i): return String(i)
        }
    }

    static func vector(_ values: [Double]) -> String {
        format(BatchArray(float32: values.map { Float($0) }, shape: [values.count]))
    }

    static func format(_ a: BatchArray) -> String {
        let values = a.doubles()
        let isFloat = a.dtype == .float32 || a.dtype == .float64
        let summarize = values.count > 1000
        let texts = values.map { x -> String in
            if a.dtype == .bool { return x != 0 ? "True" : "False" }
            if !isFloat { return String(Int64(x)) }
            return a.dtype == .float32 ? "\(Float(x))" : "\(x)"
        }
        let width = texts.map(\.count).max() ?? 0
        if a.shape.isEmpty { return texts.first ?? "" }
        let padded = texts.map { String(repeating: " ", count: width - $0.count) + $0 }
        return block(padded, shape: a.shape, offset: 0, depth: 0, summarize: summarize)
    }

    private static func block(_ items: [String], shape: [Int], offset: Int, depth: Int, summarize: Bool) -> String {
        let n = shape[0]
        let inner = shape.dropFirst().reduce(1, *)
        let indices: [Int?] = summarize && n > 6 ? Array(0..<3) + [nil] + Array((n - 3)..<n) : Array(0..<n)
        if shape.count == 1 {
            return "[" + indices.map { $0.map { items[offset + $0] } ?? "..." }.joined(separator: " ") + "]"
        }
        let separator = "\n" + String(repeating: "\n", count: shape.count - 2) + String(repeating: " ", count: depth + 1)
        return "[" + indices.map { i in
            i.map { block(items, shape: Array(shape.dropFirst()), offset: offset + $0 * inner, depth: depth + 1, summarize: summarize) } ?? "..."
        }.joined(separator: separator) + "]"
    }
}
