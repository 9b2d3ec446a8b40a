import Foundation

/// `librosa.effects.time_stretch(y, rate)` (librosa 0.11 defaults): STFT with n_fft 2048, hop 512,
/// periodic Hann, `center` with zero padding → phase vocoder → inverse STFT of length `round(N / rate)`.
enum TimeStretch {
    static let nFFT = 2048
    static let hop = 512

    static func apply(_ y: [Double], rate: Double) -> [Double] {
        let spec = Spectrogram(nFFT: nFFT, hop: hop, center: true)
        let stft = spec.complex(y)
        let (re, im, steps) = phaseVocoder(stft.re, stft.im, frames: stft.frames, bins: spec.numBins, rate: rate)
        let length = Int((Double(y.count) / rate).rounded(.toNearestOrEven))
        return inverseSTFT(re, im, frames: steps, bins: spec.numBins, window: spec.window, length: length)
    }

    /// `librosa.phase_vocoder`: magnitudes interpolated between neighbouring frames, phases advanced
    /// by the expected `hop·ω_k` plus the wrapped measured deviation. Frames `[0, n)` step `rate`.
    static func phaseVocoder(_ re: [Double], _ im: [Double], frames: Int, bins: Int, rate: Double)
        -> (re: [Double], im: [Double], frames: Int) {
        let steps = Int((Double(frames) / rate).rounded(.up))
        let freqStep = 1.0 / (Double(nFFT) * (1.0 / (2 * Double.pi)))
        let advance = (0..<bins).map { Double(hop) * (Double($0) * freqStep) }
        func col(_ t: Int, _ k: Int) -> (Double, Double) { t < frames ? (re[t * bins + k], im[t * bins + k]) : (0, 0) }
        var phase = (0..<bins).map { k in atan2(im[k], re[k]) }
        var outRe = [Double](repeating: 0, count: steps * bins), outIm = outRe
        for t in 0..<steps {
            let step = Double(t) * rate
            let i = Int(step), alpha = step - floor(step)
            for k in 0..<bins {
                let (r0, i0) = col(i, k), (r1, i1) = col(i + 1, k)
                let mag = (1 - alpha) * (r0 * r0 + i0 * i0).squareRoot() + alpha * (r1 * r1 + i1 * i1).squareRoot()
                outRe[t * bins + k] = mag * cos(phase[k])
                outIm[t * bins + k] = mag * sin(phase[k])
                var d = atan2(i1, r1) - atan2(i0, r0) - advance[k]
                d -= 2 * Double.pi * (d / (2 * Double.pi)).rounded(.toNearestOrEven)
                phase[k] += advance[k] + d
            }
        }
        return (outRe, outIm, steps)
    }

    /// `librosa.istft(..., length)` with `center`: windowed overlap-add of the inverse FFTs, divided
    /// by the window's sum-square envelope where it exceeds the smallest normal double.
    static func inverseSTFT(_ re: [Double], _ im: [Double], frames: Int, bins: Int, window: [Double], length: Int) -> [Double] {
        let pad = nFFT / 2
        let nFrames = min(frames, Int((Double(length + 2 * pad) / Double(hop)).rounded(.up)))
        var y = [Double](repeating: 0, count: length)
        var envelope = [Double](repeating: 0, count: length)
        let ifft = InverseRealFFT(size: nFFT)
        for t in 0..<nFrames {
            for k in 0..<bins {
                ifft.input[2 * k] = re[t * bins + k]
                ifft.input[2 * k + 1] = (k == 0 || k == bins - 1) ? 0 : im[t * bins + k]
            }
            ifft.execute()
            let start = t * hop - pad
            for i in 0..<nFFT where start + i >= 0 && start + i < length {
                y[start + i] += window[i] * (ifft.output[i] / Double(nFFT))
                envelope[start + i] += window[i] * window[i]
            }
        }
        for i in 0..<length where envelope[i] > Double.leastNormalMagnitude { y[i] /= envelope[i] }
        return y
    }
}
