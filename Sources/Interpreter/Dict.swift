/// A hashable wrapper giving values Python's key semantics: `1 == 1.0 == True` hash alike,
/// tuples compare by element, objects by identity.
struct HKey: Hashable {
    let v: Value

    func hash(into h: inout Hasher) {
        switch v {
        case .none: h.combine(0 as UInt8)
        case .bool(let b): h.combine(b ? 1 : 0)
        case .int(let i): h.combine(i)
        case .float(let d):
            if d.isFinite, d == d.rounded(), abs(d) < 9.2e18 { h.combine(Int(d)) } else { h.combine(d) }
        case .str(let s): h.combine(s)
        case .tuple(let xs): h.combine(xs.count); for x in xs { HKey(v: x).hash(into: &h) }
        default: h.combine(identity(v))
        }
    }

    static func == (a: HKey, b: HKey) -> Bool { keyEquals(a.v, b.v) }
}

/// Identity of a reference value (for `is`, hashing of objects, `id`).
func identity(_ v: Value) -> ObjectIdentifier? {
    switch v {
    case .list(let o): return ObjectIdentifier(o)
    case .dict(let o): return ObjectIdentifier(o)
    case .set(let o): return ObjectIdentifier(o)
    case .range(let o): return ObjectIdentifier(o)
    case .slice(let o): return ObjectIdentifier(o)
    case .function(let o): return ObjectIdentifier(o)
    case .builtin(let o): return ObjectIdentifier(o)
    case .boundMethod(let o): return ObjectIdentifier(o)
    case .type(let o): return ObjectIdentifier(o)
    case .instance(let o): return ObjectIdentifier(o)
    case .module(let o): return ObjectIdentifier(o)
    case .iterator(let o): return ObjectIdentifier(o)
    case .host(let o): return ObjectIdentifier(o)
    case .descriptor(let o): return ObjectIdentifier(o)
    default: return nil
    }
}

/// Equality of hashable values without user code (keys of dicts and sets).
func keyEquals(_ a: Value, _ b: Value) -> Bool {
    switch (a, b) {
    case (.none, .none): return true
    case let (.str(x), .str(y)): return x == y
    case let (.int(x), .int(y)): return x == y
    case let (.bool(x), .bool(y)): return x == y
    case let (.float(x), .float(y)): return x == y
    case let (.int(x), .bool(y)), let (.bool(y), .int(x)): return x == (y ? 1 : 0)
    case let (.int(x), .float(y)), let (.float(y), .int(x)): return Double(x) == y && y.magnitude < 9.3e18 && Int(y) == x
    case let (.bool(x), .float(y)), let (.float(y), .bool(x)): return (x ? 1.0 : 0.0) == y
    case let (.tuple(x), .tuple(y)):
        guard x.count == y.count else { return false }
        for i in x.indices where !keyEquals(x[i], y[i]) { return false }
        return true
    default:
        if let i = identity(a), let j = identity(b) { return i == j }
        return false
    }
}

/// Insertion-ordered storage of keys (and values) shared by dict and set. A class, so that
/// reading through a dict does not copy (and retain) every field of the table.
final class OrderedTable {
    private(set) var keys: [Value] = []
    private(set) var values: [Value] = []
    private var hashes: [Int] = []
    /// Open-addressing index: entry position, or `empty`/`deleted`. Its size is a power of two.
    private var index: [Int32] = []
    private var mask = -1
    private(set) var count = 0
    /// Keys removed since the last compaction, by position (CPython's dummies, for set order).
    private(set) var removed: [Int: Value] = [:]
    private static let empty: Int32 = -1
    private static let deleted: Int32 = -2

    init() {}

    /// The index slot holding key `k` (with hash `h`), or nil.
    @inline(__always)
    private func slot(of k: Value, _ h: Int) -> Int? {
        guard mask >= 0 else { return nil }
        var i = spread(h) & mask
        while true {
            let e = index[i]
            if e == OrderedTable.empty { return nil }
            if e >= 0 && hashes[Int(e)] == h && keyEquals(keys[Int(e)], k) { return i }
            i = (i + 1) & mask
        }
    }

