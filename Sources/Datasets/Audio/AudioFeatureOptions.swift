import Foundation

/// The options of RETURNN's `ExtractAudioFeatures` (the `audio` dict of `OggZipDataset`).
///
/// Defaults are the original's: `window_len` 0.025 s, `step_len` 0.010 s, `features` "mfcc",
/// `num_feature_filters` 40 for every type but `raw` (1), `peak_normalization` on.
public struct AudioFeatureOptions {
    /// A feature type the original computes with librosa.
    public enum Kind: String, CaseIterable {
        case mfcc, log_mel_filterbank, log_log_mel_filterbank, db_mel_filterbank, linear_spectrogram, raw
    }

    /// Per-dimension normalisation: `per_seq`, a scalar, or a vector (read from a file).
    public enum Norm: Equatable {
        case perSeq
        case scalar(Float)
        case vector([Float])
    }

    public var windowLen = 0.025
    public var stepLen = 0.010
    public var kind = Kind.mfcc
    public var numFeatureFilters = 40
    public var withDelta = 0
    public var normMean: Norm?
    public var normStdDev: Norm?
    /// `feature_options`: `n_mels`, `fmin`, `fmax`, `center`, `min_amp` as the feature function accepts them.
    public var nMels: Int?
    public var fmin = 0.0
    public var fmax: Double?
    public var center = true
    public var minAmp = 1e-10
    public var randomPermute: RandomPermuteOptions?
    public var sampleRate: Int?
    public var numChannels: Int?
    public var peakNormalization = true
    public var preemphasis: Double?
    public var joinFrames: Int?
    /// `pre_process(audio, sample_rate)`: set by the host (the language's callables), not by the dict.
    public var preProcess: (([Double], Int) throws -> [Double])?
    /// `post_process(feature_data, seq_name)` on the float32 `[T, dim]` features.
    public var postProcess: ((BatchArray, String?) throws -> BatchArray)?

    public init() {}

    /// `get_feature_dimension()`: `(with_delta + 1) · num_feature_filters · (join_frames or 1)`.
    public var featureDimension: Int { (withDelta + 1) * numFeatureFilters * (joinFrames ?? 1) }

    /// Reads the `audio` dict; `context` names the dataset for errors.
    public init(options: OptionValue, context: String) throws {
        let r = try OptionReader(options, context: context + ": audio")
        let k = r.context
        windowLen = try r.double("window_len") ?? windowLen
        stepLen = try r.double("step_len") ?? stepLen
        let name = try r.string("features") ?? "mfcc"
        if name == "raw_ogg" {
            throw DatasetError(file: k, key: "features", try r.int("num_feature_filters") == nil
                ? "you should explicitly specify num_feature_filters (dimension) for raw_ogg"
                : "raw_ogg needs the original's extern ParseOggVorbis module, which the original itself lacks; not supported")
        }
        if name == "f0" {
            throw DatasetError(file: k, key: "features", "'f0' (pyworld DIO + StoneMask) is not supported by mrsh")
        }
        guard let kind = Kind(rawValue: name) else {
            throw DatasetError(file: k, key: "features", "non-supported feature type '\(name)'"
                + didYouMean(name, in: Kind.allCases.map(\.rawValue) + ["f0", "raw_ogg"]))
        }
        self.kind = kind
        numFeatureFilters = try r.int("num_feature_filters") ?? (kind == .raw ? 1 : 40)
        withDelta = try Self.readWithDelta(r)
        joinFrames = try r.int("join_frames")
        try readFeatureOptions(r.value("feature_options"), context: k)
        normMean = try Self.readNorm(r.value("norm_mean"), key: "norm_mean", dim: featureDimension, context: k)
        normStdDev = try Self.readNorm(r.value("norm_std_dev"), key: "norm_std_dev", dim: featureDimension, context: k)
        randomPermute = try RandomPermuteOptions(r.value("random_permute"), context: k)
        sampleRate = try r.int("sample_rate")
        numChannels = try r.int("num_channels")
        peakNormalization = try r.bool("peak_normalization", default: true)
        preemphasis = try r.double("preemphasis")
        for key in ["pre_process", "post_process", "raw_ogg_opts", "random_state"] where r.value(key) != nil {
            throw DatasetError(file: k, key: key, "not supported in an options dict (pre/post_process are set from Swift)")
        }
        try r.finish()
        try validate(context: k)
    }

    private static func readWithDelta(_ r: OptionReader) throws -> Int {
        guard let v = r.value("with_delta") else { return 0 }
        switch v {
        case .bool(let b): return b ? 1 : 0
        case .int(let i) where i >= 0: return i
        default: throw DatasetError(file: r.context, key: "with_delta", "expected a bool or an int >= 0, got \(v)")
        }
    }

    /// The keys each feature function accepts (others raise `TypeError` in the original).
    private var acceptedFeatureOptions: [String] {
        switch kind {
        case .mfcc: return ["n_mels", "fmin", "fmax", "center"]
        case .db_mel_filterbank: return ["fmin", "fmax", "min_amp", "center"]
        case .linear_spectrogram: return ["center"]
        case .log_mel_filterbank, .log_log_mel_filterbank, .raw: return []
        }
    }

