import Foundation
import Tensor
import XCTest

/// Views, broadcasting, dtypes, errors, the version counter and grad mode.
final class TensorCoreTests: XCTestCase {
    func testWriteThroughViewIsSeenByBase() throws {
        let base = try Tensor((0..<12).map(Float.init), shape: [3, 4])
        let v = try base.transpose(0, 1).slice(dim: 0, start: 1, end: 3)
        XCTAssertEqual(v.shape, [2, 3])
        try v.fill(-1)
        XCTAssertEqual(base.toFloatArray(), [0, -1, -1, 3, 4, -1, -1, 7, 8, -1, -1, 11])
        let flat = try base.view([12])
        try flat.index([.int(0)]).fill(42)
        XCTAssertEqual(base.toFloatArray()[0], 42)
        XCTAssertTrue(flat.storage === base.storage)
        XCTAssertGreaterThan(base.version, 0)
    }

    func testViewAndReshapeRules() throws {
        let x = try Tensor((0..<24).map(Float.init), shape: [2, 3, 4])
        let t = try x.transpose(0, 2)
        XCTAssertFalse(t.isContiguous)
        XCTAssertThrowsError(try t.view([-1])) { XCTAssertTrue("\($0)".hasPrefix("view: view size is not compatible")) }
        let r = try t.reshape([-1])
        XCTAssertEqual(Array(r.toFloatArray().prefix(4)), [0, 12, 4, 16])
        XCTAssertTrue(try x.unsqueeze(0).view([6, 4]).storage === x.storage)
        XCTAssertEqual(try x.expand([5, 2, 3, 4]).strides[0], 0)
        XCTAssertThrowsError(try x.reshape([5, -1])) { XCTAssertEqual("\($0)", "reshape: shape '[5, -1]' is invalid for input of size 24") }
    }

    /// Property check: whenever `view` succeeds on a strided view, it reads the same elements as
    /// reshaping a contiguous copy (the stride computation never aliases the wrong data).
    func testViewOfStridedTensorsMatchesCopy() throws {
        Tensor.manualSeed(17)
        let base = try Tensor((0..<360).map(Float.init), shape: [3, 4, 5, 6])
        let targets: [[Int]] = [[-1], [12, 30], [3, 20, 6], [6, 2, 30], [3, 4, 30], [2, 3, 2, 5, 6], [60, 6], [3, 120]]
        var viewed = 0
        for perm in [[0, 1, 2, 3], [1, 0, 2, 3], [0, 1, 3, 2], [2, 3, 0, 1], [3, 2, 1, 0]] {
            for step in [1, 2] {
                let v = try base.permute(perm).slice(dim: 0, start: 0, end: nil, step: step)
                let n = v.numel
                for t in targets where t.reduce(1, *) == n || t == [-1] || (t.contains(-1) && n % t.filter { $0 > 0 }.reduce(1, *) == 0) {
                    guard let view = try? v.view(t) else { continue }
                    viewed += 1
                    XCTAssertEqual(view.toFloatArray(), try v.contiguous().view(t).toFloatArray(), "perm \(perm) step \(step) -> \(t)")
                    XCTAssertTrue(view.storage === base.storage)
                }
            }
        }
        XCTAssertGreaterThan(viewed, 5)
    }

    func testBroadcastingAndErrorsNameOpAndShapes() throws {
        let a = Tensor.ones([3, 1]), b = Tensor.ones([1, 4])
        XCTAssertEqual(try a.add(b).shape, [3, 4])
        XCTAssertThrowsError(try Tensor.ones([3, 2]).add(Tensor.ones([4]))) {
            XCTAssertEqual("\($0)", "add: shapes [3, 2] and [4] cannot be broadcast (size 2 vs 4 at dimension 1)")
        }
        XCTAssertThrowsError(try Tensor.ones([32, 80]).matmul(Tensor.ones([40, 512]))) {
            XCTAssertEqual("\($0)", "matmul: shapes [32, 80] and [40, 512] cannot be multiplied (80 vs 40)")
        }
        XCTAssertThrowsError(try Tensor.ones([2, 3]).sum(dims: [2])) { XCTAssertTrue("\($0)".hasPrefix("sum: Dimension out of range")) }
        XCTAssertThrowsError(try Tensor.ones([2, 3]).index([.int(5)])) { XCTAssertTrue("\($0)".contains("out of bounds")) }
    }