    func find(_ k: Value) -> Int? {
        slot(of: k, pyHash(k)).map { Int(index[$0]) }
    }

    func get(_ k: Value) -> Value? {
        guard let s = slot(of: k, pyHash(k)) else { return nil }
        return values[Int(index[s])]
    }

    func set(_ k: Value, _ v: Value) {
        let h = pyHash(k)
        if let s = slot(of: k, h) { values[Int(index[s])] = v; return }
        if (keys.count + 1) * 3 >= (mask + 1) * 2 { rebuild(minimum: (count + 1) * 2) }
        var i = spread(h) & mask
        while index[i] >= 0 { i = (i + 1) & mask }
        index[i] = Int32(keys.count)
        keys.append(k)
        values.append(v)
        hashes.append(h)
        count += 1
    }

    @discardableResult
    func remove(_ k: Value) -> Value? {
        guard let s = slot(of: k, pyHash(k)) else { return nil }
        let e = Int(index[s])
        index[s] = OrderedTable.deleted
        let v = values[e]
        removed[e] = keys[e]
        keys[e] = .unbound
        values[e] = .unbound
        count -= 1
        if keys.count > 16 && count * 2 < keys.count { compact() }
        return v
    }

    func removeAll() {
        keys = []; values = []; hashes = []; index = []; mask = -1; count = 0; removed = [:]
    }

    /// An independent copy (dict.copy, set.copy).
    func copy() -> OrderedTable {
        let t = OrderedTable()
        t.keys = keys; t.values = values; t.hashes = hashes; t.index = index; t.mask = mask
        t.count = count; t.removed = removed
        return t
    }

    /// Re-creates the index for the live entries (tombstones dropped from the index only).
    private func rebuild(minimum: Int) {
        var size = 8
        while size * 2 < minimum * 3 { size <<= 1 }
        index = [Int32](repeating: OrderedTable.empty, count: size)
        mask = size - 1
        for e in keys.indices where !keys[e].isUnbound {
            var i = spread(hashes[e]) & mask
            while index[i] >= 0 { i = (i + 1) & mask }
            index[i] = Int32(e)
        }
    }

    private func compact() {
        var nk: [Value] = [], nv: [Value] = [], nh: [Int] = []
        nk.reserveCapacity(count); nv.reserveCapacity(count); nh.reserveCapacity(count)
        for i in keys.indices where !keys[i].isUnbound {
            nk.append(keys[i]); nv.append(values[i]); nh.append(hashes[i])
        }
        keys = nk; values = nv; hashes = nh
        removed = [:]
        rebuild(minimum: count * 2)
    }

    /// Entry positions (live and removed) in insertion order, for iterators.
    var slotCount: Int { keys.count }
    /// The key at entry position `p`, nil for a removed entry.
    @inline(__always) func key(at p: Int) -> Value? {
        let k = keys[p]
        return k.isUnbound ? nil : k
    }
    @inline(__always) func value(at p: Int) -> Value { values[p] }

    /// Live keys in insertion order.
    var orderedKeys: [Value] { count == keys.count ? keys : keys.filter { !$0.isUnbound } }
    var orderedItems: [(Value, Value)] {
        var out: [(Value, Value)] = []
        out.reserveCapacity(count)
        for i in keys.indices where !keys[i].isUnbound { out.append((keys[i], values[i])) }
        return out
    }
    var orderedValues: [Value] { count == keys.count ? values : values.indices.filter { !keys[$0].isUnbound }.map { values[$0] } }
}

