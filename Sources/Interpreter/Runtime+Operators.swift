import Glibc

/// Arithmetic, comparison and truth with CPython's semantics (floor division and modulo
/// rounding toward -inf, 64-bit overflow as OverflowError, user dunder methods, host operators).
extension Runtime {
    func binary(_ op: BinOp, _ a: Value, _ b: Value) throws -> Value {
        switch (a, b) {
        case let (.int(x), .int(y)): return try intBinary(op, x, y)
        case let (.float(x), .float(y)): return try floatBinary(op, x, y)
        case let (.int(x), .float(y)): return try floatBinary(op, Double(x), y)
        case let (.float(x), .int(y)): return try floatBinary(op, x, Double(y))
        case (.bool, _), (_, .bool):
            if let x = asNumber(a), let y = asNumber(b) { return try binary(op, x, y) }
        default: break
        }
        if let r = try sequenceBinary(op, a, b) { return r }
        if let r = try dunderBinary(op, a, b) { return r }
        if op == .mod, case .str(let s) = a { return .str(try percentFormat(s, b)) }
        if op == .add, case .str = a { throw typeError("can only concatenate str (not \"\(typeName(b))\") to str") }
        if op == .add, case .list = a { throw typeError("can only concatenate list (not \"\(typeName(b))\") to list") }
        if op == .add, case .tuple = a { throw typeError("can only concatenate tuple (not \"\(typeName(b))\") to tuple") }
        if op == .mul {
            func isSeq(_ v: Value) -> Bool { switch v { case .str, .list, .tuple: return true; default: return false } }
            if isSeq(a) { throw typeError("can't multiply sequence by non-int of type '\(typeName(b))'") }
            if isSeq(b) { throw typeError("can't multiply sequence by non-int of type '\(typeName(a))'") }
        }
        throw typeError("unsupported operand type(s) for \(op.rawValue): '\(typeName(a))' and '\(typeName(b))'")
    }

    private func asNumber(_ v: Value) -> Value? {
        switch v {
        case .bool(let b): return .int(b ? 1 : 0)
        case .int, .float: return v
        default: return nil
        }
    }

    func intBinary(_ op: BinOp, _ x: Int, _ y: Int) throws -> Value {
        func ovf(_ r: (Int, Bool)) throws -> Value {
            if r.1 { throw overflowError("integer result too large for a 64-bit int (mrsh ints are 64-bit)") }
            return .int(r.0)
        }
        switch op {
        case .add: return try ovf(x.addingReportingOverflow(y))
        case .sub: return try ovf(x.subtractingReportingOverflow(y))
        case .mul: return try ovf(x.multipliedReportingOverflow(by: y))
        case .truediv:
            if y == 0 { throw zeroDivision("division by zero") }
            return .float(Double(x) / Double(y))
        case .floordiv:
            if y == 0 { throw zeroDivision("integer division or modulo by zero") }
            if x == Int.min && y == -1 { throw overflowError("integer result too large for a 64-bit int") }
            return .int(floorDiv(x, y))
        case .mod:
            if y == 0 { throw zeroDivision("integer modulo by zero") }
            if y == -1 { return .int(0) }
            return .int(floorMod(x, y))
        case .pow: return try intPow(x, y)
        case .lshift:
            if y < 0 { throw valueError("negative shift count") }
            if x == 0 { return .int(0) }
            if y >= 64 || (x << y) >> y != x { throw overflowError("integer result too large for a 64-bit int") }
            return .int(x << y)
        case .rshift:
            if y < 0 { throw valueError("negative shift count") }
            return .int(y >= 64 ? (x < 0 ? -1 : 0) : x >> y)
        case .bitand: return .int(x & y)
        case .bitor: return .int(x | y)
        case .bitxor: return .int(x ^ y)
        case .matmul: throw typeError("unsupported operand type(s) for @: 'int' and 'int'")
        }
    }

