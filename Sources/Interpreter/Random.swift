/// CPython's Mersenne Twister (MT19937) with its seeding, so `random.seed(n)` gives the same
/// numbers as CPython for random(), randint/randrange, choice, shuffle and uniform.
struct RandomState {
    private var mt = [UInt32](repeating: 0, count: 624)
    private var index = 625

    init(seed: Int) { self.seed(seed) }

    mutating func seed(_ n: Int) {
        var key: [UInt32] = []
        var x = n.magnitude
        repeat { key.append(UInt32(truncatingIfNeeded: x)); x >>= 32 } while x > 0
        initByArray(key)
    }

    private mutating func initGenrand(_ s: UInt32) {
        mt[0] = s
        for i in 1..<624 {
            mt[i] = 1812433253 &* (mt[i - 1] ^ (mt[i - 1] >> 30)) &+ UInt32(i)
        }
        index = 624
    }

    private mutating func initByArray(_ key: [UInt32]) {
        initGenrand(19650218)
        var i = 1, j = 0
        for _ in 0..<max(624, key.count) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) &* 1664525)) &+ key[j] &+ UInt32(j)
            i += 1; j += 1
            if i >= 624 { mt[0] = mt[623]; i = 1 }
            if j >= key.count { j = 0 }
        }
        for _ in 0..<623 {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) &* 1566083941)) &- UInt32(i)
            i += 1
            if i >= 624 { mt[0] = mt[623]; i = 1 }
        }
        mt[0] = 0x8000_0000
    }

    mutating func next32() -> UInt32 {
        if index >= 624 {
            for k in 0..<624 {
                let y = (mt[k] & 0x8000_0000) | (mt[(k + 1) % 624] & 0x7fff_ffff)
                mt[k] = mt[(k + 397) % 624] ^ (y >> 1) ^ ((y & 1) != 0 ? 0x9908_b0df : 0)
            }
            index = 0
        }
        var y = mt[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9d2c_5680
        y ^= (y << 15) & 0xefc6_0000
        y ^= y >> 18
        return y
    }

    /// A float in [0, 1) with 53 random bits, as CPython's random().
    mutating func random() -> Double {
        let a = Double(next32() >> 5), b = Double(next32() >> 6)
        return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0)
    }

    mutating func getrandbits(_ k: Int) -> UInt64 {
        if k <= 32 { return UInt64(next32() >> (32 - UInt32(k))) }
        var result: UInt64 = 0
        var left = k
        var shift: UInt64 = 0
        while left > 0 {
            var r = UInt64(next32())
            if left < 32 { r >>= UInt64(32 - left) }
            result |= r << shift
            shift += 32
            left -= 32
        }
        return result
    }

    /// A uniform int in [0, n), by rejection as CPython's _randbelow.
    mutating func below(_ n: Int) -> Int {
        if n <= 0 { return 0 }
        let k = Int.bitWidth - n.leadingZeroBitCount
        var r = Int(getrandbits(k))
        while r >= n { r = Int(getrandbits(k)) }
        return r
    }
}

extension Runtime {
    func makeRandom() -> PyModule {
        var a: [String: Value] = [:]
        func def(_ n: String, _ fn: @escaping BuiltinFn) { a[n] = .builtin(PyBuiltin(n, fn)) }
        def("seed") { rt, _, args, _ in
            switch args.first ?? .none {
            case .none:
                var ts = timespecNow()
                rt.randomState.seed(Int(ts.0 ^ ts.1)); ts = (0, 0)
            case .int(let n): rt.randomState.seed(n)
            case .str(let s): rt.randomState.seed(s.unicodeScalars.reduce(0) { ($0 &* 31) &+ Int($1.value) })
            default: throw typeError("The only supported seed types are: None, int, str")
            }
            return .none
        }
        def("random") { rt, _, _, _ in .float(rt.randomState.random()) }
        def("uniform") { rt, _, args, _ in
            try expectCount("uniform", args, 2, 2)
            let lo = try doubleValue(args[0], "uniform"), hi = try doubleValue(args[1], "uniform")
            return .float(lo + (hi - lo) * rt.randomState.random())
        }
        def("randrange") { rt, _, args, _ in
            try expectCount("randrange", args, 1, 3)
            let v = try args.map { try intValue($0, "randrange") }
            let (start, stop, step) = v.count == 1 ? (0, v[0], 1) : (v[0], v[1], v.count == 3 ? v[2] : 1)
            let n = step > 0 ? (stop - start + step - 1) / step : (start - stop - step - 1) / (-step)
            if n <= 0 { throw valueError("empty range for randrange()") }
            return .int(start + step * rt.randomState.below(n))
        }
        def("randint") { rt, _, args, _ in
            try expectCount("randint", args, 2, 2)
            let lo = try intValue(args[0], "randint"), hi = try intValue(args[1], "randint")
            if hi < lo { throw valueError("empty range for randrange()") }
            return .int(lo + rt.randomState.below(hi - lo + 1))
        }
        def("choice") { rt, _, args, _ in
            try expectCount("choice", args, 1, 1)
            let items = try rt.toArray(args[0])
            if items.isEmpty { throw indexError("Cannot choose from an empty sequence") }
            return items[rt.randomState.below(items.count)]
        }
        def("shuffle") { rt, _, args, _ in
            try expectCount("shuffle", args, 1, 1)
            guard case .list(let l) = args[0] else { throw typeError("shuffle() argument must be a list") }
            var i = l.items.count - 1
            while i > 0 {
                let j = rt.randomState.below(i + 1)
                l.items.swapAt(i, j)
                i -= 1
            }
            return .none
        }
        def("gauss") { rt, _, args, _ in
            let mu = try args.first.map { try doubleValue($0, "gauss") } ?? 0
            let sigma = args.count > 1 ? try doubleValue(args[1], "gauss") : 1
            let u1 = rt.randomState.random(), u2 = rt.randomState.random()
            let z = (-2 * log(max(1 - u1, 1e-300))).squareRoot() * cos(2 * Double.pi * u2)
            return .float(mu + z * sigma)
        }
        return PyModule(name: "random", attributes: a)
    }
}

import Glibc

func timespecNow() -> (Int, Int) {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return (Int(ts.tv_sec), Int(ts.tv_nsec))
}
