/// numpy's legacy `RandomState` (MT19937) as far as RETURNN's seq ordering and chunking use it.
///
/// `permutation(n)` and `shuffle` match `numpy.random.RandomState(seed)` exactly: Fisher–Yates
/// from the back with masked rejection sampling of `[0, i]` (see shared/tools/check_numpy_permutation.py).
public struct RandomState {
    private var mt = [UInt32](repeating: 0, count: 624)
    private var index = 624

    /// The 624 state words (as numpy's `get_state()[1]`).
    public internal(set) var state: [UInt32] {
        get { mt }
        set { mt = newValue; index = 624 }
    }

    /// Seeds with the standard `init_genrand` (numpy's legacy seeding for a 32-bit int seed).
    public init(seed: UInt32) {
        mt[0] = seed
        for i in 1..<624 {
            mt[i] = 1_812_433_253 &* (mt[i - 1] ^ (mt[i - 1] >> 30)) &+ UInt32(i)
        }
    }

    /// numpy accepts seeds in [0, 2^32).
    public init(seed: Int) throws {
        guard seed >= 0 && seed <= Int(UInt32.max) else {
            throw DatasetError("random seed must be between 0 and 2**32 - 1, got \(seed)")
        }
        self.init(seed: UInt32(seed))
    }

    private mutating func twist() {
        for i in 0..<624 {
            let y = (mt[i] & 0x8000_0000) | (mt[(i + 1) % 624] & 0x7FFF_FFFF)
            var v = mt[(i + 397) % 624] ^ (y >> 1)
            if y & 1 != 0 { v ^= 0x9908_B0DF }
            mt[i] = v
        }
        index = 0
    }

    public mutating func nextUInt32() -> UInt32 {
        if index >= 624 { twist() }
        var y = mt[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// `random_sample()`: a double in [0, 1) from 53 random bits.
    public mutating func randomSample() -> Double {
        let a = Double(nextUInt32() >> 5), b = Double(nextUInt32() >> 6)
        return (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
    }

    /// Uniform integer in `[0, max]` by masked rejection sampling.
    public mutating func randomInterval(_ max: Int) -> Int {
        if max == 0 { return 0 }
        var mask = UInt64(max)
        for s in [1, 2, 4, 8, 16, 32] as [UInt64] { mask |= mask >> s }
        if max <= Int(UInt32.max) {
            while true {
                let v = UInt64(nextUInt32()) & mask
                if v <= UInt64(max) { return Int(v) }
            }
        }
        while true {
            let v = ((UInt64(nextUInt32()) << 32) | UInt64(nextUInt32())) & mask
            if v <= UInt64(max) { return Int(v) }
        }
    }

    /// `shuffle(x)` in place.
    public mutating func shuffle<T>(_ a: inout [T]) {
        guard a.count > 1 else { return }
        for i in stride(from: a.count - 1, through: 1, by: -1) {
            let j = randomInterval(i)
            a.swapAt(i, j)
        }
    }

    /// `permutation(n)`: a shuffled `0..<n`.
    public mutating func permutation(_ n: Int) -> [Int] {
        var a = Array(0..<n)
        shuffle(&a)
        return a
    }
}

extension RandomState {
    /// Seeding with a sequence (`RandomState().seed((a, b))`): MT19937 `init_by_array`.
    public init(key: [UInt32]) {
        self.init(seed: UInt32(19_650_218))
        var mt = self.state
        let n = 624
        var i = 1, j = 0
        for _ in 0..<max(n, key.count) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) &* 1_664_525)) &+ key[j] &+ UInt32(j)
            i += 1
            j += 1
            if i >= n { mt[0] = mt[n - 1]; i = 1 }
            if j >= key.count { j = 0 }
        }
        for _ in 0..<(n - 1) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) &* 1_566_083_941)) &- UInt32(i)
            i += 1
            if i >= n { mt[0] = mt[n - 1]; i = 1 }
        }
        mt[0] = 0x8000_0000
        self.state = mt
    }

    /// `randint(low, high)`: uniform in `[low, high)`.
    public mutating func randint(_ low: Int, _ high: Int) -> Int { low + randomInterval(high - 1 - low) }

    /// `uniform()`: a double in [0, 1).
    public mutating func uniform() -> Double { randomSample() }

    /// `choice(items)` with uniform probabilities.
    public mutating func choice<T>(_ items: [T]) -> T { items[randint(0, items.count)] }
}
