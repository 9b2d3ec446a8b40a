import Foundation

/// The original's feature functions (`_get_audio_features_mfcc` etc.), computed in float64 on
/// mono samples and rounded to float32 at the end, as the original's `.astype("float32")`.
enum AudioFeatureFunctions {
    struct Framing {
        let nFFT: Int
        let hop: Int
    }

    /// `n_fft = int(window_len·sr)`, `hop = int(step_len·sr)` (Python truncation).
    static func framing(_ o: AudioFeatureOptions, sampleRate sr: Int) throws -> Framing {
        let n = Int(o.windowLen * Double(sr)), hop = Int(o.stepLen * Double(sr))
        guard n > 0, hop > 0 else {
            throw AudioError(message: "window_len \(o.windowLen) / step_len \(o.stepLen) give no samples at \(sr) Hz")
        }
        return Framing(nFFT: n, hop: hop)
    }

    static func compute(_ o: AudioFeatureOptions, audio: [Double], sampleRate sr: Int) throws -> FeatureMatrix {
        let fr = try framing(o, sampleRate: sr)
        switch o.kind {
        case .raw:
            return FeatureMatrix(values: audio.map(Float.init), frames: audio.count, dim: 1, channels: nil)
        case .linear_spectrogram:
            return try linear(o, audio: audio, framing: fr)
        case .mfcc:
            return try mfcc(o, audio: audio, sampleRate: sr, framing: fr)
        case .log_mel_filterbank, .log_log_mel_filterbank, .db_mel_filterbank:
            let isDb = o.kind == .db_mel_filterbank
            let (mel, frames) = try melSpectrogram(audio, sampleRate: sr, framing: fr, numMels: o.numFeatureFilters,
                                                   fmin: isDb ? o.fmin : 0, fmax: isDb ? o.fmax : nil,
                                                   center: isDb ? o.center : true)
            let out: [Double]
            switch o.kind {
            case .log_mel_filterbank: out = mel.map { log(max(1e-3, $0)) }
            case .log_log_mel_filterbank: out = powerToDb(mel.map { let l = log(max(1e-3, $0)); return l * l })
            default: out = mel.map { 20 * log10(max(o.minAmp, $0)) }
            }
            return FeatureMatrix(values: out.map(Float.init), frames: frames, dim: o.numFeatureFilters, channels: nil)
        }
    }

    /// `melspectrogram(y, sr, n_fft, hop, center, n_mels, fmin, fmax)` (power 2) as `[frames × n_mels]`.
    static func melSpectrogram(_ audio: [Double], sampleRate sr: Int, framing fr: Framing, numMels: Int,
                               fmin: Double, fmax: Double?, center: Bool) throws -> ([Double], Int) {
        let spec = Spectrogram(nFFT: fr.nFFT, hop: fr.hop, center: center)
        let frames = spec.numFrames(audio.count)
        try requireFrames(frames, samples: audio.count, nFFT: fr.nFFT)
        let fb = MelFilterbank(sampleRate: sr, nFFT: fr.nFFT, numMels: numMels, fmin: fmin, fmax: fmax)
        var mel = [Double](repeating: 0, count: frames * numMels)
        mel.withUnsafeMutableBufferPointer { out in
            spec.forEachFrame(audio, power: 2) { t, row in fb.apply(row, into: out.baseAddress! + t * numMels) }
        }
        return (mel, frames)
    }

    private static func requireFrames(_ frames: Int, samples: Int, nFFT: Int) throws {
        guard frames > 0 else {
            throw AudioError(message: "audio of \(samples) samples is shorter than the window (n_fft \(nFFT)) and center=False")
        }
    }

    /// `power_to_db(S, ref=1, amin=1e-10, top_db=80)`: `max(10·log10(max(1e-10, S)), max − 80)`.
    static func powerToDb(_ s: [Double]) -> [Double] {
        var db = s.map { 10 * log10(max(1e-10, $0)) }
        guard let top = db.max() else { return db }
        for i in 0..<db.count { db[i] = max(db[i], top - 80) }
        return db
    }

    /// `librosa.feature.mfcc`: DCT-II (orthonormal) of `power_to_db(mel)` over the mel axis, first
    /// `n` coefficients, then coefficient 0 replaced by the frame RMS energy (the original's convention).
    /// `c_k = s_k · Σ_m x_m · cos(π·k·(2m+1) / (2M))`, `s_0 = √(1/M)`, `s_k = √(2/M)`.
    static func mfcc(_ o: AudioFeatureOptions, audio: [Double], sampleRate sr: Int, framing fr: Framing) throws -> FeatureMatrix {
        let nMels = o.nMels ?? 128, n = o.numFeatureFilters
        guard n <= nMels else {
            throw AudioError(message: "mfcc: num_feature_filters \(n) exceeds n_mels \(nMels)")
        }
        let (mel, frames) = try melSpectrogram(audio, sampleRate: sr, framing: fr, numMels: nMels,
                                               fmin: o.fmin, fmax: o.fmax, center: o.center)
        let db = powerToDb(mel)
        let m = Double(nMels)
        var basis = [Double](repeating: 0, count: n * nMels)
        for k in 0..<n {
            let scale = (k == 0 ? 1 / m : 2 / m).squareRoot()
            for j in 0..<nMels { basis[k * nMels + j] = scale * cos(Double.pi * Double(k) * Double(2 * j + 1) / (2 * m)) }
        }
        let rms = Spectrogram(nFFT: fr.nFFT, hop: fr.hop, center: o.center).rms(audio)
        var out = [Float](repeating: 0, count: frames * n)
        for t in 0..<frames {
            out[t * n] = Float(rms[t])
            for k in 1..<max(n, 1) {
                var acc = 0.0
                for j in 0..<nMels { acc += basis[k * nMels + j] * db[t * nMels + j] }
                out[t * n + k] = Float(acc)
            }
        }
        return FeatureMatrix(values: out, frames: frames, dim: n, channels: nil)
    }

    /// `|stft(y, n_fft=2·dim, win_length=int(window_len·sr), hop, center)|` without the DC bin.
    static func linear(_ o: AudioFeatureOptions, audio: [Double], framing fr: Framing) throws -> FeatureMatrix {
        let dim = o.numFeatureFilters
        guard 2 * dim >= fr.nFFT else {
            throw AudioError(message: "linear_spectrogram needs 2·num_feature_filters (\(2 * dim)) >= window samples (\(fr.nFFT)), as the original asserts")
        }
        let spec = Spectrogram(nFFT: 2 * dim, hop: fr.hop, winLength: fr.nFFT, center: o.center)
        let (mag, frames) = spec.compute(audio, power: 1)
        try requireFrames(frames, samples: audio.count, nFFT: 2 * dim)
        var out = [Float](repeating: 0, count: frames * dim)
        let bins = spec.numBins
        for t in 0..<frames {
            for k in 0..<dim { out[t * dim + k] = Float(mag[t * bins + k + 1]) }
        }
        return FeatureMatrix(values: out, frames: frames, dim: dim, channels: nil)
    }
}
