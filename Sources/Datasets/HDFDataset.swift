import Foundation

/// RETURNN's `HDFDataset`: one or more HDF files (SimpleHDFWriter or HDFDatasetWriter layout)
/// read lazily, sequence by sequence, with a small bounded cache.
///
/// Follows the reading algorithm of formats.md §1.3: target keys from `targets/data` ∪
/// `targets/size` attributes (sorted), `seqLengths` columns `[inputs] + targets`, `data` read
/// from `inputs`, labels from `targets/labels` (or the root `labels` as `classes`).
public final class HDFDataset: Dataset {
    struct FileEntry {
        let file: HDF5File
        /// Running sums of `seqLengths`: `(numSeqs + 1) × cols`, row-major.
        let seqStart: [Int]
        let cols: Int
        let numSeqs: Int
        let hasTargets: Bool
        var infos: [String: HDF5DatasetInfo] = [:]
        var tags: [String]?
    }

    public private(set) var files: [String] = []
    var entries: [FileEntry] = []
    /// Corpus index of each file's first sequence, plus the total at the end.
    var fileStart: [Int] = [0]
    public private(set) var targetKeys: [String] = []
    private var hasTargets = false
    private var dtypes: [String: DType] = [:]
    public private(set) var numTimesteps = 0
    private var cache: SequenceCache

    /// Opens `files` in order (`cacheByteSize` bounds the read cache; 0 disables it).
    public init(files: [String], ordering: SeqOrdering = SeqOrdering(), cacheByteSize: Int = 16 << 20,
                name: String = "HDFDataset") throws {
        cache = SequenceCache(limitBytes: cacheByteSize)
        super.init(name: name, ordering: ordering)
        for f in files { try addFile(f) }
    }

    public override var totalNumSeqs: Int { fileStart.last ?? 0 }
    public override var targetList: [String] { hasTargets ? targetKeys : [] }
    public override var dataKeys: [String] { ["data"] + targetList }

    public override func dataDType(_ key: String) throws -> String {
        guard let d = dtypes[key] else { throw DatasetError(file: name, key: key, "no such data key") }
        return d.rawValue
    }

    /// HDFDataset's rule: integer dtype and `num_outputs[key][1] <= 1`.
    public override func isDataSparse(_ key: String) throws -> Bool {
        guard try dataDType(key).contains("int"), let o = numOutputs[key] else { return false }
        return o.ndim <= 1
    }

    /// Adds one file (formats.md §1.3 steps 1–8).
    public func addFile(_ path: String) throws {
        let file = try HDF5File.open(path)
        let fileHasTargets = file.isGroup("targets")
        try readLabels(file, hasTargets: fileHasTargets)
        var keys = ["classes"]
        if fileHasTargets {
            let dataNames = file.exists("targets/data") ? try file.members(ofGroup: "targets/data") : []
            let sizeNames = file.exists("targets/size") ? try file.attributeNames("targets/size") : []
            keys = Array(Set(dataNames).union(sizeNames)).sorted(by: pythonLess)
        }
        let hasInputs = file.exists("inputs")
        var lengths = try readSeqLengths(file, columns: (hasInputs ? 1 : 0) + keys.count)
        if !files.isEmpty && keys != targetKeys {
            guard targetKeys.allSatisfy(keys.contains) else {
                throw DatasetError(file: path, key: "targets", "target keys \(keys) do not include the keys \(targetKeys) of the files loaded before (load the file with fewer keys first)")
            }
            let pick = [0] + targetKeys.map { 1 + keys.firstIndex(of: $0)! }
            lengths = (rows: lengths.rows, cols: pick.count, values: (0..<lengths.rows).flatMap { r in pick.map { lengths.values[r * lengths.cols + $0] } })
            keys = targetKeys
        }
        let tagCount = try file.info("seqTags").shape.first ?? 0
        guard tagCount == lengths.rows else {
            throw DatasetError(file: path, key: "seqTags", "has \(tagCount) tags but seqLengths has \(lengths.rows) rows")
        }
        if files.isEmpty { targetKeys = keys; hasTargets = fileHasTargets }
        var entry = FileEntry(file: file, seqStart: runningSums(lengths), cols: lengths.cols, numSeqs: lengths.rows,
                              hasTargets: fileHasTargets)
        try readDimensions(&entry, path: path, hasInputs: hasInputs)
        try checkRowCounts(entry, path: path, hasInputs: hasInputs)
        if hasInputs { numTimesteps += (0..<lengths.rows).reduce(0) { $0 + lengths.values[$1 * lengths.cols] } }
        files.append(path)
        entries.append(entry)
        fileStart.append(totalNumSeqs + lengths.rows)
    }

    private func readLabels(_ file: HDF5File, hasTargets: Bool) throws {
        if hasTargets {
            var newLabels: [String: [String]] = [:]
            if file.isGroup("targets/labels") {
                for k in try file.members(ofGroup: "targets/labels") {
                    newLabels[k] = try file.readStrings("targets/labels/" + k)
                }
            }
            labels = newLabels
        }
        if labels.isEmpty && file.exists("labels") {
            labels = ["classes": try file.readStrings("labels")]
        }
    }

