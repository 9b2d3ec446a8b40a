import Foundation

/// RETURNN's `OggZipDataset` (formats.md §5): a zip `NAME.zip` with a Python literal list
/// `NAME.txt` of `{'text', 'duration', 'file', 'seq_name'}` dicts and the audio members `NAME/<file>`.
///
/// Data keys (sorted): `classes` (int32 ids of `targets.get_seq(text)`), `data` (float32
/// `[frames, dim]` from `ExtractAudioFeatures` with the `audio` options, or a 0-d zero with
/// `audio=None`), `orth` (uint8 UTF-8 bytes), `raw` (the text). Audio is read from the zip and
/// decoded only when a sequence is asked for; the durations are the lengths for ordering.
public final class OggZipDataset: Dataset {
    struct Entry {
        let text: String
        let duration: Double
        let tag: String
        /// The `file` value (audio member, relative to `NAME/` when names are prefixes).
        let file: String?
        /// Index into `paths` of the zip (or directory) the entry came from.
        let source: Int
    }

    public let paths: [String]
    public let targets: Vocabulary?
    private var entries: [Entry] = []
    /// `NAME.txt.gz` files given in `path`, replacing `NAME.txt` inside `NAME.zip`.
    private var separateTxt: [String: String] = [:]
    /// The feature extractor (nil with `audio=None`).
    public let featureExtractor: ExtractAudioFeatures?
    private let namesArePrefixes: Bool
    private let epochWiseFilter: EpochWiseFilter?
    /// Opened zips by index into `paths` (nil for a directory corpus), opened on first use.
    private var archives: [Int: ZipArchive] = [:]
    /// Features of the last sequence asked for, so `get_data` and the pipeline extract once.
    private var cachedFeatures: (corpusIdx: Int, value: BatchArray)?

    public init(options r: OptionReader) throws {
        guard let pathValue = r.value("path") else { throw DatasetError(file: r.context, key: "path", "OggZipDataset needs 'path'") }
        let all = try OggZipDataset.pathList(pathValue)
        paths = all.filter { !$0.hasSuffix(".txt.gz") }
        for p in all where p.hasSuffix(".txt.gz") {
            separateTxt[String(URL(fileURLWithPath: p).lastPathComponent.dropLast(7))] = p
        }
        if let audio = r.value("audio") {
            let o = try AudioFeatureOptions(options: audio, context: paths.first ?? "OggZipDataset")
            featureExtractor = ExtractAudioFeatures(options: o)
        } else {
            featureExtractor = nil
        }
        switch r.value("targets") {
        case nil: targets = nil
        case let v?: targets = try Vocabulary.create(options: v)
        }
        let context = all.first ?? "OggZipDataset"
        epochWiseFilter = try r.value("epoch_wise_filter").map { try EpochWiseFilter($0, context: context) }
        for key in ["targets_post_process"] where r.value(key) != nil {
            throw DatasetError(file: paths.first, key: key, "not yet supported")
        }
        _ = try r.bool("use_cache_manager", default: false)
        namesArePrefixes = try r.bool("zip_audio_files_have_name_as_prefix", default: true)
        let ordering = try SeqOrdering(options: r)
        super.init(name: try r.string("name") ?? OggZipDataset.baseName(paths.first ?? "OggZipDataset"), ordering: ordering)
        let segments = try (r.string("segment_file")).map { Set(try OggZipDataset.readSegmentFile($0)) }
        for (i, p) in paths.enumerated() { entries += try readEntries(p, index: i, segments: segments) }
        if let subset = r.value("fixed_random_subset") {
            try applyFixedRandomSubset(subset, seed: try r.int("fixed_random_subset_seed", default: 42))
        } else {
            _ = r.value("fixed_random_subset_seed")
        }
        let dim = featureExtractor?.featureDimension ?? 0
        numInputs = dim
        numOutputs = ["raw": .string, "orth": .dims(dim: 256, ndim: 1), "data": .dims(dim: dim, ndim: 2)]
        labels["orth"] = (0..<256).map { String(Unicode.Scalar(UInt8($0))) }
        if let t = targets {
            numOutputs["classes"] = .dims(dim: t.numLabels, ndim: 1)
            labels["classes"] = t.labels
        }
    }

