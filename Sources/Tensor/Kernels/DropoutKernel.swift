/// Dropout's keep mask from a counter-based stream: element i is kept when a hash of
/// (i, key) lands at or above p. The key is drawn once per call from the generator, so a
/// seeded generator reproduces the mask, and since every element depends only on its own index
/// the mask is the same whether one core or two compute it (and in any chunking).
enum DropoutKernel {
    typealias V = SIMD8<UInt32>

    /// A 32-bit integer hash with good avalanche (two multiply-xorshift rounds).
    @inline(__always)
    static func mix(_ v: V) -> V {
        var x = v
        x ^= x &>> 16
        x &*= 0x21F0_AAAD
        x ^= x &>> 15
        x &*= 0x735A_2D97
        x ^= x &>> 15
        return x
    }

    @inline(__always)
    static func mix(_ v: UInt32) -> UInt32 {
        var x = v
        x ^= x >> 16
        x &*= 0x21F0_AAAD
        x ^= x >> 15
        x &*= 0x735A_2D97
        x ^= x >> 15
        return x
    }

    /// What one pass writes for element i (kept or not by the hash):
    /// `scaled`: out = x * scale or 0, optional float mask = scale or 0 (F.dropout);
    /// `select`: out = x or 0, bool mask = kept (the scale was folded into x's producer);
    /// `relu`: out = relu(x) or 0, no mask (relu's derivative reads the output, which is 0 where dropped).
    enum Mode {
        case scaled(Float, UnsafeMutablePointer<Float>?)
        case select(UnsafeMutablePointer<UInt8>)
        case relu
    }

    /// Keep probability is 1 - p up to 2^-24: the top 24 bits of the hash are compared with p * 2^24.
    static func apply(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, count n: Int, p: Double,
                      key: UInt64, mode: Mode) {
        let threshold = UInt32(Swift.min((p * 16_777_216).rounded(.up), 16_777_216))
        let k0 = UInt32(truncatingIfNeeded: key), k1base = UInt32(truncatingIfNeeded: key >> 32)
        parallelRange(n) { lo, hi in
            var i = lo
            // Blocks never cross a multiple of 2^32, so the high index bits are fixed per block.
            while i < hi {
                let blockEnd = Swift.min(hi, (i | 0xFFFF_FFFF) &+ 1)
                let k1 = k1base ^ mix(UInt32(truncatingIfNeeded: i >> 32) &+ 0x9E37_79B9)
                switch mode {
                case .scaled(let scale, let mask): runScaled(x, out, mask, i, blockEnd, threshold, scale, k0, k1)
                case .select(let mask): runSelect(x, out, mask, i, blockEnd, threshold, k0, k1)
                case .relu: runRelu(x, out, i, blockEnd, threshold, k0, k1)
                }
                i = blockEnd
            }
        }
    }

    @inline(__always)
    private static func keep8(_ i: Int, _ thr: V, _ k0: UInt32, _ k1: UInt32) -> SIMDMask<SIMD8<Int32>> {
        let c = V(repeating: UInt32(truncatingIfNeeded: i)) &+ V(0, 1, 2, 3, 4, 5, 6, 7)
        return (mix(mix(c ^ k0) ^ k1) &>> 8) .>= thr
    }

    @inline(__always)
    private static func keep1(_ i: Int, _ threshold: UInt32, _ k0: UInt32, _ k1: UInt32) -> Bool {
        (mix(mix(UInt32(truncatingIfNeeded: i) ^ k0) ^ k1) >> 8) >= threshold
    }

    private static func runScaled(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ mask: UnsafeMutablePointer<Float>?,
                                  _ lo: Int, _ hi: Int, _ threshold: UInt32, _ scale: Float, _ k0: UInt32, _ k1: UInt32) {
        let zero = SIMD8<Float>(repeating: 0), sv = SIMD8<Float>(repeating: scale), thr = V(repeating: threshold)
        var i = lo
        let rx = UnsafeRawPointer(x), ro = UnsafeMutableRawPointer(out)
        while i + 8 <= hi {
            let m = zero.replacing(with: sv, where: keep8(i, thr, k0, k1))
            let v = rx.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            ro.storeBytes(of: v * m, toByteOffset: i * 4, as: SIMD8<Float>.self)
            if let mask { UnsafeMutableRawPointer(mask).storeBytes(of: m, toByteOffset: i * 4, as: SIMD8<Float>.self) }
            i += 8
        }
        while i < hi {
            let m: Float = keep1(i, threshold, k0, k1) ? scale : 0
            out[i] = x[i] * m
            mask?[i] = m
            i += 1
        }
    }

    private static func runSelect(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ mask: UnsafeMutablePointer<UInt8>,
                                  _ lo: Int, _ hi: Int, _ threshold: UInt32, _ k0: UInt32, _ k1: UInt32) {
        let zero = SIMD8<Float>(repeating: 0), thr = V(repeating: threshold)
        let one = SIMD8<UInt8>(repeating: 1), none = SIMD8<UInt8>(repeating: 0)
        var i = lo
        let rx = UnsafeRawPointer(x), ro = UnsafeMutableRawPointer(out), rm = UnsafeMutableRawPointer(mask)
        while i + 8 <= hi {
            let k = keep8(i, thr, k0, k1)
            let v = rx.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            ro.storeBytes(of: zero.replacing(with: v, where: k), toByteOffset: i * 4, as: SIMD8<Float>.self)
            rm.storeBytes(of: none.replacing(with: one, where: SIMDMask<SIMD8<Int8>>(k.select8)), toByteOffset: i, as: SIMD8<UInt8>.self)
            i += 8
        }
        while i < hi {
            let k = keep1(i, threshold, k0, k1)
            out[i] = k ? x[i] : 0
            mask[i] = k ? 1 : 0
            i += 1
        }
    }

    private static func runRelu(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                                _ lo: Int, _ hi: Int, _ threshold: UInt32, _ k0: UInt32, _ k1: UInt32) {
        let zero = SIMD8<Float>(repeating: 0), thr = V(repeating: threshold)
        var i = lo
        let rx = UnsafeRawPointer(x), ro = UnsafeMutableRawPointer(out)
        while i + 8 <= hi {
            let v = rx.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            // relu keeps NaN (v .!= v) as PyTorch; dropped elements are 0.
            let k = keep8(i, thr, k0, k1) .& ((v .> zero) .| (v .!= v))
            ro.storeBytes(of: zero.replacing(with: v, where: k), toByteOffset: i * 4, as: SIMD8<Float>.self)
            i += 8
        }
        while i < hi {
            let v = x[i]
            out[i] = keep1(i, threshold, k0, k1) && (v > 0 || v.isNaN) ? v : 0
            i += 1
        }
    }
}

private extension SIMDMask where Storage == SIMD8<Int32> {
    /// The same lanes as an 8-bit mask.
    var select8: SIMD8<Int8> { SIMD8<Int8>(truncatingIfNeeded: SIMD8<Int32>(repeating: 0).replacing(with: -1, where: self)) }
}
