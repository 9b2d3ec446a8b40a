/// Indexing, slicing, iteration, unpacking and length.
extension Runtime {
    public func getItem(_ obj: Value, _ key: Value) throws -> Value {
        switch obj {
        case .list(let l):
            if case .slice(let s) = key { return .list(PyList(try sliceArray(l.items, s))) }
            return l.items[try index(key, l.items.count, "list")]
        case .tuple(let t):
            if case .slice(let s) = key { return .tuple(try sliceArray(t, s)) }
            return t[try index(key, t.count, "tuple")]
        case .str(let str):
            let scalars = Array(str.unicodeScalars)
            if case .slice(let s) = key { return .str(String(String.UnicodeScalarView(try sliceArray(scalars, s)))) }
            return .str(String(scalars[try index(key, scalars.count, "string")]))
        case .dict(let d):
            try checkHashable(key)
            if let v = d.get(key) { return v }
            throw keyError(key)
        case .range(let r):
            if case .slice(let s) = key {
                let (start, _, step, n) = try sliceIndices(s, r.count)
                let newStart = r.start &+ start &* r.step
                let newStep = r.step * step
                return .range(PyRange(newStart, newStart &+ n &* newStep, newStep))
            }
            return .int(r.at(try index(key, r.count, "range object")))
        case .instance(let inst):
            if let m = inst.cls.lookup("__getitem__") { return try call(m, [obj, key], []) }
            if let h = inst.host { return try h.getItem(key) }
        case .host(let h):
            return try h.getItem(key)
        case .type(let cls):
            return .type(cls)
        default: break
        }
        throw typeError("'\(typeName(obj))' object is not subscriptable")
    }

    /// Normalizes an index (negative counts from the end) or raises IndexError/TypeError.
    func index(_ key: Value, _ count: Int, _ what: String) throws -> Int {
        var i: Int
        switch key {
        case .int(let k): i = k
        case .bool(let b): i = b ? 1 : 0
        default: throw typeError("\(what) indices must be integers or slices, not \(typeName(key))")
        }
        if i < 0 { i += count }
        guard i >= 0 && i < count else { throw indexError("\(what) index out of range") }
        return i
    }

    /// CPython's `slice.indices`: (start, stop, step, length).
    func sliceIndices(_ s: PySlice, _ count: Int) throws -> (Int, Int, Int, Int) {
        func intOrNil(_ v: Value) throws -> Int? {
            switch v {
            case .none: return nil
            case .int(let i): return i
            case .bool(let b): return b ? 1 : 0
            default: throw typeError("slice indices must be integers or None or have an __index__ method")
            }
        }
        let step = try intOrNil(s.step) ?? 1
        if step == 0 { throw valueError("slice step cannot be zero") }
        func clamp(_ v: Int?, _ def: Int) -> Int {
            guard var x = v else { return def }
            if x < 0 { x += count; if x < 0 { x = step < 0 ? -1 : 0 } } else if x >= count { x = step < 0 ? count - 1 : count }
            return x
        }
        let start = clamp(try intOrNil(s.start), step < 0 ? count - 1 : 0)
        let stop = clamp(try intOrNil(s.stop), step < 0 ? -1 : count)
        let n: Int
        if step > 0 { n = start < stop ? (stop - start - 1) / step + 1 : 0 } else { n = start > stop ? (start - stop - 1) / (-step) + 1 : 0 }
        return (start, stop, step, n)
    }

    func sliceArray<T>(_ a: [T], _ s: PySlice) throws -> [T] {
        let (start, _, step, n) = try sliceIndices(s, a.count)
        if step == 1 { return Array(a[start..<(start + n)]) }
        var out: [T] = []
        out.reserveCapacity(n)
        var i = start
        for _ in 0..<n { out.append(a[i]); i += step }
        return out
    }

    public func setItem(_ obj: Value, _ key: Value, _ v: Value) throws {
        switch obj {
        case .list(let l):
            if case .slice(let s) = key { try assignSlice(l, s, try toArray(v)); return }
            l.items[try index(key, l.items.count, "list assignment")] = v
        case .dict(let d):
            try checkHashable(key)
            d.set(key, v)
        case .instance(let inst):
            if let m = inst.cls.lookup("__setitem__") { _ = try call(m, [obj, key, v], []); return }
            if let h = inst.host { try h.setItem(key, v); return }
            throw typeError("'\(typeName(obj))' object does not support item assignment")
        case .host(let h):
            try h.setItem(key, v)
        default:
            throw typeError("'\(typeName(obj))' object does not support item assignment")
        }
    }

    private func assignSlice(_ l: PyList, _ s: PySlice, _ vals: [Value]) throws {
        let (start, stop, step, n) = try sliceIndices(s, l.items.count)
        if step == 1 {
            let end = max(start, stop)
            l.items.replaceSubrange(start..<end, with: vals)
            return
        }
        guard vals.count == n else {
            throw valueError("attempt to assign sequence of size \(vals.count) to extended slice of size \(n)")
        }
        var i = start
        for v in vals { l.items[i] = v; i += step }
    }

