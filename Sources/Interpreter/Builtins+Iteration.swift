/// Built-ins over iterables: enumerate, zip, map, filter, min, max, sum, sorted, reversed, any, all.
extension Runtime {
    func installIterationBuiltins(_ def: (String, @escaping BuiltinFn) -> Void) {
        def("enumerate") { rt, _, args, kw in
            let a = try Arguments("enumerate", args, kw, ["iterable", "start="])
            let it = try rt.iterate(a[0]!)
            var i = try a.int(1, 0)
            return .iterator(PyIterator(.custom {
                guard let v = try it.next() else { return nil }
                defer { i += 1 }
                return .tuple([.int(i), v])
            }))
        }
        def("zip") { rt, _, args, kw in
            var strict = false
            for (k, v) in kw { if k == "strict" { strict = try rt.truthy(v) } else { throw typeError("zip() got an unexpected keyword argument '\(k)'") } }
            let its = try args.map { try rt.iterate($0) }
            if its.isEmpty { return .iterator(PyIterator(.array([], 0))) }
            return .iterator(PyIterator(.custom {
                var row: [Value] = []
                for (n, it) in its.enumerated() {
                    guard let v = try it.next() else {
                        if strict && n > 0 { throw valueError("zip() argument \(n + 1) is shorter than argument 1") }
                        return nil
                    }
                    row.append(v)
                }
                return .tuple(row)
            }))
        }
        def("map") { rt, _, args, _ in
            guard args.count >= 2 else { throw typeError("map() must have at least two arguments.") }
            let fn = args[0]
            let its = try args.dropFirst().map { try rt.iterate($0) }
            return .iterator(PyIterator(.custom {
                var row: [Value] = []
                for it in its { guard let v = try it.next() else { return nil }; row.append(v) }
                return try rt.call(fn, row, [])
            }))
        }
        def("filter") { rt, _, args, _ in
            try expectCount("filter", args, 2, 2)
            let fn = args[0]
            let it = try rt.iterate(args[1])
            return .iterator(PyIterator(.custom {
                while let v = try it.next() {
                    if try fn.isNone ? rt.truthy(v) : rt.truthy(try rt.call(fn, [v], [])) { return v }
                }
                return nil
            }))
        }
        def("min") { rt, _, args, kw in try rt.minMax("min", args, kw, .lt) }
        def("max") { rt, _, args, kw in try rt.minMax("max", args, kw, .gt) }
        def("sum") { rt, _, args, kw in
            let a = try Arguments("sum", args, kw, ["iterable", "start="])
            var total = a[1] ?? .int(0)
            if case .str = total { throw typeError("sum() can't sum strings [use ''.join(seq) instead]") }
            let it = try rt.iterate(a[0]!)
            while let v = try it.next() {
                try rt.checkCancel()
                if case .int(let x) = total, case .int(let y) = v {
                    let (r, o) = x.addingReportingOverflow(y)
                    if !o { total = .int(r); continue }
                }
                if case .float(let x) = total, case .float(let y) = v { total = .float(x + y); continue }
                total = try rt.binary(.add, total, v)
            }
            return total
        }
        def("sorted") { rt, _, args, kw in
            try expectCount("sorted", args, 1, 1)
            var key: Value = .none
            var reverse = false
            for (k, v) in kw {
                switch k {
                case "key": key = v
                case "reverse": reverse = try rt.truthy(v)
                default: throw typeError("sort() got an unexpected keyword argument '\(k)'")
                }
            }
            return .list(PyList(try rt.sortValues(try rt.toArray(args[0]), key: key, reverse: reverse)))
        }
        def("reversed") { rt, _, args, _ in
            try expectCount("reversed", args, 1, 1)
            switch args[0] {
            case .range(let r):
                let n = r.count
                return .iterator(PyIterator(.range(r.start &+ (n &- 1) &* r.step, r.start &- r.step, 0 &- r.step)))
            case .list, .tuple, .str, .dict:
                return .iterator(PyIterator(.array(try rt.toArray(args[0]).reversed(), 0)))
            case .instance(let inst):
                if let m = inst.cls.lookup("__reversed__") { return try rt.call(m, [args[0]], []) }
                if inst.cls.lookup("__len__") != nil, inst.cls.lookup("__getitem__") != nil {
                    return .iterator(PyIterator(.array(try rt.toArray(args[0]).reversed(), 0)))
                }
            default: break
            }
            throw typeError("'\(typeName(args[0]))' object is not reversible")
        }
        def("any") { rt, _, args, _ in
            try expectCount("any", args, 1, 1)
            let it = try rt.iterate(args[0])
            while let v = try it.next() { if try rt.truthy(v) { return .bool(true) } }
            return .bool(false)
        }
        def("all") { rt, _, args, _ in
            try expectCount("all", args, 1, 1)
            let it = try rt.iterate(args[0])
            while let v = try it.next() { if try !rt.truthy(v) { return .bool(false) } }
            return .bool(true)
        }
    }

