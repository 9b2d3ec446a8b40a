import Tensor
import XCTest

/// Printed forms checked against what PyTorch 2.x prints for the same tensors.
final class DescriptionTests: XCTestCase {
    func testFormatsMatchPyTorch() throws {
        XCTAssertEqual(try Tensor([0.1, 0.2], shape: [1, 2]).requiresGrad(true).description,
                       "tensor([[0.1000, 0.2000]], requires_grad=True)")
        XCTAssertEqual(try Tensor([1, 2]).description, "tensor([1., 2.])")
        XCTAssertEqual(try Tensor.arange(0, 3).description, "tensor([0, 1, 2])")
        XCTAssertEqual(try Tensor([1e-5, 1]).description, "tensor([1.0000e-05, 1.0000e+00])")
        XCTAssertEqual(try Tensor(bools: [true, false]).description, "tensor([ True, False])")
        XCTAssertEqual(Tensor.zeros([2, 2, 2]).description,
                       "tensor([[[0., 0.],\n         [0., 0.]],\n\n        [[0., 0.],\n         [0., 0.]]])")
        XCTAssertEqual(Tensor.ones([0, 4]).description, "tensor([], size=(0, 4))")
        XCTAssertEqual(Tensor.scalar(3.5).description, "tensor(3.5000)")
        XCTAssertEqual(try Tensor([-1.5, 2.25]).description, "tensor([-1.5000,  2.2500])")
        XCTAssertEqual(try Tensor.arange(0, 2000).description, "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])")
        XCTAssertEqual(try Tensor.arange(0, 2000, dtype: .float32).reshape([40, 50]).description, """
            tensor([[   0.,    1.,    2.,  ...,   47.,   48.,   49.],
                    [  50.,   51.,   52.,  ...,   97.,   98.,   99.],
                    [ 100.,  101.,  102.,  ...,  147.,  148.,  149.],
                    ...,
                    [1850., 1851., 1852.,  ..., 1897., 1898., 1899.],
                    [1900., 1901., 1902.,  ..., 1947., 1948., 1949.],
                    [1950., 1951., 1952.,  ..., 1997., 1998., 1999.]])
            """)
        let x = try Tensor([1, 2]).requiresGrad(true)
        XCTAssertEqual(try x.mul(2).description, "tensor([2., 4.], grad_fn=<MulBackward0>)")
        XCTAssertEqual(try Tensor(ints: [1, 2], dtype: .int32).description, "tensor([1, 2], dtype=torch.int32)")
    }

    func testOneHotAndSequenceMask() throws {
        let oh = try Functional.oneHot(try Tensor(ints: [0, 2]), numClasses: 3)
        XCTAssertEqual(oh.toIntArray(), [1, 0, 0, 0, 0, 1])
        let m = try Functional.sequenceMask(try Tensor(ints: [1, 3]))
        XCTAssertEqual(m.shape, [2, 3])
        XCTAssertEqual(m.toIntArray(), [1, 0, 0, 1, 1, 1])
    }
}

final class CreationTests: XCTestCase {
    func testBuildAndUnsafeAccess() throws {
        let t = try Tensor.build(shape: [2, 2], dtype: .int32) { raw in
            let p = raw.bindMemory(to: Int32.self)
            for i in 0..<4 { p[i] = Int32(i * 10) }
        }
        XCTAssertEqual(t.toIntArray(), [0, 10, 20, 30])
        let f = try Tensor([1, 2, 3, 4], shape: [2, 2]).t()
        XCTAssertEqual(try f.withUnsafeFloats { Array($0) }, [1, 3, 2, 4])
        XCTAssertThrowsError(try Tensor.build(shape: [-1]) { _ in })
        XCTAssertEqual(try Tensor(ints: [5, -6], dtype: .int32).toIntArray(), [5, -6])
    }
}
