import Foundation

/// Broadcasting binary arithmetic, comparisons and logical ops with PyTorch's type promotion.
extension Tensor {
    /// `self + alpha * other` (`torch.add`).
    public func add(_ other: Tensor, alpha: Double = 1) throws -> Tensor {
        try arith(.add, other, alpha: Float(alpha))
    }
    /// `self - alpha * other` (`torch.sub`).
    public func sub(_ other: Tensor, alpha: Double = 1) throws -> Tensor {
        try arith(.add, other, alpha: -Float(alpha))
    }
    /// Elementwise product with broadcasting (`torch.mul`).
    public func mul(_ other: Tensor) throws -> Tensor { try arith(.mul, other) }
    /// True division; integer inputs give float32 (`torch.div`).
    public func div(_ other: Tensor) throws -> Tensor { try arith(.div, other) }
    /// `self ** exponent` (`torch.pow`).
    public func pow(_ exponent: Tensor) throws -> Tensor { try arith(.pow, exponent) }
    /// Elementwise maximum; equal operands share the gradient equally (`torch.maximum`).
    public func maximum(_ other: Tensor) throws -> Tensor { try arith(.maximum, other) }
    /// Elementwise minimum; equal operands share the gradient equally (`torch.minimum`).
    public func minimum(_ other: Tensor) throws -> Tensor { try arith(.minimum, other) }

    /// Adds a Python float (a 0-d float32 tensor).
    public func add(_ s: Double) throws -> Tensor { try add(.scalar(s)) }
    /// Subtracts a Python float.
    public func sub(_ s: Double) throws -> Tensor { try sub(.scalar(s)) }
    /// Multiplies by a Python float.
    public func mul(_ s: Double) throws -> Tensor { try mul(.scalar(s)) }
    /// Divides by a Python float.
    public func div(_ s: Double) throws -> Tensor { try div(.scalar(s)) }
    /// Raises to a Python float power.
    public func pow(_ e: Double) throws -> Tensor { try pow(.scalar(e)) }

    /// Floor division with Python's sign rules (`torch.floor_divide`, `//`).
    public func floorDivide(_ other: Tensor) throws -> Tensor {
        let (shape, dtype) = try binaryPlan(other, op: "floor_divide")
        if dtype.isFloatingPoint {
            return BinaryKernels.generic(self, other, shape, dtype) { ($0 / $1).rounded(.down) }
        }
        return try checkedIntDivision(other, shape, dtype, op: "floor_divide") { a, b in
            let q = a / b
            return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
        }
    }

    /// Remainder with the sign of the divisor, as Python's `%` (`torch.remainder`).
    public func remainder(_ other: Tensor) throws -> Tensor {
        let (shape, dtype) = try binaryPlan(other, op: "remainder")
        if dtype.isFloatingPoint {
            return BinaryKernels.generic(self, other, shape, dtype) { a, b in
                let r = fmod(a, b)
                return (r != 0 && (r < 0) != (b < 0)) ? r + b : r
            }
        }
        return try checkedIntDivision(other, shape, dtype, op: "remainder") { a, b in
            let r = a % b
            return (r != 0 && (r < 0) != (b < 0)) ? r + b : r
        }
    }

    // MARK: Comparisons and logic (bool results, never differentiable)

    /// Elementwise ==, bool result (`torch.eq`).
    public func eq(_ other: Tensor) throws -> Tensor { try compare(other, "eq") { $0 == $1 } }
    /// Elementwise !=, bool result (`torch.ne`).
    public func ne(_ other: Tensor) throws -> Tensor { try compare(other, "ne") { $0 != $1 } }
    /// Elementwise <, bool result (`torch.lt`).
    public func lt(_ other: Tensor) throws -> Tensor { try compare(other, "lt") { $0 < $1 } }
    /// Elementwise <=, bool result (`torch.le`).
    public func le(_ other: Tensor) throws -> Tensor { try compare(other, "le") { $0 <= $1 } }
    /// Elementwise >, bool result (`torch.gt`).
    public func gt(_ other: Tensor) throws -> Tensor { try compare(other, "gt") { $0 > $1 } }
    /// Elementwise >=, bool result (`torch.ge`).
    public func ge(_ other: Tensor) throws -> Tensor { try compare(other, "ge") { $0 >= $1 } }
    /// Elementwise logical and of truth values (`torch.logical_and`, `&` on bools).
    public func logicalAnd(_ other: Tensor) throws -> Tensor { try compare(other, "logical_and") { $0 != 0 && $1 != 0 } }
    /// Elementwise logical or (`torch.logical_or`, `|` on bools).
    public func logicalOr(_ other: Tensor) throws -> Tensor { try compare(other, "logical_or") { $0 != 0 || $1 != 0 } }
    /// Elementwise logical xor (`torch.logical_xor`).
    public func logicalXor(_ other: Tensor) throws -> Tensor { try compare(other, "logical_xor") { ($0 != 0) != ($1 != 0) } }

