import Foundation

extension Functional {
    /// Connectionist temporal classification loss (`F.ctc_loss`) of `logProbs` [T, N, C] (or
    /// [T, C]) against `targets` padded [N, S] or concatenated 1-d, with per-sample input and
    /// target lengths. Log-space forward-backward over the blank-extended label sequence;
    /// impossible alignments give an infinite loss and NaN gradients unless `zeroInfinity`.
    /// `mean` divides each loss by its target length (at least 1), then averages over the batch.
    public static func ctcLoss(_ logProbs: Tensor, _ targets: Tensor, inputLengths: [Int], targetLengths: [Int],
                               blank: Int = 0, reduction: Reduction = .mean, zeroInfinity: Bool = false) throws -> Tensor {
        let unbatched = logProbs.ndim == 2
        let lp = unbatched ? try logProbs.unsqueeze(1) : logProbs
        guard lp.ndim == 3 else { throw TensorError("ctc_loss", "log_probs must be [T, N, C] or [T, C], got \(fmt(logProbs.shape))") }
        let (t, n, c) = (lp.shape[0], lp.shape[1], lp.shape[2])
        guard inputLengths.count == n, targetLengths.count == n else {
            throw TensorError("ctc_loss", "expected \(n) input and target lengths, got \(inputLengths.count) and \(targetLengths.count)")
        }
        guard blank >= 0 && blank < c else { throw TensorError("ctc_loss", "blank must be in label range [0, \(c)), got \(blank)") }
        let labels = try ctcLabelLists(targets, targetLengths, batch: n, unbatched: unbatched, classes: c)
        for (i, len) in inputLengths.enumerated() where len < 0 || len > t {
            throw TensorError("ctc_loss", "Expected input_lengths to have value at most \(t), but got value \(len) (sample \(i))")
        }
        let x = lp.to(.float32).dense()
        let wantGrad = GradMode.isEnabled && logProbs.requiresGrad
        let losses = Tensor.empty([n])
        let grad = wantGrad ? Tensor.zeros([t, n, c]) : nil
        parallelRange(n, minPerThread: 1) { lo, hi in
            for b in lo..<hi {
                let nll = CTCSample(x: x.floatBase, t: inputLengths[b], n: n, c: c, batch: b, labels: labels[b], blank: blank)
                    .run(grad: grad?.floatBase, zeroInfinity: zeroInfinity)
                losses.floatBase[b] = nll
            }
        }
        var perSample = losses.recorded(.ctcLoss, inputs: [lp.to(.float32)], saved: grad.map { [$0] } ?? [])
        if unbatched && reduction == .none { perSample = try perSample.squeeze([0]) }
        switch reduction {
        case .none: return perSample
        case .sum: return try perSample.sum()
        case .mean:
            let lens = try Tensor(targetLengths.map { Float(Swift.max($0, 1)) }, shape: [n])
            return try perSample.div(lens).mean()
        }
    }

    /// Each sample's label sequence from padded [N, S] or concatenated targets.
    private static func ctcLabelLists(_ targets: Tensor, _ lengths: [Int], batch: Int, unbatched: Bool, classes: Int) throws -> [[Int]] {
        let flat = targets.toIntArray().map(Int.init)
        var out: [[Int]] = []
        var offset = 0
        let padded = targets.ndim == 2
        for b in 0..<batch {
            let len = lengths[b]
            let start = padded ? b * targets.shape[1] : offset
            guard len >= 0, start + len <= flat.count, !padded || len <= targets.shape[1] else {
                throw TensorError("ctc_loss", "target length \(len) of sample \(b) exceeds the targets of shape \(fmt(targets.shape))")
            }
            let seq = Array(flat[start..<(start + len)])
            if let bad = seq.first(where: { $0 < 0 || $0 >= classes }) {
                throw TensorError("ctc_loss", "target label \(bad) out of range [0, \(classes))")
            }
            out.append(seq)
            offset += len
        }
        return out
    }
}

/// The forward-backward recursions of one sample over the extended labels (blank, l1, blank, ...)
/// in probability space with per-step normalization (Rabiner scaling): log p is the sum of the
/// log scales, and the gradient is a ratio in which all scales cancel, so no log/exp sits in the
/// inner loops. The recursions run in Double: within one time step the states' probabilities
/// span far more than float32's range once a model is peaky (e.g. blank-dominated early in CTC
/// training: the last states of a long target sit ~e^-400 below the first), and a state that
/// underflows to 0 made the loss infinite.
private struct CTCSample {
    let x: UnsafeMutablePointer<Float>  // dense [T, N, C]
    let t: Int, n: Int, c: Int, batch: Int
    let labels: [Int]
    let blank: Int

