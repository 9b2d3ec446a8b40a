import Foundation

/// RETURNN's `HDFDatasetWriter.dump_from_dataset` (formats.md §1.7): copies any dataset into one
/// HDF file with contiguous datasets and fixed-length strings, readable by `HDFDataset`.
public enum HDFDatasetWriter {
    /// Dumps the sequences of `epoch` of `dataset` into `filename` (overwriting it).
    public static func dump(_ dataset: Dataset, to filename: String, epoch: Int = 1) throws {
        try dataset.initSeqOrder(epoch: epoch)
        let dataKeys = dataset.dataKeys.filter { $0 != "orth" && $0 != "raw" }.sorted(by: pythonLess)
        guard !dataKeys.isEmpty else { throw DatasetError(file: filename, "dataset has no data keys to write") }
        var targetKeys = dataset.targetList.filter(dataKeys.contains)
        let inputKeys = dataKeys.filter { !targetKeys.contains($0) }
        var inputKey: String?
        if inputKeys.count > 1 {
            guard inputKeys.contains("data") else {
                throw DatasetError(file: filename, "not sure which input data key to use from \(inputKeys)")
            }
            inputKey = "data"
        } else {
            inputKey = inputKeys.first
        }
        targetKeys += inputKeys.filter { $0 != inputKey }
        var fileName: [String: String] = [:]
        for k in dataKeys where k != inputKey { fileName[k] = k }
        if fileName["data"] != nil {
            guard fileName["classes"] == nil else { throw DatasetError(file: filename, key: "classes", "both 'data' (as target) and 'classes' exist") }
            fileName["data"] = "classes"
        }
        // First pass: lengths and tags.
        var tags: [String] = []
        var lengths: [[String: Int]] = []
        var totals: [String: Int] = [:]
        var seq = 0
        while dataset.isLessThanNumSeqs(seq) {
            let all = Dictionary(try dataset.getSeqLength(seq).map { ($0.key, $0.length) }, uniquingKeysWith: { a, _ in a })
            var l: [String: Int] = [:]
            for k in dataKeys {
                l[k] = try all[k] ?? dataset.getData(seq, k).batchLength
                totals[k, default: 0] += l[k]!
            }
            lengths.append(l)
            tags.append(try dataset.getTag(seq))
            seq += 1
        }
        guard !tags.isEmpty else { throw DatasetError(file: filename, "dataset has no sequences") }
        if let bad = tags.first(where: { !$0.utf8.allSatisfy { $0 < 128 } }) {
            throw DatasetError(file: filename, key: bad, "HDFDatasetWriter stores tags as ASCII; this tag is not")
        }
        let f = try HDF5File.create(filename)
        defer { f.close() }
        let tagKind = HDF5StringKind.fixed(size: (tags.map { $0.count }.max() ?? 0) + 1)
        try f.createStringDataset("seqTags", kind: tagKind, count: tags.count, maxCount: nil)
        try f.writeStrings("seqTags", start: 0, tags, kind: tagKind)
        let sortedTargets = targetKeys.sorted(by: pythonLess)
        let rows = lengths.flatMap { l in (inputKey.map { [l[$0]!] } ?? []) + sortedTargets.map { l[$0]! } }
        try f.createDataset("seqLengths", dtype: .int32, shape: [tags.count, dataKeys.count])
        try f.writeRows("seqLengths", start: 0, BatchArray(int32: rows.map { Int32($0) }, shape: [tags.count, dataKeys.count]))
        for g in ["targets/data", "targets/size", "targets/labels"] { try f.createGroup(g) }
        for k in dataKeys {
            try createStream(f, dataset, key: k, total: totals[k]!, isInput: k == inputKey, fileName: fileName[k])
        }
        // Second pass: the data.
        var offsets: [String: Int] = [:]
        for i in 0..<tags.count {
            for k in dataKeys {
                guard case .array(let a) = try dataset.getData(i, k) else {
                    throw DatasetError(file: filename, key: k, "only numeric arrays can be written to HDF")
                }
                let rowsArray = a.shape.isEmpty ? BatchArray(dtype: a.dtype, shape: [1], bytes: a.bytes) : a
                try f.writeRows(k == inputKey ? "inputs" : "targets/data/" + fileName[k]!, start: offsets[k, default: 0], rowsArray)
                offsets[k, default: 0] += rowsArray.shape[0]
            }
        }
        try f.writeIntAttribute("/", "inputPattSize", [Int64(dataset.numInputs)], scalar: true)
    }

    private static func createStream(_ f: HDF5File, _ ds: Dataset, key: String, total: Int, isInput: Bool, fileName: String?) throws {
        guard let dtype = DType(rawValue: try ds.dataDType(key)) else {
            throw DatasetError(file: f.path, key: key, "dtype \(try ds.dataDType(key)) cannot be written")
        }
        let shape = [total] + (try ds.dataShape(key)).map { $0 ?? 0 }
        guard let out = ds.numOutputs[key] else { throw DatasetError(file: f.path, key: key, "no num_outputs entry") }
        if isInput {
            try f.createDataset("inputs", dtype: dtype, shape: shape)
        } else {
            try f.createDataset("targets/data/" + fileName!, dtype: dtype, shape: shape)
            try f.writeIntAttribute("targets/size", fileName!, [Int64(out.dim), Int64(out.ndim)], scalar: false)
        }
        var labels = ds.labels[key] ?? (0..<out.dim).map { "\(key)-class-\($0)" }
        if ds.labels[key] != nil, labels.count != out.dim {
            throw DatasetError(file: f.path, key: key, "has \(labels.count) labels but dim \(out.dim)")
        }
        if !isInput {
            labels = labels.map { $0 }
            let kind = HDF5StringKind.fixed(size: (labels.map { $0.utf8.count }.max() ?? 0) + 1)
            try f.createStringDataset("targets/labels/" + fileName!, kind: kind, count: labels.count, maxCount: nil)
            try f.writeStrings("targets/labels/" + fileName!, start: 0, labels, kind: kind)
        }
    }
}

/// `hdf_dump`: builds the dataset given by `options` and dumps `epoch` into `filename`.
public func hdfDump(options: OptionValue, to filename: String, epoch: Int = 1) throws {
    try HDFDatasetWriter.dump(try Dataset.create(options: options), to: filename, epoch: epoch)
}