    func testDtypePromotion() throws {
        let i = try Tensor(ints: [1, 2, 3])
        XCTAssertEqual(try i.add(Tensor.scalar(2)).dtype, .int64)
        XCTAssertEqual(try i.add(Tensor.scalar(0.5)).dtype, .float32)
        XCTAssertEqual(try i.div(Tensor.scalar(2)).toFloatArray(), [0.5, 1, 1.5])
        XCTAssertEqual(try i.add(Tensor.ones([3])).dtype, .float32)
        let i32 = try Tensor(ints: [1, 2], dtype: .int32)
        XCTAssertEqual(try i32.add(Tensor.scalar(5)).dtype, .int32)
        XCTAssertEqual(try i.lt(Tensor.scalar(2)).toIntArray(), [1, 0, 0])
        XCTAssertEqual(try i.floorDivide(Tensor.scalar(-2)).toIntArray(), [-1, -1, -2])
        XCTAssertEqual(try Tensor(ints: [-3, 3]).remainder(Tensor.scalar(2)).toIntArray(), [1, 1])
    }

    func testRoundingAndLinspace() throws {
        let x = try Tensor([-1.5, -0.5, 0, 0.5, 2.7]).requiresGrad(true)
        XCTAssertEqual(x.sign().toFloatArray(), [-1, -1, 0, 1, 1])
        XCTAssertEqual(x.floor().toFloatArray(), [-2, -1, 0, 0, 2])
        XCTAssertEqual(x.ceil().toFloatArray(), [-1, -0, 0, 1, 3])
        XCTAssertEqual(x.round().toFloatArray(), [-2, -0, 0, 0, 3])
        XCTAssertFalse(x.round().requiresGrad)
        XCTAssertEqual(try Tensor.linspace(0, 1, steps: 5).toFloatArray(), [0, 0.25, 0.5, 0.75, 1])
    }

    func testCloseness() throws {
        let a = try Tensor([1, 2, .nan]), b = try Tensor([1, 2.00001, .nan])
        XCTAssertEqual(try a.isclose(b).toIntArray(), [1, 1, 0])
        XCTAssertTrue(try a.allclose(b, equalNaN: true))
        XCTAssertFalse(try a.allclose(b))
        XCTAssertTrue(try Tensor([1, 2]).equal(try Tensor([1, 2])))
        XCTAssertFalse(try Tensor([1, 2]).equal(try Tensor([1, 2], shape: [2, 1])))
    }

    func testVersionCounterDetectsInPlaceChangeOfSavedTensor() throws {
        let x = try Tensor([1, 2, 3]).requiresGrad(true)
        let y = x.exp()
        let z = try y.mul(y).sum()
        try noGrad { try y.addInPlace(1) }
        XCTAssertThrowsError(try z.backward()) {
            XCTAssertTrue("\($0)".contains("modified by an inplace operation"), "\($0)")
        }
        XCTAssertThrowsError(try x.addInPlace(1)) { XCTAssertTrue("\($0)".contains("leaf Variable that requires grad")) }
    }