    func intPow(_ x: Int, _ y: Int) throws -> Value {
        if y < 0 {
            if x == 0 { throw zeroDivision("0.0 cannot be raised to a negative power") }
            return .float(Glibc.pow(Double(x), Double(y)))
        }
        var result = 1, base = x, e = y
        while e > 0 {
            if e & 1 == 1 {
                let r = result.multipliedReportingOverflow(by: base)
                if r.overflow { throw overflowError("integer result too large for a 64-bit int") }
                result = r.partialValue
            }
            e >>= 1
            if e > 0 {
                let b = base.multipliedReportingOverflow(by: base)
                if b.overflow { throw overflowError("integer result too large for a 64-bit int") }
                base = b.partialValue
            }
        }
        return .int(result)
    }

    func floatBinary(_ op: BinOp, _ x: Double, _ y: Double) throws -> Value {
        switch op {
        case .add: return .float(x + y)
        case .sub: return .float(x - y)
        case .mul: return .float(x * y)
        case .truediv:
            if y == 0 { throw zeroDivision("float division by zero") }
            return .float(x / y)
        case .floordiv:
            if y == 0 { throw zeroDivision("float floor division by zero") }
            return .float(floatDivmod(x, y).0)
        case .mod:
            if y == 0 { throw zeroDivision("float modulo") }
            return .float(floatDivmod(x, y).1)
        case .pow:
            if x == 0 && y < 0 { throw zeroDivision("0.0 cannot be raised to a negative power") }
            if x < 0 && y != y.rounded() { throw valueError("mrsh does not support complex results of ** (negative base, fractional exponent)") }
            let r = Glibc.pow(x, y)
            if r.isInfinite && x.isFinite && y.isFinite { throw overflowError("(34, 'Numerical result out of range')") }
            return .float(r)
        default:
            throw typeError("unsupported operand type(s) for \(op.rawValue): 'float' and 'float'")
        }
    }

    private func sequenceBinary(_ op: BinOp, _ a: Value, _ b: Value) throws -> Value? {
        switch (op, a, b) {
        case let (.add, .str(x), .str(y)): return .str(x + y)
        case let (.add, .list(x), .list(y)): return .list(PyList(x.items + y.items))
        case let (.add, .tuple(x), .tuple(y)): return .tuple(x + y)
        case let (.mul, .str(s), .int(n)), let (.mul, .int(n), .str(s)):
            if n > 0, s.utf8.count.multipliedReportingOverflow(by: n).overflow || s.utf8.count * n > maxSequenceSize {
                throw pyErr(ExcTypes.memoryError, "string repetition too large")
            }
            return .str(n <= 0 ? "" : String(repeating: s, count: n))
        case let (.mul, .list(l), .int(n)), let (.mul, .int(n), .list(l)):
            return .list(PyList(try repeated(l.items, n)))
        case let (.mul, .tuple(t), .int(n)), let (.mul, .int(n), .tuple(t)):
            return .tuple(try repeated(t, n))
        case let (_, .set(x), .set(y)):
            return try setOperation(op, x, y).map { .set($0) }
        case let (.bitor, .dict(x), .dict(y)):
            let d = PyDict()
            for (k, v) in x.items { d.set(k, v) }
            for (k, v) in y.items { d.set(k, v) }
            return .dict(d)
        default: return nil
        }
    }

    private func repeated(_ xs: [Value], _ n: Int) throws -> [Value] {
        guard n > 0 else { return [] }
        if xs.count.multipliedReportingOverflow(by: n).overflow || xs.count * n > maxSequenceSize {
            throw pyErr(ExcTypes.memoryError, "sequence repetition too large")
        }
        var out: [Value] = []
        out.reserveCapacity(xs.count * n)
        for _ in 0..<n { out += xs }
        return out
    }

