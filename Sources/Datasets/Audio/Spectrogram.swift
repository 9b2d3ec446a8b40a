import CFFTW
import Foundation

/// librosa's short-time spectra in float64: `|stft(y, n_fft, hop, win_length, window="hann", center,
/// pad_mode="constant")|^power`, laid out `[frames, n_fft / 2 + 1]` (time-major).
///
/// `center` pads `n_fft / 2` zeros on each side; frames = `1 + (len + 2·(n_fft/2) − n_fft) / hop`
/// (`1 + (len − n_fft) / hop` without centering). The window is the periodic Hann window of
/// `win_length`, zero-padded to `n_fft` with the window centred, as `librosa.filters.get_window`
/// plus `util.pad_center` do. The FFT is FFTW's real-to-complex transform in double precision.
struct Spectrogram {
    let nFFT: Int
    let hop: Int
    let center: Bool
    let window: [Double]

    init(nFFT: Int, hop: Int, winLength: Int? = nil, center: Bool) {
        self.nFFT = nFFT
        self.hop = hop
        self.center = center
        let w = Spectrogram.hann(winLength ?? nFFT)
        var padded = [Double](repeating: 0, count: nFFT)
        let left = (nFFT - w.count) / 2
        for i in 0..<w.count { padded[left + i] = w[i] }
        window = padded
    }

    /// Number of bins, `n_fft / 2 + 1`.
    var numBins: Int { nFFT / 2 + 1 }

    /// Number of frames for `n` samples (0 if the signal is too short without centering).
    func numFrames(_ n: Int) -> Int {
        let padded = n + (center ? 2 * (nFFT / 2) : 0)
        return padded < nFFT ? 0 : 1 + (padded - nFFT) / hop
    }

    /// scipy's `get_window("hann", M, fftbins=True)`: `0.5 + 0.5·cos(x)`, x = linspace(−π, π, M+1)[:M].
    static func hann(_ m: Int) -> [Double] {
        guard m > 1 else { return [Double](repeating: 1, count: m) }
        let step = 2 * Double.pi / Double(m)
        return (0..<m).map { i in 0.5 + 0.5 * cos(Double(i) * step + -Double.pi) }
    }

    /// Copies frame `t` of `signal` (zero outside the signal) times `weights` into `out`.
    func frame(_ t: Int, of signal: UnsafeBufferPointer<Double>, weights: [Double]?, into out: UnsafeMutablePointer<Double>) {
        let start = t * hop - (center ? nFFT / 2 : 0)
        // The part of the frame inside the signal; the rest is the zero padding.
        let lo = max(0, -start), hi = min(nFFT, signal.count - start)
        out.update(repeating: 0, count: nFFT)
        guard lo < hi else { return }
        if let w = weights {
            w.withUnsafeBufferPointer { w in
                for i in lo..<hi { out[i] = signal[start + i] * w[i] }
            }
        } else {
            for i in lo..<hi { out[i] = signal[start + i] }
        }
    }

    /// `|STFT|^power` as `[frames × bins]`; `power` is 1 (magnitude) or 2 (power).
    func compute(_ signal: [Double], power: Int) -> (values: [Double], frames: Int) {
        let frames = numFrames(signal.count), bins = numBins
        var out = [Double](repeating: 0, count: frames * bins)
        out.withUnsafeMutableBufferPointer { dst in
            forEachFrame(signal, power: power) { t, row in
                (dst.baseAddress! + t * bins).update(from: row.baseAddress!, count: bins)
            }
        }
        return (out, frames)
    }

    /// Calls `body(t, row)` with each frame's `|STFT|^power` (`bins` values, valid during the call),
    /// so long signals need no `[frames × bins]` buffer.
    func forEachFrame(_ signal: [Double], power: Int, _ body: (Int, UnsafeBufferPointer<Double>) -> Void) {
        let frames = numFrames(signal.count), bins = numBins
        guard frames > 0 else { return }
        let fft = RealFFT(size: nFFT)
        var row = [Double](repeating: 0, count: bins)
        signal.withUnsafeBufferPointer { sig in
            row.withUnsafeMutableBufferPointer { r in
                for t in 0..<frames {
                    frame(t, of: sig, weights: window, into: fft.input)
                    fft.execute()
                    for k in 0..<bins {
                        let re = fft.output[2 * k], im = fft.output[2 * k + 1]
                        let p = re * re + im * im
                        r[k] = power == 2 ? p : p.squareRoot()
                    }
                    body(t, UnsafeBufferPointer(r))
                }
            }
        }
    }

