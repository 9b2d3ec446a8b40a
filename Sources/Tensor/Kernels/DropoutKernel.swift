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

    /// out[i] = x[i] * scale where kept, else 0; `mask[i]` (if given) = scale or 0. Keep
    /// probability is 1 - p up to 2^-24: the top 24 bits of the hash are compared with p * 2^24.
    static func apply(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ mask: UnsafeMutablePointer<Float>?,
                      count n: Int, p: Double, scale: Float, key: UInt64) {
        let threshold = UInt32(Swift.min((p * 16_777_216).rounded(.up), 16_777_216))
        let k0 = UInt32(truncatingIfNeeded: key), k1base = UInt32(truncatingIfNeeded: key >> 32)
        parallelRange(n) { lo, hi in
            var i = lo
            // Blocks never cross a multiple of 2^32, so the high index bits are fixed per block.
            while i < hi {
                let blockEnd = Swift.min(hi, (i | 0xFFFF_FFFF) &+ 1)
                let k1 = k1base ^ mix(UInt32(truncatingIfNeeded: i >> 32) &+ 0x9E37_79B9)
                run(x, out, mask, i, blockEnd, threshold, scale, k0, k1)
                i = blockEnd
            }
        }
    }

    @inline(__always)
    private static func run(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ mask: UnsafeMutablePointer<Float>?,
                            _ lo: Int, _ hi: Int, _ threshold: UInt32, _ scale: Float, _ k0: UInt32, _ k1: UInt32) {
        let lanes = V(0, 1, 2, 3, 4, 5, 6, 7)
        let zero = SIMD8<Float>(repeating: 0), sv = SIMD8<Float>(repeating: scale)
        let thr = V(repeating: threshold)
        var i = lo
        let rx = UnsafeRawPointer(x), ro = UnsafeMutableRawPointer(out)
        while i + 8 <= hi {
            let c = V(repeating: UInt32(truncatingIfNeeded: i)) &+ lanes
            let h = mix(mix(c ^ k0) ^ k1) &>> 8
            let m = zero.replacing(with: sv, where: h .>= thr)
            let v = rx.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            ro.storeBytes(of: v * m, toByteOffset: i * 4, as: SIMD8<Float>.self)
            if let mask { UnsafeMutableRawPointer(mask).storeBytes(of: m, toByteOffset: i * 4, as: SIMD8<Float>.self) }
            i += 8
        }
        while i < hi {
            let h = mix(mix(UInt32(truncatingIfNeeded: i) ^ k0) ^ k1) >> 8
            let m: Float = h >= threshold ? scale : 0
            out[i] = x[i] * m
            mask?[i] = m
            i += 1
        }
    }
}
