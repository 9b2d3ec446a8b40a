import Foundation

/// A seedable random generator (xoshiro256** seeded through splitmix64), PyTorch's
/// `torch.Generator` role. Bit-compatibility with PyTorch's streams is not a goal; the
/// distributions are the same.
public final class Generator: @unchecked Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private var spareNormal: Double?
    private let lock = NSLock()

    /// The process-wide generator behind `manualSeed`, `randn`, `rand`, `randint` and init.
    public static let `default` = Generator(seed: 0)

    public init(seed: UInt64) { manualSeed(seed) }

    /// Resets the stream (`torch.manual_seed`).
    public func manualSeed(_ seed: UInt64) {
        lock.lock()
        defer { lock.unlock() }
        var z = seed
        func splitmix() -> UInt64 {
            z &+= 0x9E37_79B9_7F4A_7C15
            var x = z
            x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
            x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
            return x ^ (x >> 31)
        }
        s = (splitmix(), splitmix(), splitmix(), splitmix())
        spareNormal = nil
    }

    @inline(__always)
    private func nextRaw() -> UInt64 {
        let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = (s.3 << 45) | (s.3 >> 19)
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    public func nextUniform() -> Double {
        lock.lock()
        defer { lock.unlock() }
        return Double(nextRaw() >> 11) * 0x1.0p-53
    }

    /// Uniform integer in [0, n).
    public func nextInt(_ n: UInt64) -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        return n == 0 ? 0 : nextRaw() % n
    }

    /// Fills `n` floats with uniform [0, 1) samples under one lock (24 random bits each).
    public func fillUniform(_ p: UnsafeMutablePointer<Float>, _ n: Int) {
        lock.lock()
        defer { lock.unlock() }
        for i in 0..<n { p[i] = Float(nextRaw() >> 40) * 0x1.0p-24 }
    }

    /// Fills `n` floats with standard-normal samples (Box-Muller pairs) under one lock.
    public func fillNormal(_ p: UnsafeMutablePointer<Float>, _ n: Int) {
        lock.lock()
        defer { lock.unlock() }
        var i = 0
        while i < n {
            var u1 = Double(nextRaw() >> 11) * 0x1.0p-53
            if u1 <= 0 { u1 = 0x1.0p-53 }
            let u2 = Double(nextRaw() >> 11) * 0x1.0p-53
            let r = (-2 * Foundation.log(u1)).squareRoot()
            p[i] = Float(r * Foundation.cos(2 * .pi * u2))
            if i + 1 < n { p[i + 1] = Float(r * Foundation.sin(2 * .pi * u2)) }
            i += 2
        }
    }

    /// Standard normal (Box-Muller, both values used).
    public func nextNormal() -> Double {
        if let v = spareNormal {
            spareNormal = nil
            return v
        }
        var u1 = nextUniform()
        while u1 <= 0 { u1 = nextUniform() }
        let u2 = nextUniform()
        let r = (-2 * Foundation.log(u1)).squareRoot()
        spareNormal = r * Foundation.sin(2 * .pi * u2)
        return r * Foundation.cos(2 * .pi * u2)
    }
}

extension Tensor {
    /// Seeds the default generator (`torch.manual_seed`).
    public static func manualSeed(_ seed: UInt64) { Generator.default.manualSeed(seed) }

    /// Standard-normal samples (`torch.randn`).
    public static func randn(_ shape: [Int], generator: Generator = .default) -> Tensor {
        let t = Tensor(uninitializedShape: shape, dtype: .float32)
        generator.fillNormal(t.floatBase, t.numel)
        return t
    }

    /// Uniform samples in [0, 1) (`torch.rand`).
    public static func rand(_ shape: [Int], generator: Generator = .default) -> Tensor {
        let t = Tensor(uninitializedShape: shape, dtype: .float32)
        generator.fillUniform(t.floatBase, t.numel)
        return t
    }

    /// Uniform integers in [low, high) as int64 (`torch.randint`).
    public static func randint(_ low: Int, _ high: Int, _ shape: [Int], generator: Generator = .default) throws -> Tensor {
        guard high > low else { throw TensorError("randint", "random_ expects 'from' to be less than 'to', but got from=\(low) >= to=\(high)") }
        let t = Tensor(uninitializedShape: shape, dtype: .int64)
        for i in 0..<t.numel { t.int64Base[i] = Int64(low) + Int64(generator.nextInt(UInt64(high - low))) }
        return t
    }

    /// Fills with uniform samples in [low, high) in place (`uniform_`, used by init).
    @discardableResult
    public func uniform(_ low: Double = 0, _ high: Double = 1, generator: Generator = .default) throws -> Tensor {
        let r = Tensor.rand(shape, generator: generator)
        return try noGrad { try copyFrom(try r.mul(high - low).add(low)) }
    }

    /// Fills with normal samples in place (`normal_`).
    @discardableResult
    public func normal(mean: Double = 0, std: Double = 1, generator: Generator = .default) throws -> Tensor {
        let r = Tensor.randn(shape, generator: generator)
        return try noGrad { try copyFrom(try r.mul(std).add(mean)) }
    }
}