    func delItem(_ obj: Value, _ key: Value) throws {
        switch obj {
        case .list(let l):
            if case .slice(let s) = key {
                let (start, stop, step, n) = try sliceIndices(s, l.items.count)
                if step == 1 { l.items.removeSubrange(start..<max(start, stop)); return }
                var drop = Set<Int>()
                var i = start
                for _ in 0..<n { drop.insert(i); i += step }
                l.items = l.items.enumerated().filter { !drop.contains($0.offset) }.map { $0.element }
                return
            }
            l.items.remove(at: try index(key, l.items.count, "list assignment"))
        case .dict(let d):
            try checkHashable(key)
            if d.table.remove(key) == nil { throw keyError(key) }
        case .instance(let inst):
            if let m = inst.cls.lookup("__delitem__") { _ = try call(m, [obj, key], []); return }
            throw typeError("'\(typeName(obj))' object does not support item deletion")
        default:
            throw typeError("'\(typeName(obj))' object does not support item deletion")
        }
    }

    // MARK: iteration

    public func iterate(_ v: Value) throws -> PyIterator {
        switch v {
        case .list(let l): return PyIterator(.list(l, 0))
        case .tuple(let t): return PyIterator(.array(t, 0))
        case .range(let r): return PyIterator(.range(r.start, r.stop, r.step))
        case .str(let s): return PyIterator(.array(s.unicodeScalars.map { .str(String($0)) }, 0))
        case .dict(let d): return DictView.iterator(d, .keys)
        case .set(let s): return PyIterator(.array(s.elements, 0))
        case .iterator(let it):
            if let d = it.viewDict { return DictView.iterator(d, it.viewKind) }
            return it
        case .instance(let inst):
            if let m = inst.cls.lookup("__iter__") {
                let r = try call(m, [v], [])
                if case .instance(let ri) = r, let nx = ri.cls.lookup("__next__") {
                    return PyIterator(.custom { [unowned(unsafe) self] in
                        do { return try self.call(nx, [r], []) } catch let e as PyError where e.exc.cls.isSubclass(of: ExcTypes.stopIteration) { return nil }
                    })
                }
                return try iterate(r)
            }
            if let h = inst.host, let items = try h.iterate() { return PyIterator(.array(items, 0)) }
            if inst.cls.lookup("__getitem__") != nil {
                var i = 0
                return PyIterator(.custom { [unowned(unsafe) self] in
                    do { defer { i += 1 }; return try self.getItem(v, .int(i)) } catch let e as PyError where e.exc.cls.isSubclass(of: ExcTypes.indexError) { return nil }
                })
            }
        case .host(let h):
            if let items = try h.iterate() { return PyIterator(.array(items, 0)) }
        default: break
        }
        throw typeError("'\(typeName(v))' object is not iterable")
    }

    public func toArray(_ v: Value) throws -> [Value] {
        switch v {
        case .list(let l): return l.items
        case .tuple(let t): return t
        case .range(let r) where r.count > maxSequenceSize:
            throw pyErr(ExcTypes.memoryError, "range of \(r.count) items is too large to materialize")
        default:
            let it = try iterate(v)
            var out: [Value] = []
            while let x = try it.next() {
                out.append(x)
                if out.count & 4095 == 0 { try checkCancel() }
            }
            return out
        }
    }

    /// Unpacks `v` into `n` targets; `star` is the index of a starred target, which gets a list.
    func unpack(_ v: Value, _ n: Int, star: Int?) throws -> [Value] {
        let items = try toArray(v)
        guard let s = star else {
            if items.count > n { throw valueError("too many values to unpack (expected \(n))") }
            if items.count < n { throw valueError("not enough values to unpack (expected \(n), got \(items.count))") }
            return items
        }
        let after = n - s - 1
        guard items.count >= n - 1 else {
            throw valueError("not enough values to unpack (expected at least \(n - 1), got \(items.count))")
        }
        var out = Array(items[0..<s])
        out.append(.list(PyList(Array(items[s..<(items.count - after)]))))
        out += items[(items.count - after)...]
        return out
    }

    public func length(_ v: Value) throws -> Int {
        switch v {
        case .str(let s): return scalarCount(s)
        case .list(let l): return l.items.count
        case .tuple(let t): return t.count
        case .dict(let d): return d.count
        case .set(let s): return s.count
        case .range(let r): return r.count
        case .iterator(let it) where it.viewName != nil: return it.viewDict?.count ?? it.viewItems?.count ?? 0
        case .instance(let inst):
            if let m = inst.cls.lookup("__len__") {
                guard case .int(let n) = try call(m, [v], []) else { throw typeError("'\(typeName(v))' object cannot be interpreted as an integer") }
                return n
            }
            if let h = inst.host, let n = try h.length() { return n }
        case .host(let h):
            if let n = try h.length() { return n }
        default: break
        }
        throw typeError("object of type '\(typeName(v))' has no len()")
    }
}

/// The number of code points (Python's len), counted on the UTF-8 bytes: every byte that is not
/// a continuation byte starts a code point.
func scalarCount(_ s: String) -> Int {
    var s = s
    return s.withUTF8 { bytes in
        var n = 0
        for b in bytes where b & 0xC0 != 0x80 { n += 1 }
        return n
    }
}
