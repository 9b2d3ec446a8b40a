import Datasets
import Engine
import Interpreter
import Tensor

/// The config script's globals as the Engine's settings source.
struct GlobalsConfig: EngineConfig {
    let interp: Interpreter

    func value(forKey key: String) -> ConfigValue? {
        guard let v = interp[global: key] else { return nil }
        return GlobalsConfig.convert(v, interp)
    }

    var keys: [String] { interp.globalNames.filter { !$0.hasPrefix("__") } }

    /// A language value as a config value; nil for values a config cannot hold (modules, classes).
    static func convert(_ v: Value, _ interp: Interpreter) -> ConfigValue? {
        switch v {
        case .none: return ConfigValue.none
        case .bool(let b): return .bool(b)
        case .int(let n): return .int(n)
        case .float(let d): return .float(d)
        case .str(let s): return .string(s)
        case .list(let l): return .list(l.items.compactMap { convert($0, interp) })
        case .tuple(let t): return .list(t.compactMap { convert($0, interp) })
        case .dict(let d):
            return .dict(d.items.compactMap { k, x in convert(k, interp).flatMap { key in convert(x, interp).map { (key: key, value: $0) } } })
        case .function, .builtin, .boundMethod:
            return .function { arg in
                let r = try interp.call(v, [back(arg)])
                guard let c = convert(r, interp) else { throw ScriptError("TypeError", "config function returned \(Convert.typeName(r))") }
                return c
            }
        default: return nil
        }
    }

    static func back(_ c: ConfigValue) -> Value {
        switch c {
        case .none: return .none
        case .bool(let b): return .bool(b)
        case .int(let n): return .int(n)
        case .float(let d): return .float(d)
        case .string(let s): return .str(s)
        case .list(let xs): return .list(xs.map(back))
        case .dict(let items): return .dict(PyDict(items.compactMap { if case .string(let k) = $0.key { return (k, back($0.value)) }; return nil }))
        case .function: return .none
        }
    }
}

/// `run_ctx` of the step functions: `mark_as_loss`, `mark_as_output`, `epoch`, `global_step`, ...
final class RunCtxObject: HostObject {
    let ctx: RunContext
    init(_ c: RunContext) { ctx = c }
    var typeName: String { "RunCtx" }
    var attributeNames: [String] { ["mark_as_loss", "mark_as_output", "total_loss", "epoch", "global_step", "step", "stage", "device"] }

    func getAttribute(_ name: String) throws -> Value? {
        switch name {
        case "epoch": return .int(ctx.epoch)
        case "global_step": return .int(ctx.globalStep)
        case "step": return .int(ctx.stepInEpoch)
        case "stage": return .str(ctx.stage)
        case "device": return .str(ctx.device)
        case "mark_as_loss":
            return Binding(["loss", "name", "scale", "inv_norm_factor"]) { [ctx] a in
                let name = try a.string("name", "")
                if case .host(let f as TensorObject)? = a.value("inv_norm_factor") {
                    try ctx.markAsLoss(try a.tensor("loss"), name: name, scale: try a.double("scale", 1), invNormFactor: f.t)
                } else if let f = try a.optDouble("inv_norm_factor") {
                    try ctx.markAsLoss(try a.tensor("loss"), name: name, scale: try a.double("scale", 1), invNormFactor: f)
                } else {
                    try ctx.markAsLoss(try a.tensor("loss"), name: name, scale: try a.double("scale", 1))
                }
                return .none
            }.function(name)
        case "mark_as_output":
            return Binding(["tensor", "name", "lengths"]) { [ctx] a in
                var lengths: [Int]? = nil
                if case .host(let t as TensorObject)? = a.value("lengths") { lengths = t.t.toIntArray().map(Int.init) } else { lengths = try a.ints("lengths") }
                ctx.markAsOutput(try a.tensor("tensor"), name: try a.string("name", "output"), lengths: lengths)
                return .none
            }.function(name)
        case "total_loss":
            return Binding([]) { [ctx] _ in Convert.wrap(try ctx.totalLoss()) }.function(name)
        default: return nil
        }
    }
}

/// A dataset made by `load_dataset(opts)` / `init_dataset(opts)`.
final class DatasetObject: HostObject {
    let dataset: Dataset
    init(_ d: Dataset) { dataset = d }
    var typeName: String { "Dataset" }
    func repr() -> String { "<\(type(of: dataset)) '\(dataset.name)'>" }
}