    func setOperation(_ op: BinOp, _ x: PySet, _ y: PySet) throws -> PySet? {
        let r = PySet()
        switch op {
        case .bitor:
            for v in x.table.orderedKeys { r.add(v) }
            for v in y.table.orderedKeys { r.add(v) }
        case .bitand:
            for v in x.table.orderedKeys where y.contains(v) { r.add(v) }
        case .sub:
            for v in x.table.orderedKeys where !y.contains(v) { r.add(v) }
        case .bitxor:
            for v in x.table.orderedKeys where !y.contains(v) { r.add(v) }
            for v in y.table.orderedKeys where !x.contains(v) { r.add(v) }
        default: return nil
        }
        return r
    }

    private static let dunderNames: [BinOp: (String, String)] = [
        .add: ("__add__", "__radd__"), .sub: ("__sub__", "__rsub__"), .mul: ("__mul__", "__rmul__"),
        .truediv: ("__truediv__", "__rtruediv__"), .floordiv: ("__floordiv__", "__rfloordiv__"),
        .mod: ("__mod__", "__rmod__"), .pow: ("__pow__", "__rpow__"), .matmul: ("__matmul__", "__rmatmul__"),
        .lshift: ("__lshift__", "__rlshift__"), .rshift: ("__rshift__", "__rrshift__"),
        .bitand: ("__and__", "__rand__"), .bitor: ("__or__", "__ror__"), .bitxor: ("__xor__", "__rxor__"),
    ]

    private func dunderBinary(_ op: BinOp, _ a: Value, _ b: Value) throws -> Value? {
        let names = Runtime.dunderNames[op]!
        let hop = HostOperator(rawValue: op.rawValue)!
        if case .instance(let i) = a, let m = i.cls.lookup(names.0) {
            let r = try call(m, [a, b], [])
            if !isNotImplemented(r) { return r }
        }
        if case .host(let h) = a, let r = try h.binaryOp(hop, b, reflected: false) { return r }
        if case .instance(let i) = a, let h = i.host, let r = try h.binaryOp(hop, b, reflected: false) { return r }
        if case .instance(let i) = b, let m = i.cls.lookup(names.1) {
            let r = try call(m, [b, a], [])
            if !isNotImplemented(r) { return r }
        }
        if case .host(let h) = b, let r = try h.binaryOp(hop, a, reflected: true) { return r }
        if case .instance(let i) = b, let h = i.host, let r = try h.binaryOp(hop, a, reflected: true) { return r }
        return nil
    }

    private func isNotImplemented(_ v: Value) -> Bool {
        if case .builtin(let b) = v, b.name == "NotImplemented" { return true }
        return false
    }

    /// `a op= b`: lists extend in place, everything else as the binary operator.
    func inplace(_ op: BinOp, _ a: Value, _ b: Value) throws -> Value {
        if op == .add, case .list(let l) = a {
            l.items += try toArray(b)
            return a
        }
        if op == .mul, case .list(let l) = a, case .int(let n) = b {
            l.items = try repeated(l.items, n)
            return a
        }
        if case .set(let s) = a, case .set(let o) = b {
            switch op {
            case .bitor: for v in o.table.orderedKeys { s.add(v) }
            case .sub: for v in o.table.orderedKeys { s.table.remove(v) }
            case .bitand: for v in s.table.orderedKeys where !o.contains(v) { s.table.remove(v) }
            case .bitxor: for v in o.table.orderedKeys { if s.contains(v) { s.table.remove(v) } else { s.add(v) } }
            default: return try binary(op, a, b)
            }
            return a
        }
        if case .instance(let i) = a, let m = i.cls.lookup("__i" + String(Runtime.dunderNames[op]!.0.dropFirst(2))) {
            return try call(m, [a, b], [])
        }
        // Host objects (tensors) update in place when they offer `__iadd__` & co., as PyTorch does.
        if case .host(let h) = a, let m = try h.getAttribute("__i" + String(Runtime.dunderNames[op]!.0.dropFirst(2))) {
            return try call(m, [b], [])
        }
        return try binary(op, a, b)
    }