    private func minMax(_ name: String, _ args: [Value], _ kw: [(String, Value)], _ op: CmpOp) throws -> Value {
        var key: Value = .none
        var dflt: Value? = nil
        for (k, v) in kw {
            switch k {
            case "key": key = v
            case "default": dflt = v
            default: throw typeError("\(name)() got an unexpected keyword argument '\(k)'")
            }
        }
        guard !args.isEmpty else { throw typeError("\(name) expected at least 1 argument, got 0") }
        let items = args.count == 1 ? try toArray(args[0]) : args
        if args.count > 1 && dflt != nil {
            throw typeError("Cannot specify a default for \(name)() with multiple positional arguments")
        }
        guard var best = items.first else {
            if let d = dflt { return d }
            throw valueError("\(name)() arg is an empty sequence")
        }
        var bestKey = key.isNone ? best : try call(key, [best], [])
        for v in items.dropFirst() {
            let k = key.isNone ? v : try call(key, [v], [])
            if try order(op, k, bestKey) { best = v; bestKey = k }
        }
        return best
    }

    /// A stable sort by `key` (a callable or None); `reverse` keeps equal items in order, as CPython.
    func sortValues(_ items: [Value], key: Value, reverse: Bool) throws -> [Value] {
        let keys = key.isNone ? items : try items.map { try call(key, [$0], []) }
        var idx = Array(keys.indices)
        try mergeSort(&idx) { a, b in
            reverse ? try self.lessThan(keys[b], keys[a]) : try self.lessThan(keys[a], keys[b])
        }
        return idx.map { items[$0] }
    }

    func lessThan(_ a: Value, _ b: Value) throws -> Bool {
        switch (a, b) {
        case let (.int(x), .int(y)): return x < y
        case let (.float(x), .float(y)): return x < y
        case let (.str(x), .str(y)): return strCompare(x, y) < 0
        default: return try order(.lt, a, b)
        }
    }
}

/// A stable merge sort whose comparison may throw.
func mergeSort(_ a: inout [Int], _ less: (Int, Int) throws -> Bool) throws {
    guard a.count > 1 else { return }
    var src = a
    var dst = a
    var width = 1
    let n = a.count
    while width < n {
        var lo = 0
        while lo < n {
            let mid = min(lo + width, n), hi = min(lo + 2 * width, n)
            var i = lo, j = mid, k = lo
            while i < mid && j < hi {
                if try less(src[j], src[i]) { dst[k] = src[j]; j += 1 } else { dst[k] = src[i]; i += 1 }
                k += 1
            }
            while i < mid { dst[k] = src[i]; i += 1; k += 1 }
            while j < hi { dst[k] = src[j]; j += 1; k += 1 }
            lo = hi
        }
        swap(&src, &dst)
        width *= 2
    }
    a = src
}
