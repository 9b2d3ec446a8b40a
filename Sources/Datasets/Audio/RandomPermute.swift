import Foundation

/// The original's `_get_random_permuted_audio`: draws from the dataset's `RandomState` in the
/// original's order (scale, zoom switch [+ factor], stretch switch [+ rate], pitch switch [+ steps]).
///
/// The gain, `scipy.ndimage.zoom(order=3)`, librosa's `time_stretch` and librosa's `pitch_shift`
/// (phase vocoder, then soxr HQ resampling by libsoxr: `PitchShift`).
enum RandomPermute {
    /// `numpy RandomState.uniform(low, high)` = `low + (high − low)·random_sample()`.
    static func uniform(_ rng: inout RandomState, _ low: Double, _ high: Double) -> Double {
        low + (high - low) * rng.randomSample()
    }

    static func apply(_ audio: [Double], sampleRate: Int, options o: RandomPermuteOptions, rng: inout RandomState) throws -> [Double] {
        let gain = uniform(&rng, o.scaleLower, o.scaleUpper)
        var out = audio.map { $0 * gain }
        if uniform(&rng, 0, 1) < o.zoomSwitch {
            out = zoomCubic(out, factor: uniform(&rng, o.zoomLower, o.zoomUpper))
        }
        if uniform(&rng, 0, 1) < o.stretchSwitch {
            out = TimeStretch.apply(out, rate: uniform(&rng, o.stretchLower, o.stretchUpper))
        }
        if uniform(&rng, 0, 1) < o.pitchSwitch {
            out = try PitchShift.apply(out, sampleRate: sampleRate, nSteps: uniform(&rng, o.pitchLower, o.pitchUpper))
        }
        return out
    }

    /// `scipy.ndimage.zoom(x, factor, order=3)` for 1-d input: cubic B-spline interpolation
    /// (prefilter with mirror boundary) at `i·((N−1)/(M−1))`, `M = round(N·factor)`; a coordinate
    /// that rounds beyond `N−1` gives 0 (scipy's `mode="constant"`).
    static func zoomCubic(_ x: [Double], factor: Double) -> [Double] {
        let n = x.count
        let m = Int((Double(n) * factor).rounded(.toNearestOrEven))
        guard n > 1, m > 0 else { return [Double](repeating: x.first ?? 0, count: max(m, 0)) }
        let c = splineCoefficients(x)
        let step = m > 1 ? Double(n - 1) / Double(m - 1) : 1
        func mirror(_ i: Int) -> Int {
            let period = 2 * (n - 1)
            var j = abs(i) % period
            if j >= n { j = period - j }
            return j
        }
        return (0..<m).map { i in
            let pos = Double(i) * step
            // mode="constant": a coordinate rounded past the last sample reads cval 0, as scipy does.
            if pos > Double(n - 1) { return 0 }
            let f = floor(pos), t = pos - f
            let base = Int(f) - 1
            let w0 = (1 - t) * (1 - t) * (1 - t) / 6
            let w1 = (4 - 6 * t * t + 3 * t * t * t) / 6
            let w2 = (1 + 3 * t + 3 * t * t - 3 * t * t * t) / 6
            let w3 = t * t * t / 6
            return w0 * c[mirror(base)] + w1 * c[mirror(base + 1)] + w2 * c[mirror(base + 2)] + w3 * c[mirror(base + 3)]
        }
    }

    /// Cubic B-spline coefficients (pole √3 − 2, gain 6) with mirror-symmetric boundaries.
    static func splineCoefficients(_ x: [Double]) -> [Double] {
        let n = x.count
        let z = 3.0.squareRoot() - 2
        var c = x.map { $0 * 6 }
        let zn1 = pow(z, Double(n - 1))
        var zi = z
        var c0 = c[0] + zn1 * c[n - 1]
        for i in 1..<(n - 1) {
            c0 += zi * (c[i] + zn1 * c[n - 1 - i])
            zi *= z
        }
        c[0] = c0 / (1 - zn1 * zn1)
        for i in 1..<n { c[i] += z * c[i - 1] }
        c[n - 1] = (z * c[n - 2] + c[n - 1]) * z / (z * z - 1)
        for i in stride(from: n - 2, through: 0, by: -1) { c[i] = z * (c[i + 1] - c[i]) }
        return c
    }
}
