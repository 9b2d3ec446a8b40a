import Foundation

/// Writes a deterministic synthetic corpus in the SimpleHDFWriter layout, for the demo and the
/// benchmarks: Gaussian features `data` [T, dim] (float32) and per-frame `classes` [T] (int32),
/// where the class is learnable from the features: `(x0 > 0) + 2 (x1 > 0)` modulo `numClasses`.
public enum SyntheticCorpus {
    /// Summary of a written corpus.
    public struct Info: Equatable {
        public var numSeqs: Int
        public var numFrames: Int
    }

    /// Writes about `numFrames` frames in sequences of `minLength...maxLength` frames (seeded).
    @discardableResult
    public static func write(path: String, numFrames: Int, dim: Int = 40, numClasses: Int = 4,
                             minLength: Int = 50, maxLength: Int = 1500, seed: UInt32 = 42) throws -> Info {
        guard dim >= 2, numClasses >= 1, minLength >= 1, maxLength >= minLength, numFrames >= 1 else {
            throw DatasetError(file: path, "synthetic corpus needs dim >= 2, numClasses >= 1, 1 <= minLength <= maxLength, numFrames >= 1")
        }
        var rng = RandomState(seed: seed)
        let writer = try SimpleHDFWriter(filename: path, dim: dim)
        var frames = 0, seqs = 0
        while frames < numFrames {
            let t = min(minLength + rng.randomInterval(maxLength - minLength), numFrames - frames)
            var x = [Float](repeating: 0, count: t * dim)
            for i in stride(from: 0, to: x.count, by: 2) {
                let (a, b) = gaussianPair(&rng)
                x[i] = a
                if i + 1 < x.count { x[i + 1] = b }
            }
            let y = (0..<t).map { Int32((x[$0 * dim] > 0 ? 1 : 0) + (x[$0 * dim + 1] > 0 ? 2 : 0)) % Int32(numClasses) }
            try writer.insertBatch(inputs: BatchArray(float32: x, shape: [1, t, dim]), seqLen: [t], seqTag: ["synthetic/\(seqs)"],
                                   extra: [("classes", BatchArray(int32: y, shape: [1, t]))])
            frames += t
            seqs += 1
        }
        try writer.close()
        return Info(numSeqs: seqs, numFrames: frames)
    }

    /// Two standard normal samples (Box–Muller).
    static func gaussianPair(_ rng: inout RandomState) -> (Float, Float) {
        let u1 = max(rng.randomSample(), 1e-300), u2 = rng.randomSample()
        let r = (-2 * Foundation.log(u1)).squareRoot()
        return (Float(r * cos(2 * .pi * u2)), Float(r * sin(2 * .pi * u2)))
    }
}