/// An insertion-ordered dict.
public final class PyDict {
    /// A `let`: reading it through a borrowed dict costs no retain.
    let table: OrderedTable
    public init() { table = OrderedTable() }
    init(table: OrderedTable) { self.table = table }
    public var count: Int { table.count }
    public func get(_ key: Value) -> Value? { table.get(key) }
    public func set(_ key: Value, _ value: Value) { table.set(key, value) }
    public var keys: [Value] { table.orderedKeys }
    public var items: [(Value, Value)] { table.orderedItems }
    public var values: [Value] { table.orderedValues }
    /// A dict with string keys, as hosts build them.
    public convenience init(_ pairs: [(String, Value)]) {
        self.init()
        for (k, v) in pairs { table.set(.str(k), v) }
    }
}

/// A set. Iteration follows CPython's hash-table order for ints (so `{3, 1, 2}` prints
/// `{1, 2, 3}`) and insertion order otherwise.
public final class PySet {
    var table = OrderedTable()
    public init() {}
    var count: Int { table.count }
    func contains(_ v: Value) -> Bool { table.find(v) != nil }
    func add(_ v: Value) { table.set(v, .none) }

    /// Elements in the order CPython would iterate them.
    var elements: [Value] {
        let ks = table.orderedKeys
        func isInt(_ v: Value) -> Bool { if case .int = v { return true }; if case .bool = v { return true }; return false }
        guard ks.count > 1, ks.allSatisfy(isInt), table.removed.values.allSatisfy(isInt) else { return ks }
        var history: [Value] = []
        var dead: [Bool] = []
        for (i, k) in table.keys.enumerated() {
            if let r = table.removed[i] { history.append(r); dead.append(true) } else if !k.isUnbound { history.append(k); dead.append(false) }
        }
        return cpythonSetOrder(history, dead: dead)
    }
}

/// Simulates CPython's set table (size 8, grown x4 at 60% fill; linear probing of 9 slots,
/// then perturbation) to reproduce its iteration order for int elements.
func cpythonSetOrder(_ ks: [Value], dead: [Bool]) -> [Value] {
    var size = 8
    var fill = 0
    for _ in ks {
        fill += 1
        if fill * 5 >= (size - 1) * 3 {
            let want = fill > 50000 ? fill * 2 : fill * 4
            var n = 8
            while n <= want { n <<= 1 }
            size = n
        }
    }
    var table = [Int](repeating: -1, count: size)
    let mask = size - 1
    for (idx, k) in ks.enumerated() {
        var h: Int
        switch k {
        case .int(let i): h = i == -1 ? -2 : i
        case .bool(let b): h = b ? 1 : 0
        default: h = 0
        }
        var perturb = UInt(bitPattern: h)
        var i = Int(UInt(bitPattern: h) & UInt(mask))
        placing: while true {
            if table[i] < 0 { table[i] = idx; break placing }
            if i + 9 <= mask {
                for j in 1...9 where table[i + j] < 0 { table[i + j] = idx; break placing }
            }
            perturb >>= 5
            i = Int((UInt(i) &* 5 &+ 1 &+ perturb) & UInt(mask))
        }
    }
    return table.filter { $0 >= 0 && !dead[$0] }.map { ks[$0] }
}

/// Fibonacci hashing: spreads sequential ints over the table.
@inline(__always) func spread(_ h: Int) -> Int {
    Int(bitPattern: (UInt(bitPattern: h) &* 0x9e37_79b9_7f4a_7c15) >> 32)
}

/// A hash consistent with `keyEquals`: equal numbers hash alike (1 == 1.0 == True).
func pyHash(_ v: Value) -> Int {
    switch v {
    case .int(let i): return i
    case .bool(let b): return b ? 1 : 0
    case .float(let d):
        if d.isFinite, d == d.rounded(), d.magnitude < 9.2e18 { return Int(d) }
        return Int(bitPattern: UInt(d.bitPattern)) &* 31
    case .str(let s):
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return Int(bitPattern: UInt(h))
    case .none: return 0x5f3759df
    case .tuple(let xs):
        var h = 0x345678
        for x in xs { h = (h ^ pyHash(x)) &* 1_000_003 }
        return h
    default:
        return identity(v).map { $0.hashValue } ?? 0
    }
}
