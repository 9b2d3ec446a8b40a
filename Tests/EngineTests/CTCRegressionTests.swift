import Tensor
import XCTest

/// W2 regression: a peaked (blank-dominant) model with long targets gave an infinite CTC loss
/// from underflow although the alignment is possible. Checked against a float64 log-space
/// reference of the CTC forward recursion written here.
final class CTCRegressionTests: XCTestCase {
    /// -log p(labels | x) by the textbook log-space alpha recursion in Double.
    static func referenceNLL(_ lp: [[Double]], _ labels: [Int], blank: Int = 0) -> Double {
        let ext = [blank] + labels.flatMap { [$0, blank] }
        let s = ext.count
        func add(_ xs: [Double]) -> Double {
            let m = xs.max()!
            return m == -.infinity ? m : m + log(xs.map { exp($0 - m) }.reduce(0, +))
        }
        var alpha = [Double](repeating: -.infinity, count: s)
        alpha[0] = lp[0][ext[0]]
        alpha[1] = lp[0][ext[1]]
        for t in 1..<lp.count {
            alpha = (0..<s).map { j in
                var terms = [alpha[j]]
                if j >= 1 { terms.append(alpha[j - 1]) }
                if j >= 2 && ext[j] != blank && ext[j] != ext[j - 2] { terms.append(alpha[j - 2]) }
                return add(terms) + lp[t][ext[j]]
            }
        }
        return -add([alpha[s - 1], alpha[s - 2]])
    }

    func testPeakedModelWithLongTargetsHasAFiniteLoss() throws {
        Tensor.manualSeed(3)
        let (t, c, l) = (160, 50, 78)
        // Blank gets logit +4, labels noise: blank prob ≈ 0.5, each label ≈ e^-5.
        let logits = try Tensor.randn([t, 1, c]).add(try Tensor([4] + [Float](repeating: 0, count: c - 1), shape: [1, 1, c]))
        let lp = try logits.logSoftmax(dim: -1)
        var labels: [Int64] = []
        while labels.count < l {
            let v = Int64(1 + labels.count * 7 % 49)
            if v != labels.last { labels.append(v) }
        }
        let loss = try Functional.ctcLoss(lp, try Tensor(ints: labels, shape: [1, l]), inputLengths: [t], targetLengths: [l],
                                          blank: 0, reduction: .sum)
        let values = lp.toDoubleArray()
        let rows = (0..<t).map { Array(values[($0 * c)..<(($0 + 1) * c)]) }
        let expected = Self.referenceNLL(rows, labels.map(Int.init))
        XCTAssertTrue(expected.isFinite)
        XCTAssertEqual(try loss.item(), expected, accuracy: expected * 1e-5)
    }
}
