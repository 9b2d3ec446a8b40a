/// A per-key integer limit: one int for every key, or a dict that only limits the listed keys
/// (RETURNN's `NumbersDict` as the pipeline uses it).
public enum KeyLimit: Equatable {
    case all(Int)
    case perKey([String: Int])

    /// The limit of `key`, or nil if the key is not limited.
    public func limit(_ key: String) -> Int? {
        switch self {
        case .all(let v): return v
        case .perKey(let d): return d[key]
        }
    }

    /// From an int or a dict option value.
    public init(option: OptionValue, name: String) throws {
        switch option {
        case .int(let v): self = .all(v)
        case .dict(let entries):
            var d: [String: Int] = [:]
            for e in entries {
                guard case .int(let v) = e.value else { throw DatasetError(key: name, "expected int values, got \(e.value) for '\(e.key)'") }
                d[e.key] = v
            }
            self = .perKey(d)
        default: throw DatasetError(key: name, "expected an int or a dict of ints, got \(option)")
        }
    }
}

/// `chunk_streams` entry.
public struct ChunkStream: Equatable {
    public var key: String
    public var size: Int
    public var step: Int
    public var minChunkSize: Int
    public init(key: String, size: Int, step: Int, minChunkSize: Int) {
        self.key = key; self.size = size; self.step = step; self.minChunkSize = minChunkSize
    }
}

/// The engine's data settings between dataset and collation (formats.md §6).
public struct PipelineOptions: Equatable {
    /// `batch_size` (default 1); nil means unlimited.
    public var batchSize: KeyLimit? = .all(1)
    /// `max_seqs`; -1 or nil = unlimited.
    public var maxSeqs: Int? = -1
    public var dropLast = false
    public var minSeqLength: KeyLimit?
    public var maxSeqLength: KeyLimit?
    /// `chunking_options["chunk_streams"]`, in dict order.
    public var chunkStreams: [ChunkStream] = []
    public var randomChunkStart = false
    /// Seed of the RNG for `random_chunk_start` (the original draws from numpy's global RNG).
    public var chunkSeed = 42

    public init(batchSize: KeyLimit? = .all(1), maxSeqs: Int? = -1, dropLast: Bool = false) {
        self.batchSize = batchSize
        self.maxSeqs = maxSeqs
        self.dropLast = dropLast
    }

    /// The engine's settings from a config dict: `batch_size`, `max_seqs`, `batch_drop_last`,
    /// `min_seq_length`, `max_seq_length`, `chunking_options` (other keys are ignored).
    public init(config: OptionValue) throws {
        self.init()
        if let b = config["batch_size"] { batchSize = b == .none ? nil : try KeyLimit(option: b, name: "batch_size") }
        if let m = config["max_seqs"] {
            switch m {
            case .none: maxSeqs = nil
            case .int(let v): maxSeqs = v
            default: throw DatasetError(key: "max_seqs", "expected an int, got \(m)")
            }
        }
        if case .bool(let d)? = config["batch_drop_last"] { dropLast = d }
        if let v = config["min_seq_length"], v != .none { minSeqLength = try KeyLimit(option: v, name: "min_seq_length") }
        if let v = config["max_seq_length"], v != .none { maxSeqLength = try KeyLimit(option: v, name: "max_seq_length") }
        if let c = config["chunking_options"], c != .none { try setChunking(c) }
    }

    /// Reads `chunking_options = {"chunk_streams": {KEY: {"size", "step", "min_chunk_size"}}, "random_chunk_start": bool}`.
    public mutating func setChunking(_ option: OptionValue) throws {
        guard case .dict(let streams)? = option["chunk_streams"], !streams.isEmpty else {
            throw DatasetError(key: "chunking_options", "needs a non-empty dict 'chunk_streams'")
        }
        chunkStreams = try streams.map { e in
            func field(_ f: String) throws -> Int {
                guard case .int(let v)? = e.value[f] else {
                    throw DatasetError(key: "chunking_options", "chunk_streams['\(e.key)'] needs an int '\(f)'")
                }
                return v
            }
            return ChunkStream(key: e.key, size: try field("size"), step: try field("step"), minChunkSize: try field("min_chunk_size"))
        }
        if case .bool(let b)? = option["random_chunk_start"] { randomChunkStart = b }
    }
}

public typealias SequenceDict = [(key: String, value: SeqValue)]

/// Pulls the sequences of one epoch through length filter, chunking and batching, and collates
/// each batch. `next()` returns nil at the end of the epoch.
public final class BatchIterator {
    private let dataset: Dataset
    private let options: PipelineOptions
    private var seqIdx = 0
    private var pending: [SequenceDict] = []
    private var pendingHead = 0
    private var current: [SequenceDict] = []
    private var currentMax: [String: Int] = [:]
    private var finished = false
    private var rng: RandomState

