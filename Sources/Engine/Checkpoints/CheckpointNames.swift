import Foundation

/// Checkpoint file names and the epoch bookkeeping around them, as in RETURNN's EngineBase.
///
/// mrsh writes `P.NNN.safetensors` (+ `P.NNN.opt.safetensors`); Mini-RETURNN writes `P.NNN.pt`
/// (+ `P.NNN.opt.pt`). Both count as an existing model when resuming, so runs of the original
/// can be continued.
public enum CheckpointNames {
    /// Postfixes that make `P.NNN` a model file, in lookup order.
    public static let modelPostfixes = [".safetensors", ".pt"]
    public static let modelPostfix = ".safetensors"
    public static let optimizerPostfix = ".opt.safetensors"

    /// `P.NNN`: the epoch zero-padded to at least 3 digits (`model.007`, `model.1000`).
    public static func epochModelFilename(_ prefix: String, epoch: Int) -> String {
        let digits = String(epoch)
        return prefix + "." + String(repeating: "0", count: max(0, 3 - digits.count)) + digits
    }

    /// `P.NNN.safetensors`.
    public static func modelFile(_ prefix: String, epoch: Int) -> String {
        epochModelFilename(prefix, epoch: epoch) + modelPostfix
    }

    /// `P.NNN.opt.safetensors`.
    public static func optimizerFile(_ prefix: String, epoch: Int) -> String {
        epochModelFilename(prefix, epoch: epoch) + optimizerPostfix
    }

    /// A `load`/`import_model_train_epoch1`/`preload_from_files` path without its `.meta`,
    /// `.index`, `.pt` or `.safetensors` ending (RETURNN's `get_checkpoint_filepattern`).
    public static func checkpointFilePattern(_ path: String) -> String {
        for suffix in [".meta", ".index", ".pt", ".safetensors"] where path.hasSuffix(suffix) {
            return String(path.dropLast(suffix.count))
        }
        return path
    }

    /// The file to read for pattern `P.NNN`: `P.NNN.safetensors`, `P.NNN.pt`, else `P.NNN` itself.
    public static func modelFileToLoad(_ pattern: String, fileExists: (String) -> Bool) -> String? {
        for postfix in modelPostfixes where fileExists(pattern + postfix) { return pattern + postfix }
        return fileExists(pattern) ? pattern : nil
    }

    /// The last training epoch: `num_epochs` [5], or `load_epoch` if that is larger.
    public static func finalEpoch(numEpochs: Int, loadEpoch: Int?) -> Int {
        max(numEpochs, loadEpoch ?? numEpochs)
    }

    /// Epoch → `P.NNN` for every epoch 1...finalEpoch whose model file exists.
    public static func existingModels(prefix: String, finalEpoch: Int, fileExists: (String) -> Bool) -> [Int: String] {
        guard !prefix.isEmpty, finalEpoch >= 1 else { return [:] }
        var models: [Int: String] = [:]
        for epoch in 1...finalEpoch {
            let pattern = epochModelFilename(prefix, epoch: epoch)
            if modelFileToLoad(pattern, fileExists: fileExists) != nil { models[epoch] = pattern }
        }
        return models
    }

    /// Whether the model is saved after `epoch`: every `save_interval` epochs and at the final one.
    public static func shouldSave(epoch: Int, saveInterval: Int, finalEpoch: Int) -> Bool {
        (saveInterval > 0 && epoch % saveInterval == 0) || epoch == finalEpoch
    }

    /// After saving the optimizer of `epoch`, the epoch whose optimizer file goes (only the last two stay).
    public static func optimizerEpochToDelete(afterSaving epoch: Int) -> Int? {
        epoch - 2 > 0 ? epoch - 2 : nil
    }

    /// The seed set after loading a model: `(epoch*193939 + step*19937 + random_seed*27644437 + 479001599) % 2^31`.
    public static func seedAfterLoad(epoch: Int, step: Int, randomSeed: Int) -> Int {
        let m = 1 << 31
        func mod(_ x: Int) -> Int { ((x % m) + m) % m }
        let sum = mod(mod(epoch) * 193_939) + mod(mod(step) * 19_937) + mod(mod(randomSeed) * 27_644_437) + 479_001_599
        return mod(sum)
    }
}
