import Foundation

/// `librosa.effects.pitch_shift(y, sr, n_steps)` (librosa 0.11 defaults: 12 bins per octave,
/// `res_type="soxr_hq"`, no scaling): time stretch by `rate = 2^(−n_steps/12)`, resample from
/// `sr / rate` to `sr` with libsoxr (`Resampler`), `fix_length` to `ceil(len · ratio)` and then to
/// the input length.
enum PitchShift {
    static func apply(_ y: [Double], sampleRate: Int, nSteps: Double, binsPerOctave: Int = 12) throws -> [Double] {
        let rate = pow(2.0, -nSteps / Double(binsPerOctave))
        let stretched = TimeStretch.apply(y, rate: rate)
        let origRate = Double(sampleRate) / rate, targetRate = Double(sampleRate)
        var shifted = stretched
        if origRate != targetRate {
            let ratio = targetRate / origRate
            let resampled = try Resampler.soxrHQ(stretched, inRate: origRate, outRate: targetRate)
            shifted = fixLength(resampled, Int((Double(stretched.count) * ratio).rounded(.up)))
        }
        return fixLength(shifted, y.count)
    }

    /// `librosa.util.fix_length`: truncate, or pad zeros at the end.
    static func fixLength(_ x: [Double], _ size: Int) -> [Double] {
        if x.count >= size { return Array(x.prefix(size)) }
        return x + [Double](repeating: 0, count: size - x.count)
    }
}