    func testInPlaceOnTrackedTensorsTakesOverHistory() throws {
        let w = try Tensor([1, -2, 3]).requiresGrad(true)
        let h = try w.mul(2)
        try h.addInPlace(try w.mul(w))      // h = 2w + w^2, as `h += w * w`
        try h.maskedFillInPlace(try Tensor(bools: [false, true, false]), 0)
        try h.reluInPlace()
        XCTAssertEqual(h.toFloatArray(), [3, 0, 15])
        try h.sum().backward()
        XCTAssertEqual(w.grad?.toFloatArray(), [4, 0, 8])  // d(2w + w^2)/dw = 2 + 2w where kept
        // mul_ needs the overwritten value for the other operand's gradient (kept as a copy).
        let a = try Tensor([1, 2]).requiresGrad(true), b = try Tensor([3, 4]).requiresGrad(true)
        let c = try a.mul(1)
        try c.mulInPlace(b)
        try c.sum().backward()
        XCTAssertEqual(a.grad?.toFloatArray(), [3, 4])
        XCTAssertEqual(b.grad?.toFloatArray(), [1, 2])
        // x[mask] = 0 and x[:, 0] = v on an activation.
        let p = try Tensor([1, 2, 3, 4], shape: [2, 2]).requiresGrad(true)
        let q = try p.mul(3)
        try q.indexPut([.tensor(try Tensor(bools: [false, true, false, false], shape: [2, 2]))], Tensor.scalar(0))
        try q.indexPut([.slice(nil, nil, nil), .int(0)], try Tensor([7, 8]))
        XCTAssertEqual(q.toFloatArray(), [7, 0, 8, 12])
        try q.sum().backward()
        XCTAssertEqual(p.grad?.toFloatArray(), [0, 0, 0, 3])
    }

    func testNoGradAndDetach() throws {
        let x = try Tensor([1, 2]).requiresGrad(true)
        let y = try noGrad { try x.mul(x) }
        XCTAssertFalse(y.requiresGrad)
        XCTAssertFalse(x.detach().requiresGrad)
        XCTAssertTrue(GradMode.isEnabled)
        let z = try x.mul(x).sum()
        XCTAssertTrue(z.requiresGrad)
        XCTAssertEqual(z.gradFnName, "SumBackward0")
        XCTAssertThrowsError(try Tensor([1]).sum().backward()) { XCTAssertTrue("\($0)".contains("does not require grad")) }
    }

    func testGradAccumulatesAndZeroGrad() throws {
        let x = try Tensor([1, 2]).requiresGrad(true)
        try x.mul(x).sum().backward()
        try x.mul(3).sum().backward()
        XCTAssertEqual(x.grad?.toFloatArray(), [5, 7])
        try x.grad?.zero()
        XCTAssertEqual(x.grad?.toFloatArray(), [0, 0])
        XCTAssertThrowsError(try x.mul(x).backward()) { XCTAssertTrue("\($0)".contains("implicitly created only for scalar")) }
        let y = try x.mul(x)
        try y.backward(try Tensor([1, 0.5]))
        XCTAssertEqual(x.grad?.toFloatArray(), [2, 2])
    }

    func testSecondBackwardNeedsRetainGraph() throws {
        let x = try Tensor([1, 2]).requiresGrad(true)
        let y = try x.exp().sum()
        try y.backward(retainGraph: true)
        try y.backward()
        XCTAssertThrowsError(try y.backward()) { XCTAssertTrue("\($0)".contains("second time")) }
    }

    func testDeepChainDoesNotRecurse() throws {
        let x = try Tensor([0]).requiresGrad(true)
        var y = x
        for _ in 0..<50_000 { y = try y.add(Tensor.scalar(1)) }
        try y.sum().backward()
        XCTAssertEqual(x.grad?.toFloatArray(), [1])
        XCTAssertEqual(y.toFloatArray(), [50_000])
    }

    func testIndexPutAndEmptyTensors() throws {
        let x = Tensor.zeros([3, 4])
        try x.indexPut([.tensor(try Tensor(bools: [true, false, true], shape: [3]))], Tensor.scalar(1))
        try x.indexPut([.int(1), .slice(1, 3, nil)], try Tensor([5, 6]))
        try x.indexPut([.tensor(try Tensor(ints: [0])), .tensor(try Tensor(ints: [3]))], Tensor.scalar(9))
        XCTAssertEqual(x.toFloatArray(), [1, 1, 1, 9, 0, 5, 6, 0, 1, 1, 1, 1])
        let e = Tensor.zeros([0, 4])
        XCTAssertEqual(try e.sum(dims: [0]).toFloatArray(), [0, 0, 0, 0])
        XCTAssertEqual(try e.matmul(Tensor.ones([4, 2])).shape, [0, 2])
        XCTAssertEqual(try Tensor.scalar(3).item(), 3)
    }