/// The engine of a session: built from the globals when first needed; the prompt's functions.
final class EngineSession {
    let interp: Interpreter
    let out: (String) -> Void
    private var engine: Engine?
    /// Whether the program itself ran a task (`train()`, `evaluate()`, `forward()`): then the
    /// config's `task` does not run again after the file, as in RETURNN.
    private(set) var ranTask = false

    init(interp: Interpreter, out: @escaping (String) -> Void) {
        self.interp = interp
        self.out = out
    }

    /// The engine, made from the current globals on first use (or after `init_model()`).
    func current() throws -> Engine {
        if let e = engine { return e }
        var datasets: [String: Dataset] = [:]
        for name in ["train", "dev", "eval", "forward", "forward_data"] {
            if case .host(let d as DatasetObject)? = interp[global: name] { datasets[name] = d.dataset }
        }
        let verbosity: Int = { if case .int(let v)? = interp[global: "log_verbosity"] { return v }; return 3 }()
        let e = try Engine(config: GlobalsConfig(interp: interp), functions: try functions(), datasets: datasets,
                           events: { [out] event in EngineSession.print(event, verbosity, out) })
        engine = e
        return e
    }

    static func print(_ event: EngineEvent, _ verbosity: Int, _ out: (String) -> Void) {
        switch event {
        case .log(let v, let text) where v <= verbosity: out(text + "\n")
        case .epochSummary(let s): out(s + "\n")
        default: break
        }
    }

    /// `get_model`, `train_step`, `forward_step` and the forward hooks of the globals.
    func functions() throws -> ModelFunctions {
        let interp = self.interp
        guard let getModel = interp[global: "get_model"] else { throw ScriptError("NameError", "the config defines no get_model(epoch, step)") }
        let trainStep = interp[global: "train_step"]
        func batchValue(_ b: TensorBatch) -> Value { EngineSession.batchValue(b) }
        var fns = ModelFunctions(
            getModel: { epoch, step in
                let m = try interp.call(getModel, [], [("epoch", .int(epoch)), ("step", .int(step))])
                guard let module = Convert.module(m) else { throw ScriptError("TypeError", "get_model returned \(Convert.typeName(m)), not an nn.Module") }
                return module
            },
            trainStep: { [weak self] model, data, ctx in
                // Ctrl-C during training: stop at the next step boundary with all state kept.
                if interp.cancellation.isSet {
                    interp.cancellation.clear()
                    self?.engine?.requestStop()
                }
                guard let f = trainStep else { throw ScriptError("NameError", "the config defines no train_step(model, data, run_ctx)") }
                _ = try interp.call(f, [], [("model", Convert.wrap(model)), ("data", batchValue(data)), ("run_ctx", .host(RunCtxObject(ctx)))])
            })
        if let f = interp[global: "forward_step"] {
            fns.forwardStep = { model, data, ctx in
                _ = try interp.call(f, [], [("model", Convert.wrap(model)), ("data", batchValue(data)), ("run_ctx", .host(RunCtxObject(ctx)))])
            }
        }
        if let f = interp[global: "forward_init_hook"] { fns.forwardInitHook = { ctx in _ = try interp.call(f, [], [("run_ctx", .host(RunCtxObject(ctx)))]) } }
        if let f = interp[global: "forward_finish_hook"] { fns.forwardFinishHook = { ctx in _ = try interp.call(f, [], [("run_ctx", .host(RunCtxObject(ctx)))]) } }
        return fns
    }

    /// A batch as the dict `train_step` sees (`data["data"]`, `data["data:size1"]`, `seq_tag`, ...).
    static func batchValue(_ b: TensorBatch) -> Value {
        .dict(PyDict(b.entries.map { e in
            switch e.value {
            case .tensor(let t): return (e.key, Convert.wrap(t))
            case .ints(let xs): return (e.key, .list(xs.map { .int($0) }))
            case .strings(let xs): return (e.key, .list(xs.map { .str($0) }))
            }
        }))
    }

    static func tensorBatch(_ v: Value) throws -> TensorBatch {
        guard case .dict(let d) = v else { throw ScriptError("TypeError", "a batch is a dict (from next_batch())") }
        var entries: [(key: String, value: TensorBatchValue)] = []
        for (k, x) in d.items {
            guard case .str(let key) = k else { continue }
            switch x {
            case .host(let t as TensorObject): entries.append((key, .tensor(t.t)))
            case .list(let l) where l.items.allSatisfy({ if case .str = $0 { return true }; return false }):
                entries.append((key, .strings(l.items.map { if case .str(let s) = $0 { return s }; return "" })))
            case .list(let l): entries.append((key, .ints(l.items.compactMap(Convert.int))))
            default: break
            }
        }
        return TensorBatch(entries: entries)
    }

