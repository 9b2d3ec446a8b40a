/// RETURNN's `MetaDataset`: streams of several datasets describing the same sequences, joined
/// by sequence tag (`datasets`, `data_map`, optional `seq_list_file` and `seq_order_control_dataset`).
///
/// Data keys are the sorted `data_map` keys; every access checks that the sub-dataset's tag is
/// the expected one, and all sequence lists must have the same length.
public final class MetaDataset: Dataset {
    public let datasets: [String: Dataset]
    /// data key → (dataset key, data key in that dataset).
    public let dataMap: [String: (dataset: String, key: String)]
    public let defaultDatasetKey: String
    public let seqOrderControlDataset: String?
    /// Per dataset key, the tags of the corpus, aligned by position.
    private var seqListOriginal: [String: [String]] = [:]
    private var seqListOrdered: [String: [String]] = [:]
    private var dims: [String: NumOutput] = [:]
    /// Corpus index in the default dataset of each seq-list position.
    private var defaultCorpus: [Int] = []

    public init(options r: OptionReader) throws {
        guard case .dict(let dsEntries)? = r.value("datasets") else { throw DatasetError(file: r.context, key: "datasets", "expected a dict name → dataset options") }
        guard case .dict(let mapEntries)? = r.value("data_map") else { throw DatasetError(file: r.context, key: "data_map", "expected a dict key → (dataset, key)") }
        var map: [String: (String, String)] = [:]
        for e in mapEntries {
            guard case .list(let pair) = e.value, pair.count == 2, case .string(let d) = pair[0], case .string(let k) = pair[1] else {
                throw DatasetError(file: r.context, key: "data_map", "entry '\(e.key)' must be (dataset_key, data_key), got \(e.value)")
            }
            guard dsEntries.contains(where: { $0.key == d }) else {
                throw DatasetError(file: r.context, key: "data_map", "entry '\(e.key)' names unknown dataset '\(d)'" + didYouMean(d, in: dsEntries.map(\.key)))
            }
            map[e.key] = (d, k)
        }
        dataMap = map.mapValues { (dataset: $0.0, key: $0.1) }
        seqOrderControlDataset = try r.string("seq_order_control_dataset")
        guard let defaultKey = seqOrderControlDataset ?? map["data"]?.0 else {
            throw DatasetError(file: r.context, key: "data_map", "needs a 'data' stream or a seq_order_control_dataset")
        }
        defaultDatasetKey = defaultKey
        let name = try r.string("name", default: "MetaDataset")
        var subs: [String: Dataset] = [:]
        for key in Set(map.values.map(\.0)) {
            guard case .dict(var sub) = dsEntries.first(where: { $0.key == key })!.value else {
                throw DatasetError(file: r.context, key: "datasets", "'\(key)' must be a dict of dataset options")
            }
            if !sub.contains(where: { $0.key == "name" }) { sub.append(OptionEntry("name", .string("\(name)_\(key)"))) }
            subs[key] = try Dataset.create(options: .dict(sub))
        }
        datasets = subs
        let seqListFile = try r.string("seq_list_file")
        _ = r.value("data_dtypes")
        let dataDims = try GeneratingDataset.outputDims(r.value("data_dims"), context: r.context)
        super.init(name: name, ordering: try SeqOrdering(options: r))
        try loadSeqLists(seqListFile)
        for (k, m) in dataMap {
            let sub = datasets[m.dataset]!
            guard sub.dataKeys.contains(m.key) else {
                throw DatasetError(file: "\(name)_\(m.dataset)", key: m.key, "data_map entry '\(k)' names a key the dataset lacks" + didYouMean(m.key, in: sub.dataKeys))
            }
            dims[k] = dataDims[k] ?? sub.numOutputs[m.key]
            if let l = sub.labels[m.key] { labels[k] = l }
        }
        numOutputs = dims
    }

    private func loadSeqLists(_ file: String?) throws {
        let list: [String]
        if let file {
            if file.hasSuffix(".pkl") { throw DatasetError(file: file, key: "seq_list_file", "pickled seq lists are not supported yet (use one tag per line)") }
            list = try SeqOrdering.loadSeqList(file)
        } else {
            list = try datasets[defaultDatasetKey]!.getAllTags()
            for (k, d) in datasets where k != defaultDatasetKey && d.totalNumSeqs < list.count {
                throw DatasetError(file: name, key: k, "dataset has \(d.totalNumSeqs) sequences, fewer than the \(list.count) of '\(defaultDatasetKey)'")
            }
        }
        for k in datasets.keys { seqListOriginal[k] = list }
        var index: [String: Int] = [:]
        for (i, t) in try datasets[defaultDatasetKey]!.getAllTags().enumerated() where index[t] == nil { index[t] = i }
        defaultCorpus = try list.map { t in
            guard let i = index[t] else { throw DatasetError(file: name, key: t, "tag of the seq list is not in dataset '\(defaultDatasetKey)'") }
            return i
        }
    }

