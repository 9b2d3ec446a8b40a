import Foundation

/// RETURNN's `EpochWiseFilter` (OggZipDataset `epoch_wise_filter`): in the epochs of a range, keep
/// the shortest sequences whose mean length stays within `max_mean_len`, in the epoch's order.
///
/// Options: a dict from the `(ep_start, ep_end)` tuple (given as its Python repr, e.g.
/// `"(1, 5)"`, `"(None, 10)"`, `"(3, None)"`; None/−1 as end = open) to `{"max_mean_len": L}`.
/// The count kept is the original's binary search over `mean(sorted_lens[:n]) − L` for n in [1, N].
public struct EpochWiseFilter {
    struct Range {
        let start: Int
        let end: Int
        let maxMeanLen: Double?
    }
    let ranges: [Range]

    public init(_ v: OptionValue, context: String) throws {
        guard case .dict(let entries) = v else {
            throw DatasetError(file: context, key: "epoch_wise_filter", "expected a dict {(ep_start, ep_end): opts}, got \(v)")
        }
        var ranges: [Range] = []
        for e in entries {
            let (start, end) = try Self.parseRange(e.key, context: context)
            let r = try OptionReader(e.value, context: context + ": epoch_wise_filter \(e.key)")
            let maxMean = try r.double("max_mean_len")
            try r.finish()
            ranges.append(Range(start: start, end: end, maxMeanLen: maxMean == 0 ? nil : maxMean))
        }
        self.ranges = ranges.sorted { ($0.start, $0.end) < ($1.start, $1.end) }
    }

    private static func parseRange(_ key: String, context: String) throws -> (Int, Int) {
        let inner = key.trimmingCharacters(in: .whitespaces).drop { $0 == "(" }.prefix { $0 != ")" }
        let parts = inner.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2 else {
            throw DatasetError(file: context, key: "epoch_wise_filter", "key '\(key)' is not an (ep_start, ep_end) tuple")
        }
        func bound(_ s: String, open: Int) throws -> Int {
            if s == "None" { return open }
            guard let i = Int(s) else { throw DatasetError(file: context, key: "epoch_wise_filter", "bad epoch '\(s)' in '\(key)'") }
            return i
        }
        let start = try bound(parts[0], open: 1)
        var end = try bound(parts[1], open: Int.max)
        if end == -1 { end = Int.max }
        guard start >= 1, start <= end else {
            throw DatasetError(file: context, key: "epoch_wise_filter", "need 1 <= ep_start <= ep_end in '\(key)'")
        }
        return (start, end)
    }

    /// The filtered order of `epoch` (None acts as 1).
    func filter(epoch: Int?, seqOrder: [Int], seqLength: (Int) throws -> Int) rethrows -> [Int] {
        let ep = SeqOrdering.effectiveEpoch(epoch)
        var order = seqOrder
        for r in ranges where r.start <= ep && ep <= r.end {
            guard let maxMean = r.maxMeanLen else { continue }
            let sorted = try order.map { (try seqLength($0), $0) }.sorted { $0 < $1 }
            var prefix = [0.0]
            for (len, _) in sorted { prefix.append(prefix.last! + Double(len)) }
            var low = 1, high = sorted.count + 1
            search: while low < high {
                let mid = (low + high) / 2
                let diff = prefix[mid] / Double(mid) - maxMean
                if diff < 0 { low = mid + 1 } else if diff > 0 { high = mid } else { low = mid; break search }
            }
            let keep = Set(sorted.prefix(low).map(\.1))
            order = order.filter { keep.contains($0) }
        }
        return order
    }
}