    private static func pathList(_ v: OptionValue) throws -> [String] {
        switch v {
        case .string(let s): return [s]
        case .list(let l):
            return try l.map { guard case .string(let s) = $0 else { throw DatasetError(key: "path", "expected strings, got \($0)") }; return s }
        default: throw DatasetError(key: "path", "expected a path or a list of paths, got \(v)")
        }
    }

    static func baseName(_ path: String) -> String {
        URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    }

    private static func readSegmentFile(_ path: String) throws -> [String] {
        pythonSplitLines(try Gzip.readText(path, key: "segment_file"))
    }

    /// The `.txt` list of a zip (`NAME.txt` inside `NAME.zip`) or of a directory `D` (`D.txt` next to it).
    private func readEntries(_ path: String, index: Int, segments: Set<String>?) throws -> [Entry] {
        let name = OggZipDataset.baseName(path)
        var isDir: ObjCBool = false
        let text: String
        let source: String
        if let gz = separateTxt[name] {
            text = try Gzip.readText(gz, key: "path")
            source = gz
        } else if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue,
           let data = FileManager.default.contents(atPath: path + ".txt") {
            text = String(decoding: data, as: UTF8.self)
            source = path + ".txt"
        } else {
            guard path.hasSuffix(".zip") else {
                throw DatasetError(file: path, key: "path", "expected a .zip file or a directory with a .txt next to it")
            }
            let zip: ZipArchive
            do { zip = try ZipArchive(path: path) } catch { throw DatasetError(file: path, "\(error)") }
            do { text = try zip.readText(name + ".txt") } catch { throw DatasetError(file: path, key: name + ".txt", "\(error)") }
            source = "\(path)/\(name).txt"
        }
        guard case .list(let items) = try PyLiteralParser.parse(text, file: source), !items.isEmpty else {
            throw DatasetError(file: source, "expected a non-empty list of dicts")
        }
        var out: [Entry] = []
        for (i, item) in items.enumerated() {
            guard case .dict = item, case .string(let t)? = item["text"] else {
                throw DatasetError(file: source, key: "entry \(i)", "needs a dict with a str 'text'")
            }
            let duration: Double
            switch item["duration"] {
            case .float(let d)?: duration = d
            case .int(let d)? where i > 0: duration = Double(d)
            default: throw DatasetError(file: source, key: "entry \(i)", "needs a float 'duration'")
            }
            var tag = "", file: String?
            if case .string(let f)? = item["file"] { file = f; tag = f }
            if case .string(let s)? = item["seq_name"] { tag = s }
            if let segments, !segments.contains(tag) { continue }
            out.append(Entry(text: t, duration: duration, tag: tag, file: file, source: index))
        }
        return out
    }

    private func applyFixedRandomSubset(_ v: OptionValue, seed: Int) throws {
        var n: Int
        switch v {
        case .double(let f) where f > 0 && f < 1: n = Int(Double(entries.count) * f)
        case .int(let i) where i > 0: n = i
        default: throw DatasetError(file: name, key: "fixed_random_subset", "expected a fraction in (0, 1) or a positive int, got \(v)")
        }
        var rng = try RandomState(seed: seed)
        rng.shuffle(&entries)
        n = min(n, entries.count)
        entries = Array(entries[0..<n])
    }

    /// Re-seeds the feature extractor's `RandomState` as the original does in `init_seq_order`.
    public override func initSeqOrder(epoch: Int?) throws {
        try super.initSeqOrder(epoch: epoch)
        if let f = epochWiseFilter { seqOrder = try f.filter(epoch: epoch, seqOrder: seqOrder, seqLength: corpusSortLength) }
        try reseedAudio(epoch: epoch)
    }

    public override func initSeqOrder(epoch: Int?, seqOrder order: [Int]) throws {
        try super.initSeqOrder(epoch: epoch, seqOrder: order)
        try reseedAudio(epoch: epoch)
    }