    /// Elementwise logical not (`torch.logical_not`, `~` on bool tensors).
    public func logicalNot() -> Tensor {
        BinaryKernels.generic(self, .scalar(0), shape, .bool) { a, _ in a == 0 ? 1 : 0 }
    }

    /// True where the value is NaN.
    public func isnan() -> Tensor {
        BinaryKernels.generic(self, .scalar(0), shape, .bool) { a, _ in a.isNaN ? 1 : 0 }
    }

    /// True where the value is +-inf.
    public func isinf() -> Tensor {
        BinaryKernels.generic(self, .scalar(0), shape, .bool) { a, _ in a.isInfinite ? 1 : 0 }
    }

    // MARK: Implementation

    enum ArithKind: String { case add, mul, div, pow, maximum, minimum }

    func binaryPlan(_ other: Tensor, op: String) throws -> ([Int], DType) {
        let shape = try broadcastShapes(self.shape, other.shape, op: op)
        let dtype = DType.resultType(dtype, aIsScalar: ndim == 0, other.dtype, bIsScalar: other.ndim == 0)
        return (shape, dtype)
    }

    private func compare(_ other: Tensor, _ op: String, _ f: @escaping (Double, Double) -> Bool) throws -> Tensor {
        let shape = try broadcastShapes(self.shape, other.shape, op: op)
        if dtype == .float32 && other.dtype == .float32 && op != "logical_and" && op != "logical_or" {
            let r = BinaryKernels.float(self, other, shape) { f(Double($0), Double($1)) ? 1 : 0 }
            return r.to(.bool)
        }
        return BinaryKernels.generic(self, other, shape, .bool) { f($0, $1) ? 1 : 0 }
    }

    private func checkedIntDivision(_ other: Tensor, _ shape: [Int], _ dtype: DType, op: String,
                                    _ f: @escaping (Int64, Int64) -> Int64) throws -> Tensor {
        if other.toIntArray().contains(0) { throw TensorError(op, "ZeroDivisionError") }
        return BinaryKernels.int64(self, other, shape, dtype, f)
    }

    private func arith(_ kind: ArithKind, _ other: Tensor, alpha: Float = 1) throws -> Tensor {
        let opName = kind == .add && alpha < 0 ? "sub" : kind.rawValue
        var (shape, dtype) = try binaryPlan(other, op: opName)
        if kind == .div || (kind == .pow && dtype != .float32 && other.dtype == .float32) { dtype = .float32 }
        if dtype != .float32 { return try intArith(kind, other, shape, dtype, alpha: alpha, op: opName) }
        let a = to(.float32), b = other.to(.float32)
        let out: Tensor
        switch kind {
        case .add:
            out = alpha == 1 ? BinaryKernels.float(a, b, shape, op: AddOp())
                : BinaryKernels.float(a, b, shape, op: AddScaledOp(alpha: alpha))
            return out.recorded(.add(alpha: alpha), inputs: [a, b])
        case .mul:
            out = BinaryKernels.float(a, b, shape, op: MulOp())
            return out.recorded(.mul, inputs: [a, b], saved: [a, b])
        case .div:
            out = BinaryKernels.float(a, b, shape, op: DivOp())
            return out.recorded(.div, inputs: [a, b], saved: [a, b])
        case .pow:
            out = Tensor.powKernel(a, b, shape)
            return out.recorded(.pow, inputs: [a, b], saved: [a, b, out.alias()])
        case .maximum:
            out = BinaryKernels.float(a, b, shape) { $0.isNaN || $1.isNaN ? .nan : Swift.max($0, $1) }
            return out.recorded(.maximum, inputs: [a, b], saved: [a, b])
        case .minimum:
            out = BinaryKernels.float(a, b, shape) { $0.isNaN || $1.isNaN ? .nan : Swift.min($0, $1) }
            return out.recorded(.minimum, inputs: [a, b], saved: [a, b])
        }
    }

