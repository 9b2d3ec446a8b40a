import Foundation
import Tensor

/// Errors of the learning-rate control (invalid settings or requests).
public struct LearningRateControlError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public var description: String { message }
}

/// RETURNN's learning-rate control: the LR per epoch from the scores of earlier epochs
/// (constant, newbob_rel, newbob_abs, newbob_multi_epoch), and the learning_rates file.
///
/// The engine calls, per epoch: `learningRate(forEpoch:)`, then after training
/// `setEpochError` + `save`, and after each eval dataset again `setEpochError` + `save`.
public final class LearningRateControl {
    public let options: LearningRateControlOptions
    /// All epochs known so far (from the file, the preset list and the running training).
    public private(set) var epochData: [Int: EpochData] = [:]

    /// Loads `options.filename` first if it exists, then applies the preset `learning_rates`
    /// to epochs that are missing or have no (None/zero) LR, so file entries win.
    public init(options: LearningRateControlOptions) throws {
        guard options.multiNumEpochs >= 1, (options.multiUpdateInterval ?? 1) >= 1 else {
            throw LearningRateControlError(message: "newbob_multi_num_epochs and newbob_multi_update_interval must be >= 1")
        }
        self.options = options
        if let filename = options.filename, FileManager.default.fileExists(atPath: filename) {
            try load()
        }
        for (epoch, lr) in options.presetLearningRates.sorted(by: { $0.key < $1.key }) {
            setDefaultLearningRate(forEpoch: epoch, lr)
        }
    }

    /// Reads the learning_rates file, replacing all epoch data.
    public func load() throws {
        guard let filename = options.filename else { return }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: filename))
        } catch {
            throw FileIOError(path: filename, message: "cannot read learning_rates file: \(error.localizedDescription)")
        }
        epochData = try LearningRateFileParser.parse(String(decoding: data, as: UTF8.self), file: filename)
    }

    /// Writes the learning_rates file atomically (`<file>.new_tmp`, fsync, rename); no-op without a file.
    public func save() throws {
        guard let filename = options.filename else { return }
        try AtomicFileWriter.write(Array(LearningRateFile.render(epochData).utf8), to: filename)
    }

    /// The file text `save` would write.
    public var fileText: String { LearningRateFile.render(epochData) }

    /// The LR of `epoch`: the stored one, else computed by the algorithm and stored (unsaved).
    public func learningRate(forEpoch epoch: Int) throws -> Double? {
        guard epoch >= 1 else { throw LearningRateControlError(message: "epoch must be >= 1, got \(epoch)") }
        if let data = epochData[epoch] { return data.learningRate }
        let lr = try newLearningRate(forEpoch: epoch)
        setDefaultLearningRate(forEpoch: epoch, lr)
        return lr
    }

    /// Stores `lr` for `epoch` unless the epoch already has a non-zero LR.
    public func setDefaultLearningRate(forEpoch epoch: Int, _ lr: Double?) {
        if var data = epochData[epoch] {
            if data.learningRate == nil || data.learningRate == 0 {
                data.learningRate = lr
                epochData[epoch] = data
            }
        } else {
            epochData[epoch] = EpochData(learningRate: lr)
        }
    }

    /// Merges `errors` into the epoch's scores (computing its LR first if the epoch is new).
    public func setEpochError(_ epoch: Int, _ errors: [String: Double]) throws {
        if epochData[epoch] == nil { _ = try learningRate(forEpoch: epoch) }
        epochData[epoch]!.error.merge(errors) { _, new in new }
    }

    /// Replaces the whole history (for tools and tests).
    public func replaceEpochData(_ data: [Int: EpochData]) { epochData = data }

    // MARK: - Scores

    /// The score key used for `epoch` (RETURNN's `get_error_key`).
    public func errorKey(forEpoch epoch: Int) -> String? {
        guard let data = epochData[epoch] else { return options.errorMeasureKeys.first }
        let error = data.error
        if error.isEmpty { return nil }
        if error.count == 1, error["old_format_score"] != nil { return "old_format_score" }
        var candidates = options.errorMeasureKeys.flatMap { [$0, $0 + "_output"] }
        candidates += ["dev_score", "dev_score_output"]
        if let key = candidates.first(where: { error[$0] != nil }) { return key }
        let sorted = error.keys.sorted(by: PythonRepr.codePointLess)
        if let key = sorted.first(where: { $0 == "dev_score_output/output" || $0.hasPrefix("dev_score_output/output_") }) {
            return key
        }
        if let key = sorted.first(where: { $0.hasPrefix("dev_score_output/") }) { return key }
        if let key = sorted.first(where: { $0.hasPrefix("dev_") }) { return key }
        if let key = ["train_score", "train_score_output"].first(where: { error[$0] != nil }) { return key }
        return sorted.first
    }

    /// The (key, value) of the epoch's score, or nil if it has none.
    public func epochErrorKeyValue(_ epoch: Int) -> (key: String, value: Double)? {
        guard let error = epochData[epoch]?.error, !error.isEmpty,
              let key = errorKey(forEpoch: epoch), let value = error[key] else { return nil }
        return (key, value)
    }

    /// `(new - old) / |new|` (or `/ |old|`), optionally divided by the LR's ratio to the default;
    /// nil if a score is missing or the keys differ.
    public func relativeError(old oldEpoch: Int, new newEpoch: Int) -> Double? {
        guard let old = epochErrorKeyValue(oldEpoch), let new = epochErrorKeyValue(newEpoch),
              old.key == new.key else { return nil }
        var relative = (new.value - old.value) / abs(options.relativeErrorDivByOld ? old.value : new.value)
        if options.relativeErrorRelativeToLearningRate {
            let lr = mostRecentLearningRate(before: newEpoch, includingCurrent: true)
            if lr > 0 { relative /= lr / options.defaultLearningRate }
        }
        return relative
    }

    /// The latest non-nil LR of a stored epoch before (or at) `epoch`, else the default LR.
    public func mostRecentLearningRate(before epoch: Int, includingCurrent: Bool = false) -> Double {
        for (e, data) in epochData.sorted(by: { $0.key > $1.key }) {
            if e > epoch || (!includingCurrent && e == epoch) { continue }
            if let lr = data.learningRate { return lr }
        }
        return options.defaultLearningRate
    }

    /// The latest stored epoch before `epoch`.
    public func lastEpoch(before epoch: Int) -> Int? {
        epochData.keys.filter { $0 < epoch }.max()
    }

    /// The last `count` stored epochs before `epoch`, ascending.
    func lastEpochs(before epoch: Int, count: Int) -> [Int] {
        Array(epochData.keys.filter { $0 < epoch }.sorted().suffix(count))
    }
}
