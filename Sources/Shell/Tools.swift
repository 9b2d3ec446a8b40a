import ArgumentParser
import Datasets
import Engine
import Foundation
import Interpreter

/// RETURNN's tools as `mrsh` subcommands (`mrsh dump-dataset ...`) and as functions of the
/// language (`dump_dataset(...)`); the work is done by the Engine's `DatasetDump`,
/// `BatchAnalysis` and `CheckpointAveraging`.
enum Tools {
    static let commands: [String: ParsableCommand.Type] = [
        "dump-dataset": DumpDatasetCommand.self,
        "analyze-dataset-batches": AnalyzeBatchesCommand.self,
        "analyze-batches": AnalyzeBatchesCommand.self,
        "avg-checkpoints": AverageCheckpointsCommand.self,
        "average-checkpoints": AverageCheckpointsCommand.self,
    ]

    /// The `++key value` arguments of the running tool command.
    nonisolated(unsafe) static var overrides: [String] = []

    /// Runs `mrsh TOOL args...`; nil when `arguments` does not start with a tool's name.
    static func run(_ arguments: [String]) -> Int32? {
        guard let name = arguments.first, let command = commands[name] else { return nil }
        // `++key value` overrides start at the first `++key`, as after `mrsh -f FILE`.
        let rest = Array(arguments.dropFirst())
        let split = rest.firstIndex { $0.hasPrefix("++") } ?? rest.count
        overrides = Array(rest[split...])
        do {
            var parsed = try command.parseAsRoot(Array(rest[..<split]))
            try parsed.run()
            return 0
        } catch let failure as ToolFailure {
            fflush(stdout)
            fputs("mrsh \(name): \(failure.message)\n", stderr)
            return 1
        } catch {
            let code = command.exitCode(for: error)
            let message = command.fullMessage(for: error)
            if code == .success {
                print(message)
                return 0
            }
            fputs("mrsh \(name): \(message)\n" + command.usageString() + "\n", stderr)
            return 2
        }
    }

    /// The dataset and batching settings a tool works on, from its first argument: a config file
    /// (its `train` dataset, or `--dataset NAME`), a dataset dict `{"class": ...}`, or an `.hdf` file.
    /// `++key value` overrides are applied to the config's globals before they are read.
    static func source(_ arg: String, dataset name: String?, overrides: [String]) throws -> (Dataset, PipelineOptions) {
        let pairs: [(String, String)]
        do { pairs = try Overrides.parse(overrides) } catch { throw ValidationError("\(error)") }
        let session = Session(argv: [arg])
        let trimmed = arg.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("{") {
            guard name == nil else { throw ValidationError("--dataset goes with a config file, not with a dataset dict") }
            guard session.run("_mrsh_tool_dataset = " + trimmed + "\n", file: "<dataset>") == .ok else {
                throw ToolFailure(message: "the dataset dict does not evaluate")
            }
        } else if trimmed.hasSuffix(".hdf") {
            guard name == nil else { throw ValidationError("--dataset goes with a config file, not with an .hdf file") }
            guard FileManager.default.fileExists(atPath: trimmed) else { throw ToolFailure(message: "\(trimmed): no such file") }
            session.interp[global: "_mrsh_tool_dataset"] = .dict(PyDict([("class", .str("HDFDataset")), ("files", .list([.str(trimmed)]))]))
        } else {
            guard let text = readTextFile(trimmed) else { throw ToolFailure(message: "can't open config file '\(trimmed)'") }
            guard session.run(text, file: trimmed) == .ok else { throw ToolFailure(message: "the config '\(trimmed)' failed (see above)") }
        }
        Overrides.apply(pairs, to: session.interp)
        let key = trimmed.hasPrefix("{") || trimmed.hasSuffix(".hdf") ? "_mrsh_tool_dataset" : (name ?? "train")
        do {
            guard let value = session.interp[global: key] else {
                throw ToolFailure(message: "the config sets no dataset '\(key)'")
            }
            let dataset = try ToolDatasets.dataset(value, interp: session.interp, name: key)
            return (dataset, try DatasetProvider.pipelineOptions(GlobalsConfig(interp: session.interp)))
        } catch let failure as ToolFailure {
            throw failure
        } catch {
            throw ToolFailure(message: "\(error)")
        }
    }
}

/// An error a tool reports as `mrsh TOOL: message` with exit status 1.
struct ToolFailure: Error {
    let message: String
}

/// Dataset arguments of the tool functions: a Dataset object, a dataset dict, or the name of a
/// config global holding either (`"train"`, `"dev"`, ...).
enum ToolDatasets {
    static func dataset(_ v: Value, interp: Interpreter, name: String = "dataset") throws -> Dataset {
        switch v {
        case .host(let d as DatasetObject): return d.dataset
        case .dict: return try Dataset.create(options: try EngineSession.options(v))
        case .str(let global):
            guard let value = interp[global: global] else {
                throw ScriptError("KeyError", "no dataset '\(global)' in the config's globals")
            }
            if case .str = value { throw ScriptError("TypeError", "'\(global)' is a string, not a dataset") }
            return try dataset(value, interp: interp, name: global)
        default:
            throw ScriptError("TypeError", "\(name): expected a dataset, a dataset dict or a dataset name, got \(Convert.typeName(v))")
        }
    }
}

