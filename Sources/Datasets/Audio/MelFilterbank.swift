import Foundation

/// librosa's `filters.mel(sr, n_fft, n_mels, fmin, fmax)` with the Slaney mel scale and Slaney
/// area normalisation, stored as librosa stores it: float32 weights (each triangle rounded to float32,
/// then multiplied by `2 / (f[i+2] − f[i])` and rounded again), applied in float64.
///
/// `melSpectrum[t, m] = Σ_f S[t, f] · W[m, f]`, with W of shape `[n_mels, n_fft/2 + 1]`.
struct MelFilterbank {
    let numMels: Int
    let numBins: Int
    /// Row-major `[n_mels, bins]` weights (float32 values held as Double).
    let weights: [Double]
    /// Per mel band the range of bins with a non-zero weight.
    private let support: [Range<Int>]

    init(sampleRate: Int, nFFT: Int, numMels: Int, fmin: Double, fmax: Double?) {
        self.numMels = numMels
        numBins = nFFT / 2 + 1
        let fftFreqs = MelFilterbank.fftFrequencies(sampleRate: sampleRate, nFFT: nFFT)
        let melF = MelFilterbank.melFrequencies(numMels + 2, fmin: fmin, fmax: fmax ?? Double(sampleRate) / 2)
        var w = [Double](repeating: 0, count: numMels * numBins)
        var support: [Range<Int>] = []
        for i in 0..<numMels {
            let lowDiff = melF[i + 1] - melF[i], highDiff = melF[i + 2] - melF[i + 1]
            let enorm = 2.0 / (melF[i + 2] - melF[i])
            var first = numBins, last = -1
            for (f, freq) in fftFreqs.enumerated() {
                let lower = -(melF[i] - freq) / lowDiff
                let upper = (melF[i + 2] - freq) / highDiff
                let tri = Double(Float(max(0, min(lower, upper))))
                let v = Double(Float(tri * enorm))
                w[i * numBins + f] = v
                if v != 0 { first = min(first, f); last = f }
            }
            support.append(last >= first ? first..<(last + 1) : 0..<0)
        }
        weights = w
        self.support = support
    }

    /// `numpy.fft.rfftfreq(n_fft, 1/sr)`: `i · (1 / (n · (1/sr)))`.
    static func fftFrequencies(sampleRate: Int, nFFT: Int) -> [Double] {
        let val = 1.0 / (Double(nFFT) * (1.0 / Double(sampleRate)))
        return (0...(nFFT / 2)).map { Double($0) * val }
    }

    /// Slaney `hz_to_mel`: linear below 1 kHz (200/3 Hz per mel), logarithmic above.
    static func hzToMel(_ f: Double) -> Double {
        let fsp = 200.0 / 3, minLogHz = 1000.0, minLogMel = minLogHz / fsp, logstep = log(6.4) / 27.0
        return f >= minLogHz ? minLogMel + log(f / minLogHz) / logstep : f / fsp
    }

    /// Slaney `mel_to_hz`.
    static func melToHz(_ m: Double) -> Double {
        let fsp = 200.0 / 3, minLogHz = 1000.0, minLogMel = minLogHz / fsp, logstep = log(6.4) / 27.0
        return m >= minLogMel ? minLogHz * exp(logstep * (m - minLogMel)) : 0.0 + fsp * m
    }

    /// `mel_frequencies(n, fmin, fmax)`: n frequencies evenly spaced on the mel scale (numpy linspace).
    static func melFrequencies(_ n: Int, fmin: Double, fmax: Double) -> [Double] {
        let lo = hzToMel(fmin), hi = hzToMel(fmax)
        let step = (hi - lo) / Double(n - 1)
        return (0..<n).map { i in melToHz(i == n - 1 ? hi : Double(i) * step + lo) }
    }

    /// `W · S` for one frame: `bins` power values → `n_mels` values written to `out`.
    func apply(_ spectrum: UnsafeBufferPointer<Double>, into out: UnsafeMutablePointer<Double>) {
        weights.withUnsafeBufferPointer { w in
            for m in 0..<numMels {
                var acc = 0.0
                for f in support[m] { acc += spectrum[f] * w[m * numBins + f] }
                out[m] = acc
            }
        }
    }
}
