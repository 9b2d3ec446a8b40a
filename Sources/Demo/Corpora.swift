import Datasets
import Foundation
import Tensor

/// The project's own generators of data in the shapes of the reference workloads
/// (shared/docs/workloads.md), written with `SimpleHDFWriter`, deterministic for a seed.
enum Corpora {
    /// W1 "framewise": `data` [T, dim] standard normal, `classes` [T] = argmax(W · mean of the
    /// 5-frame window around t, clipped at the ends) for a fixed random W [classes, dim].
    /// Returns the number of frames written.
    @discardableResult
    static func writeFramewise(path: String, seqs: Int, dim: Int, classes: Int, lengths: ClosedRange<Int>,
                               projectionSeed: UInt64, seed: UInt64) throws -> Int {
        let projection = gaussians(classes * dim, Generator(seed: projectionSeed))
        let rng = Generator(seed: seed)
        let writer = try SimpleHDFWriter(filename: path, dim: dim)
        var frames = 0
        for i in 0..<seqs {
            let t = lengths.lowerBound + Int(rng.nextInt(UInt64(lengths.count)))
            let x = gaussians(t * dim, rng)
            let y = windowArgmax(x, t: t, dim: dim, projection: projection, classes: classes)
            try writer.insertBatch(inputs: BatchArray(float32: x, shape: [1, t, dim]), seqLen: [t], seqTag: ["w1/seq-\(i)"],
                                   extra: [("classes", BatchArray(int32: y, shape: [1, t]))])
            frames += t
        }
        try writer.close()
        return frames
    }

    private static func windowArgmax(_ x: [Float], t: Int, dim: Int, projection: [Float], classes: Int) -> [Int32] {
        var prefix = [Double](repeating: 0, count: (t + 1) * dim)
        for f in 0..<t { for d in 0..<dim { prefix[(f + 1) * dim + d] = prefix[f * dim + d] + Double(x[f * dim + d]) } }
        var labels = [Int32](repeating: 0, count: t)
        var mean = [Double](repeating: 0, count: dim)
        for f in 0..<t {
            let lo = max(f - 2, 0), hi = min(f + 3, t)
            for d in 0..<dim { mean[d] = (prefix[hi * dim + d] - prefix[lo * dim + d]) / Double(hi - lo) }
            var best = (Int32(0), -Double.infinity)
            for c in 0..<classes {
                var s = 0.0
                for d in 0..<dim { s += Double(projection[c * dim + d]) * mean[d] }
                if s > best.1 { best = (Int32(c), s) }
            }
            labels[f] = best.0
        }
        return labels
    }

    /// W2 "ctc": T frames split into L = T/8 segments (each ≥ 4 frames); segment i shows the
    /// prototype of label i (labels 1..<classes, consecutive ones differ) plus noise; `classes` [L].
    @discardableResult
    static func writeCTC(path: String, seqs: Int, dim: Int, classes: Int, lengths: ClosedRange<Int>,
                         prototypeSeed: UInt64, seed: UInt64) throws -> Int {
        let prototypes = gaussians(classes * dim, Generator(seed: prototypeSeed))
        let rng = Generator(seed: seed)
        let writer = try SimpleHDFWriter(filename: path, dim: dim)
        var frames = 0
        for i in 0..<seqs {
            let t = lengths.lowerBound + Int(rng.nextInt(UInt64(lengths.count)))
            let labels = labelSequence(count: t / 8, classes: classes, rng)
            let bounds = segmentBounds(frames: t, segments: labels.count, minimum: 4, rng)
            var x = gaussians(t * dim, rng).map { $0 * 0.5 }
            for (s, label) in labels.enumerated() {
                for f in bounds[s]..<bounds[s + 1] {
                    for d in 0..<dim { x[f * dim + d] += prototypes[Int(label) * dim + d] }
                }
            }
            try writer.insertBatch(inputs: BatchArray(float32: x, shape: [1, t, dim]), seqLen: [t], seqTag: ["w2/seq-\(i)"],
                                   extra: [("classes", BatchArray(int32: labels, shape: [1, labels.count]))])
            frames += t
        }
        try writer.close()
        return frames
    }

    private static func labelSequence(count: Int, classes: Int, _ rng: Generator) -> [Int32] {
        var labels: [Int32] = []
        while labels.count < count {
            let label = Int32(1 + rng.nextInt(UInt64(classes - 1)))
            if label != labels.last { labels.append(label) }
        }
        return labels
    }

    /// Segment starts (plus the end) splitting `frames` into `segments` parts of at least `minimum`.
    private static func segmentBounds(frames: Int, segments: Int, minimum: Int, _ rng: Generator) -> [Int] {
        var sizes = [Int](repeating: minimum, count: segments)
        for _ in 0..<(frames - minimum * segments) { sizes[Int(rng.nextInt(UInt64(segments)))] += 1 }
        var bounds = [0]
        for s in sizes { bounds.append(bounds.last! + s) }
        return bounds
    }

    static func gaussians(_ n: Int, _ rng: Generator) -> [Float] {
        (0..<n).map { _ in Float(rng.nextNormal()) }
    }
}
