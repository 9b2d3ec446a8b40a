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

    /// Writes a label-sequence corpus shaped like workload W2 (CTC): `numSeqs` sequences with
    /// T uniform in `minLength...maxLength` frames of `dim` float32 features and `classes` [T / 8]
    /// int32 labels from 1..<numLabels (0 is the blank). The frames are cut into one segment per
    /// label (at least 4 frames each, boundaries drawn at random); a segment shows its label's
    /// fixed random prototype vector plus Gaussian noise, so the labels are learnable with CTC.
    @discardableResult
    public static func writeCTC(path: String, numSeqs: Int, dim: Int = 80, numLabels: Int = 50,
                                minLength: Int = 200, maxLength: Int = 800, seed: UInt32 = 42) throws -> Info {
        guard dim >= 1, numLabels >= 2, minLength >= 32, maxLength >= minLength, numSeqs >= 1 else {
            throw DatasetError(file: path, "CTC corpus needs dim >= 1, numLabels >= 2, 32 <= minLength <= maxLength, numSeqs >= 1")
        }
        // Prototypes come from their own stream (seed 0x5EED), so train and dev sets made with
        // different seeds share them.
        var protoRNG = try RandomState(seed: 0x5EED)
        var prototypes = [Float](repeating: 0, count: numLabels * dim)
        for i in stride(from: dim, to: prototypes.count, by: 2) {
            let (a, b) = gaussianPair(&protoRNG)
            prototypes[i] = a
            if i + 1 < prototypes.count { prototypes[i + 1] = b }
        }
        var rng = RandomState(seed: seed)
        let writer = try SimpleHDFWriter(filename: path, dim: dim)
        var frames = 0
        for seq in 0..<numSeqs {
            let t = minLength + rng.randomInterval(maxLength - minLength)
            let count = t / 8
            let labels = (0..<count).map { _ in Int32(1 + rng.randomInterval(numLabels - 2)) }
            // Segment lengths: 4 frames each, the remaining frames spread at random.
            var lengths = [Int](repeating: 4, count: count)
            for _ in 0..<(t - 4 * count) { lengths[rng.randomInterval(count - 1)] += 1 }
            var x = [Float](repeating: 0, count: t * dim)
            var frame = 0
            for (label, length) in zip(labels, lengths) {
                let gain = Float(0.8 + 0.4 * rng.randomSample())
                for _ in 0..<length {
                    let row = frame * dim, proto = Int(label) * dim
                    for j in stride(from: 0, to: dim, by: 2) {
                        let (a, b) = gaussianPair(&rng)
                        x[row + j] = prototypes[proto + j] * gain + 0.8 * a
                        if j + 1 < dim { x[row + j + 1] = prototypes[proto + j + 1] * gain + 0.8 * b }
                    }
                    frame += 1
                }
            }
            try writer.insertBatch(inputs: BatchArray(float32: x, shape: [1, t, dim]), seqLen: [t], seqTag: ["synthetic-ctc/\(seq)"],
                                   extra: [("classes", BatchArray(int32: labels, shape: [1, count]))])
            frames += t
        }
        try writer.close()
        return Info(numSeqs: numSeqs, numFrames: frames)
    }

    /// Two standard normal samples (Box–Muller).
    static func gaussianPair(_ rng: inout RandomState) -> (Float, Float) {
        let u1 = max(rng.randomSample(), 1e-300), u2 = rng.randomSample()
        let r = (-2 * Foundation.log(u1)).squareRoot()
        return (Float(r * cos(2 * .pi * u2)), Float(r * sin(2 * .pi * u2)))
    }
}
