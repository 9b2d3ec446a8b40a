import Foundation
import Tensor

/// The checkpoint files of one training run under model prefix `P` (config `model`):
/// saving an epoch (model + optimizer, atomically), rotating optimizer files, finding what a
/// resumed run loads, and deleting what `cleanup_old_models` selects.
public struct CheckpointStore {
    public let prefix: String

    public init(prefix: String) { self.prefix = prefix }

    private static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    /// Saves model and optimizer of `epoch` (model file first, so a run killed between the two
    /// leaves an epoch whose optimizer is missing, which resume reports), then deletes the optimizer
    /// file of `epoch - 2`. Returns the files written.
    @discardableResult
    public func save(epoch: Int, model: ModelCheckpoint, optimizer: OptimizerCheckpoint?) throws -> [String] {
        var written: [String] = []
        var model = model
        model.epoch = epoch
        let modelFile = CheckpointNames.modelFile(prefix, epoch: epoch)
        try model.save(to: modelFile)
        written.append(modelFile)
        if var optimizer {
            optimizer.epoch = epoch
            optimizer.step = model.step
            let optimizerFile = CheckpointNames.optimizerFile(prefix, epoch: epoch)
            try optimizer.save(to: optimizerFile)
            written.append(optimizerFile)
            if let old = CheckpointNames.optimizerEpochToDelete(afterSaving: epoch) {
                try removeOptimizerFiles(epoch: old)
            }
        }
        return written
    }

    /// Existing models for epochs 1...finalEpoch (ours or the original's).
    public func existingModels(finalEpoch: Int) -> [Int: String] {
        CheckpointNames.existingModels(prefix: prefix, finalEpoch: finalEpoch, fileExists: Self.exists)
    }

    /// The optimizer file that belongs to model pattern `P.NNN`, or nil if there is none.
    public static func optimizerFile(forModel pattern: String) -> String? {
        [".opt.safetensors", ".opt.pt"].map { pattern + $0 }.first(where: exists)
    }

    /// Loads model pattern `P.NNN` (or a `load` path) and, for resuming, its optimizer state.
    /// - Throws: when the optimizer file is missing and `allowMissingOptimizer` is false.
    public static func loadForResume(_ pattern: String, allowMissingOptimizer: Bool) throws -> (ModelCheckpoint, OptimizerCheckpoint?) {
        guard let modelFile = CheckpointNames.modelFileToLoad(pattern, fileExists: exists) else {
            throw CheckpointError(path: pattern, message: "model checkpoint not found (tried .safetensors, .pt and the bare name)")
        }
        let model = try ModelCheckpoint.load(from: modelFile)
        guard let optimizerFile = optimizerFile(forModel: pattern) else {
            if allowMissingOptimizer { return (model, nil) }
            throw CheckpointError(path: pattern + ".opt.safetensors",
                                  message: "optimizer file not found and allow_missing_optimizer_checkpoint is False")
        }
        return (model, try OptimizerCheckpoint.load(from: optimizerFile))
    }

    /// Deletes the model files of the epochs the plan removes; returns the bytes freed.
    @discardableResult
    public func apply(_ plan: CleanupPlan) throws -> Int {
        var freed = 0
        for epoch in plan.epochsToRemove {
            let pattern = CheckpointNames.epochModelFilename(prefix, epoch: epoch)
            for file in CheckpointNames.modelPostfixes.map({ pattern + $0 }) + [pattern] where Self.exists(file) {
                freed += try remove(file)
            }
        }
        return freed
    }

    private func removeOptimizerFiles(epoch: Int) throws {
        let pattern = CheckpointNames.epochModelFilename(prefix, epoch: epoch)
        for file in [pattern + ".opt.safetensors", pattern + ".opt.pt"] where Self.exists(file) {
            _ = try remove(file)
        }
    }

    private func remove(_ file: String) throws -> Int {
        let size = ((try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? Int) ?? 0
        do {
            try FileManager.default.removeItem(atPath: file)
        } catch {
            throw FileIOError(path: file, message: "cannot delete: \(error.localizedDescription)")
        }
        return size
    }
}