struct DumpDatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mrsh dump-dataset",
        abstract: "Print or dump the sequences of a dataset (RETURNN's tools/dump-dataset.py).",
        discussion: "SOURCE is a config file (its `train` dataset, or --dataset NAME), a dataset dict '{\"class\": ...}' or an .hdf file.")

    @Argument(help: "config file, dataset dict or .hdf file") var source: String
    @Option(help: "the config's dataset to use (default: train)") var dataset: String?
    @Option(help: "epoch for the sequence order") var epoch = 1
    @Option(name: .customLong("startseq"), parsing: .unconditional, help: "first sequence index (inclusive)") var startSeq = 0
    @Option(name: .customLong("endseq"), parsing: .unconditional, help: "last sequence index (inclusive), -1 for all") var endSeq = 10
    @Option(help: "stdout, print_shape, print_tag, dump_tag, dump_seq_len or null") var type = "stdout"
    @Option(help: "the data key to print and collect statistics of") var key = "data"
    @Flag(help: "mean and standard deviation of the key per feature dimension") var stats = false
    @Option(name: [.customLong("dump_stats"), .customLong("dump-stats")], help: "file prefix for the statistics (implies --stats)")
    var dumpStats: String?
    @Option(name: [.customLong("dump_prefix"), .customLong("dump-prefix")], help: "file prefix for dump_tag / dump_seq_len")
    var dumpPrefix = "/tmp/mrsh.dump-dataset."

    func run() throws {
        guard let kind = DatasetDumpOptions.Kind(rawValue: type) else {
            throw ValidationError("unknown --type '\(type)'; one of " + DatasetDumpOptions.Kind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let (ds, _) = try Tools.source(source, dataset: dataset, overrides: Tools.overrides)
        var options = DatasetDumpOptions()
        options.epoch = epoch
        options.startSeq = startSeq
        options.endSeq = DatasetDumpOptions.endSeq(endSeq)
        options.kind = kind
        options.key = key
        options.stats = stats || dumpStats != nil
        options.dumpStats = dumpStats
        options.dumpPrefix = dumpPrefix
        do {
            try DatasetDump.run(ds, options) { print($0) }
        } catch {
            throw ToolFailure(message: "\(error)")
        }
    }
}

struct AnalyzeBatchesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mrsh analyze-dataset-batches",
        abstract: "Batch a dataset's epoch with the config's settings and report sequences per batch and padding "
            + "(RETURNN's tools/analyze-dataset-batches.py).",
        discussion: "SOURCE is a config file (its `train` dataset, or --dataset NAME), a dataset dict or an .hdf file; "
            + "batch_size, max_seqs, max_seq_length, chunking_options come from the config or '++key value'.")

    @Argument(help: "config file, dataset dict or .hdf file") var source: String
    @Option(help: "the config's dataset to use (default: train)") var dataset: String?
    @Option(help: "epoch for the sequence order") var epoch = 1
    @Option(name: .customLong("endseq"), parsing: .unconditional, help: "stop after the batch holding this sequence index, -1 for all")
    var endSeq = -1
    @Flag(help: "one line per batch") var verbose = false

    func run() throws {
        let (ds, pipeline) = try Tools.source(source, dataset: dataset, overrides: Tools.overrides)
        do {
            try BatchAnalysis.run(ds, epoch: epoch, pipeline: pipeline, endSeq: DatasetDumpOptions.endSeq(endSeq), perBatch: verbose) { print($0) }
        } catch {
            throw ToolFailure(message: "\(error)")
        }
    }
}

struct AverageCheckpointsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mrsh avg-checkpoints",
        abstract: "Average model checkpoints parameter by parameter (RETURNN's tools/torch_avg_checkpoints.py).",
        discussion: "Inputs may be mrsh .safetensors or Mini-RETURNN .pt checkpoints; the output is written as safetensors.")

    @Option(name: .customLong("checkpoints"), parsing: .upToNextOption, help: "input checkpoints (also comma-separated)")
    var checkpoints: [String] = []
    @Option(help: "separator inside --checkpoints values ('' to disable)") var separator = ","
    @Option(help: "prefix added to every input") var prefix = ""
    @Option(help: "postfix added to every input, e.g. .safetensors") var postfix = ""
    @Option(name: [.customLong("output_path"), .customLong("output-path")], help: "the averaged checkpoint")
    var outputPath: String

    func run() throws {
        let names = checkpoints.flatMap { separator.isEmpty ? [$0] : $0.components(separatedBy: separator) }.filter { !$0.isEmpty }
        guard !names.isEmpty else { throw ValidationError("--checkpoints needs at least one checkpoint") }
        let inputs = names.map { prefix + $0 + postfix }
        do {
            for path in inputs { print("in ckpt: \(path)") }
            print("out ckpt: \(outputPath)")
            let averaged = try CheckpointAveraging.averageFiles(inputs, output: outputPath)
            print("averaged \(averaged.parameters.count) tensors of \(inputs.count) checkpoints (epoch \(averaged.epoch.map(String.init) ?? "None"))")
        } catch {
            throw ToolFailure(message: "\(error)")
        }
    }
}
