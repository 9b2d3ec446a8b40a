import Tensor
import XCTest

/// Large GEMMs are split in two halves run concurrently (along M, or N when M is small); the
/// result must equal a float64 reference for plain and transposed operands.
final class MatmulSplitTests: XCTestCase {
    private func reference(_ a: [Float], _ b: [Float], m: Int, k: Int, n: Int) -> [Double] {
        var out = [Double](repeating: 0, count: m * n)
        for i in 0..<m { for p in 0..<k { let x = Double(a[i * k + p]); for j in 0..<n { out[i * n + j] += x * Double(b[p * n + j]) } } }
        return out
    }

    func testSplitProductsMatchTheReference() throws {
        Tensor.manualSeed(9)
        for (m, k, n) in [(300, 200, 150), (20, 256, 1024), (64, 300, 100), (3, 1000, 700)] {
            let a = Tensor.randn([m, k]), b = Tensor.randn([k, n])
            let want = reference(a.toFloatArray(), b.toFloatArray(), m: m, k: k, n: n)
            let plain = try a.matmul(b).toFloatArray()
            let both = try a.t().contiguous().t().matmul(b.t().contiguous().t()).toFloatArray()
            for (name, got) in [("plain", plain), ("transposed operands", both)] {
                XCTAssertEqual(got.count, want.count)
                let worst = zip(got, want).map { abs(Double($0) - $1) }.max() ?? 0
                XCTAssertLessThan(worst, 1e-3 * Double(k).squareRoot(), "\(name) \(m)x\(k)x\(n)")
            }
        }
    }
}