    /// The complex STFT (Hann window, zero padding as in `compute`): `[frames × bins]` (re, im) pairs.
    func complex(_ signal: [Double]) -> (re: [Double], im: [Double], frames: Int) {
        let frames = numFrames(signal.count), bins = numBins
        var re = [Double](repeating: 0, count: frames * bins), im = re
        let fft = RealFFT(size: nFFT)
        signal.withUnsafeBufferPointer { sig in
            for t in 0..<frames {
                frame(t, of: sig, weights: window, into: fft.input)
                fft.execute()
                for k in 0..<bins {
                    re[t * bins + k] = fft.output[2 * k]
                    im[t * bins + k] = fft.output[2 * k + 1]
                }
            }
        }
        return (re, im, frames)
    }

    /// librosa's `feature.rms(y, frame_length=n_fft, hop_length, center)`: per frame
    /// `sqrt(mean(x²))` over the unwindowed frame (zero padding as in `compute`).
    func rms(_ signal: [Double]) -> [Double] {
        let frames = numFrames(signal.count)
        var buf = [Double](repeating: 0, count: nFFT)
        return signal.withUnsafeBufferPointer { sig in
            (0..<frames).map { t in
                buf.withUnsafeMutableBufferPointer { frame(t, of: sig, weights: nil, into: $0.baseAddress!) }
                var s = 0.0
                for x in buf { s += x * x }
                return (s / Double(nFFT)).squareRoot()
            }
        }
    }
}

/// One FFTW complex-to-real plan of a given size (unnormalised, like FFTW: divide by `size` for
/// numpy's `irfft`). The imaginary parts of the DC and Nyquist bins are ignored, as `irfft` does.
final class InverseRealFFT {
    let size: Int
    /// Interleaved complex input, `size / 2 + 1` pairs (re, im); overwritten by `execute`.
    let input: UnsafeMutablePointer<Double>
    let output: UnsafeMutablePointer<Double>
    private let plan: OpaquePointer

    init(size: Int) {
        self.size = size
        input = UnsafeMutablePointer<Double>.allocate(capacity: 2 * (size / 2 + 1))
        output = UnsafeMutablePointer<Double>.allocate(capacity: size)
        input.initialize(repeating: 0, count: 2 * (size / 2 + 1))
        output.initialize(repeating: 0, count: size)
        RealFFT.plannerLock.lock()
        let inp = UnsafeMutableRawPointer(input).assumingMemoryBound(to: fftw_complex.self)
        plan = fftw_plan_dft_c2r_1d(Int32(size), inp, output, UInt32(FFTW_ESTIMATE))
        RealFFT.plannerLock.unlock()
    }

    deinit {
        RealFFT.plannerLock.lock()
        fftw_destroy_plan(plan)
        RealFFT.plannerLock.unlock()
        input.deallocate()
        output.deallocate()
    }

    func execute() { fftw_execute(plan) }
}

/// One FFTW real-to-complex plan of a given size with its own buffers (one instance per thread).
final class RealFFT {
    let size: Int
    let input: UnsafeMutablePointer<Double>
    /// Interleaved complex output, `size / 2 + 1` pairs (re, im).
    let output: UnsafeMutablePointer<Double>
    private let plan: OpaquePointer

    /// FFTW's planner is not thread-safe; execution of distinct plans is.
    static let plannerLock = NSLock()

    init(size: Int) {
        self.size = size
        input = UnsafeMutablePointer<Double>.allocate(capacity: size)
        output = UnsafeMutablePointer<Double>.allocate(capacity: 2 * (size / 2 + 1))
        input.initialize(repeating: 0, count: size)
        output.initialize(repeating: 0, count: 2 * (size / 2 + 1))
        RealFFT.plannerLock.lock()
        let out = UnsafeMutableRawPointer(output).assumingMemoryBound(to: fftw_complex.self)
        plan = fftw_plan_dft_r2c_1d(Int32(size), input, out, UInt32(FFTW_ESTIMATE))
        RealFFT.plannerLock.unlock()
    }

    deinit {
        RealFFT.plannerLock.lock()
        fftw_destroy_plan(plan)
        RealFFT.plannerLock.unlock()
        input.deallocate()
        output.deallocate()
    }

    /// Transforms `input` into `output`.
    func execute() { fftw_execute(plan) }
}
