import Datasets
import Engine
import Foundation
import Tensor

/// W1/W2 training benchmarks: the configs' models in Swift, trained through the Engine with the
/// configs' settings on data in the workloads' shapes; prints train frames/s and peak RSS next to
/// the peer's figures (shared/docs/workloads.md, measured on this machine kind).
enum Bench {
    struct Options {
        var workload = "w1"
        /// Folder with `w1_train.hdf`/`w1_dev.hdf` (from make_data.py); nil = generate our own.
        var hdfDir: String?
        var dataDir = ".build/bench-data"
        var epochs = 1
        /// Train sequences to generate (full size by default: W1 2000, W2 1000).
        var trainSeqs: Int?
        var evaluate = false

        init(parsing arguments: [String]) throws {
            var i = 0
            func value() throws -> String {
                guard i + 1 < arguments.count else { throw UsageError(message: "\(arguments[i]) needs a value") }
                i += 1
                return arguments[i]
            }
            while i < arguments.count {
                switch arguments[i] {
                case "w1", "w2": workload = arguments[i]
                case "--hdf": hdfDir = try value()
                case "--data": dataDir = try value()
                case "--epochs": epochs = Int(try value()) ?? 1
                case "--train-seqs": trainSeqs = Int(try value())
                case "--dev": evaluate = true
                default:
                    throw UsageError(message: "usage: mrsh-demo bench w1|w2 [--hdf DIR | --data DIR] [--epochs N] [--train-seqs N] [--dev]")
                }
                i += 1
            }
        }
    }

    struct Workload {
        let name: String
        let peerFramesPerSecond: Double
        let peerRSSGiB: Double
        let settings: [String: ConfigValue]
        let functions: ModelFunctions
    }

    static func workload(_ name: String) -> Workload {
        if name == "w1" {
            return Workload(name: "W1", peerFramesPerSecond: 7100, peerRSSGiB: 1.5,
                            settings: ["batch_size": .int(10000), "max_seqs": .int(64), "learning_rate": .float(1e-3)],
                            functions: ModelFunctions(
                                getModel: { _, _ in try FramewiseBLSTM(inputDim: 40, projection: 256, hidden: 256, layers: 2, classes: 20) },
                                trainStep: FramewiseBLSTM.trainStep))
        }
        return Workload(name: "W2", peerFramesPerSecond: 9900, peerRSSGiB: 2.9,
                        settings: ["batch_size": .int(20000), "max_seqs": .int(32), "learning_rate": .float(5e-4)],
                        functions: ModelFunctions(
                            getModel: { _, _ in
                                try ConvTransformerCTC(inputDim: 80, model: 256, heads: 4, feedForward: 1024, layers: 6, classes: 50, dropout: 0.1)
                            },
                            trainStep: ConvTransformerCTC.trainStep))
    }

    /// Train and dev HDF files: make_data.py's (with --hdf) or generated once into `dataDir`.
    static func data(_ o: Options, output: (String) -> Void) throws -> (train: String, dev: String) {
        if let dir = o.hdfDir { return ("\(dir)/\(o.workload)_train.hdf", "\(dir)/\(o.workload)_dev.hdf") }
        try FileManager.default.createDirectory(atPath: o.dataDir, withIntermediateDirectories: true)
        let w1 = o.workload == "w1"
        let seqs = o.trainSeqs ?? (w1 ? 2000 : 1000)
        let train = "\(o.dataDir)/\(o.workload)_train_\(seqs).hdf", dev = "\(o.dataDir)/\(o.workload)_dev.hdf"
        for (path, count, seed) in [(train, seqs, UInt64(1)), (dev, w1 ? 200 : 100, UInt64(2))]
        where !FileManager.default.fileExists(atPath: path) {
            output("generating \(path) ...")
            if w1 {
                try Corpora.writeFramewise(path: path, seqs: count, dim: 40, classes: 20, lengths: 100...400, projectionSeed: 11, seed: seed)
            } else {
                try Corpora.writeCTC(path: path, seqs: count, dim: 80, classes: 50, lengths: 200...800, prototypeSeed: 12, seed: seed)
            }
        }
        return (train, dev)
    }

    static func run(_ o: Options, output: @escaping (String) -> Void) throws {
        let w = workload(o.workload)
        let (train, dev) = try data(o, output: output)
        let runDir = FileManager.default.temporaryDirectory.appendingPathComponent("mrsh-bench-\(o.workload)-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: runDir) }
        var settings = w.settings
        settings["train"] = Demo.hdf(train, "laplace:.100")
        if o.evaluate { settings["dev"] = Demo.hdf(dev, "sorted") }
        settings["num_epochs"] = .int(o.epochs)
        settings["optimizer"] = .dict([(.string("class"), .string("adam"))])
        settings["random_seed"] = .int(42)
        settings["model"] = .string("\(runDir)/models/epoch")
        settings["learning_rate_file"] = .string("\(runDir)/learning_rates")
        let engine = try Engine(config: DictionaryConfig(settings), functions: w.functions)
        var rates: [Double] = []
        var steps = 0
        let stepStart = Date()
        engine.events = { event in
            switch event {
            case .epochSummary(let line): output(line)
            case .epochTrained(_, _, _, let frames, let seconds): rates.append(Double(frames) / seconds)
            case .trainStep(let epoch, let step, _, let total):
                steps += 1
                if steps % 10 == 0 || steps <= 3 {
                    output(String(format: "  epoch %d step %d  loss %.4f  %.2f s/step", epoch, step, total,
                                  Date().timeIntervalSince(stepStart) / Double(steps)))
                }
            default: break
            }
        }
        output("\(w.name): training \(o.epochs) epoch(s) on \(train)")
        try engine.train()
        report(w, rates: rates, output: output)
    }

    static func report(_ w: Workload, rates: [Double], output: (String) -> Void) {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let rss = Double(usage.ru_maxrss) / 1024 / 1024
        let rate = rates.last ?? 0
        output(String(format: "%@ train frames/s %.0f (peer %.0f, ratio %.2fx) | peak RSS %.2f GiB (peer %.1f, ratio %.2fx)",
                      w.name, rate, w.peerFramesPerSecond, rate / w.peerFramesPerSecond, rss, w.peerRSSGiB, rss / w.peerRSSGiB))
    }
}