    public override var totalNumSeqs: Int { entries.count }
    public override var dataKeys: [String] { ["classes", "data", "orth", "raw"] }
    public override var targetList: [String] { ["classes", "orth", "raw"] }

    public override func dataDType(_ key: String) throws -> String {
        switch key {
        case "classes": return "int32"
        case "data": return "float32"
        case "orth": return "uint8"
        case "raw": return "string"
        default: throw DatasetError(file: name, key: key, "no such data key" + didYouMean(key, in: dataKeys))
        }
    }

    /// `CachedDataset2.is_data_sparse`: `num_outputs[key][1] == 1`.
    public override func isDataSparse(_ key: String) throws -> Bool { numOutputs[key]?.ndim == 1 }

    /// `int(duration * 100)`.
    public override func corpusSortLength(_ corpusIdx: Int) throws -> Int { Int(entries[corpusIdx].duration * 100) }

    public override func corpusTag(_ corpusIdx: Int) throws -> String { entries[corpusIdx].tag }

    public override func corpusData(_ corpusIdx: Int, key: String) throws -> SeqValue {
        let e = entries[corpusIdx]
        switch key {
        case "classes":
            let ids = try targets?.getSeq(e.text) ?? []
            return .array(BatchArray(int32: ids.map { Int32($0) }, shape: [ids.count]))
        case "data": return .array(try features(corpusIdx))
        case "orth":
            let bytes = Array(e.text.utf8)
            return .array(BatchArray(uint8: bytes, shape: [bytes.count]))
        case "raw": return .text(e.text)
        default: throw DatasetError(file: name, key: key, "no such data key" + didYouMean(key, in: dataKeys))
        }
    }
}

extension OggZipDataset {
    private func reseedAudio(epoch: Int?) throws {
        cachedFeatures = nil
        guard let fx = featureExtractor else { return }
        fx.randomState = try RandomState(seed: ordering.randomSeed(epoch: epoch))
    }

    /// The features of one sequence (decoded from its zip member on demand), or the 0-d dummy.
    func features(_ corpusIdx: Int) throws -> BatchArray {
        guard let fx = featureExtractor else { return BatchArray(float32: [0], shape: []) }
        if let c = cachedFeatures, c.corpusIdx == corpusIdx { return c.value }
        let e = entries[corpusIdx]
        let (container, member) = try audioLocation(e)
        do {
            let bytes = try readMember(e, member: member, container: container)
            let value = try fx.features(fromBytes: bytes, seqName: e.tag)
            cachedFeatures = (corpusIdx, value)
            return value
        } catch let error as ZipError {
            throw DatasetError(file: container, key: member, "\(error) (sequence '\(e.tag)')")
        } catch let error as DatasetError {
            throw error
        } catch {
            throw DatasetError(file: container, key: member, "sequence '\(e.tag)': \(error)")
        }
    }

    /// The zip (or directory) and the member name of an entry's audio.
    private func audioLocation(_ e: Entry) throws -> (String, String) {
        let path = paths[e.source]
        guard let file = e.file else {
            throw DatasetError(file: path, key: e.tag, "index entry has no 'file' for its audio")
        }
        return (path, namesArePrefixes ? "\(Self.baseName(path))/\(file)" : file)
    }

    private func readMember(_ e: Entry, member: String, container: String) throws -> [UInt8] {
        guard container.hasSuffix(".zip") else {
            let url = URL(fileURLWithPath: container).deletingLastPathComponent().appendingPathComponent(member)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw DatasetError(file: container, key: member, "audio file missing (sequence '\(e.tag)')")
            }
            return [UInt8](data)
        }
        let zip: ZipArchive
        if let z = archives[e.source] { zip = z } else { zip = try ZipArchive(path: container); archives[e.source] = zip }
        guard zip.contains(member) else {
            throw DatasetError(file: container, key: member, "member listed in the index is missing from the zip (sequence '\(e.tag)')")
        }
        return try zip.read(member)
    }
}
