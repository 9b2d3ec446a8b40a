/// Which checkpoint a task starts from (RETURNN's `EngineBase.get_epoch_model`).
public struct EpochModelChoice: Equatable {
    /// The epoch of the loaded model (0 for `import_model_train_epoch1`), or nil: read it from the file / fresh model.
    public let epoch: Int?
    /// `P.NNN` or a `load` path without its ending; nil for a fresh model.
    public let filename: String?
    /// What the original logs about the choice (for the engine's log at verbosity 4).
    public let notes: [String]

    /// The first epoch to train: the loaded epoch + 1, else 1.
    public var trainStartEpoch: Int { (epoch ?? 0) + 1 }
}

/// The settings that decide the starting checkpoint.
public struct EpochModelSettings {
    public var task = "train"
    public var model: String?
    public var load: String?
    public var loadEpoch: Int?
    public var startEpoch = "auto"
    public var importModelTrainEpoch1: String?
    public var numEpochs = 5

    public init() {}

    public init(config: EngineConfig) throws {
        task = try config.string("task", "train")
        model = try config.optionalString("model")
        load = try config.optionalString("load")
        loadEpoch = try config.optionalInt("load_epoch")
        startEpoch = try config.string("start_epoch", "auto")
        importModelTrainEpoch1 = try config.optionalString("import_model_train_epoch1")
        numEpochs = try config.int("num_epochs", 5)
    }
}

/// A starting checkpoint that cannot be determined (missing file, contradictory settings).
public struct EpochModelError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public var description: String { message }
}

extension EpochModelChoice {
    /// Decides as RETURNN does: in training, the newest existing `P.NNN` (or the one before
    /// `start_epoch`), else `import_model_train_epoch1` as epoch 0, else `load`, else a fresh model;
    /// in other tasks, `load` (epoch read from the checkpoint).
    public static func choose(_ s: EpochModelSettings, fileExists: (String) -> Bool) throws -> EpochModelChoice {
        let load = s.load.map(CheckpointNames.checkpointFilePattern).flatMap { $0.isEmpty ? nil : $0 }
        if let load, CheckpointNames.modelFileToLoad(load, fileExists: fileExists) == nil {
            throw EpochModelError(message: "config option load=\(s.load ?? ""): file \(load)[.safetensors|.pt] does not exist")
        }
        guard s.task == "train" else {
            guard let load else { throw EpochModelError(message: "no model given (config option load) but task is \(s.task), not train") }
            let notes = s.loadEpoch.map { _ in ["warning: 'load_epoch' is used together with 'load'; the epoch stored in the checkpoint is used instead"] } ?? []
            return EpochModelChoice(epoch: nil, filename: load, notes: notes)
        }
        let startEpoch = try parseStartEpoch(s.startEpoch)
        let final = CheckpointNames.finalEpoch(numEpochs: s.numEpochs, loadEpoch: s.loadEpoch)
        let existing = CheckpointNames.existingModels(prefix: s.model ?? "", finalEpoch: final, fileExists: fileExists)
        let importModel = s.importModelTrainEpoch1.map(CheckpointNames.checkpointFilePattern).flatMap { $0.isEmpty ? nil : $0 }
        if let importModel, CheckpointNames.modelFileToLoad(importModel, fileExists: fileExists) == nil {
            throw EpochModelError(message: "config option import_model_train_epoch1=\(s.importModelTrainEpoch1 ?? ""): file \(importModel)[.safetensors|.pt] does not exist")
        }
        if let newest = existing.keys.max() {
            return try fromExisting(existing, newest: newest, startEpoch: startEpoch, hasLoad: load != nil)
        }
        if let importModel, startEpoch == nil || startEpoch == 1 {
            return EpochModelChoice(epoch: 0, filename: importModel, notes: ["Using import model \(importModel)"])
        }
        if let load {
            let epoch = (startEpoch ?? 0) > 1 ? startEpoch : nil
            return EpochModelChoice(epoch: epoch, filename: load, notes: ["Using load model \(load) with start_epoch \(startEpoch.map(String.init) ?? "None")"])
        }
        return EpochModelChoice(epoch: nil, filename: nil, notes: ["Using fresh model"])
    }

    private static func parseStartEpoch(_ text: String) throws -> Int? {
        if text == "auto" { return nil }
        guard let epoch = Int(text), epoch >= 1 else {
            throw EpochModelError(message: "config option start_epoch=\(text): expected 'auto' or an epoch >= 1")
        }
        return epoch
    }

    private static func fromExisting(_ existing: [Int: String], newest: Int, startEpoch: Int?, hasLoad: Bool) throws -> EpochModelChoice {
        var notes = ["Using existing model \(existing[newest]!)"]
        if hasLoad { notes.append("note: there is a 'load' which we ignore because of existing model") }
        if startEpoch == 1 {
            notes.append("warning: there is an existing model \(existing[newest]!); it is ignored and a new model is initialized")
            return EpochModelChoice(epoch: nil, filename: nil, notes: notes)
        }
        if let start = startEpoch, start > 1 {
            if newest != start - 1 { notes.append("warning: start_epoch \(start) but there is a model of epoch \(newest)") }
            guard let file = existing[start - 1] else {
                throw EpochModelError(message: "start_epoch \(start): there is no model of epoch \(start - 1) to continue from")
            }
            return EpochModelChoice(epoch: start - 1, filename: file, notes: notes)
        }
        return EpochModelChoice(epoch: newest, filename: existing[newest]!, notes: notes)
    }
}
