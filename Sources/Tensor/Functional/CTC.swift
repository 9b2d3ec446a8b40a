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
/// in log space. (Probability space with per-step scaling underflows when the model is peaked:
/// states on a feasible path fall below 1e-38 of the best state and become 0, giving an infinite
/// loss for alignments that are possible.) The gradient at each step is a ratio of sums shifted
/// by their maximum, so it needs no global normalization.
private struct CTCSample {
    let x: UnsafeMutablePointer<Float>  // dense [T, N, C]
    let t: Int, n: Int, c: Int, batch: Int
    let labels: [Int]
    let blank: Int

    @inline(__always) func lp(_ time: Int, _ cls: Int) -> Float { x[(time * n + batch) * c + cls] }

    /// log(exp(a) + exp(b) + exp(c)) with -inf for absent terms.
    @inline(__always) static func logAdd(_ a: Float, _ b: Float, _ c: Float) -> Float {
        let m = Swift.max(a, Swift.max(b, c))
        if m == -.infinity { return -.infinity }
        return m + Foundation.log(FastMath.exp(a - m) + FastMath.exp(b - m) + FastMath.exp(c - m))
    }

    /// Returns the loss; writes d loss / d log_probs of this sample into `grad` when given.
    func run(grad: UnsafeMutablePointer<Float>?, zeroInfinity: Bool) -> Float {
        let s = 2 * labels.count + 1
        let ext = (0..<s).map { $0 % 2 == 0 ? blank : labels[$0 / 2] }
        if t == 0 { return labels.isEmpty ? 0 : (zeroInfinity ? 0 : .infinity) }
        // Whether the transition j-2 -> j (skipping a blank) is allowed.
        let skip = (0..<s).map { $0 >= 2 && ext[$0] != blank && ext[$0] != ext[$0 - 2] }
        var alpha = [Float](repeating: -.infinity, count: t * s)
        alpha[0] = lp(0, ext[0])
        if s > 1 { alpha[1] = lp(0, ext[1]) }
        for time in 1..<t {
            let prev = (time - 1) * s, cur = time * s
            for j in 0..<s {
                let a = alpha[prev + j]
                let b = j >= 1 ? alpha[prev + j - 1] : -.infinity
                let c = skip[j] ? alpha[prev + j - 2] : -.infinity
                alpha[cur + j] = Self.logAdd(a, b, c) + lp(time, ext[j])
            }
        }
        let last = (t - 1) * s
        let logLik = s > 1 ? Self.logAdd(alpha[last + s - 1], alpha[last + s - 2], -.infinity) : alpha[last]
        let nll = logLik.isNaN || logLik == -.infinity ? Float.infinity : -logLik
        if nll == .infinity && zeroInfinity { return 0 }
        if let g = grad { backward(alpha, ext, skip, impossible: nll == .infinity, g) }
        return nll
    }

    private func backward(_ alpha: [Float], _ ext: [Int], _ skip: [Bool], impossible: Bool, _ g: UnsafeMutablePointer<Float>) {
        let s = ext.count
        var beta = [Float](repeating: -.infinity, count: t * s)
        beta[(t - 1) * s + s - 1] = lp(t - 1, ext[s - 1])
        if s > 1 { beta[(t - 1) * s + s - 2] = lp(t - 1, ext[s - 2]) }
        for time in stride(from: t - 2, through: 0, by: -1) {
            let next = (time + 1) * s, cur = time * s
            for j in 0..<s {
                let a = beta[next + j]
                let b = j + 1 < s ? beta[next + j + 1] : -.infinity
                let c = j + 2 < s && skip[j + 2] ? beta[next + j + 2] : -.infinity
                beta[cur + j] = Self.logAdd(a, b, c) + lp(time, ext[j])
            }
        }
        var acc = [Float](repeating: 0, count: c)
        var v = [Float](repeating: 0, count: s)
        for time in 0..<t {
            let row = g + (time * n + batch) * c
            if impossible {
                for k in 0..<c { row[k] = .nan }
                continue
            }
            // alpha beta / y per state, as logs; shifted by the maximum so the sums stay finite.
            var m = -Float.infinity
            for j in 0..<s {
                let i = time * s + j
                v[j] = alpha[i] + beta[i] - lp(time, ext[j])
                m = Swift.max(m, v[j])
            }
            for k in 0..<c { acc[k] = 0 }
            var total: Float = 0
            for j in 0..<s where v[j] > -.infinity {
                let z = FastMath.exp(v[j] - m)
                acc[ext[j]] += z
                total += z
            }
            // d(-log p)/d lp(t, k) = -(sum over s with label k of alpha beta / y) / p.
            let inv = 1 / total
            for k in 0..<c { row[k] = -acc[k] * inv }
        }
    }
}
