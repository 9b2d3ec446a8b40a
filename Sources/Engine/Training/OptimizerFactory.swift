import Datasets
import Tensor

/// Builds the optimizer of the `optimizer` setting (`{"class": "adam", ...}`, class matched
/// case-insensitively, options by PyTorch's names passed through) and converts its state to and
/// from `OptimizerCheckpoint` (PyTorch's `optimizer.state_dict()` layout).
public enum OptimizerFactory {
    /// Option names each class accepts (PyTorch's keyword arguments); others are errors naming the key.
    static let accepted: [String: Set<String>] = [
        "adam": ["lr", "betas", "eps", "weight_decay", "amsgrad"],
        "adamw": ["lr", "betas", "eps", "weight_decay", "amsgrad"],
        "sgd": ["lr", "momentum", "dampening", "weight_decay", "nesterov"],
        "rmsprop": ["lr", "alpha", "eps", "weight_decay", "momentum", "centered"],
        "adagrad": ["lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps"],
    ]
    /// PyTorch flags that change nothing on this CPU engine when left at their defaults.
    static let ignoredFlags: Set<String> = ["foreach", "maximize", "capturable", "differentiable", "fused"]

    /// The optimizer for `parameters`; `weightDecay` (the global `weight_decay` setting) applies when
    /// the optimizer dict does not set its own. Without a setting, Adam with PyTorch's defaults
    /// (as Mini-RETURNN's updater does).
    public static func make(_ settings: OptimizerSettings?, parameters: [Tensor], learningRate: Double,
                            weightDecay: Double?) throws -> Optimizer {
        let className = settings?.className ?? "adam"
        guard let known = accepted[className] else {
            throw ConfigError(key: "optimizer", message: "unknown optimizer class '\(className)'"
                + didYouMean(className, candidates: Array(accepted.keys)) + " (known: \(accepted.keys.sorted().joined(separator: ", ")))")
        }
        var numbers: [String: Double] = [:]
        var betas: (Double, Double) = (0.9, 0.999)
        for name in settings?.options ?? [] {
            guard let value = settings?.values[name]?.value else { continue }
            if ignoredFlags.contains(name) {
                if case .bool(true) = value { throw ConfigError(key: "optimizer", message: "option '\(name)=True' is not supported") }
                continue
            }
            guard known.contains(name) else {
                throw ConfigError(key: "optimizer", message: "unknown option '\(name)' for optimizer '\(className)'"
                    + didYouMean(name, candidates: Array(known)))
            }
            if name == "betas" { betas = try readBetas(value) } else { numbers[name] = try number(value, name) }
        }
        if numbers["weight_decay"] == nil, let weightDecay { numbers["weight_decay"] = weightDecay }
        let groups = [ParamGroup(params: parameters)]
        let lr = learningRate
        func opt(_ key: String, _ fallback: Double) -> Double { numbers[key] ?? fallback }
        switch className {
        case "adam", "adamw":
            return try Adam(groups, lr: lr, betas: betas, eps: opt("eps", 1e-8),
                            weightDecay: opt("weight_decay", className == "adamw" ? 1e-2 : 0),
                            amsgrad: opt("amsgrad", 0) != 0, decoupledWeightDecay: className == "adamw")
        case "sgd":
            return try SGD(groups, lr: lr, momentum: opt("momentum", 0), dampening: opt("dampening", 0),
                           weightDecay: opt("weight_decay", 0), nesterov: opt("nesterov", 0) != 0)
        case "rmsprop":
            return try RMSprop(groups, lr: lr, alpha: opt("alpha", 0.99), eps: opt("eps", 1e-8), weightDecay: opt("weight_decay", 0),
                               momentum: opt("momentum", 0), centered: opt("centered", 0) != 0)
        default:
            return try Adagrad(groups, lr: lr, lrDecay: opt("lr_decay", 0), weightDecay: opt("weight_decay", 0),
                               initialAccumulatorValue: opt("initial_accumulator_value", 0), eps: opt("eps", 1e-10))
        }
    }

    private static func number(_ value: ConfigValue, _ name: String) throws -> Double {
        switch value {
        case .bool(let b): return b ? 1 : 0
        default:
            guard let d = value.number else { throw ConfigError(key: "optimizer", message: "option '\(name)' must be a number, got \(value.typeName)") }
            return d
        }
    }

    private static func readBetas(_ value: ConfigValue) throws -> (Double, Double) {
        guard case .list(let items) = value, items.count == 2, let b1 = items[0].number, let b2 = items[1].number else {
            throw ConfigError(key: "optimizer", message: "'betas' must be a pair of numbers")
        }
        return (b1, b2)
    }

    private static func didYouMean(_ name: String, candidates: [String]) -> String {
        DidYouMean.suggestion(for: name, among: candidates.sorted()).map { "; did you mean '\($0)'?" } ?? ""
    }
}