    public override var totalNumSeqs: Int { seqListOriginal[defaultDatasetKey]?.count ?? 0 }
    public override var dataKeys: [String] { dataMap.keys.sorted(by: pythonLess) }
    public override var targetList: [String] { dataKeys.filter { $0 != "data" } }
    public override func getAllTags() throws -> [String] { seqListOriginal[defaultDatasetKey] ?? [] }
    public override func corpusTag(_ corpusIdx: Int) throws -> String { seqListOriginal[defaultDatasetKey]![corpusIdx] }

    public override func dataDType(_ key: String) throws -> String {
        guard let m = dataMap[key] else { throw DatasetError(file: name, key: key, "no such data key" + didYouMean(key, in: dataKeys)) }
        return try datasets[m.dataset]!.dataDType(m.key)
    }

    public override func isDataSparse(_ key: String) throws -> Bool {
        guard let m = dataMap[key] else { return false }
        return try datasets[m.dataset]!.isDataSparse(m.key)
    }

    /// Length of `data` of the default dataset, for sorted orders.
    public override func corpusSortLength(_ corpusIdx: Int) throws -> Int {
        try datasets[defaultDatasetKey]!.corpusSortLength(defaultCorpus[corpusIdx])
    }

    public override func initSeqOrder(epoch: Int?) throws {
        let order: [Int]
        if let control = seqOrderControlDataset {
            let d = datasets[control]!
            try d.initSeqOrder(epoch: epoch)
            let tags = seqListOriginal[control]!
            var pos: [String: Int] = [:]
            for (i, t) in tags.enumerated() where pos[t] == nil { pos[t] = i }
            order = try d.seqOrder.map { c in
                let tag = try d.corpusTag(c)
                guard let i = pos[tag] else { throw DatasetError(file: name, key: tag, "tag of the control dataset is not in the seq list") }
                return i
            }
        } else {
            order = try ordering.order(epoch: epoch, numSeqs: totalNumSeqs, seqLength: corpusSortLength, allTags: getAllTags)
        }
        self.epoch = epoch
        seqOrder = order
        seqListOrdered = seqListOriginal.mapValues { list in order.map { list[$0] } }
        for (k, d) in datasets where k != seqOrderControlDataset {
            try d.initSeqOrder(epoch: epoch, seqList: seqListOrdered[k]!)
        }
    }

    public override func initSeqOrder(epoch: Int?, seqOrder order: [Int]) throws {
        self.epoch = epoch
        seqOrder = order
        seqListOrdered = seqListOriginal.mapValues { list in order.map { list[$0] } }
        for (k, d) in datasets { try d.initSeqOrder(epoch: epoch, seqList: seqListOrdered[k]!) }
    }

    /// Reads through the sub-dataset at the same epoch position, after checking its tag.
    public override func getData(_ seqIdx: Int, _ key: String) throws -> SeqValue {
        guard let m = dataMap[key] else { throw DatasetError(file: name, key: key, "no such data key" + didYouMean(key, in: dataKeys)) }
        _ = try corpusSeqIdx(seqIdx)
        let sub = datasets[m.dataset]!
        let expected = seqListOrdered[m.dataset]![seqIdx]
        let got = try sub.getTag(seqIdx)
        guard got == expected else {
            throw DatasetError(file: name, key: m.dataset, "sequence \(seqIdx): dataset gives tag '\(got)', expected '\(expected)'")
        }
        return try sub.getData(seqIdx, m.key)
    }

    public override func corpusData(_ corpusIdx: Int, key: String) throws -> SeqValue {
        guard let pos = seqOrder.firstIndex(of: corpusIdx) else {
            throw DatasetError(file: name, key: "seq \(corpusIdx)", "not in the current epoch")
        }
        return try getData(pos, key)
    }

    public override func sequenceDict(_ seqIdx: Int) throws -> [(key: String, value: SeqValue)] {
        var out = try dataKeys.map { (key: $0, value: try getData(seqIdx, $0)) }
        out.append((key: "seq_idx", value: .int(seqIdx)))
        out.append((key: "seq_tag", value: .string(try getTag(seqIdx))))
        return out
    }
}