    /// Runs the config's `task` after the file (train, eval or forward).
    func runTask() throws { try rethrowing { try current().run() } }

    /// The prompt's functions as built-ins.
    /// Each is a built-in, and also `engine.<name>` (a config's `train` dataset setting hides
    /// the built-in `train`; `engine.train()` always reaches it).
    func install() {
        var namespace: [String: Value] = [:]
        func def(_ name: String, _ params: [String], _ body: @escaping (Args) throws -> Value) {
            let f = Binding(params, method: false) { a in try rethrowing { try body(a) } }.function("engine." + name)
            interp.setBuiltin(name, f)
            namespace[name] = f
        }
        defer { interp.setBuiltin("engine", .module(PyModule(name: "engine", attributes: namespace))) }
        def("init_model", []) { [self] _ in
            engine = nil
            try current().initModel()
            return .none
        }
        def("train", ["epochs"]) { [self] a in
            ranTask = true
            switch try current().train(epochs: try a.optInt("epochs")) {
            case .finished(let epoch): return .int(epoch)
            case .stopped(let epoch, let step):
                out("KeyboardInterrupt: training stopped in epoch \(epoch) at step \(step); engine.train() continues there\n")
                return .int(epoch)
            }
        }
        def("evaluate", []) { [self] _ in
            ranTask = true
            return .dict(PyDict(try current().evaluate().map { r in (r.dataset, .dict(PyDict(r.scores.sorted { $0.key < $1.key }.map { ($0.key, .float($0.value)) }))) }))
        }
        def("forward", ["output_file"]) { [self] a in
            ranTask = true
            return .int(try current().forward(outputFile: try a.value("output_file").map { _ in try a.string("output_file", "") }))
        }
        def("load_model", ["epoch"]) { [self] a in try current().loadModel(epoch: try a.optInt("epoch")); return .none }
        def("next_batch", ["dataset"]) { [self] a in EngineSession.batchValue(try current().nextBatch(dataset: try a.string("dataset", "train"))) }
        def("run_train_step", ["batch"]) { [self] a in
            let losses = try current().runTrainStep(try EngineSession.tensorBatch(try a.required("batch")))
            return .dict(PyDict(losses.sorted { $0.key < $1.key }.map { ($0.key, .float($0.value)) }))
        }
        def("grads", ["model"]) { [self] _ in .dict(PyDict(try current().grads().map { ($0.name, .float($0.norm)) })) }
        def("lr", ["value"]) { [self] a in
            let e = try current()
            if let v = try a.optDouble("value") { e.setLearningRate(v) }
            return .float(e.lr())
        }
        def("scores", []) { [self] _ in
            out(try current().scores().joined(separator: "\n") + "\n")
            return .none
        }
        let loadDataset = Binding(["opts"], method: false) { a in
            .host(DatasetObject(try Dataset.create(options: try EngineSession.options(try a.required("opts")))))
        }
        interp.setBuiltin("load_dataset", loadDataset.function("load_dataset"))
        installTools()
        interp.registerModule("returnn.datasets") { PyModule(name: "returnn.datasets", attributes: ["init_dataset": loadDataset.function("init_dataset")]) }
    }

