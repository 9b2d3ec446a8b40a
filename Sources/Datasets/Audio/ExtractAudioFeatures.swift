/// RETURNN's `ExtractAudioFeatures`: decoded audio → float32 features `[frames, dim]`.
///
/// Order as in the original: preemphasis (`y[n] = x[n] − p·x[n−1]`) → peak normalisation →
/// random_permute → pre_process → feature function → deltas → norm mean → norm std →
/// join_frames → post_process. Not thread-safe (it owns a random state); one per dataset.
public final class ExtractAudioFeatures {
    public let options: AudioFeatureOptions
    /// The `RandomState` of `random_permute` (OggZipDataset seeds it per epoch).
    public var randomState: RandomState

    public init(options: AudioFeatureOptions, randomSeed: UInt32 = 1) {
        self.options = options
        randomState = RandomState(seed: randomSeed)
    }

    /// `get_feature_dimension()`.
    public var featureDimension: Int { options.featureDimension }

    /// `get_audio_features_from_raw_bytes`: decodes (libsndfile) and extracts.
    public func features(fromBytes bytes: [UInt8], seqName: String? = nil) throws -> BatchArray {
        try features(audio: try AudioDecoder.decode(bytes), seqName: seqName)
    }

    /// `get_audio_features` of decoded audio.
    public func features(audio: DecodedAudio, seqName: String? = nil) throws -> BatchArray {
        let o = options
        if let sr = o.sampleRate, sr != audio.sampleRate {
            throw AudioError(message: "audio has sample rate \(audio.sampleRate), sample_rate=\(sr) was asked for; the original implements no conversion")
        }
        if audio.channels > 1 && !(o.kind == .raw && o.numChannels != nil) {
            throw AudioError(message: "audio has \(audio.channels) channels; only features='raw' with num_channels supports more than one")
        }
        var samples = audio.samples
        if let p = o.preemphasis, p != 0 {
            guard audio.channels == 1 else { throw AudioError(message: "preemphasis needs mono audio") }
            for i in stride(from: samples.count - 1, to: 0, by: -1) { samples[i] -= p * samples[i - 1] }
        }
        if o.peakNormalization, let peak = samples.lazy.map(abs).max(), peak != 0 {
            for i in 0..<samples.count { samples[i] /= peak }
        }
        if let rp = o.randomPermute {
            guard audio.channels == 1 else { throw AudioError(message: "random_permute needs mono audio") }
            samples = try RandomPermute.apply(samples, sampleRate: audio.sampleRate, options: rp, rng: &randomState)
        }
        if let pre = o.preProcess { samples = try pre(samples, audio.sampleRate) }
        var x: FeatureMatrix
        if o.kind == .raw, let ch = o.numChannels {
            guard ch == audio.channels else {
                throw AudioError(message: "audio has \(audio.channels) channels, num_channels=\(ch)")
            }
            x = FeatureMatrix(values: samples.map(Float.init), frames: samples.count / ch, dim: 1, channels: ch,
                              timeContiguous: ch == 1)
        } else {
            x = try AudioFeatureFunctions.compute(o, audio: samples, sampleRate: audio.sampleRate)
        }
        return try transform(x, seqName: seqName)
    }

    private func transform(_ input: FeatureMatrix, seqName: String?) throws -> BatchArray {
        let o = options
        var x = input
        if o.withDelta > 0 {
            guard x.frames >= 9 else {
                throw AudioError(message: "with_delta needs at least 9 frames (savgol width 9), got \(x.frames)")
            }
            x = FeatureTransforms.appendDeltas(x, upTo: o.withDelta)
        }
        if let m = o.normMean { FeatureTransforms.subtractMean(&x, m) }
        if let s = o.normStdDev { FeatureTransforms.divideStdDev(&x, s) }
        if let j = o.joinFrames { x = FeatureTransforms.joinFrames(x, j) }
        var out = BatchArray(float32: x.values, shape: x.shape)
        if let post = o.postProcess {
            out = try post(out, seqName)
            guard out.shape.count == x.shape.count, out.shape.last == featureDimension else {
                throw AudioError(message: "post_process returned shape \(out.shape); expected \(x.shape.count) axes with last \(featureDimension)")
            }
        }
        return out
    }
}
