import Foundation

/// RETURNN's per-epoch sequence order (`Dataset.get_seq_order_for_epoch`), with the options
/// `seq_ordering`, `fixed_random_seed`, `partition_epoch`, `repeat_epoch`, `unique_seq_tags`
/// and `seq_list_filter_file`.
public struct SeqOrdering {
    public var mode: String = "default"
    public var fixedRandomSeed: Int?
    public var partitionEpoch = 1
    public var repeatEpoch = 1
    public var uniqueSeqTags = false
    /// Tags kept by `seq_list_filter_file`, if given.
    public var seqTagsFilter: Set<String>?
    /// Always 0 in MiniReturnn.
    public var randomSeedOffset = 0
    /// `seq_order_seq_lens_file`: a Python dict literal tag → length used instead of the data's lengths.
    public var seqLensFile: String?
    private let seqLensCache = SeqLensCache()

    public init(mode: String = "default", fixedRandomSeed: Int? = nil, partitionEpoch: Int = 1) {
        self.mode = mode
        self.fixedRandomSeed = fixedRandomSeed
        self.partitionEpoch = partitionEpoch
    }

    /// Reads the common dataset options.
    public init(options r: OptionReader) throws {
        mode = try r.string("seq_ordering", default: "default")
        fixedRandomSeed = try r.int("fixed_random_seed")
        partitionEpoch = try r.int("partition_epoch", default: 1)
        repeatEpoch = try r.int("repeat_epoch", default: 1)
        uniqueSeqTags = try r.bool("unique_seq_tags", default: false)
        randomSeedOffset = try r.int("random_seed_offset", default: 0)
        _ = r.value("name")
        _ = r.value("estimated_num_seqs")
        seqLensFile = try r.string("seq_order_seq_lens_file")
        if let file = try r.string("seq_list_filter_file") {
            seqTagsFilter = Set(try SeqOrdering.loadSeqList(file))
        }
        guard partitionEpoch >= 1 else { throw DatasetError(file: r.context, key: "partition_epoch", "must be >= 1") }
        guard partitionEpoch == 1 || repeatEpoch <= 1 else {
            throw DatasetError(file: r.context, key: "repeat_epoch", "combining partition_epoch and repeat_epoch is prohibited")
        }
        try validateMode(context: r.context)
    }

