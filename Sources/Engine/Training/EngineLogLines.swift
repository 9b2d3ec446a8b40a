import Foundation

/// The original's log lines, text for text (the Engine sends them to its log sink; the shell
/// decides where they go). Floats use Python's `%f`/`%.Nf` and `str(float)`.
public enum EngineLogLines {
    /// `start epoch 3 with learning rate 0.0005 ...` (verbosity 4).
    public static func startEpoch(_ epoch: Int, learningRate: Double?) -> String {
        "start epoch \(epoch) with learning rate \(learningRate.map(PythonRepr.float) ?? "None") ..."
    }

    /// The per-step line at verbosity 5:
    /// `train epoch 1, step:3, step time: 0.012, total time: 0.013, total (grad) loss: 2.302585, ce: 2.30259, fer: 0.87500`.
    public static func step(_ prefix: String, step: Int, stepTime: Double, totalTime: Double?,
                            totalLoss: Double?, losses: [String: Double]?) -> String {
        var parts = [prefix, "step:\(step)", "step time: " + fixed(stepTime, 3)]
        if let totalTime { parts.append("total time: " + fixed(totalTime, 3)) }
        if let totalLoss { parts.append("total (grad) loss: " + fixed(totalLoss, 6)) }
        if let losses, !losses.isEmpty {
            parts.append(losses.keys.sorted(by: PythonRepr.codePointLess).map { "\($0): " + fixed(losses[$0]!, 5) }.joined(separator: ", "))
        }
        return parts.joined(separator: ", ")
    }

    /// `Trained 120 steps, took 12.345s` (verbosity 2).
    public static func trained(steps: Int, seconds: Double) -> String {
        "Trained \(steps) steps, took " + fixed(seconds, 3) + "s"
    }

    /// `Evaluating dataset 'dev''` (verbosity 3; the stray quote is the original's).
    public static func evaluating(_ dataset: String) -> String {
        "Evaluating dataset \(PythonRepr.string(dataset))'"
    }

    /// Python's `"%.Nf" % x` (C printf rounding of the exact binary value; `nan`, `inf`).
    public static func fixed(_ x: Double, _ digits: Int) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        return String(format: "%.\(digits)f", x)
    }
}
