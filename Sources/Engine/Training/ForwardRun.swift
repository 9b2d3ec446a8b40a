/// `task = "forward"`: `forward_init_hook(run_ctx)`, then `forward_step` per batch of the forward
/// dataset (which writes outputs through `run_ctx.mark_as_output`), then `forward_finish_hook(run_ctx)`.
/// The closures come from the shell; this keeps the order, the step contexts and the errors.
public struct ForwardRun<Batch> {
    public var initHook: ((StepContext) throws -> Void)?
    public var step: (Batch, StepContext) throws -> Void
    public var finishHook: ((StepContext) throws -> Void)?

    public init(initHook: ((StepContext) throws -> Void)? = nil, step: @escaping (Batch, StepContext) throws -> Void,
                finishHook: ((StepContext) throws -> Void)? = nil) {
        self.initHook = initHook
        self.step = step
        self.finishHook = finishHook
    }

    /// Runs over `batches` for `epoch` (the loaded model's epoch); returns the number of steps.
    /// - Throws: `EngineRunError` when the dataset yields no batch (as the original asserts).
    @discardableResult
    public func run(_ batches: AnyIterator<Batch>, epoch: Int, globalStep: Int,
                    events: (EngineEvent) -> Void = { _ in }) throws -> Int {
        func context(_ index: Int) -> StepContext {
            StepContext(epoch: epoch, globalStep: globalStep, stepInEpoch: index, stage: "forward_step",
                        isUpdateStep: false, gradientGuard: { _ in false })
        }
        try initHook?(context(0))
        events(.log(verbosity: 3, text: "Start Forwarding"))
        var steps = 0
        while let batch = batches.next() {
            try step(batch, context(steps))
            steps += 1
        }
        guard steps > 0 else { throw EngineRunError(message: "No data in forward dataset") }
        try finishHook?(context(steps))
        return steps
    }
}