    func unary(_ op: UnaryOp, _ v: Value) throws -> Value {
        switch (op, v) {
        case (.neg, .int(let i)):
            if i == Int.min { throw overflowError("integer result too large for a 64-bit int") }
            return .int(-i)
        case (.neg, .float(let d)): return .float(-d)
        case (.neg, .bool(let b)): return .int(b ? -1 : 0)
        case (.pos, .int), (.pos, .float): return v
        case (.pos, .bool(let b)): return .int(b ? 1 : 0)
        case (.invert, .int(let i)): return .int(~i)
        case (.invert, .bool(let b)): return .int(~(b ? 1 : 0))
        case (_, .instance(let i)):
            let name = op == .neg ? "__neg__" : op == .pos ? "__pos__" : "__invert__"
            if let m = i.cls.lookup(name) { return try call(m, [v], []) }
            if let h = i.host, let r = try h.unaryOp(op == .neg ? .neg : op == .pos ? .pos : .invert) { return r }
        case (_, .host(let h)):
            if let r = try h.unaryOp(op == .neg ? .neg : op == .pos ? .pos : .invert) { return r }
        default: break
        }
        throw typeError("bad operand type for unary \(op.rawValue): '\(typeName(v))'")
    }

    // MARK: comparison

    func compare(_ op: CmpOp, _ a: Value, _ b: Value) throws -> Bool {
        switch op {
        case .eq: return try equals(a, b)
        case .ne: return try !equals(a, b)
        case .isSame: return isSame(a, b)
        case .isNot: return !isSame(a, b)
        case .isIn: return try contains(b, a)
        case .notIn: return try !contains(b, a)
        case .lt, .le, .gt, .ge: return try order(op, a, b)
        }
    }

