import Datasets
import Engine
import Foundation
import Tensor

/// The main job: a real small training run. Framewise classification (the W1 task: the class of a
/// frame depends on a 5-frame window, so context matters) with a 2-layer BLSTM, on data the
/// project generates into a run folder, through the Engine: learning_rates file, checkpoints,
/// dev evaluation per epoch. Prints one summary line per epoch and the scores table.
enum Demo {
    struct Options {
        var runDir: String?
        var epochs = 6
    }

    static func run(_ options: Options, output: @escaping (String) -> Void) throws {
        let dir = options.runDir ?? FileManager.default.temporaryDirectory.appendingPathComponent("mrsh-demo-\(getpid())").path
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let started = Date()
        let (train, dev) = ("\(dir)/train.hdf", "\(dir)/dev.hdf")
        let frames = try Corpora.writeFramewise(path: train, seqs: 1000, dim: 40, classes: 10, lengths: 50...150,
                                                projectionSeed: 7, seed: 1)
        try Corpora.writeFramewise(path: dev, seqs: 60, dim: 40, classes: 10, lengths: 50...150, projectionSeed: 7, seed: 2)
        output("mrsh-demo: framewise classification (10 classes from a 5-frame window) with a 2-layer BLSTM")
        output("  data: 1000 train sequences (\(frames) frames), 60 dev, generated into \(dir)")
        let config = DictionaryConfig([
            "train": hdf(train, "laplace:.20"), "dev": hdf(dev, "sorted"),
            "batch_size": .int(3000), "max_seqs": .int(32), "num_epochs": .int(options.epochs),
            "learning_rate": .float(3e-3), "optimizer": .dict([(.string("class"), .string("adam"))]),
            "gradient_clip_norm": .float(5), "random_seed": .int(42),
            "model": .string("\(dir)/models/epoch"), "learning_rate_file": .string("\(dir)/learning_rates"),
        ])
        let functions = ModelFunctions(
            getModel: { _, _ in try FramewiseBLSTM(inputDim: 40, projection: 128, hidden: 128, layers: 2, classes: 10) },
            trainStep: FramewiseBLSTM.trainStep)
        let engine = try Engine(config: config, functions: functions)
        engine.events = { if case .epochSummary(let line) = $0 { output("  " + line) } }
        try engine.train()
        output("")
        engine.scores().forEach { output("  " + $0) }
        output(String(format: "done in %.1f s; run folder %@", Date().timeIntervalSince(started), dir))
    }

    static func hdf(_ path: String, _ ordering: String) -> ConfigValue {
        .dict([(.string("class"), .string("HDFDataset")), (.string("files"), .list([.string(path)])),
               (.string("seq_ordering"), .string(ordering))])
    }
}
