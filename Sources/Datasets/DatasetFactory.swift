/// Creates datasets from RETURNN-style options dicts (`init_dataset`).
extension Dataset {
    /// A dataset constructor reading its class's options.
    public typealias Constructor = (OptionReader) throws -> Dataset

    /// Class name → constructor, for every class this module implements.
    public static var registry: [String: Constructor] {
        [
            "OggZipDataset": { r in try OggZipDataset(options: r) },
            "Task12AXDataset": { r in try Task12AXDataset(options: r) },
            "DummyDataset": { r in try DummyDataset(options: r) },
            "StaticDataset": { r in try StaticDataset(options: r) },
            "MetaDataset": { r in try MetaDataset(options: r) },
            "ConcatDataset": { r in try ConcatDataset(options: r) },
            "ConcatSeqsDataset": { r in try ConcatSeqsDataset(options: r) },
            "LmDataset": { r in try LmDataset(options: r) },
            "TranslationDataset": { r in try TranslationDataset(options: r) },
            "HDFDataset": { r in
                let files = try r.strings("files") ?? []
                _ = r.value("use_cache_manager")
                let cache = try r.int("cache_byte_size", default: 16 << 20)
                return try HDFDataset(files: files, ordering: try SeqOrdering(options: r), cacheByteSize: cache,
                                      name: try r.string("name", default: "HDFDataset"))
            },
        ]
    }

    /// Classes the original has that mrsh does not implement yet (a clear error instead of "unknown").
    public static let notYetSupported: Set<String> = [
        "CombinedDataset", "ClusteringDataset", "ConfusionNetworkDataset", "CopyTaskDataset", "DummyDatasetMultipleDataKeys",
        "DummyDatasetMultipleSequenceLength", "FromListDataset", "MapDatasetWrapper", "NumpyDumpDataset", "StreamHDFDataset",
        "TaskEpisodicCopyDataset", "TaskNumberBaseConvertDataset", "TaskVariableAssignmentDataset", "TaskXmlModelingDataset",
        "TranslationFactorsDataset", "SprintDataset", "ExternSprintDataset",
    ]

    /// `init_dataset(opts)`: picks the class by `opts["class"]`, rejects unknown classes and
    /// unknown option keys (both with a did-you-mean hint), and returns the dataset.
    public static func create(options: OptionValue) throws -> Dataset {
        guard case .dict = options else { throw DatasetError(key: "class", "dataset options must be a dict, got \(options)") }
        guard case .string(let cls)? = options["class"] else {
            throw DatasetError(key: "class", "dataset options need a 'class' string")
        }
        if notYetSupported.contains(cls) {
            throw DatasetError(key: "class", "dataset class '\(cls)' of RETURNN is not yet supported by mrsh")
        }
        guard let make = registry[cls] else {
            throw DatasetError(key: "class", "unknown dataset class '\(cls)'" + didYouMean(cls, in: Array(registry.keys).sorted()))
        }
        let reader = try OptionReader(options, context: cls)
        let ds: Dataset
        do {
            ds = try make(reader)
        } catch {
            throw reader.likelyTypo() ?? error
        }
        try reader.finish()
        return ds
    }
}
