import Tensor
import XCTest

/// Central-difference gradient check: compares autograd's gradient of L = sum(f(x) * w) (w fixed
/// random weights) with (L(x + h e_i) - L(x - h e_i)) / 2h for every input element.
func gradCheck(_ name: String, _ inputs: [Tensor], eps: Float = 1e-2, tol: Double = 2e-2,
               file: StaticString = #filePath, line: UInt = #line,
               _ f: ([Tensor]) throws -> Tensor) throws {
    for x in inputs {
        try x.requiresGrad(true)
        x.grad = nil
    }
    let y = try f(inputs)
    Tensor.manualSeed(99)
    let w = Tensor.randn(y.shape)
    try y.mul(w).sum().backward()
    func loss() throws -> Double {
        try noGrad {
            let out = try f(inputs).toDoubleArray()
            return zip(out, w.toDoubleArray()).reduce(0) { $0 + $1.0 * $1.1 }
        }
    }
    for (k, x) in inputs.enumerated() {
        let analytic = x.grad?.toDoubleArray() ?? [Double](repeating: 0, count: x.numel)
        for i in 0..<x.numel {
            let orig = x.toFloatArray()
            var plus = orig, minus = orig
            plus[i] += eps
            minus[i] -= eps
            try noGrad { try x.copyFrom(try Tensor(plus, shape: x.shape)) }
            let lp = try loss()
            try noGrad { try x.copyFrom(try Tensor(minus, shape: x.shape)) }
            let lm = try loss()
            try noGrad { try x.copyFrom(try Tensor(orig, shape: x.shape)) }
            let numeric = (lp - lm) / (2 * Double(eps))
            let err = abs(numeric - analytic[i])
            if err > tol * max(1, abs(numeric)) {
                XCTFail("\(name): d/d input\(k)[\(i)] autograd \(analytic[i]) vs numeric \(numeric)", file: file, line: line)
                return
            }
        }
    }
}

/// A seeded float tensor whose entries stay away from 0 by at least `margin` (kinks of abs/relu).
func seeded(_ shape: [Int], seed: UInt64, margin: Float = 0, positive: Bool = false) throws -> Tensor {
    Tensor.manualSeed(seed)
    let v = Tensor.randn(shape).toFloatArray().map { x -> Float in
        var y = positive ? abs(x) + 0.5 : x
        if margin > 0 && abs(y) < margin { y = y < 0 ? y - margin : y + margin }
        return y
    }
    return try Tensor(v, shape: shape)
}
