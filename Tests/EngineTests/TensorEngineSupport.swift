import Datasets
import Engine
import Foundation
import Tensor

/// A small framewise classifier for the engine tests: Linear(dim→hidden) → tanh → Linear(hidden→classes).
final class FramewiseMLP: Module {
    init(dim: Int, hidden: Int, classes: Int) throws {
        super.init()
        try registerModule("linear_in", try Linear(dim, hidden))
        try registerModule("linear_out", try Linear(hidden, classes))
    }

    /// x: [B, T, dim] → logits [B, T, classes].
    override func forward(_ x: Tensor) throws -> Tensor {
        try child("linear_out")!(try child("linear_in")!(x).tanh())
    }
}

enum TensorEngineSupport {
    static let dim = 8, classes = 4

    /// Writes the train and dev corpora (seeded SyntheticCorpus) into `dir`.
    static func writeCorpus(_ dir: URL) throws -> (train: String, dev: String) {
        let train = dir.appendingPathComponent("train.hdf").path, dev = dir.appendingPathComponent("dev.hdf").path
        try SyntheticCorpus.write(path: train, numFrames: 3000, dim: dim, numClasses: classes, minLength: 20, maxLength: 60, seed: 1)
        try SyntheticCorpus.write(path: dev, numFrames: 600, dim: dim, numClasses: classes, minLength: 20, maxLength: 60, seed: 2)
        return (train, dev)
    }

    static func hdf(_ path: String, ordering: String) -> ConfigValue {
        .dict([(.string("class"), .string("HDFDataset")), (.string("files"), .list([.string(path)])),
               (.string("seq_ordering"), .string(ordering))])
    }

    /// The config of a run in `runDir` on the corpora.
    static func config(runDir: URL, corpus: (train: String, dev: String), extra: [String: ConfigValue] = [:]) -> DictionaryConfig {
        var values: [String: ConfigValue] = [
            "train": hdf(corpus.train, ordering: "laplace:.10"), "dev": hdf(corpus.dev, ordering: "sorted"),
            "batch_size": .int(400), "max_seqs": .int(8), "num_epochs": .int(3), "learning_rate": .float(0.01),
            "optimizer": .dict([(.string("class"), .string("Adam")), (.string("epsilon"), .float(1e-8))]),
            "model": .string(runDir.appendingPathComponent("models/epoch").path),
            "learning_rate_file": .string(runDir.appendingPathComponent("learning_rates").path),
            "random_seed": .int(5), "gradient_clip_norm": .float(5.0),
        ]
        for (k, v) in extra { values[k] = v }
        return DictionaryConfig(values)
    }

    /// Masked framewise cross entropy summed over frames, `inv_norm_factor` = frames (as W1's config).
    static func trainStep(_ model: Module, _ data: TensorBatch, _ run: RunContext) throws {
        let x = try data.tensor("data"), lengths = try data.tensor("data:size1")
        let logits = try model(x)
        let mask = try Functional.sequenceMask(lengths, maxLen: x.shape[1])
        let targets = try data.tensor("classes").to(.int64)
        let loss = try Functional.crossEntropy(try logits.index([.tensor(mask)]), try targets.index([.tensor(mask)]), reduction: .sum)
        try run.markAsLoss(loss, name: "ce", invNormFactor: try mask.sum())
    }

    static func functions(onStep: @escaping (RunContext) throws -> Void = { _ in }) -> ModelFunctions {
        ModelFunctions(
            getModel: { _, _ in try FramewiseMLP(dim: dim, hidden: 16, classes: classes) },
            trainStep: { model, data, run in
                try onStep(run)
                try trainStep(model, data, run)
            },
            forwardStep: { model, data, run in
                let logits = try model(try data.tensor("data"))
                run.markAsOutput(try logits.logSoftmax(dim: -1), name: "log_probs", lengths: try data.lengths("data"))
            })
    }
}