    func testFastMathAccuracy() throws {
        let xs = stride(from: -20.0, through: 20.0, by: 0.013).map { Float($0) }
        let t = try Tensor(xs)
        let (e, th, sg) = (t.exp().toFloatArray(), t.tanh().toFloatArray(), t.sigmoid().toFloatArray())
        for (i, x) in xs.enumerated() {
            let dx = Double(x)
            XCTAssertEqual(Double(e[i]), Foundation.exp(dx), accuracy: Foundation.exp(dx) * 3e-7)
            XCTAssertEqual(Double(th[i]), Foundation.tanh(dx), accuracy: 4e-7)
            XCTAssertEqual(Double(sg[i]), 1 / (1 + Foundation.exp(-dx)), accuracy: 3e-7)
        }
        XCTAssertEqual(Tensor.scalar(-200).exp().toFloatArray(), [0])
        XCTAssertEqual(Tensor.scalar(200).exp().toFloatArray(), [.infinity])
        XCTAssertTrue(Tensor.scalar(.nan).tanh().toFloatArray()[0].isNaN)
    }

    func testDropoutKeepsExpectationAndIsIdentityInEval() throws {
        Tensor.manualSeed(4)
        let x = Tensor.ones([100_000])
        let y = try Functional.dropout(x, p: 0.3, training: true).toFloatArray()
        let zeros = y.filter { $0 == 0 }.count
        XCTAssertEqual(Double(zeros) / 100_000, 0.3, accuracy: 0.01)
        XCTAssertTrue(y.allSatisfy { $0 == 0 || abs($0 - 1 / 0.7) < 1e-6 })
        XCTAssertTrue(try Functional.dropout(x, p: 0.3, training: false) === x)
    }

    func testSeededRandomIsReproducible() throws {
        Tensor.manualSeed(7)
        let a = Tensor.randn([1000])
        Tensor.manualSeed(7)
        let b = Tensor.randn([1000])
        XCTAssertEqual(a.toFloatArray(), b.toFloatArray())
        let m = try a.mean().item(), s = try a.std().item()
        XCTAssertEqual(m, 0, accuracy: 0.1)
        XCTAssertEqual(s, 1, accuracy: 0.1)
        let r = try Tensor.randint(2, 5, [500])
        XCTAssertEqual(Set(r.toIntArray()), [2, 3, 4])
    }
}

final class SortingTests: XCTestCase {
    func testCumsumSortTopk() throws {
        let x = try Tensor([3, 1, 2, 5, 4, 6], shape: [2, 3])
        XCTAssertEqual(try x.cumsum(dim: 1).toFloatArray(), [3, 4, 6, 5, 9, 15])
        XCTAssertEqual(try x.cumsum(dim: 0).toFloatArray(), [3, 1, 2, 8, 5, 8])
        let (v, i) = try x.sort(dim: 1)
        XCTAssertEqual(v.toFloatArray(), [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(i.toIntArray(), [1, 2, 0, 1, 0, 2])
        let (tv, ti) = try x.topk(2, dim: 0)
        XCTAssertEqual(tv.toFloatArray(), [5, 4, 6, 3, 1, 2])
        XCTAssertEqual(ti.toIntArray(), [1, 1, 1, 0, 0, 0])
        XCTAssertEqual(try Tensor(ints: [1, 2, 3]).cumsum(dim: 0).toIntArray(), [1, 3, 6])
        try gradCheck("cumsum", [try seeded([3, 4], seed: 40)]) { try $0[0].cumsum(dim: 1) }
        try gradCheck("topk", [try seeded([3, 4], seed: 41)]) { try $0[0].topk(2, dim: 1).values }
    }
}
