/// One entry of a collated batch dict.
public enum BatchValue: Equatable {
    /// A tensor-to-be: padded data, `key:size<i>` lengths, or `key:size0`.
    case tensor(BatchArray)
    /// A plain Python list of ints (`seq_idx`).
    case ints([Int])
    /// A plain Python list of strings (`seq_tag`, OggZip `raw`).
    case strings([String])
}

/// A collated batch: the dict `collate_batch` returns, in its exact key order.
public struct Batch: Equatable {
    public var entries: [(key: String, value: BatchValue)]

    public init(entries: [(key: String, value: BatchValue)] = []) { self.entries = entries }

    public var keys: [String] { entries.map(\.key) }

    public subscript(key: String) -> BatchValue? { entries.first { $0.key == key }?.value }

    /// Number of sequences (from `seq_idx`, else any `:size0`).
    public var numSeqs: Int {
        if case .ints(let idx)? = self["seq_idx"] { return idx.count }
        for e in entries where e.key.hasSuffix(":size0") {
            if case .tensor(let t) = e.value { return Int(t.int64s()[0]) }
        }
        return 0
    }

    public static func == (a: Batch, b: Batch) -> Bool {
        a.entries.count == b.entries.count && zip(a.entries, b.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}

/// `collate_batch`: pads and stacks each key of the first sequence, in its order (formats.md §6.4).
///
/// Arrays with d ≥ 1 axes give `key:size1 … key:size<d>` (int64 `[B]`), then `key`
/// (`[B, Tmax, ...]`, zero-padded at the end of axis 0), then `key:size0` (0-d int64 = B).
/// 0-d arrays are stacked to `[B]`. Ints, strings and text become plain lists.
public func collateBatch(_ seqs: [[(key: String, value: SeqValue)]]) throws -> Batch {
    guard let first = seqs.first else { throw DatasetError("cannot collate an empty batch") }
    var out = Batch()
    for (col, entry) in first.enumerated() {
        let key = entry.key
        let values: [SeqValue] = try seqs.map { seq in
            guard col < seq.count, seq[col].key == key else {
                guard let v = seq.first(where: { $0.key == key }) else {
                    throw DatasetError(key: key, "sequence in batch lacks this key")
                }
                return v.value
            }
            return seq[col].value
        }
        switch entry.value {
        case .int:
            out.entries.append((key, .ints(try values.map { v in
                guard case .int(let i) = v else { throw DatasetError(key: key, "mixed value kinds in batch") }
                return i
            })))
        case .string, .text:
            out.entries.append((key, .strings(try values.map { v in
                switch v {
                case .string(let s), .text(let s): return s
                default: throw DatasetError(key: key, "mixed value kinds in batch")
                }
            })))
        case .array:
            let arrays: [BatchArray] = try values.map { v in
                guard case .array(let a) = v else { throw DatasetError(key: key, "mixed value kinds in batch") }
                return a.converted(to: a.dtype.collatedType)
            }
            try appendCollated(key: key, arrays, to: &out)
        }
    }
    return out
}

private func appendCollated(key: String, _ arrays: [BatchArray], to out: inout Batch) throws {
    let first = arrays[0]
    let b = arrays.count
    for a in arrays where a.dtype != first.dtype || a.shape.count != first.shape.count || a.shape.dropFirst() != first.shape.dropFirst() {
        throw DatasetError(key: key, "cannot collate: shapes \(first.shape) (\(first.dtype)) and \(a.shape) (\(a.dtype)) differ beyond the time axis")
    }
    if first.shape.isEmpty {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(b * first.dtype.size)
        for a in arrays { bytes += a.bytes }
        out.entries.append((key, .tensor(BatchArray(dtype: first.dtype, shape: [b], bytes: bytes))))
    } else {
        for axis in 0..<first.shape.count {
            out.entries.append(("\(key):size\(axis + 1)", .tensor(BatchArray(int64: arrays.map { Int64($0.shape[axis]) }, shape: [b]))))
        }
        let tMax = arrays.map { $0.shape[0] }.max() ?? 0
        let rowBytes = first.rowBytes
        var padded = BatchArray(zeros: first.dtype, shape: [b, tMax] + first.shape.dropFirst())
        padded.bytes.withUnsafeMutableBytes { dst in
            for (i, a) in arrays.enumerated() {
                a.bytes.withUnsafeBytes { src in
                    if src.count > 0 {
                        dst.baseAddress!.advanced(by: i * tMax * rowBytes).copyMemory(from: src.baseAddress!, byteCount: src.count)
                    }
                }
            }
        }
        out.entries.append((key, .tensor(padded)))
    }
    out.entries.append(("\(key):size0", .tensor(BatchArray(int64: [Int64(b)], shape: []))))
}
