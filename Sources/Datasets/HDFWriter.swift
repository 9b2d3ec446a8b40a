import Foundation

/// Writes RETURNN's `SimpleHDFWriter` layout (formats.md §1.6), which `HDFDataset` reads back.
///
/// Writes into a temporary file next to the target and moves it into place at `close()`;
/// refuses to overwrite an existing file.
public final class SimpleHDFWriter {
    public let filename: String
    public let dim: Int?
    public let ndim: Int
    private let tmpFilename: String
    private var file: HDF5File?
    private var numSeqs = 0
    private var numTimesteps = 0
    /// Sorted extra keys and their running frame counts.
    private var extraSteps: [String: Int] = [:]
    /// Columns of `seqLengths`: 2 until extras exist (HDFDataset's dummy `classes`), then 1 + extras.
    private var seqLengthColumns: Int { extraSteps.isEmpty ? 2 : 1 + extraSteps.count }

    /// `SimpleHDFWriter(filename, dim, labels=None, ndim=None)`; ndim (without batch) defaults to 2 if dim is given, else 1.
    public init(filename: String, dim: Int?, labels: [String]? = nil, ndim: Int? = nil) throws {
        guard !FileManager.default.fileExists(atPath: filename) else {
            throw DatasetError(file: filename, "file exists already (SimpleHDFWriter does not overwrite)")
        }
        self.filename = filename
        self.dim = dim
        self.ndim = ndim ?? (dim != nil ? 2 : 1)
        let url = URL(fileURLWithPath: filename)
        tmpFilename = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp").path
        let f = try HDF5File.create(tmpFilename)
        file = f
        for (name, v) in [("numTimesteps", 0), ("inputPattSize", dim ?? 1), ("numDims", 1), ("numLabels", dim ?? 1), ("numSeqs", 0)] {
            try f.writeIntAttribute("/", name, [Int64(v)], scalar: true)
        }
        if let labels, !labels.isEmpty {
            if let d = dim, labels.count != d {
                throw DatasetError(file: filename, key: "labels", "has \(labels.count) labels but dim is \(d)")
            }
            try writeLabelStrings(f, "labels", labels)
        } else {
            try f.createStringDataset("labels", kind: .fixed(size: 5), count: 0, maxCount: nil)
        }
        try f.createDataset("seqLengths", dtype: .int32, shape: [0, 2], maxShape: [nil, nil])
        try f.createStringDataset("seqTags", kind: .variable, count: 0)
    }

    /// `hdf5_strings`: fixed `S<longest>` if all labels are ASCII, else variable-length UTF-8.
    private func writeLabelStrings(_ f: HDF5File, _ path: String, _ labels: [String]) throws {
        let ascii = labels.allSatisfy { $0.utf8.allSatisfy { $0 < 128 } }
        let kind: HDF5StringKind = ascii ? .fixed(size: max(labels.map { $0.count }.max() ?? 1, 1)) : .variable
        try f.createStringDataset(path, kind: kind, count: labels.count, maxCount: nil)
        try f.writeStrings(path, start: 0, labels, kind: kind)
    }

    private func openFile() throws -> HDF5File {
        guard let f = file else { throw DatasetError(file: filename, "writer is closed") }
        return f
    }

    /// `insert_batch(inputs, seq_len, seq_tag, extra)`: `inputs` is `[B, Tmax, dim]` (or `[B, Tmax]`
    /// if ndim == 1); each sequence is cut to its length. Extras `[B, ...]` are stored whole (padded).
    public func insertBatch(inputs: BatchArray, seqLen: [Int], seqTag: [String],
                            extra: [(key: String, value: BatchArray)] = []) throws {
        try insertBatch(inputs: inputs, seqLens: [seqLen], seqTag: seqTag, extra: extra)
    }