    /// Calls `init_seq_order(epoch)` on the dataset and starts the epoch.
    public init(dataset: Dataset, epoch: Int, options: PipelineOptions) throws {
        guard (options.maxSeqs ?? -1) == -1 || (options.maxSeqs ?? 0) > 0 else {
            throw DatasetError(key: "max_seqs", "must be positive or -1")
        }
        if let b = options.batchSize {
            switch b {
            case .all(let v) where v <= 0: throw DatasetError(key: "batch_size", "must be positive")
            case .perKey(let d) where d.values.contains { $0 <= 0 }: throw DatasetError(key: "batch_size", "must be positive")
            default: break
            }
        }
        self.dataset = dataset
        self.options = options
        self.rng = RandomState(seed: UInt32(truncatingIfNeeded: options.chunkSeed))
        try dataset.initSeqOrder(epoch: epoch)
    }

    /// The next sequence after filtering and chunking, or nil at the end.
    private func nextSequence() throws -> SequenceDict? {
        while true {
            if pendingHead < pending.count {
                pendingHead += 1
                return pending[pendingHead - 1]
            }
            guard seqIdx < dataset.numSeqs else { return nil }
            let seq = try dataset.sequenceDict(seqIdx)
            seqIdx += 1
            guard passesLengthFilter(seq) else { continue }
            if options.chunkStreams.isEmpty { return seq }
            pending = try chunk(seq)
            pendingHead = 0
        }
    }

    private func passesLengthFilter(_ seq: SequenceDict) -> Bool {
        for (key, value) in seq {
            guard let n = value.filterLength else { continue }
            if let lo = options.minSeqLength?.limit(key), n < lo { return false }
            if let hi = options.maxSeqLength?.limit(key), n > hi { return false }
        }
        return true
    }

    /// `ChunkingIterDataPipe`: chunked keys first (in `chunk_streams` order), then the others.
    private func chunk(_ seq: SequenceDict) throws -> [SequenceDict] {
        let u = options.randomChunkStart ? rng.randomSample() : 0
        var chunks: [(String, [SeqValue])] = []
        for s in options.chunkStreams {
            guard let value = seq.first(where: { $0.key == s.key })?.value, case .array(let a) = value, let len = a.length else {
                throw DatasetError(key: s.key, "chunking needs an array with a time axis for this key")
            }
            var parts: [SeqValue] = []
            var start = Int(u * Double(s.step))
            while start < len {
                let end = Swift.min(start + s.size, len)
                if end - start >= s.minChunkSize { parts.append(.array(a.slice(start, end))) }
                start += s.step
            }
            if let n = chunks.first?.1.count, n != parts.count {
                throw DatasetError(key: s.key, "chunking resulted in different number of chunks for different data keys")
            }
            chunks.append((s.key, parts))
        }
        let rest = seq.filter { e in !options.chunkStreams.contains { $0.key == e.key } }
        let count = chunks.first?.1.count ?? 0
        return (0..<count).map { i in chunks.map { (key: $0.0, value: $0.1[i]) } + rest }
    }

    /// The next list of sequences forming one batch (`BatchingIterDataPipe`), or nil.
    public func nextSequences() throws -> [SequenceDict]? {
        while !finished {
            guard let seq = try nextSequence() else {
                finished = true
                break
            }
            if let full = add(seq) { return full }
        }
        defer { current = [] }
        return current.isEmpty || options.dropLast ? nil : current
    }

    /// Adds one sequence; returns the batch it closes: when `max_seqs` is reached, or when the
    /// padded cost `max length × (n + 1)` of some limited key would exceed its limit.
    private func add(_ seq: SequenceDict) -> [SequenceDict]? {
        let maxSeqs = (options.maxSeqs ?? -1) == -1 ? Int.max : options.maxSeqs!
        var merged = currentMax
        for (key, value) in seq { merged[key] = Swift.max(merged[key] ?? 0, value.batchLength) }
        let n = current.count + 1
        let over = merged.contains { key, length in
            guard let limit = options.batchSize?.limit(key) else { return false }
            return length * n > limit
        }
        if current.count == maxSeqs || (!current.isEmpty && over) {
            let full = current
            current = [seq]
            currentMax = Dictionary(seq.map { ($0.key, $0.value.batchLength) }, uniquingKeysWith: { a, _ in a })
            return full
        }
        current.append(seq)
        currentMax = merged
        return nil
    }

    /// The next collated batch, or nil at the end of the epoch.
    public func next() throws -> Batch? {
        guard let seqs = try nextSequences() else { return nil }
        return try collateBatch(seqs)
    }
}
