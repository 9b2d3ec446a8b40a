/// Branch-free float32 transcendental functions written so that loops over them auto-vectorize
/// (libm's scalar `tanhf`/`expf` are 10-40x slower than a vectorized loop).
///
/// `exp`: Cody-Waite reduction x = n ln2 + r, |r| <= ln2/2, degree-6 polynomial (Cephes
/// coefficients), 2^n applied as two exact power-of-two factors so results down to the
/// denormal range are right; about 1 ulp; 0 below -103.97, inf above 88.72, NaN kept.
/// `tanh`: rational approximation, abs error < 4e-7 and relative error < 3e-7 near 0.
/// `sigmoid`: 1/(1+e^-x) for x >= 0 and e^x/(1+e^x) for x < 0 (no overflow).
enum FastMath {
    @inline(__always)
    static func exp(_ x: Float) -> Float {
        let hi: Float = 88.72283, lo: Float = -103.97208
        let xc = x > hi ? hi : (x < lo ? lo : x)
        // Round to nearest with the 1.5 * 2^23 magic number (no libm floor call in the loop).
        let shifted = xc * 1.44269504088896341 + 12582912.0
        let fx = shifted - 12582912.0
        var r = xc - fx * 0.693359375
        r = r + fx * 2.12194440e-4
        let z = r * r
        var p: Float = 1.9875691500E-4
        p = p * r + 1.3981999507E-3
        p = p * r + 8.3334519073E-3
        p = p * r + 4.1665795894E-2
        p = p * r + 1.6666665459E-1
        p = p * r + 5.0000001201E-1
        p = p * z + r + 1
        let n = Int32(bitPattern: shifted.bitPattern) &- 0x4B40_0000
        let n1 = n >> 1, n2 = n &- n1
        let s1 = Float(bitPattern: UInt32(bitPattern: (n1 &+ 127) << 23))
        let s2 = Float(bitPattern: UInt32(bitPattern: (n2 &+ 127) << 23))
        var y = p * s1 * s2
        y = x < lo ? 0 : y
        y = x > hi ? .infinity : y
        return x != x ? x : y
    }

    /// Rational minimax approximation x P(x^2) / Q(x^2) on [-7.905, 7.905] (the form Eigen
    /// uses; clamped outside, where tanh rounds to +-1): ~15 flops and one division.
    @inline(__always)
    static func tanh(_ x: Float) -> Float {
        let c: Float = 7.90531110763549805
        let xc = x > c ? c : (x < -c ? -c : x)
        let x2 = xc * xc
        var p: Float = -2.76076847742355e-16
        p = p * x2 + 2.00018790482477e-13
        p = p * x2 - 8.60467152213735e-11
        p = p * x2 + 5.12229709037114e-08
        p = p * x2 + 1.48572235717979e-05
        p = p * x2 + 6.37261928875436e-04
        p = p * x2 + 4.89352455891786e-03
        p = p * xc
        var q: Float = 1.19825839466702e-06
        q = q * x2 + 1.18534705686654e-04
        q = q * x2 + 2.26843463243900e-03
        q = q * x2 + 4.89352518554385e-03
        let r = Swift.abs(x) < 0.0004 ? x : p / q
        return x != x ? x : r
    }

    @inline(__always)
    static func sigmoid(_ x: Float) -> Float {
        let e = exp(-Swift.abs(x))
        let d = 1 + e
        return x >= 0 ? 1 / d : e / d
    }
}