    func isSame(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.none, .none): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.int(x), .int(y)): return x == y
        case let (.float(x), .float(y)): return x == y
        case let (.str(x), .str(y)): return x == y
        case let (.tuple(x), .tuple(y)): return x.isEmpty && y.isEmpty
        default:
            if let i = identity(a), let j = identity(b) { return i == j }
            return false
        }
    }

    public func equals(_ a: Value, _ b: Value) throws -> Bool {
        switch (a, b) {
        case (.list, .list), (.tuple, .tuple), (.dict, .dict):
            depth += 1
            defer { depth -= 1 }
            if depth > recursionLimit { throw pyErr(ExcTypes.recursionError, "maximum recursion depth exceeded in comparison") }
            return try containerEquals(a, b)
        default:
            return try containerEquals(a, b)
        }
    }

    private func containerEquals(_ a: Value, _ b: Value) throws -> Bool {
        switch (a, b) {
        case let (.int(x), .int(y)): return x == y
        case let (.str(x), .str(y)): return x == y
        case let (.float(x), .float(y)): return x == y
        case (.none, .none): return true
        case let (.list(x), .list(y)): return try x === y || sequencesEqual(x.items, y.items)
        case let (.tuple(x), .tuple(y)): return try sequencesEqual(x, y)
        case let (.dict(x), .dict(y)):
            guard x.count == y.count else { return false }
            for (k, v) in x.items {
                guard let w = y.get(k), try equals(v, w) else { return false }
            }
            return true
        case let (.set(x), .set(y)):
            return x.count == y.count && x.table.orderedKeys.allSatisfy { y.contains($0) }
        case let (.range(x), .range(y)):
            if x.count != y.count { return false }
            if x.count == 0 { return true }
            return x.start == y.start && (x.count == 1 || x.step == y.step)
        case (.instance(let i), _):
            if let m = i.cls.lookup("__eq__") {
                let r = try call(m, [a, b], [])
                if !isNotImplemented(r) { return try truthy(r) }
            }
        case (_, .instance(let i)):
            if let m = i.cls.lookup("__eq__") {
                let r = try call(m, [b, a], [])
                if !isNotImplemented(r) { return try truthy(r) }
            }
        case (.host(let h), _):
            if let r = try h.binaryOp(.eq, b, reflected: false) { return try truthy(r) }
        default: break
        }
        if keyEquals(a, b) { return true }
        return false
    }

    private func sequencesEqual(_ x: [Value], _ y: [Value]) throws -> Bool {
        guard x.count == y.count else { return false }
        for i in x.indices where !isSame(x[i], y[i]) {
            if try !equals(x[i], y[i]) { return false }
        }
        return true
    }

    /// `<`, `<=`, `>`, `>=` for numbers, strings, sequences (lexicographic), sets and user classes.
    func order(_ op: CmpOp, _ a: Value, _ b: Value) throws -> Bool {
        func cmp<T: Comparable>(_ x: T, _ y: T) -> Bool {
            switch op {
            case .lt: return x < y
            case .le: return x <= y
            case .gt: return x > y
            default: return x >= y
            }
        }
        switch (a, b) {
        case let (.int(x), .int(y)): return cmp(x, y)
        case let (.float(x), .float(y)): return cmp(x, y)
        case let (.int(x), .float(y)): return cmp(Double(x), y)
        case let (.float(x), .int(y)): return cmp(x, Double(y))
        case let (.str(x), .str(y)): return cmp(strCompare(x, y), 0)
        case (.bool, _), (_, .bool):
            if let x = asNumber(a), let y = asNumber(b) { return try order(op, x, y) }
        case let (.list(x), .list(y)): return try sequenceOrder(op, x.items, y.items)
        case let (.tuple(x), .tuple(y)): return try sequenceOrder(op, x, y)
        case let (.set(x), .set(y)):
            let sub = x.table.orderedKeys.allSatisfy { y.contains($0) }
            let sup = y.table.orderedKeys.allSatisfy { x.contains($0) }
            switch op {
            case .lt: return sub && x.count < y.count
            case .le: return sub
            case .gt: return sup && x.count > y.count
            default: return sup
            }
        default: break
        }
        let names: [CmpOp: (String, String)] = [.lt: ("__lt__", "__gt__"), .le: ("__le__", "__ge__"),
                                                  .gt: ("__gt__", "__lt__"), .ge: ("__ge__", "__le__")]
        let (fwd, rev) = names[op]!
        if case .instance(let i) = a, let m = i.cls.lookup(fwd) {
            let r = try call(m, [a, b], [])
            if !isNotImplemented(r) { return try truthy(r) }
        }
        if case .instance(let i) = b, let m = i.cls.lookup(rev) {
            let r = try call(m, [b, a], [])
            if !isNotImplemented(r) { return try truthy(r) }
        }
        let hop = HostOperator(rawValue: op.rawValue)!
        if case .host(let h) = a, let r = try h.binaryOp(hop, b, reflected: false) { return try truthy(r) }
        throw typeError("'\(op.rawValue)' not supported between instances of '\(typeName(a))' and '\(typeName(b))'")
    }

    private func sequenceOrder(_ op: CmpOp, _ x: [Value], _ y: [Value]) throws -> Bool {
        depth += 1
        defer { depth -= 1 }
        if depth > recursionLimit { throw pyErr(ExcTypes.recursionError, "maximum recursion depth exceeded in comparison") }
        for i in 0..<min(x.count, y.count) {
            if isSame(x[i], y[i]) { continue }
            if try equals(x[i], y[i]) { continue }
            return try order(op, x[i], y[i])
        }
        return try order(op, .int(x.count), .int(y.count))
    }

    /// `needle in haystack`.
    func contains(_ haystack: Value, _ needle: Value) throws -> Bool {
        switch haystack {
        case .str(let s):
            guard case .str(let n) = needle else {
                throw typeError("'in <string>' requires string as left operand, not \(typeName(needle))")
            }
            return n.isEmpty || s.contains(n)
        case .list(let l): return try l.items.contains { try isSame($0, needle) || equals($0, needle) }
        case .tuple(let t): return try t.contains { try isSame($0, needle) || equals($0, needle) }
        case .dict(let d): try checkHashable(needle); return d.table.find(needle) != nil
        case .set(let s): try checkHashable(needle); return s.contains(needle)
        case .range(let r):
            guard case .int(let i) = needle else { return try toArray(haystack).contains { try equals($0, needle) } }
            if r.step > 0 { return i >= r.start && i < r.stop && (i - r.start) % r.step == 0 }
            return i <= r.start && i > r.stop && (r.start - i) % (-r.step) == 0
        case .instance(let inst):
            if let m = inst.cls.lookup("__contains__") { return try truthy(try call(m, [haystack, needle], [])) }
        case .iterator(let it) where it.viewDict != nil && it.viewKind == .keys:
            try checkHashable(needle)
            return it.viewDict!.table.find(needle) != nil
        default: break
        }
        if case .host = haystack {} else if case .iterator = haystack {} else if case .instance = haystack {} else {
            throw typeError("argument of type '\(typeName(haystack))' is not iterable")
        }
        // Stops at the first match: an iterator keeps its remaining items (CPython's `in`).
        let it = try iterate(haystack)
        while let v = try it.next() {
            if try isSame(v, needle) || equals(v, needle) { return true }
        }
        return false
    }

    public func truthy(_ v: Value) throws -> Bool {
        switch v {
        case .none: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .float(let d): return d != 0
        case .str(let s): return !s.isEmpty
        case .list(let l): return !l.items.isEmpty
        case .tuple(let t): return !t.isEmpty
        case .dict(let d): return d.count > 0
        case .set(let s): return s.count > 0
        case .range(let r): return r.count > 0
        case .instance(let i):
            if let m = i.cls.lookup("__bool__") { return try truthy(try call(m, [v], [])) }
            if let m = i.cls.lookup("__len__") { return try truthy(try call(m, [v], [])) }
            if let h = i.host { return try h.truthy() }
            return true
        case .host(let h): return try h.truthy()
        default: return true
        }
    }

    func checkHashable(_ v: Value) throws {
        switch v {
        case .list, .dict, .set: throw typeError("unhashable type: '\(typeName(v))'")
        case .tuple(let xs): for x in xs { try checkHashable(x) }
        default: break
        }
    }
}