    /// `insert_batch` with `seq_len = {axis: lengths}`: `seqLens[a][i]` is sequence i's length along
    /// axis a (after the batch axis). With several dynamic axes each sequence is cropped, flattened
    /// to `[T1*T2*...]` (plus `dim` if dense) and its lengths are stored in an int32 extra `sizes`.
    public func insertBatch(inputs: BatchArray, seqLens: [[Int]], seqTag: [String],
                            extra: [(key: String, value: BatchArray)] = []) throws {
        let f = try openFile()
        let b = seqTag.count
        guard inputs.shape.count == ndim + 1, inputs.shape[0] == b else {
            throw DatasetError(file: filename, key: "inputs", "expected \(ndim + 1) axes with batch size \(b), got shape \(inputs.shape)")
        }
        guard !seqLens.isEmpty, seqLens.count <= ndim, seqLens.allSatisfy({ $0.count == b }) else {
            throw DatasetError(file: filename, key: "seq_len", "need 1...\(ndim) axes of \(b) lengths each")
        }
        let sparse = seqLens.count == ndim
        if let d = dim, !sparse, inputs.shape.last != d {
            throw DatasetError(file: filename, key: "inputs", "feature dim \(inputs.shape.last ?? 0) differs from dim \(d)")
        }
        for e in extra where e.value.shape.first != b {
            throw DatasetError(file: filename, key: e.key, "extra data must have batch size \(b), has shape \(e.value.shape)")
        }
        let row0 = numSeqs
        try f.setExtent("seqLengths", [row0 + b, seqLengthColumns])
        try f.setExtent("seqTags", [row0 + b])
        for i in 0..<b {
            try f.writeStrings("seqTags", start: row0 + i, [seqTag[i]], kind: .variable)
            let lens = seqLens.map { $0[i] }
            for (a, l) in lens.enumerated() where l < 0 || l > inputs.shape[a + 1] {
                throw DatasetError(file: filename, key: seqTag[i], "seq_len \(l) exceeds the padded length \(inputs.shape[a + 1]) of axis \(a)")
            }
            var seq = inputs.batchItem(i).cropLeading(lens)
            let flat = lens.reduce(1, *)
            seq.shape = [flat] + (dim != nil && !sparse ? [dim!] : []) + (dim == nil && !sparse ? Array(seq.shape.dropFirst(lens.count)) : [])
            try appendInputs(f, seq)
            try f.writeRows2D("seqLengths", row: row0 + i, col: 0, Int32(flat))
            if lens.count > 1 { try appendExtra(f, key: "sizes", BatchArray(int32: lens.map { Int32($0) }, shape: [lens.count]), row: row0 + i) }
            for e in extra { try appendExtra(f, key: e.key, e.value.batchItem(i), row: row0 + i) }
        }
    }

    private func appendInputs(_ f: HDF5File, _ seq: BatchArray) throws {
        if !f.exists("inputs") {
            try f.createDataset("inputs", dtype: seq.dtype, shape: [0] + seq.shape.dropFirst(), maxShape: seq.shape.map { _ in nil })
        }
        try f.setExtent("inputs", [numTimesteps + seq.shape[0]] + seq.shape.dropFirst())
        try f.writeRows("inputs", start: numTimesteps, seq)
        numTimesteps += seq.shape[0]
        numSeqs += 1
    }

    private func appendExtra(_ f: HDF5File, key: String, _ value: BatchArray, row: Int) throws {
        let data = value.shape.isEmpty ? BatchArray(dtype: value.dtype, shape: [1], bytes: value.bytes) : value
        if extraSteps[key] == nil {
            guard numSeqs == 1 else {
                throw DatasetError(file: filename, key: key, "a new extra key can only be added with the first sequence")
            }
            try prepareExtra(f, key: key, data)
        }
        let keys = extraSteps.keys.sorted(by: pythonLess)
        let offset = extraSteps[key]!
        try f.setExtent("targets/data/" + key, [offset + data.shape[0]] + data.shape.dropFirst())
        try f.writeRows("targets/data/" + key, start: offset, data)
        extraSteps[key] = offset + data.shape[0]
        let col = 1 + keys.firstIndex(of: key)!
        try f.writeRows2D("seqLengths", row: row, col: col, Int32(data.shape[0]))
    }

