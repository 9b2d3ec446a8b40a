import Datasets
import Foundation
import Tensor

extension Engine {
    /// `task = "forward"` / `forward()`: the loaded model (eval mode, no-grad) over `forward` (the dataset of the config key `forward`, as in Mini-RETURNN; `forward_data` is read when `forward` is not set)
    /// with `forward_init_hook`, `forward_step` and `forward_finish_hook`. Outputs marked with
    /// `run_ctx.mark_as_output` go to `outputFile` (default: the `forward_output_file` setting) through
    /// `SimpleHDFWriter`: the first output is the HDF `inputs`, further ones extra keys.
    /// Returns the number of steps.
    @discardableResult
    public func forward(outputFile: String? = nil) throws -> Int {
        guard let step = backend.functions.forwardStep else {
            throw ConfigError(key: "forward_step", message: "task 'forward' needs a forward_step function")
        }
        try ensureModel()
        let (model, _) = try backend.requireModel()
        let path = try outputFile ?? config.optionalString("forward_output_file")
        var writer: ForwardOutputWriter?
        let functions = backend.functions
        let run = ForwardRun<LoadedBatch>(
            initHook: { context in try running("forward_init_hook") { try functions.forwardInitHook?(RunContext(context)) } },
            step: { batch, context in
                let data = try batch.get()
                let runContext = RunContext(context)
                try noGrad { try running("forward_step") { try step(model, data, runContext) } }
                guard let path, !runContext.outputs.isEmpty else { return }
                if writer == nil { writer = try ForwardOutputWriter(path: path, first: runContext.outputs[0].tensor) }
                try writer?.write(runContext.outputs, tags: Self.seqTags(data, count: runContext.outputs[0].tensor.shape[0]))
            },
            finishHook: { context in try running("forward_finish_hook") { try functions.forwardFinishHook?(RunContext(context)) } })
        model.eval()
        defer { model.train() }
        let steps = try run.run(try backend.batches(dataset: "forward", epoch: max(loop.epoch, 1)), epoch: max(loop.epoch, 1),
                                globalStep: loop.globalStep, events: events)
        try writer?.close()
        return steps
    }

    func ensureModel() throws { if !started { try initModel() } }

    static func seqTags(_ data: TensorBatch, count: Int) -> [String] {
        if case .strings(let tags)? = data["seq_tag"], tags.count == count { return tags }
        return (0..<count).map { "seq-\($0)" }
    }
}

/// Writes marked forward outputs into one HDF file (SimpleHDFWriter layout).
struct ForwardOutputWriter {
    let writer: SimpleHDFWriter

    /// `first` decides the layout: `[B, T, D]` float → dim D; `[B, T]` → sparse (dim nil).
    init(path: String, first: Tensor) throws {
        guard first.ndim == 2 || first.ndim == 3 else {
            throw EngineRunError(message: "mark_as_output: the first output must be [B, T] or [B, T, D], got shape \(first.shape)")
        }
        writer = try SimpleHDFWriter(filename: path, dim: first.ndim == 3 ? first.shape[2] : nil, ndim: first.ndim - 1)
    }

    func write(_ outputs: [(name: String, tensor: Tensor, lengths: [Int]?)], tags: [String]) throws {
        let first = outputs[0]
        let lengths = first.lengths ?? Array(repeating: first.tensor.shape[1], count: first.tensor.shape[0])
        let extra = outputs.dropFirst().map { ($0.name, Self.array($0.tensor)) }
        try writer.insertBatch(inputs: Self.array(first.tensor), seqLen: lengths, seqTag: tags, extra: extra)
    }

    func close() throws { try writer.close() }

    static func array(_ tensor: Tensor) -> BatchArray {
        if tensor.dtype == .float32 { return BatchArray(float32: tensor.toFloatArray(), shape: tensor.shape) }
        return BatchArray(int32: tensor.toIntArray().map { Int32(truncatingIfNeeded: $0) }, shape: tensor.shape)
    }
}
