/// What the learning_rates file keeps per epoch: the learning rate and the scores
/// (train losses under their names, eval losses as `<dataset>_loss_<name>`).
public struct EpochData: Equatable, Sendable {
    /// nil when the file says `learningRate=None`.
    public var learningRate: Double?
    public var error: [String: Double]

    public init(learningRate: Double?, error: [String: Double] = [:]) {
        self.learningRate = learningRate
        self.error = error
    }

    /// `EpochData(learningRate=..., error={...})` exactly as RETURNN's `repr` writes it.
    public var pythonRepr: String {
        let lr = learningRate.map(PythonRepr.betterFloat) ?? "None"
        let keys = error.keys.sorted(by: PythonRepr.codePointLess)
        let items = keys.map { PythonRepr.string($0) + ": " + PythonRepr.betterFloat(error[$0]!) }
        return "EpochData(learningRate=\(lr), error=\(PythonRepr.betterDict(items)))"
    }
}

/// The learning_rates file: `better_repr({epoch: EpochData, ...}) + "\n"`.
public enum LearningRateFile {
    /// The file text for `epochs`, byte for byte as RETURNN's `LearningRateControl.save` writes it.
    public static func render(_ epochs: [Int: EpochData]) -> String {
        let items = epochs.keys.sorted().map { "\($0): " + epochs[$0]!.pythonRepr }
        return PythonRepr.betterDict(items) + "\n"
    }
}