    private func prepareExtra(_ f: HDF5File, key: String, _ data: BatchArray) throws {
        if extraSteps.isEmpty {
            try f.createGroup("targets/data")
            try f.createGroup("targets/size")
            try f.createGroup("targets/labels")
        }
        try writeLabelStrings(f, "targets/labels/" + key, ["dummy-label"])
        let dimValue = data.shape.count >= 2 ? data.shape.last! : 1
        var maxShape: [Int?] = data.shape.map { _ in nil }
        if data.shape.count >= 2 { maxShape[maxShape.count - 1] = dimValue }
        try f.createDataset("targets/data/" + key, dtype: data.dtype, shape: [0] + data.shape.dropFirst(), maxShape: maxShape)
        try f.writeIntAttribute("targets/size", key, [Int64(dimValue), Int64(data.shape.count)], scalar: false)
        extraSteps[key] = 0
        let keys = extraSteps.keys.sorted(by: pythonLess)
        let rows = try f.info("seqLengths").shape[0]
        try f.setExtent("seqLengths", [rows, seqLengthColumns])
        for (j, k) in keys.enumerated() {
            try f.writeRows2D("seqLengths", row: numSeqs - 1, col: 1 + j, Int32(extraSteps[k]!))
        }
    }

    /// Writes the final counters, closes the file and moves it into place. (The original updates
    /// `numTimesteps`/`numSeqs` after every sequence; only the final values are visible, as the
    /// file is written under a temporary name.)
    public func close() throws {
        guard let f = file else { return }
        try f.writeIntAttribute("/", "numTimesteps", [Int64(numTimesteps)], scalar: true)
        try f.writeIntAttribute("/", "numSeqs", [Int64(numSeqs)], scalar: true)
        f.close()
        file = nil
        guard !FileManager.default.fileExists(atPath: filename) else {
            throw DatasetError(file: filename, "file appeared while writing; output left in \(tmpFilename)")
        }
        try FileManager.default.moveItem(atPath: tmpFilename, toPath: filename)
    }
}

extension HDF5File {
    /// Writes one int32 cell of a 2-d dataset.
    func writeRows2D(_ path: String, row: Int, col: Int, _ value: Int32) throws {
        let info = try self.info(path)
        var rowValues = try readRows(path, info: info, start: row, count: 1).elements(as: Int32.self)
        rowValues[col] = value
        try writeRows(path, start: row, BatchArray(int32: rowValues, shape: [1, rowValues.count]))
    }
}

extension BatchArray {
    /// `x[:l0, :l1, ...]` for the leading axes, copied into a compact array.
    public func cropLeading(_ lengths: [Int]) -> BatchArray {
        let k = lengths.count
        if lengths == Array(shape.prefix(k)) { return self }
        let inner = shape.dropFirst(k).reduce(1, *) * dtype.size
        var out: [UInt8] = []
        out.reserveCapacity(lengths.reduce(1, *) * inner)
        func copy(_ axis: Int, _ offset: Int) {
            let stride = shape.dropFirst(axis + 1).reduce(1, *) * dtype.size
            for j in 0..<lengths[axis] {
                if axis == k - 1 {
                    out += bytes[(offset + j * stride)..<(offset + j * stride + inner)]
                } else {
                    copy(axis + 1, offset + j * stride)
                }
            }
        }
        if lengths.allSatisfy({ $0 > 0 }) { copy(0, 0) }
        return BatchArray(dtype: dtype, shape: lengths + shape.dropFirst(k), bytes: out)
    }

    /// Item `i` of the batch axis (`x[i]`).
    public func batchItem(_ i: Int) -> BatchArray {
        var s = slice(i, i + 1)
        s.shape.removeFirst()
        return s
    }
}
