/// A learning-rate change applied on decay or growth: a factor, or a user function
/// (RETURNN accepts a float or a callable for `learning_rate_decay` / `learning_rate_growth`).
public enum LearningRateUpdate {
    case factor(Double)
    case function((Double) throws -> Double)

    func apply(_ learningRate: Double) throws -> Double {
        switch self {
        case .factor(let f): return learningRate * f
        case .function(let f): return try f(learningRate)
        }
    }
}

/// The scheduling algorithm, by RETURNN's `learning_rate_control` name.
public enum LearningRateControlKind: String, CaseIterable, Sendable {
    case constant
    case newbobRelative = "newbob_rel"
    case newbobAbs = "newbob_abs"
    case newbobMultiEpoch = "newbob_multi_epoch"

    /// Accepts the names RETURNN accepts: `constant`, `newbob`/`newbob_rel`/`newbob_relative`,
    /// `newbob_abs`, `newbob_multi_epoch`.
    public init?(configName: String) {
        switch configName {
        case "constant": self = .constant
        case "newbob", "newbob_rel", "newbob_relative": self = .newbobRelative
        case "newbob_abs": self = .newbobAbs
        case "newbob_multi_epoch": self = .newbobMultiEpoch
        default: return nil
        }
    }

    public static let configNames = ["constant", "newbob", "newbob_rel", "newbob_relative", "newbob_abs", "newbob_multi_epoch"]
}

/// The settings of the learning-rate control, with RETURNN's config names and defaults.
public struct LearningRateControlOptions {
    /// `learning_rate_control` ["constant"].
    public var kind: LearningRateControlKind = .constant
    /// `learning_rate` [1.0]: the LR before any epoch has one.
    public var defaultLearningRate = 1.0
    /// `min_learning_rate` [0.0]: decay never goes below it.
    public var minLearningRate = 0.0
    /// `learning_rates`: epoch → LR (a list gives epochs 1, 2, ...); file entries win.
    public var presetLearningRates: [Int: Double] = [:]
    /// `learning_rate_control_error_measure` (a str or a list of str) [none].
    public var errorMeasureKeys: [String] = []
    /// `learning_rate_control_relative_error_relative_lr` [False].
    public var relativeErrorRelativeToLearningRate = false
    /// `learning_rate_control_min_num_epochs_per_new_lr` [0].
    public var minNumEpochsPerNewLearningRate = 0
    /// `newbob_relative_error_div_by_old` [False].
    public var relativeErrorDivByOld = false
    /// `learning_rate_decay`, else `newbob_learning_rate_decay` [0.5]; nil leaves the LR unchanged.
    public var decay: LearningRateUpdate? = .factor(0.5)
    /// `learning_rate_growth`, else `newbob_learning_rate_growth` [1.0]; nil leaves the LR unchanged.
    public var growth: LearningRateUpdate? = .factor(1.0)
    /// `learning_rate_file`: load from and save to this file; nil keeps the history in memory.
    public var filename: String?
    /// `newbob_relative_error_threshold` [-0.01] (newbob_rel, newbob_multi_epoch).
    public var relativeErrorThreshold = -0.01
    /// `newbob_error_threshold` [-0.01] (newbob_abs).
    public var errorThreshold = -0.01
    /// `newbob_multi_num_epochs` [5].
    public var multiNumEpochs = 5
    /// `newbob_multi_update_interval` [= newbob_multi_num_epochs].
    public var multiUpdateInterval: Int?
    /// `newbob_relative_error_grow_threshold` [= newbob_relative_error_threshold].
    public var relativeErrorGrowThreshold: Double?

    public init() {}

    /// Sets `presetLearningRates` from a list: the i-th value is the LR of epoch i+1.
    public mutating func setLearningRateList(_ rates: [Double]) {
        presetLearningRates = Dictionary(uniqueKeysWithValues: rates.enumerated().map { ($0.offset + 1, $0.element) })
    }
}
