import Datasets
import Tensor

/// The user's functions of a config, as Swift closures (the shell wraps the script's functions;
/// Swift code and tests pass closures directly). The Engine calls them as Mini-RETURNN does:
/// `get_model(epoch=, step=)`, `train_step(model=, data=, run_ctx=)` (also for evaluation, under
/// no-grad with the model in eval mode), `forward_step(model=, data=, run_ctx=)`, and the forward hooks.
public struct ModelFunctions {
    public var getModel: (_ epoch: Int, _ step: Int) throws -> Module
    public var trainStep: (_ model: Module, _ data: TensorBatch, _ runContext: RunContext) throws -> Void
    public var forwardStep: ((_ model: Module, _ data: TensorBatch, _ runContext: RunContext) throws -> Void)?
    public var forwardInitHook: ((_ runContext: RunContext) throws -> Void)?
    public var forwardFinishHook: ((_ runContext: RunContext) throws -> Void)?

    public init(getModel: @escaping (Int, Int) throws -> Module,
                trainStep: @escaping (Module, TensorBatch, RunContext) throws -> Void,
                forwardStep: ((Module, TensorBatch, RunContext) throws -> Void)? = nil,
                forwardInitHook: ((RunContext) throws -> Void)? = nil,
                forwardFinishHook: ((RunContext) throws -> Void)? = nil) {
        self.getModel = getModel
        self.trainStep = trainStep
        self.forwardStep = forwardStep
        self.forwardInitHook = forwardInitHook
        self.forwardFinishHook = forwardFinishHook
    }
}

/// A batch as the loader delivered it: the tensors, or the loader's error (rethrown by the step).
public enum LoadedBatch {
    case batch(TensorBatch)
    case failure(Error)

    public func get() throws -> TensorBatch {
        switch self {
        case .batch(let b): return b
        case .failure(let e): throw e
        }
    }
}

/// An error raised by a user function, with the function's name ("while running train_step: ...").
public struct StepFunctionError: Error, CustomStringConvertible {
    public let function: String
    public let underlying: Error
    public var description: String { "while running \(function): \(underlying)" }
}

/// Runs `body`, wrapping a thrown error with the user function's name (once).
func running<T>(_ function: String, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as StepFunctionError {
        throw error
    } catch {
        throw StepFunctionError(function: function, underlying: error)
    }
}
