/// The scheduling rules of RETURNN's ConstantLearningRate, NewbobRelative, NewbobAbs and NewbobMultiEpoch.
extension LearningRateControl {
    /// A new LR for an epoch without one: the min-epochs rule, then the algorithm's rule.
    func newLearningRate(forEpoch epoch: Int) throws -> Double? {
        let n = options.minNumEpochsPerNewLearningRate
        if n > 1 {
            let lastRates = lastEpochs(before: epoch, count: n).map { epochData[$0]!.learningRate }
            if Set(lastRates).count >= 2 || (lastRates.count > 0 && lastRates.count < n) {
                return lastRates.last!
            }
        }
        switch options.kind {
        case .constant: return constantRule(epoch)
        case .newbobRelative: return try newbobRelativeRule(epoch)
        case .newbobAbs: return try newbobAbsRule(epoch)
        case .newbobMultiEpoch: return try newbobMultiEpochRule(epoch)
        }
    }

    /// `lr * decay` clamped up to `min_learning_rate` when decaying; `lr * growth` when growing.
    func decayOrGrow(_ learningRate: Double, decay: Bool, grow: Bool) throws -> Double {
        guard !(decay && grow) else {
            throw LearningRateControlError(message: "learning-rate control: decay and growth at once (check newbob_relative_error_grow_threshold)")
        }
        var lr = learningRate
        if decay {
            if let update = options.decay { lr = try update.apply(lr) }
            if lr < options.minLearningRate { lr = options.minLearningRate }
        }
        if grow, let update = options.growth { lr = try update.apply(lr) }
        return lr
    }

    /// constant: the LR of the latest earlier epoch that has one, else the default.
    private func constantRule(_ epoch: Int) -> Double {
        var current = epoch
        while let last = lastEpoch(before: current) {
            if let lr = epochData[last]!.learningRate { return lr }
            current = last
        }
        return options.defaultLearningRate
    }

    /// newbob_rel: decay when the relative change of the last two epochs' scores exceeds the threshold.
    private func newbobRelativeRule(_ epoch: Int) throws -> Double {
        guard let last = lastEpoch(before: epoch), let lr = epochData[last]!.learningRate else {
            return options.defaultLearningRate
        }
        guard let last2 = lastEpoch(before: last), let relative = relativeError(old: last2, new: last) else {
            return lr
        }
        let decay = relative > options.relativeErrorThreshold
        return try decayOrGrow(lr, decay: decay, grow: !decay)
    }

    /// newbob_abs: decay when the absolute change of the last two epochs' scores exceeds the threshold.
    private func newbobAbsRule(_ epoch: Int) throws -> Double {
        guard let last = lastEpoch(before: epoch), let lr = epochData[last]!.learningRate else {
            return options.defaultLearningRate
        }
        guard let last2 = lastEpoch(before: last),
              let old = epochErrorKeyValue(last2), let new = epochErrorKeyValue(last), old.key == new.key else {
            return lr
        }
        let decay = new.value - old.value > options.errorThreshold
        return try decayOrGrow(lr, decay: decay, grow: !decay)
    }

    /// newbob_multi_epoch: every `update_interval` epochs, the mean relative change over the last
    /// `num_epochs` + 1 epochs decides decay (above the threshold) or growth (below the grow threshold).
    private func newbobMultiEpochRule(_ epoch: Int) throws -> Double {
        let lr = mostRecentLearningRate(before: epoch)
        let interval = options.multiUpdateInterval ?? options.multiNumEpochs
        if interval > 1 && epoch % interval != 1 { return lr }
        let epochs = lastEpochs(before: epoch, count: options.multiNumEpochs + 1)
        guard epochs.count >= 2 else { return lr }
        var relatives: [Double] = []
        for i in 0..<(epochs.count - 1) {
            guard let r = relativeError(old: epochs[i], new: epochs[i + 1]) else { return lr }
            relatives.append(r)
        }
        let mean = NumpySum.pairwise(relatives) / Double(relatives.count)
        let threshold = options.relativeErrorThreshold
        let growThreshold = options.relativeErrorGrowThreshold ?? threshold
        return try decayOrGrow(lr, decay: mean > threshold, grow: mean < growThreshold)
    }
}

/// numpy's float64 summation order (`pairwise_sum`), so means match `numpy.mean` bit for bit.
enum NumpySum {
    static func pairwise(_ a: [Double]) -> Double {
        a.withUnsafeBufferPointer { pairwise($0[...]) }
    }

    private static func pairwise(_ a: Slice<UnsafeBufferPointer<Double>>) -> Double {
        let n = a.count, start = a.startIndex
        if n < 8 {
            return a.reduce(0.0, +)  // numpy starts from -0.0; equal for every non-empty sum that matters here
        }
        if n <= 128 {
            var r = (0..<8).map { a[start + $0] }
            var i = 8
            while i < n - (n % 8) {
                for j in 0..<8 { r[j] += a[start + i + j] }
                i += 8
            }
            var sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
            while i < n {
                sum += a[start + i]
                i += 1
            }
            return sum
        }
        var half = n / 2
        half -= half % 8
        return pairwise(a[start..<(start + half)]) + pairwise(a[(start + half)...])
    }
}