    private func validateMode(context: String) throws {
        let head = mode.split(separator: ":", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let known = ["default", "default_every_n", "reverse", "sorted", "sorted_reverse", "random", "laplace",
                     "sort_bin_shuffle", "sort_bin_shuffle_x2"]
        guard known.contains(head) else {
            throw DatasetError(file: context, key: "seq_ordering", "invalid seq_ordering '\(mode)'" + didYouMean(head, in: known))
        }
    }

    /// A seq list file: one tag per line (`.gz` allowed), or a pickled list (`.pkl`).
    public static func loadSeqList(_ path: String) throws -> [String] {
        if path.hasSuffix(".pkl") {
            guard case .list(let items) = try Unpickler.load(path) else { throw DatasetError(file: path, "expected a pickled list of tags") }
            return try items.map { guard case .string(let s) = $0 else { throw DatasetError(file: path, "expected str tags, got \($0)") }; return s }
        }
        return pythonSplitLines(try Gzip.readText(path)).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Python's `epoch or 1`: None and 0 (the forward task's epoch) act as epoch 1.
    public static func effectiveEpoch(_ epoch: Int?) -> Int {
        guard let e = epoch, e != 0 else { return 1 }
        return e
    }

    /// The seed of an epoch: fixed seed, else epoch (1 if nil), divided by partition_epoch and `:N`.
    public func randomSeed(epoch: Int?, numEpochsFixed: Int = 1) -> Int {
        if let fixed = fixedRandomSeed { return fixed }
        var seed = SeqOrdering.effectiveEpoch(epoch)
        if partitionEpoch > 1 { seed = floorDiv(seed - 1, partitionEpoch) + 1 }
        if numEpochsFixed > 1 { seed = floorDiv(seed - 1, numEpochsFixed) + 1 }
        return seed + randomSeedOffset
    }

    private func floorDiv(_ a: Int, _ b: Int) -> Int { Int((Double(a) / Double(b)).rounded(.down)) }

    private func int(_ s: Substring) throws -> Int {
        guard let v = Int(s) else { throw DatasetError(key: "seq_ordering", "invalid number '\(s)' in '\(mode)'") }
        return v
    }

    /// Number of bins from a `B` or `.N` argument (default 2).
    private func bins(_ args: [Substring], numSeqs: Int) throws -> Int {
        guard let first = args.first else { return 2 }
        if first.hasPrefix(".") { return Swift.max(numSeqs / (try int(first.dropFirst())), 2) }
        return try int(first)
    }

    /// Corpus indices of the epoch, after partitioning, repetition and filtering.
    public func order(epoch: Int?, numSeqs n: Int, seqLength: (Int) throws -> Int,
                      allTags: () throws -> [String]) throws -> [Int] {
        guard n > 0 else { throw DatasetError(key: "seq_ordering", "dataset has no sequences") }
        var index: [Int]
        if let file = seqLensFile {
            let lens = try seqLensCache.lengths(file: file, tags: allTags)
            index = try baseOrder(epoch: epoch, n: n, seqLength: { i in
                guard i < lens.count else { throw DatasetError(file: file, key: "seq_order_seq_lens_file", "no length for sequence \(i)") }
                return lens[i]
            })
        } else {
            index = try baseOrder(epoch: epoch, n: n, seqLength: seqLength)
        }
        if uniqueSeqTags {
            let tags = try allTags()
            var seen = Set<String>()
            index = index.filter { seen.insert(tags[$0]).inserted }
        }
        if partitionEpoch > 1 { index = SeqOrdering.partition(index, parts: partitionEpoch, epoch: epoch) }
        if repeatEpoch > 1 { index = Array([[Int]](repeating: index, count: repeatEpoch).joined()) }
        if let filter = seqTagsFilter {
            let tags = try allTags()
            index = index.filter { filter.contains(tags[$0]) }
            guard !index.isEmpty else { throw DatasetError(key: "seq_list_filter_file", "no sequence left after filtering") }
        }
        return index
    }

    /// Part `(epoch-1) % P` of P consecutive parts; the first `n % P` parts get one extra element.
    public static func partition(_ index: [Int], parts: Int, epoch: Int?) -> [Int] {
        let n = index.count
        let current = (effectiveEpoch(epoch) - 1) % parts
        let base = n / parts, extra = n % parts
        let start = current * base + Swift.min(current, extra)
        let size = base + (current < extra ? 1 : 0)
        return Array(index[start..<(start + size)])
    }

    private func baseOrder(epoch: Int?, n: Int, seqLength: (Int) throws -> Int) throws -> [Int] {
        let parts = mode.split(separator: ":", omittingEmptySubsequences: false)
        let head = parts[0], args = Array(parts.dropFirst())
        switch head {
        case "default": return Array(0..<n)
        case "reverse": return Array((0..<n).reversed())
        case "default_every_n":
            let num = try int(args.first ?? "1")
            var out: [Int] = []
            for b in 0..<(n / num) { for i in 0..<num { out.append(b + i * (n / num)) } }
            return out
        case "sorted", "sorted_reverse":
            let sign = head == "sorted_reverse" ? -1 : 1
            let lens = try (0..<n).map { try sign * seqLength($0) }
            return stableArgsort(lens)
        case "random":
            let nth = args.isEmpty ? 1 : try int(args[0])
            var rng = try RandomState(seed: randomSeed(epoch: epoch, numEpochsFixed: nth))
            return rng.permutation(n)
        case "laplace":
            return try laplace(epoch: epoch, n: n, args: args, seqLength: seqLength)
        case "sort_bin_shuffle", "sort_bin_shuffle_x2":
            return try sortBinShuffle(epoch: epoch, n: n, args: args, x2: head == "sort_bin_shuffle_x2", seqLength: seqLength)
        default:
            throw DatasetError(key: "seq_ordering", "invalid seq_ordering '\(mode)'")
        }
    }

    private func laplace(epoch: Int?, n: Int, args: [Substring], seqLength: (Int) throws -> Int) throws -> [Int] {
        let bins = try bins(args, numSeqs: n)
        let nth = args.count <= 1 ? 1 : try int(args[1])
        let lens = try (0..<n).map(seqLength)
        var rng = try RandomState(seed: randomSeed(epoch: epoch, numEpochsFixed: nth))
        let perm = rng.permutation(n)
        var out: [Int] = []
        for i in 0..<bins {
            let part = Array(perm[(i * n / bins)..<((i + 1) * n / bins)])
            let keys = part.map { i % 2 == 1 ? -lens[$0] : lens[$0] }
            out += stableArgsort(keys).map { part[$0] }
        }
        return out
    }

    private func sortBinShuffle(epoch: Int?, n: Int, args: [Substring], x2: Bool,
                                seqLength: (Int) throws -> Int) throws -> [Int] {
        let nth = args.count <= 1 ? 1 : try int(args[1])
        var rng = try RandomState(seed: randomSeed(epoch: epoch, numEpochsFixed: nth))
        let perm = rng.permutation(n)
        let lens = try perm.map(seqLength)
        let sorted = stableArgsort(lens).map { perm[$0] }
        let bins = try bins(args, numSeqs: n)
        var out: [Int] = []
        for b in rng.permutation(bins) {
            let end = b == bins - 1 ? n : (b + 1) * n / bins
            var part = Array(sorted[(b * n / bins)..<end])
            if x2 { rng.shuffle(&part) }
            out += part
        }
        return out
    }
}

/// Indices that sort `keys` ascending, equal keys keeping their order (numpy `kind="stable"`).
func stableArgsort(_ keys: [Int]) -> [Int] {
    Array(0..<keys.count).sorted { keys[$0] != keys[$1] ? keys[$0] < keys[$1] : $0 < $1 }
}

/// Lengths from a `seq_order_seq_lens_file`, loaded once, in corpus order.
final class SeqLensCache {
    private var lengths: [Int]?

    func lengths(file: String, tags: () throws -> [String]) throws -> [Int] {
        if let l = lengths { return l }
        guard case .dict(let items) = try PyLiteralParser.parse(try Gzip.readText(file, key: "seq_order_seq_lens_file"), file: file) else {
            throw DatasetError(file: file, key: "seq_order_seq_lens_file", "expected a dict tag → length")
        }
        var byTag: [String: Int] = [:]
        for (k, v) in items {
            guard case .string(let t) = k, case .int(let n) = v else { throw DatasetError(file: file, "entries must be str: int, got \(k): \(v)") }
            byTag[t] = n
        }
        let l = try tags().map { t -> Int in
            guard let n = byTag[t] else { throw DatasetError(file: file, key: t, "no length for this sequence tag") }
            return n
        }
        lengths = l
        return l
    }
}