/// Floor division rounding toward negative infinity, as Python's `//`.
@inline(__always) func floorDiv(_ x: Int, _ y: Int) -> Int {
    let q = x / y
    return (x % y != 0 && ((x < 0) != (y < 0))) ? q - 1 : q
}

/// Modulo with the sign of the divisor, as Python's `%`.
@inline(__always) func floorMod(_ x: Int, _ y: Int) -> Int {
    let r = x % y
    return (r != 0 && ((r < 0) != (y < 0))) ? r + y : r
}

/// Python's float divmod: (floor(x / y), x mod y with the sign of y).
func floatDivmod(_ x: Double, _ y: Double) -> (Double, Double) {
    var mod = fmod(x, y)
    var div = (x - mod) / y
    if mod != 0 {
        if (y < 0) != (mod < 0) { mod += y; div -= 1 }
    } else {
        mod = copysign(0, y)
    }
    var floordiv: Double
    if div != 0 {
        floordiv = div.rounded(.down)
        if div - floordiv > 0.5 { floordiv += 1 }
    } else {
        floordiv = copysign(0, x / y)
    }
    return (floordiv, mod)
}

/// Compares strings by Unicode code point, as Python does: -1, 0 or 1.
func strCompare(_ x: String, _ y: String) -> Int {
    if x == y { return 0 }
    var i = x.unicodeScalars.makeIterator(), j = y.unicodeScalars.makeIterator()
    while true {
        switch (i.next(), j.next()) {
        case (nil, nil): return 0
        case (nil, _): return -1
        case (_, nil): return 1
        case let (a?, b?): if a != b { return a.value < b.value ? -1 : 1 }
        }
    }
}

/// The largest sequence a repetition or materialized range may produce (MemoryError beyond).
let maxSequenceSize = 1 << 26