    private mutating func readFeatureOptions(_ v: OptionValue?, context: String) throws {
        guard let v else { return }
        guard case .dict(let entries) = v else {
            throw DatasetError(file: context, key: "feature_options", "expected a dict, got \(v)")
        }
        let fo = try OptionReader(v, context: context + ": feature_options")
        let accepted = acceptedFeatureOptions
        for e in entries where !accepted.contains(e.key) {
            throw DatasetError(file: context, key: "feature_options",
                               "'\(kind.rawValue)' takes no option '\(e.key)'" + (accepted.isEmpty ? "" : " (accepted: \(accepted))"))
        }
        nMels = try fo.int("n_mels")
        fmin = try fo.double("fmin") ?? 0
        fmax = try fo.double("fmax")
        center = try fo.bool("center", default: true)
        minAmp = try fo.double("min_amp") ?? minAmp
    }

    /// `norm_mean` / `norm_std_dev`: "per_seq", a number, or a file of `dim` numbers (`numpy.loadtxt`).
    private static func readNorm(_ v: OptionValue?, key: String, dim: Int, context: String) throws -> Norm? {
        switch v {
        case nil: return nil
        case .int(let i)?: return .scalar(Float(i))
        case .double(let d)?: return .scalar(Float(d))
        case .string("per_seq")?: return .perSeq
        case .string(let path)?:
            guard let data = FileManager.default.contents(atPath: path) else {
                throw DatasetError(file: path, key: key, "cannot read the normalisation file")
            }
            let words = String(decoding: data, as: UTF8.self).split(whereSeparator: { $0.isWhitespace })
            var values: [Float] = []
            for w in words {
                guard let d = Double(w) else { throw DatasetError(file: path, key: key, "not a number: '\(w)'") }
                values.append(Float(d))
            }
            guard values.count == dim else {
                throw DatasetError(file: path, key: key, "has \(values.count) values, the feature dimension is \(dim)")
            }
            return .vector(values)
        case let other?:
            throw DatasetError(file: context, key: key, "expected 'per_seq', a number or a file name, got \(other)")
        }
    }

    private func validate(context k: String) throws {
        guard windowLen > 0, stepLen > 0 else { throw DatasetError(file: k, key: "step_len", "window_len and step_len must be > 0") }
        guard numFeatureFilters > 0 else { throw DatasetError(file: k, key: "num_feature_filters", "must be > 0") }
        if kind == .raw && numFeatureFilters != 1 {
            throw DatasetError(file: k, key: "num_feature_filters", "must be 1 for 'raw' features")
        }
        if numChannels != nil && kind != .raw {
            throw DatasetError(file: k, key: "num_channels", "multiple channels are only supported for raw waveforms")
        }
        if let j = joinFrames, j < 1 { throw DatasetError(file: k, key: "join_frames", "must be >= 1") }
        if fmin < 0 { throw DatasetError(file: k, key: "feature_options", "fmin must be >= 0") }
        if minAmp <= 0 { throw DatasetError(file: k, key: "feature_options", "min_amp must be > 0") }
        if kind == .linear_spectrogram {
            // The original asserts 2·dim ≥ window samples at extraction; the sample rate is known only then.
            guard numFeatureFilters % 2 == 0 else {
                throw DatasetError(file: k, key: "num_feature_filters", "linear_spectrogram needs an even dimension")
            }
        }
    }
}

/// `random_permute` of `ExtractAudioFeatures`: a random gain, then (each with its switch
/// probability) zoom, time stretch and pitch shift, drawn from the dataset's `RandomState`.
public struct RandomPermuteOptions: Equatable {
    public var scaleLower = 0.8, scaleUpper = 1.0
    public var zoomSwitch = 0.2, zoomLower = 0.9, zoomUpper = 1.1
    public var zoomOrder = 3
    public var stretchSwitch = 0.2, stretchLower = 0.9, stretchUpper = 1.2
    public var pitchSwitch = 0.2, pitchLower = -1.0, pitchUpper = 1.0

    /// None, False and `{}` disable it (the original's truth value); True uses the defaults.
    init?(_ v: OptionValue?, context: String) throws {
        switch v {
        case nil, .bool(false)?: return nil
        case .bool(true)?: return
        case .dict(let entries)? where entries.isEmpty: return nil
        case .dict?:
            let r = try OptionReader(v!, context: context + ": random_permute")
            scaleLower = try r.double("rnd_scale_lower") ?? scaleLower
            scaleUpper = try r.double("rnd_scale_upper") ?? scaleUpper
            zoomSwitch = try r.double("rnd_zoom_switch") ?? zoomSwitch
            zoomLower = try r.double("rnd_zoom_lower") ?? zoomLower
            zoomUpper = try r.double("rnd_zoom_upper") ?? zoomUpper
            zoomOrder = try r.int("rnd_zoom_order") ?? zoomOrder
            stretchSwitch = try r.double("rnd_stretch_switch") ?? stretchSwitch
            stretchLower = try r.double("rnd_stretch_lower") ?? stretchLower
            stretchUpper = try r.double("rnd_stretch_upper") ?? stretchUpper
            pitchSwitch = try r.double("rnd_pitch_switch") ?? pitchSwitch
            pitchLower = try r.double("rnd_pitch_lower") ?? pitchLower
            pitchUpper = try r.double("rnd_pitch_upper") ?? pitchUpper
            try r.finish()
            if zoomOrder != 3 {
                throw DatasetError(file: r.context, key: "rnd_zoom_order", "only the default spline order 3 is supported")
            }
        case let other?:
            throw DatasetError(file: context, key: "random_permute", "expected a bool or a dict, got \(other)")
        }
    }
}