    private func readSeqLengths(_ file: HDF5File, columns: Int) throws -> (rows: Int, cols: Int, values: [Int]) {
        guard file.exists("seqLengths") else { throw DatasetError(file: file.path, key: "seqLengths", "missing dataset") }
        guard file.exists("seqTags") else { throw DatasetError(file: file.path, key: "seqTags", "missing dataset") }
        let info = try file.info("seqLengths")
        guard info.shape.count == 2, info.dtype?.isInteger == true else {
            throw DatasetError(file: file.path, key: "seqLengths", "must be a 2-D integer dataset, has shape \(info.shape)")
        }
        guard info.shape[1] == columns else {
            throw DatasetError(file: file.path, key: "seqLengths", "has \(info.shape[1]) columns, expected \(columns) (inputs + target keys)")
        }
        let values = try file.readAll("seqLengths").int64s().map { Int($0) }
        if let bad = values.first(where: { $0 < 0 }) {
            throw DatasetError(file: file.path, key: "seqLengths", "negative length \(bad)")
        }
        return (info.shape[0], info.shape[1], values)
    }

    private func runningSums(_ l: (rows: Int, cols: Int, values: [Int])) -> [Int] {
        var out = [Int](repeating: 0, count: (l.rows + 1) * l.cols)
        for r in 0..<l.rows {
            for c in 0..<l.cols { out[(r + 1) * l.cols + c] = out[r * l.cols + c] + l.values[r * l.cols + c] }
        }
        return out
    }

    private func readDimensions(_ entry: inout FileEntry, path: String, hasInputs: Bool) throws {
        let file = entry.file
        var outputs: [String: NumOutput] = [:]
        var inputs = 0
        if hasInputs {
            guard !targetKeys.contains("data") || !entry.hasTargets else {
                throw DatasetError(file: path, key: "data", "cannot use 'data' key for both a target and 'inputs'")
            }
            let info = try file.info("inputs")
            entry.infos["data"] = info
            if info.shape.count == 1 {
                inputs = Int(try file.intAttribute("/", "inputPattSize").values.first ?? 0)
                outputs["data"] = .dims(dim: inputs, ndim: 1)
            } else {
                inputs = info.shape[1]
                outputs["data"] = .dims(dim: inputs, ndim: info.shape.count)
            }
            dtypes["data"] = info.dtype
        }
        if entry.hasTargets {
            for k in targetKeys {
                guard file.exists("targets/data/" + k) else {
                    throw DatasetError(file: path, key: "targets/data/" + k, "missing dataset (listed in targets/size)")
                }
                let info = try file.info("targets/data/" + k)
                entry.infos[k] = info
                dtypes[k] = info.dtype
            }
            try readTargetSizes(entry, path: path, into: &outputs)
        }
        if files.isEmpty { numInputs = inputs; numOutputs = outputs }
        guard inputs == numInputs else {
            throw DatasetError(file: path, key: "inputs", "wrong input dimension (expected \(numInputs), got \(inputs))")
        }
        guard outputs == numOutputs else {
            throw DatasetError(file: path, key: "targets/size", "wrong dimensions (expected \(numOutputs), got \(outputs))")
        }
    }

    private func readTargetSizes(_ entry: FileEntry, path: String, into outputs: inout [String: NumOutput]) throws {
        let file = entry.file
        let attrs = file.exists("targets/size") ? try file.attributeNames("targets/size") : []
        for k in targetKeys where attrs.contains(k) {
            let a = try file.intAttribute("targets/size", k)
            if a.shape.isEmpty {
                outputs[k] = .dims(dim: Int(a.values[0]), ndim: entry.infos[k]!.shape.count)
            } else {
                guard a.shape == [2] else {
                    throw DatasetError(file: path, key: "targets/size attribute \(k)", "must be a scalar or a pair [dim, ndim], has shape \(a.shape)")
                }
                outputs[k] = .dims(dim: Int(a.values[0]), ndim: Int(a.values[1]))
            }
        }
        for k in targetKeys where outputs[k] == nil {
            let shape = entry.infos[k]!.shape
            outputs[k] = .dims(dim: shape.count == 1 ? 1 : shape.last ?? 1, ndim: shape.count)
        }
    }

    /// Every stream must hold exactly the frames its `seqLengths` column sums to.
    private func checkRowCounts(_ entry: FileEntry, path: String, hasInputs: Bool) throws {
        let total = { (col: Int) in entry.seqStart[entry.numSeqs * entry.cols + col] }
        if hasInputs, let rows = entry.infos["data"]?.shape.first, rows != total(0) {
            throw DatasetError(file: path, key: "inputs", "has \(rows) frames but seqLengths column 0 sums to \(total(0))")
        }
        guard entry.hasTargets else { return }
        for (j, k) in targetKeys.enumerated() {
            let col = (hasInputs ? 1 : 0) + j
            if let rows = entry.infos[k]?.shape.first, rows != total(col) {
                throw DatasetError(file: path, key: "targets/data/" + k, "has \(rows) frames but seqLengths column \(col) sums to \(total(col))")
            }
        }
    }