    @inline(__always) func lp(_ time: Int, _ cls: Int) -> Float { x[(time * n + batch) * c + cls] }

    /// Returns the loss; writes d loss / d log_probs of this sample into `grad` when given.
    func run(grad: UnsafeMutablePointer<Float>?, zeroInfinity: Bool) -> Float {
        let s = 2 * labels.count + 1
        let ext = (0..<s).map { $0 % 2 == 0 ? blank : labels[$0 / 2] }
        if t == 0 { return labels.isEmpty ? 0 : (zeroInfinity ? 0 : .infinity) }
        // Whether the transition j-2 -> j (skipping a blank) is allowed.
        let skip = (0..<s).map { $0 >= 2 && ext[$0] != blank && ext[$0] != ext[$0 - 2] }
        var y = [Double](repeating: 0, count: t * s)
        for time in 0..<t { for j in 0..<s { y[time * s + j] = Foundation.exp(Double(lp(time, ext[j]))) } }
        var alpha = [Double](repeating: 0, count: t * s)
        alpha[0] = y[0]
        if s > 1 { alpha[1] = y[1] }
        var logLik = Double(normalize(&alpha, 0, s))
        for time in 1..<t {
            let prev = (time - 1) * s, cur = time * s
            for j in 0..<s {
                var v = alpha[prev + j]
                if j >= 1 { v += alpha[prev + j - 1] }
                if skip[j] { v += alpha[prev + j - 2] }
                alpha[cur + j] = v * y[cur + j]
            }
            logLik += Double(normalize(&alpha, cur, s))
        }
        let last = (t - 1) * s
        logLik += (Foundation.log(s > 1 ? alpha[last + s - 1] + alpha[last + s - 2] : alpha[last]))
        let nll = logLik.isNaN ? Float.infinity : Float(-logLik)
        if nll == .infinity && zeroInfinity { return 0 }
        if let g = grad { backward(alpha, y, ext, skip, impossible: nll == .infinity, g) }
        return nll
    }

    /// Scales alpha[from..<from+count] to sum 1; returns log of the scale (-inf if all zero).
    private func normalize(_ a: inout [Double], _ from: Int, _ count: Int) -> Double {
        var sum: Double = 0
        for j in from..<(from + count) { sum += a[j] }
        if sum > 0 {
            let inv = 1 / sum
            for j in from..<(from + count) { a[j] *= inv }
        }
        return Foundation.log(sum)
    }

    private func backward(_ alpha: [Double], _ y: [Double], _ ext: [Int], _ skip: [Bool], impossible: Bool,
                          _ g: UnsafeMutablePointer<Float>) {
        let s = ext.count
        var beta = [Double](repeating: 0, count: t * s)
        beta[(t - 1) * s + s - 1] = y[(t - 1) * s + s - 1]
        if s > 1 { beta[(t - 1) * s + s - 2] = y[(t - 1) * s + s - 2] }
        _ = normalize(&beta, (t - 1) * s, s)
        for time in stride(from: t - 2, through: 0, by: -1) {
            let next = (time + 1) * s, cur = time * s
            for j in 0..<s {
                var v = beta[next + j]
                if j + 1 < s { v += beta[next + j + 1] }
                if j + 2 < s && skip[j + 2] { v += beta[next + j + 2] }
                beta[cur + j] = v * y[cur + j]
            }
            _ = normalize(&beta, cur, s)
        }
        var acc = [Double](repeating: 0, count: c)
        for time in 0..<t {
            let row = g + (time * n + batch) * c
            if impossible {
                for k in 0..<c { row[k] = .nan }
                continue
            }
            for k in 0..<c { acc[k] = 0 }
            var total: Double = 0
            for j in 0..<s {
                let i = time * s + j
                let z = y[i] > 0 ? alpha[i] * beta[i] / y[i] : 0
                acc[ext[j]] += z
                total += z
            }
            // d(-log p)/d lp(t, k) = -(sum over s with label k of alpha beta / y) / p; scales cancel.
            let inv = 1 / total
            for k in 0..<c { row[k] = Float(-acc[k] * inv) }
        }
    }
}