    private func intArith(_ kind: ArithKind, _ other: Tensor, _ shape: [Int], _ dtype: DType,
                          alpha: Float, op: String) throws -> Tensor {
        let al = Int64(alpha)
        switch kind {
        case .add where dtype == .bool:
            return BinaryKernels.generic(self, other, shape, .bool) { ($0 != 0 || $1 != 0) ? 1 : 0 }
        case .add: return BinaryKernels.int64(self, other, shape, dtype) { $0 &+ al &* $1 }
        case .mul where dtype == .bool:
            return BinaryKernels.generic(self, other, shape, .bool) { ($0 != 0 && $1 != 0) ? 1 : 0 }
        case .mul: return BinaryKernels.int64(self, other, shape, dtype) { $0 &* $1 }
        case .maximum: return BinaryKernels.int64(self, other, shape, dtype) { Swift.max($0, $1) }
        case .minimum: return BinaryKernels.int64(self, other, shape, dtype) { Swift.min($0, $1) }
        case .pow:
            if other.toIntArray().contains(where: { $0 < 0 }) {
                throw TensorError(op, "Integers to negative integer powers are not allowed.")
            }
            return BinaryKernels.int64(self, other, shape, dtype) { base, e in
                var r: Int64 = 1
                for _ in 0..<e { r = r &* base }
                return r
            }
        case .div: return BinaryKernels.float(to(.float32), other.to(.float32), shape, /)
        }
    }

    /// Float power with fast paths for the common constant exponents.
    static func powKernel(_ a: Tensor, _ b: Tensor, _ shape: [Int]) -> Tensor {
        if b.numel == 1 {
            let e = b.floatBase[0]
            switch e {
            case 2: return BinaryKernels.float(a, b, shape) { x, _ in x * x }
            case 1: return BinaryKernels.float(a, b, shape) { x, _ in x }
            case 0.5: return BinaryKernels.float(a, b, shape) { x, _ in x.squareRoot() }
            case 0: return BinaryKernels.float(a, b, shape) { _, _ in 1 }
            default: break
            }
        }
        return BinaryKernels.float(a, b, shape) { powf($0, $1) }
    }
}

// MARK: Operators (PyTorch's `+ - * / ** @` spellings; Python scalars are 0-d tensors)

extension Tensor {
    public static func + (a: Tensor, b: Tensor) throws -> Tensor { try a.add(b) }
    public static func - (a: Tensor, b: Tensor) throws -> Tensor { try a.sub(b) }
    public static func * (a: Tensor, b: Tensor) throws -> Tensor { try a.mul(b) }
    public static func / (a: Tensor, b: Tensor) throws -> Tensor { try a.div(b) }
    public static func + (a: Tensor, b: Double) throws -> Tensor { try a.add(b) }
    public static func - (a: Tensor, b: Double) throws -> Tensor { try a.sub(b) }
    public static func * (a: Tensor, b: Double) throws -> Tensor { try a.mul(b) }
    public static func / (a: Tensor, b: Double) throws -> Tensor { try a.div(b) }
    public static func + (a: Double, b: Tensor) throws -> Tensor { try Tensor.scalar(a).add(b) }
    public static func - (a: Double, b: Tensor) throws -> Tensor { try Tensor.scalar(a).sub(b) }
    public static func * (a: Double, b: Tensor) throws -> Tensor { try Tensor.scalar(a).mul(b) }
    public static func / (a: Double, b: Tensor) throws -> Tensor { try Tensor.scalar(a).div(b) }
    public static prefix func - (a: Tensor) -> Tensor { a.neg() }
}

extension Tensor {
    /// Elementwise |a - b| <= atol + rtol |b| (`torch.isclose`; NaN equal only with `equalNaN`).
    public func isclose(_ other: Tensor, rtol: Double = 1e-5, atol: Double = 1e-8, equalNaN: Bool = false) throws -> Tensor {
        let shape = try broadcastShapes(self.shape, other.shape, op: "isclose")
        return BinaryKernels.generic(self, other, shape, .bool) { a, b in
            if a.isNaN || b.isNaN { return equalNaN && a.isNaN && b.isNaN ? 1 : 0 }
            if a == b { return 1 }
            return Swift.abs(a - b) <= atol + rtol * Swift.abs(b) ? 1 : 0
        }
    }

    /// Whether all elements are close (`torch.allclose`).
    public func allclose(_ other: Tensor, rtol: Double = 1e-5, atol: Double = 1e-8, equalNaN: Bool = false) throws -> Bool {
        try isclose(other, rtol: rtol, atol: atol, equalNaN: equalNaN).toIntArray().allSatisfy { $0 != 0 }
    }

    /// Same shape and the same values (`torch.equal`).
    public func equal(_ other: Tensor) -> Bool {
        shape == other.shape && zip(toDoubleArray(), other.toDoubleArray()).allSatisfy { $0 == $1 }
    }
}