    /// RETURNN's tools as functions: `dump_dataset`, `analyze_dataset_batches`, `average_checkpoints`.
    private func installTools() {
        let interp = self.interp, out = self.out
        func def(_ name: String, _ params: [String], _ body: @escaping (Args) throws -> Value) {
            interp.setBuiltin(name, Binding(params, method: false) { a in try rethrowing { try body(a) } }.function(name))
        }
        def("dump_dataset", ["dataset", "epoch", "start_seq", "end_seq", "type", "key", "stats", "dump_stats", "dump_prefix"]) { a in
            var options = DatasetDumpOptions()
            options.epoch = try a.int("epoch", 1)
            options.startSeq = try a.int("start_seq", 0)
            options.endSeq = a.has("end_seq") ? DatasetDumpOptions.endSeq(try a.int("end_seq")) : 10
            let type = try a.string("type", "stdout")
            guard let kind = DatasetDumpOptions.Kind(rawValue: type) else {
                throw ScriptError("ValueError", "dump_dataset(): unknown type '\(type)'; one of "
                                  + DatasetDumpOptions.Kind.allCases.map(\.rawValue).joined(separator: ", "))
            }
            options.kind = kind
            options.key = try a.string("key", "data")
            options.dumpStats = a.has("dump_stats") ? try a.string("dump_stats", "") : nil
            options.stats = try a.bool("stats", false) || options.dumpStats != nil
            options.dumpPrefix = try a.string("dump_prefix", options.dumpPrefix)
            let dataset = try ToolDatasets.dataset(a.value("dataset") ?? .str("train"), interp: interp)
            let summary = try DatasetDump.run(dataset, options) { out($0 + "\n") }
            return .int(summary.sequences)
        }
        def("analyze_dataset_batches", ["dataset", "epoch", "end_seq", "verbose"]) { a in
            let dataset = try ToolDatasets.dataset(a.value("dataset") ?? .str("train"), interp: interp)
            let pipeline = try DatasetProvider.pipelineOptions(GlobalsConfig(interp: interp))
            let stats = try BatchAnalysis.run(dataset, epoch: try a.int("epoch", 1), pipeline: pipeline,
                                              endSeq: a.has("end_seq") ? DatasetDumpOptions.endSeq(try a.int("end_seq")) : nil,
                                              perBatch: try a.bool("verbose", false)) { out($0 + "\n") }
            let ratios = stats.paddingRatio
            return .dict(PyDict([("batches", .int(stats.batches)), ("seqs", .int(stats.sequences)),
                                 ("padding", .dict(PyDict(ratios.keys.sorted().map { ($0, Value.float(ratios[$0]!)) })))]))
        }
        def("average_checkpoints", ["checkpoints", "output_path"]) { a in
            guard case .list(let list) = try a.required("checkpoints") else {
                throw ScriptError("TypeError", "average_checkpoints(): checkpoints must be a list of file names")
            }
            let inputs: [String] = try list.items.map { v in
                guard case .str(let s) = v else { throw ScriptError("TypeError", "average_checkpoints(): checkpoints must be file names") }
                return s
            }
            let output = try a.string("output_path", "")
            guard !output.isEmpty else { throw ScriptError("TypeError", "average_checkpoints() missing required argument 'output_path'") }
            let averaged = try CheckpointAveraging.averageFiles(inputs, output: output)
            return averaged.epoch.map { .int($0) } ?? .none
        }
    }

    /// Dataset options from a language dict.
    static func options(_ v: Value) throws -> OptionValue {
        switch v {
        case .none: return OptionValue.none
        case .bool(let b): return .bool(b)
        case .int(let n): return .int(n)
        case .float(let d): return .double(d)
        case .str(let s): return .string(s)
        case .list(let l): return .list(try l.items.map(options))
        case .tuple(let t): return .list(try t.map(options))
        case .dict(let d):
            return .dict(try d.items.map { k, x in
                guard case .str(let key) = k else { throw ScriptError("TypeError", "dataset option names must be strings") }
                return OptionEntry(key, try options(x))
            })
        default: throw ScriptError("TypeError", "dataset options cannot hold \(Convert.typeName(v))")
        }
    }
}

/// `torch.load(path)` of a model checkpoint (Mini-RETURNN's `.pt` or mrsh's `.safetensors`): the
/// checkpoint dict as Mini-RETURNN writes it, `{"model": state_dict, "epoch": n, "step": m}`.
enum CheckpointLoading {
    static let binding = Binding(["f", "map_location", "weights_only"], method: false) { a in
        let path = try a.string("f", "")
        let ckpt = try ModelCheckpoint.load(from: path)
        var state: [(String, Value)] = []
        for r in ckpt.parameters { state.append((r.name, Convert.wrap(try tensor(r, path)))) }
        return .dict(PyDict([("model", .dict(PyDict(state))), ("epoch", ckpt.epoch.map { .int($0) } ?? .none),
                             ("step", ckpt.step.map { .int($0) } ?? .none)]))
    }

    /// A stored tensor as float32 (float64/float32 records), bool, int32 or int64.
    static func tensor(_ r: TensorRecord, _ path: String) throws -> Tensor {
        if let f = r.float32Values() { return try Tensor(f, shape: r.shape) }
        if r.dtype == .float64, let d = r.doubleValues() { return try Tensor(d.map { Float($0) }, shape: r.shape) }
        guard let ints = r.integerValues() else {
            throw ScriptError("TypeError", "\(path): tensor '\(r.name)' has dtype \(r.dtype.rawValue), which mrsh cannot load")
        }
        switch r.dtype {
        case .bool: return try Tensor(bools: ints.map { $0 != 0 }, shape: r.shape)
        case .int32: return try Tensor(ints: ints, shape: r.shape, dtype: .int32)
        default: return try Tensor(ints: ints, shape: r.shape)
        }
    }
}

