/// One loss of a step as `run_ctx.mark_as_loss` recorded it, reduced to numbers.
public struct StepLoss: Equatable {
    public var name: String
    /// The loss value as marked (usually a sum over frames).
    public var value: Double
    public var scale: Double
    /// The normalization (e.g. number of frames); nil counts as 1 (normalization by steps).
    public var invNormFactor: Double?

    public init(name: String, value: Double, scale: Double = 1.0, invNormFactor: Double? = nil) {
        self.name = name
        self.value = value
        self.scale = scale
        self.invNormFactor = invNormFactor
    }

    /// The per-step report value `value / inv_norm_factor`.
    public var normalized: Double { value / (invNormFactor ?? 1) }
}

/// Mini-RETURNN's loss bookkeeping: per name, sum(loss) / sum(inv_norm_factor) over an epoch;
/// the total loss for backpropagation is Σ scale · loss / inv_norm_factor over losses with scale ≠ 0.
public struct LossAccumulator: Equatable {
    /// Loss names in the order first seen.
    public private(set) var names: [String] = []
    private var sums: [String: Double] = [:]
    private var normSums: [String: Double] = [:]
    public private(set) var steps = 0

    public init() {}

    /// The total (gradient) loss of one step: Σ scale · value / inv_norm_factor, skipping scale 0.
    public static func totalLoss(_ losses: [StepLoss]) -> Double {
        losses.reduce(0.0) { $1.scale == 0 ? $0 : $0 + $1.value * $1.scale / ($1.invNormFactor ?? 1) }
    }

    public mutating func add(_ losses: [StepLoss]) {
        for loss in losses {
            if sums[loss.name] == nil { names.append(loss.name) }
            sums[loss.name, default: 0] += loss.value
            normSums[loss.name, default: 0] += loss.invNormFactor ?? 1
        }
        steps += 1
    }

    /// name → sum(loss) / sum(inv_norm_factor).
    public var averages: [String: Double] {
        Dictionary(uniqueKeysWithValues: names.map { ($0, sums[$0]! / normSums[$0]!) })
    }

    /// The scores stored in the learning_rates file: train keys as the loss names,
    /// eval keys as `<dataset>_loss_<name>`.
    public func scores(dataset: String? = nil) -> [String: Double] {
        guard let dataset else { return averages }
        return Dictionary(uniqueKeysWithValues: averages.map { ("\(dataset)_loss_\($0.key)", $0.value) })
    }
}

/// A NaN or infinite training loss with `stop_on_nonfinite_train_score` (the default).
public struct NonFiniteLossError: Error, CustomStringConvertible, Equatable {
    public let epoch: Int
    public let step: Int
    /// The step's normalized losses, by name.
    public let losses: [String: Double]

    public var description: String {
        let detail = losses.keys.sorted().map { "\($0): \(PythonRepr.float(losses[$0]!))" }.joined(separator: ", ")
        return "Inf/nan loss in epoch \(epoch), step \(step) (\(detail))."
    }

    /// Throws when any normalized loss of the step is not finite.
    public static func check(_ losses: [StepLoss], epoch: Int, step: Int) throws {
        guard losses.contains(where: { !$0.normalized.isFinite }) else { return }
        throw NonFiniteLossError(epoch: epoch, step: step,
                                 losses: Dictionary(losses.map { ($0.name, $0.normalized) }, uniquingKeysWith: { a, _ in a }))
    }
}

/// The updater's guard against non-finite gradient norms (with `gradient_clip_norm`): a step with
/// a NaN/inf norm is skipped; `threshold` of them in succession abort training.
public struct InvalidGradientGuard: Equatable {
    public let threshold: Int
    public private(set) var consecutive = 0

    public init(threshold: Int = 3) { self.threshold = threshold }

    /// Records the step's gradient norm; returns true when the optimizer step should be applied.
    public mutating func record(norm: Double) throws -> Bool {
        if norm.isFinite {
            consecutive = 0
            return true
        }
        consecutive += 1
        if consecutive >= threshold {
            throw InvalidGradientError(count: consecutive)
        }
        return false
    }
}

public struct InvalidGradientError: Error, CustomStringConvertible, Equatable {
    public let count: Int
    public var description: String { "Got \(count) invalid gradients in succession, abort training" }
}

/// Gradient accumulation (`accum_grad_multiple_step`): whether step `index` (0-based in the epoch)
/// ends an accumulation window, so clipping and the optimizer step happen there.
public func isUpdateStep(_ index: Int, accumGradMultipleStep: Int) -> Bool {
    (index + 1) % max(1, accumGradMultipleStep) == 0
}
