/// Features as `[frames, dim]` float32 in C order (or `[frames, channels, dim]` for raw channels).
struct FeatureMatrix {
    var values: [Float]
    var frames: Int
    /// Size of the last axis.
    var dim: Int
    /// Middle axis (raw waveforms with `num_channels`), nil for 2-d features.
    var channels: Int?
    /// Whether the original's numpy array is time-contiguous (Fortran order: the transposed
    /// librosa output, or a `[T, 1]` waveform). numpy then sums over time pairwise, else sequentially.
    var timeContiguous = true

    var rowSize: Int { (channels ?? 1) * dim }
    var shape: [Int] { channels.map { [frames, $0, dim] } ?? [frames, dim] }
}

/// The steps after the feature function: deltas, normalisation and frame joining, with the
/// original's float32 arithmetic where it works in float32.
enum FeatureTransforms {
    /// `librosa.feature.delta(x, width=9, order=k, axis=0)` = `savgol_filter(x, 9, polyorder=k,
    /// deriv=k, mode="interp")`: for k = 1, `Σ_{m=-4}^{4} m·x[t+m] / 60`; for k = 2,
    /// `Σ (m² − 20/3)·x[t+m] / 154`. "interp" fits one polynomial to the first/last 9 frames, whose
    /// k-th derivative is the value at frame 4 / T−5, so the 4 edge frames repeat it. Needs T ≥ 9.
    static func delta(_ x: FeatureMatrix, order: Int) -> [Float] {
        let coeffs: [Double] = (-4...4).map { (m: Int) -> Double in
            let md = Double(m)
            return order == 1 ? md / 60 : (md * md - 20.0 / 3) * (2.0 / 308)
        }
        let t = x.frames, d = x.rowSize
        var out = [Float](repeating: 0, count: t * d)
        x.values.withUnsafeBufferPointer { v in
            for f in 4..<(t - 4) {
                for j in 0..<d {
                    var acc = 0.0
                    for m in 0..<9 { acc += coeffs[m] * Double(v[(f + m - 4) * d + j]) }
                    out[f * d + j] = Float(acc)
                }
            }
        }
        for f in 0..<4 {
            for j in 0..<d {
                out[f * d + j] = out[4 * d + j]
                out[(t - 1 - f) * d + j] = out[(t - 5) * d + j]
            }
        }
        return out
    }

    /// Appends deltas of orders 1…k along the last axis (`numpy.concatenate(axis=-1)`).
    static func appendDeltas(_ x: FeatureMatrix, upTo k: Int) -> FeatureMatrix {
        let deltas = (1...k).map { delta(x, order: $0) }
        let rows = x.frames * (x.channels ?? 1)
        var out = [Float]()
        out.reserveCapacity(x.values.count * (k + 1))
        for r in 0..<rows {
            out.append(contentsOf: x.values[(r * x.dim)..<((r + 1) * x.dim)])
            for dl in deltas { out.append(contentsOf: dl[(r * x.dim)..<((r + 1) * x.dim)]) }
        }
        return FeatureMatrix(values: out, frames: x.frames, dim: x.dim * (k + 1), channels: x.channels, timeContiguous: false)
    }

    /// Per-column mean over frames as numpy computes a float32 `mean(axis=0)`: pairwise float32
    /// summation along a contiguous time axis, a sequential float32 sum otherwise.
    static func columnMean(_ v: [Float], frames: Int, width: Int, pairwise: Bool) -> [Float] {
        if pairwise {
            return v.withUnsafeBufferPointer { p in
                (0..<width).map { j in pairwiseSum(p.baseAddress! + j, frames, stride: width) / Float(frames) }
            }
        }
        var acc = [Float](repeating: 0, count: width)
        for t in 0..<frames { for j in 0..<width { acc[j] += v[t * width + j] } }
        return acc.map { $0 / Float(frames) }
    }

    /// numpy's float32 `pairwise_sum`: below 8 a plain loop, up to 128 eight interleaved
    /// accumulators combined as a tree plus the rest, above that halves split at a multiple of 8.
    static func pairwiseSum(_ a: UnsafePointer<Float>, _ n: Int, stride: Int) -> Float {
        if n < 8 {
            var res: Float = 0
            for i in 0..<n { res += a[i * stride] }
            return res
        }
        if n <= 128 {
            var r = (0..<8).map { a[$0 * stride] }
            var i = 8
            while i < n - n % 8 {
                for j in 0..<8 { r[j] += a[(i + j) * stride] }
                i += 8
            }
            var res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
            while i < n { res += a[i * stride]; i += 1 }
            return res
        }
        var n2 = n / 2
        n2 -= n2 % 8
        return pairwiseSum(a, n2, stride: stride) + pairwiseSum(a + n2 * stride, n - n2, stride: stride)
    }

    /// `x -= mean(x, 0)` (per_seq) in float32.
    static func subtractMean(_ x: inout FeatureMatrix, _ norm: AudioFeatureOptions.Norm) {
        let w = x.rowSize
        let vec: [Float]
        switch norm {
        case .perSeq: vec = columnMean(x.values, frames: x.frames, width: w, pairwise: x.timeContiguous)
        case .scalar(let s): vec = [Float](repeating: s, count: w)
        case .vector(let v): vec = (0..<w).map { v[$0 % x.dim] }
        }
        for i in 0..<x.values.count { x.values[i] -= vec[i % w] }
    }

    /// `x /= max(std(x, 0), 1e-2)` (per_seq), or divides by a scalar / vector, in float32.
    static func divideStdDev(_ x: inout FeatureMatrix, _ norm: AudioFeatureOptions.Norm) {
        let w = x.rowSize
        let vec: [Float]
        switch norm {
        case .perSeq:
            let mean = columnMean(x.values, frames: x.frames, width: w, pairwise: x.timeContiguous)
            var sq = x.values
            for i in 0..<sq.count { let c = sq[i] - mean[i % w]; sq[i] = c * c }
            vec = columnMean(sq, frames: x.frames, width: w, pairwise: x.timeContiguous).map { max($0.squareRoot(), 1e-2) }
        case .scalar(let s): vec = [Float](repeating: s, count: w)
        case .vector(let v): vec = (0..<w).map { v[$0 % x.dim] }
        }
        for i in 0..<x.values.count { x.values[i] /= vec[i % w] }
    }

    /// `join_frames = n`: pads by repeating the last frame to a multiple of n, then joins each n
    /// consecutive frames into one (`reshape(T/n, n·dim)`, numpy < 2.4 behaviour).
    static func joinFrames(_ x: FeatureMatrix, _ n: Int) -> FeatureMatrix {
        let pad = (n - x.frames % n) % n
        var values = x.values
        if pad > 0, x.frames > 0 {
            let last = Array(values[((x.frames - 1) * x.rowSize)...])
            for _ in 0..<pad { values += last }
        }
        let frames = (x.frames + pad) / n
        return FeatureMatrix(values: values, frames: frames, dim: x.dim * n, channels: x.channels)
    }
}