    // MARK: Access

    func fileIndex(_ corpusIdx: Int) -> Int {
        var lo = 0, hi = fileStart.count - 1
        while lo < hi - 1 {
            let mid = (lo + hi) / 2
            if fileStart[mid] <= corpusIdx { lo = mid } else { hi = mid }
        }
        return lo
    }

    private func column(of key: String) -> Int? {
        if key == "data" && numInputs > 0 { return 0 }
        guard let j = targetKeys.firstIndex(of: key) else { return nil }
        return (numInputs > 0 ? 1 : 0) + j
    }

    /// Frames of `key` for a corpus sequence: `(file, start row, count)`.
    private func span(_ corpusIdx: Int, key: String) throws -> (Int, Int, Int) {
        guard corpusIdx >= 0 && corpusIdx < totalNumSeqs else {
            throw DatasetError(file: name, key: "seq \(corpusIdx)", "corpus sequence index out of range (\(totalNumSeqs) sequences)")
        }
        guard let col = column(of: key) else {
            throw DatasetError(file: name, key: key, "no such data key; keys are \(dataKeys)" + didYouMean(key, in: dataKeys))
        }
        let f = fileIndex(corpusIdx)
        let e = entries[f], s = corpusIdx - fileStart[f]
        let start = e.seqStart[s * e.cols + col]
        return (f, start, e.seqStart[(s + 1) * e.cols + col] - start)
    }

    public override func corpusSortLength(_ corpusIdx: Int) throws -> Int {
        let f = fileIndex(corpusIdx), e = entries[f], s = corpusIdx - fileStart[f]
        return e.seqStart[(s + 1) * e.cols] - e.seqStart[s * e.cols]
    }

    public override func corpusData(_ corpusIdx: Int, key: String) throws -> SeqValue {
        if let hit = cache.get(corpusIdx, key) { return .array(hit) }
        let (f, start, count) = try span(corpusIdx, key: key)
        let objectPath = key == "data" && numInputs > 0 ? "inputs" : "targets/data/" + key
        guard let info = entries[f].infos[key] else {
            throw DatasetError(file: files[f], key: objectPath, "missing dataset")
        }
        let array = try entries[f].file.readRows(objectPath, info: info, start: start, count: count)
        cache.put(corpusIdx, key, array)
        return .array(array)
    }

    public override func corpusTag(_ corpusIdx: Int) throws -> String {
        guard corpusIdx >= 0 && corpusIdx < totalNumSeqs else {
            throw DatasetError(file: name, key: "seq \(corpusIdx)", "corpus sequence index out of range")
        }
        let f = fileIndex(corpusIdx)
        if entries[f].tags == nil { entries[f].tags = try entries[f].file.readStrings("seqTags") }
        return entries[f].tags![corpusIdx - fileStart[f]]
    }

    /// Length of every data key of an epoch position, from `seqLengths` (no data is read).
    public override func getSeqLength(_ seqIdx: Int) throws -> [(key: String, length: Int)] { try seqLengths(seqIdx) }

    /// Length of every data key of an epoch position, from `seqLengths` (no data is read).
    public func seqLengths(_ seqIdx: Int) throws -> [(key: String, length: Int)] {
        let c = try corpusSeqIdx(seqIdx)
        return try dataKeys.map { ($0, try span(c, key: $0).2) }
    }
}

/// Python's `str` order: by Unicode code point.
func pythonLess(_ a: String, _ b: String) -> Bool {
    a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
}

/// A bounded first-in-first-out cache of recently read sequence arrays.
struct SequenceCache {
    let limitBytes: Int
    private var items: [String: BatchArray] = [:]
    private var queue: [String] = []
    private var head = 0
    private var bytes = 0

    init(limitBytes: Int) { self.limitBytes = limitBytes }

    func get(_ idx: Int, _ key: String) -> BatchArray? { limitBytes > 0 ? items["\(idx)\u{0}\(key)"] : nil }

    mutating func put(_ idx: Int, _ key: String, _ a: BatchArray) {
        guard limitBytes > 0, a.bytes.count <= limitBytes / 4 else { return }
        let k = "\(idx)\u{0}\(key)"
        guard items[k] == nil else { return }
        items[k] = a
        queue.append(k)
        bytes += a.bytes.count
        while bytes > limitBytes, head < queue.count {
            if let old = items.removeValue(forKey: queue[head]) { bytes -= old.bytes.count }
            head += 1
        }
        if head > 1024 && head * 2 > queue.count { queue.removeFirst(head); head = 0 }
    }
}
