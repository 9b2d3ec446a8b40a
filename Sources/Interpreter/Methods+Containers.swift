/// Methods of list, tuple, dict, set, int, float and exceptions; `str.format`.
extension Runtime {
    func installMethods() {
        func on(_ cls: PyClass) -> (String, @escaping BuiltinFn) -> Void {
            return { name, fn in
                let b = PyBuiltin(name, fn)
                b.isMethod = true
                cls.dict[name] = .builtin(b)
            }
        }
        installStrMethods(on(BuiltinTypes.str))
        installListMethods(on(BuiltinTypes.list))
        installDictMethods(on(BuiltinTypes.dict))
        installSetMethods(on(BuiltinTypes.set))
        installMethodFastPaths()
        let t = on(BuiltinTypes.tuple)
        t("count") { rt, v, args, _ in
            guard case .tuple(let xs) = v, args.count == 1 else { throw typeError("count() takes exactly one argument") }
            return .int(try xs.filter { try rt.equals($0, args[0]) }.count)
        }
        t("index") { rt, v, args, _ in
            guard case .tuple(let xs) = v, args.count >= 1 else { throw typeError("index expected 1 argument") }
            for (i, x) in xs.enumerated() where try rt.equals(x, args[0]) { return .int(i) }
            throw valueError("tuple.index(x): x not in tuple")
        }
        let i = on(BuiltinTypes.int)
        i("bit_length") { _, v, _, _ in if case .int(let x) = v { return .int(Int.bitWidth - x.magnitude.leadingZeroBitCount) }; return .int(0) }
        i("conjugate") { _, v, _, _ in v }
        let f = on(BuiltinTypes.float)
        f("is_integer") { _, v, _, _ in if case .float(let d) = v { return .bool(d.isFinite && d == d.rounded()) }; return .bool(false) }
        f("hex") { _, _, _, _ in throw pyErr(ExcTypes.notImplementedError, "float.hex is not supported by mrsh") }
        let r = on(BuiltinTypes.range)
        r("index") { _, v, args, _ in
            guard case .range(let rg) = v, case .int(let x)? = args.first else { throw valueError("not in range") }
            for k in 0..<rg.count where rg.at(k) == x { return .int(k) }
            throw valueError("\(x) is not in range")
        }
        let e = on(ExcTypes.baseException)
        e("with_traceback") { _, v, _, _ in v }
        e("__str__") { rt, v, _, _ in
            guard case .instance(let inst) = v else { return .str("") }
            return .str(exceptionMessage(inst, rt))
        }
        e("__init__") { _, v, args, _ in
            if case .instance(let inst) = v, let d = inst.exc { d.args = args }
            return .none
        }
    }

    private func installListMethods(_ m: (String, @escaping BuiltinFn) -> Void) {
        func l(_ v: Value) -> PyList { if case .list(let x) = v { return x }; return PyList() }
        m("append") { _, v, args, _ in
            try expectCount("append", args, 1, 1)
            l(v).items.append(args[0])
            return .none
        }
        m("extend") { rt, v, args, _ in
            try expectCount("extend", args, 1, 1)
            let list = l(v)
            list.items += try rt.toArray(args[0])
            return .none
        }
        m("insert") { _, v, args, _ in
            try expectCount("insert", args, 2, 2)
            let list = l(v)
            var i = try intValue(args[0], "insert")
            if i < 0 { i = max(0, i + list.items.count) }
            list.items.insert(args[1], at: min(i, list.items.count))
            return .none
        }
        m("pop") { rt, v, args, _ in
            try expectCount("pop", args, 0, 1)
            let list = l(v)
            if list.items.isEmpty { throw indexError("pop from empty list") }
            let i = args.isEmpty ? list.items.count - 1 : try rt.index(args[0], list.items.count, "pop")
            return list.items.remove(at: i)
        }
        m("remove") { rt, v, args, _ in
            try expectCount("remove", args, 1, 1)
            let list = l(v)
            for (i, x) in list.items.enumerated() where try rt.equals(x, args[0]) {
                list.items.remove(at: i)
                return .none
            }
            throw valueError("list.remove(x): x not in list")
        }
        m("index") { rt, v, args, _ in
            try expectCount("index", args, 1, 3)
            let list = l(v)
            let (lo, hi) = try rt.clampRange(args, 1, list.items.count)
            if lo < hi { for i in lo..<hi where try rt.equals(list.items[i], args[0]) { return .int(i) } }
            throw valueError("\(try rt.repr(args[0])) is not in list")
        }
        m("count") { rt, v, args, _ in
            try expectCount("count", args, 1, 1)
            return .int(try l(v).items.filter { try rt.equals($0, args[0]) }.count)
        }
        m("sort") { rt, v, args, kw in
            if !args.isEmpty { throw typeError("sort() takes no positional arguments") }
            var key: Value = .none
            var reverse = false
            for (k, x) in kw {
                switch k {
                case "key": key = x
                case "reverse": reverse = try rt.truthy(x)
                default: throw typeError("sort() got an unexpected keyword argument '\(k)'")
                }
            }
            let list = l(v)
            list.items = try rt.sortValues(list.items, key: key, reverse: reverse)
            return .none
        }
        m("reverse") { _, v, _, _ in l(v).items.reverse(); return .none }
        m("copy") { _, v, _, _ in .list(PyList(l(v).items)) }
        m("clear") { _, v, _, _ in l(v).items.removeAll(); return .none }
    }

    private func installDictMethods(_ m: (String, @escaping BuiltinFn) -> Void) {
        func d(_ v: Value) -> PyDict { if case .dict(let x) = v { return x }; return PyDict() }
        m("get") { rt, v, args, _ in
            try expectCount("get", args, 1, 2)
            try rt.checkHashable(args[0])
            return d(v).get(args[0]) ?? (args.count == 2 ? args[1] : .none)
        }
        m("keys") { _, v, _, _ in .iterator(DictView.make(d(v), .keys)) }
        m("values") { _, v, _, _ in .iterator(DictView.make(d(v), .values)) }
        m("items") { _, v, _, _ in .iterator(DictView.make(d(v), .items)) }
        m("update") { rt, v, args, kw in
            try expectCount("update", args, 0, 1)
            if let x = args.first { try rt.dictUpdate(d(v), x) }
            for (k, x) in kw { d(v).set(.str(k), x) }
            return .none
        }
        m("pop") { rt, v, args, _ in
            try expectCount("pop", args, 1, 2)
            try rt.checkHashable(args[0])
            if let x = d(v).table.remove(args[0]) { return x }
            if args.count == 2 { return args[1] }
            throw keyError(args[0])
        }
        m("popitem") { _, v, _, _ in
            let dict = d(v)
            guard let (k, x) = dict.items.last else { throw pyErr(ExcTypes.keyError, "popitem(): dictionary is empty") }
            dict.table.remove(k)
            return .tuple([k, x])
        }
        m("setdefault") { rt, v, args, _ in
            try expectCount("setdefault", args, 1, 2)
            try rt.checkHashable(args[0])
            if let x = d(v).get(args[0]) { return x }
            let x = args.count == 2 ? args[1] : .none
            d(v).set(args[0], x)
            return x
        }
        m("copy") { _, v, _, _ in
            return .dict(PyDict(table: d(v).table.copy()))
        }
        m("clear") { _, v, _, _ in d(v).table.removeAll(); return .none }
        BuiltinTypes.dict.dict["fromkeys"] = .builtin(PyBuiltin("fromkeys") { rt, _, args, _ in
            try expectCount("fromkeys", args, 1, 2)
            let n = PyDict()
            for k in try rt.toArray(args[0]) { try rt.checkHashable(k); n.set(k, args.count == 2 ? args[1] : .none) }
            return .dict(n)
        })
    }

    private func installSetMethods(_ m: (String, @escaping BuiltinFn) -> Void) {
        func s(_ v: Value) -> PySet { if case .set(let x) = v { return x }; return PySet() }
        func other(_ rt: Runtime, _ x: Value) throws -> PySet {
            if case .set(let o) = x { return o }
            let o = PySet()
            for v in try rt.toArray(x) { try rt.checkHashable(v); o.add(v) }
            return o
        }
        m("add") { rt, v, args, _ in
            try expectCount("add", args, 1, 1)
            try rt.checkHashable(args[0])
            s(v).add(args[0])
            return .none
        }
        m("discard") { rt, v, args, _ in
            try expectCount("discard", args, 1, 1)
            try rt.checkHashable(args[0])
            s(v).table.remove(args[0])
            return .none
        }
        m("remove") { rt, v, args, _ in
            try expectCount("remove", args, 1, 1)
            try rt.checkHashable(args[0])
            if s(v).table.remove(args[0]) == nil { throw keyError(args[0]) }
            return .none
        }
        m("pop") { _, v, _, _ in
            let set = s(v)
            guard let x = set.elements.first else { throw pyErr(ExcTypes.keyError, "pop from an empty set") }
            set.table.remove(x)
            return x
        }
        m("update") { rt, v, args, _ in
            for a in args { for x in try rt.toArray(a) { try rt.checkHashable(x); s(v).add(x) } }
            return .none
        }
        for (name, op) in [("union", BinOp.bitor), ("intersection", .bitand), ("difference", .sub), ("symmetric_difference", .bitxor)] {
            m(name) { rt, v, args, _ in
                var acc = s(v)
                if args.isEmpty { let c = PySet(); c.table = acc.table.copy(); return .set(c) }
                for a in args { acc = try rt.setOperation(op, acc, try other(rt, a))! }
                return .set(acc)
            }
        }
        m("intersection_update") { rt, v, args, _ in
            for a in args { s(v).table = try rt.setOperation(.bitand, s(v), try other(rt, a))!.table }
            return .none
        }
        m("difference_update") { rt, v, args, _ in
            for a in args { s(v).table = try rt.setOperation(.sub, s(v), try other(rt, a))!.table }
            return .none
        }
        m("issubset") { rt, v, args, _ in
            let o = try other(rt, args.first ?? .none)
            return .bool(s(v).table.orderedKeys.allSatisfy { o.contains($0) })
        }
        m("issuperset") { rt, v, args, _ in
            let o = try other(rt, args.first ?? .none)
            return .bool(o.table.orderedKeys.allSatisfy { s(v).contains($0) })
        }
        m("isdisjoint") { rt, v, args, _ in
            let o = try other(rt, args.first ?? .none)
            return .bool(!s(v).table.orderedKeys.contains { o.contains($0) })
        }
        m("copy") { _, v, _, _ in let c = PySet(); c.table = s(v).table.copy(); return .set(c) }
        m("clear") { _, v, _, _ in s(v).table.removeAll(); return .none }
    }

    /// `str.format`: `{}`, `{0}`, `{name}`, `{x.attr}`, `{x[0]}`, `!r`, `:spec`.
    func strFormat(_ fmt: String, _ args: [Value], _ kw: [(String, Value)]) throws -> String {
        let c = Array(fmt)
        var out = ""
        var i = 0
        var auto = 0
        while i < c.count {
            let ch = c[i]
            if ch == "}" {
                guard i + 1 < c.count, c[i + 1] == "}" else { throw valueError("Single '}' encountered in format string") }
                out.append("}"); i += 2; continue
            }
            guard ch == "{" else { out.append(ch); i += 1; continue }
            if i + 1 < c.count, c[i + 1] == "{" { out.append("{"); i += 2; continue }
            var j = i + 1
            var depth = 1
            while j < c.count { if c[j] == "{" { depth += 1 } else if c[j] == "}" { depth -= 1; if depth == 0 { break } }; j += 1 }
            guard j < c.count else { throw valueError("Single '{' encountered in format string") }
            let field = String(c[(i + 1)..<j])
            i = j + 1
            var specPart = ""
            var conv: Character? = nil
            var name = field
            if let colon = field.firstIndex(of: ":") { specPart = String(field[field.index(after: colon)...]); name = String(field[..<colon]) }
            if let bang = name.firstIndex(of: "!") { conv = name[name.index(after: bang)...].first; name = String(name[..<bang]) }
            var head = name
            var rest = ""
            if let k = name.firstIndex(where: { $0 == "." || $0 == "[" }) { head = String(name[..<k]); rest = String(name[k...]) }
            var v: Value
            if head.isEmpty {
                guard auto < args.count else { throw indexError("Replacement index \(auto) out of range for positional args tuple") }
                v = args[auto]; auto += 1
            } else if let n = Int(head) {
                guard n < args.count else { throw indexError("Replacement index \(n) out of range for positional args tuple") }
                v = args[n]
            } else {
                guard let kv = kw.first(where: { $0.0 == head }) else { throw keyError(.str(head)) }
                v = kv.1
            }
            v = try resolveFieldPath(v, rest)
            if let cv = conv { v = .str(cv == "r" ? try repr(v) : cv == "a" ? asciiRepr(try repr(v)) : try str(v)) }
            if specPart.contains("{") { specPart = try strFormat(specPart, Array(args[min(auto, args.count)...]), kw) }
            out += try format(v, specPart)
        }
        return out
    }

    private func resolveFieldPath(_ v: Value, _ path: String) throws -> Value {
        var cur = v
        var p = Substring(path)
        while let f = p.first {
            if f == "." {
                p = p.dropFirst()
                let name = p.prefix { $0 != "." && $0 != "[" }
                p = p.dropFirst(name.count)
                cur = try getAttr(cur, String(name))
            } else if f == "[" {
                guard let close = p.firstIndex(of: "]") else { throw valueError("Missing ']' in format string") }
                let key = String(p[p.index(after: p.startIndex)..<close])
                p = p[p.index(after: close)...]
                cur = try getItem(cur, Int(key).map { .int($0) } ?? .str(key))
            } else { break }
        }
        return cur
    }
}

/// `dict.keys()/values()/items()`: live views as in CPython. A view holds its dict; printing,
/// `len` and iteration read the dict's current contents, and an iterator over a dict or a view
/// raises CPython's RuntimeError when the dict's size changed since the iterator was made.
enum DictView {
    enum Kind { case keys, values, items }
    static func make(_ d: PyDict, _ kind: Kind) -> PyIterator {
        let it = PyIterator(.array([], 0))
        it.viewName = kind == .keys ? "dict_keys" : kind == .values ? "dict_values" : "dict_items"
        it.viewDict = d
        it.viewKind = kind
        return it
    }

    /// The current items of a view of `d`.
    static func items(_ d: PyDict, _ kind: Kind) -> [Value] {
        switch kind {
        case .keys: return d.keys
        case .values: return d.values
        case .items: return d.items.map { .tuple([$0.0, $0.1]) }
        }
    }

    /// A live iterator over `d` (`iter(d)`, `for k in d`, iterating a view).
    static func iterator(_ d: PyDict, _ kind: Kind) -> PyIterator {
        let size = d.count
        var pos = 0
        var failed = false
        return PyIterator(.custom {
            let t = d.table
            if failed || t.count != size {
                failed = true
                throw pyErr(ExcTypes.runtimeError, "dictionary changed size during iteration")
            }
            let n = t.slotCount
            while pos < n {
                let p = pos
                pos += 1
                if let k = t.key(at: p) {
                    switch kind {
                    case .keys: return k
                    case .values: return t.value(at: p)
                    case .items: return .tuple([k, t.value(at: p)])
                    }
                }
            }
            return nil
        })
    }
}

extension Runtime {
    /// Array-free entries of the methods scripts call in inner loops.
    func installMethodFastPaths() {
        func builtin(_ cls: PyClass, _ name: String) -> PyBuiltin? {
            if case .builtin(let b)? = cls.dict[name] { return b }
            return nil
        }
        builtin(BuiltinTypes.list, "append")?.method1 = { _, recv, v in
            if case .list(let l) = recv { l.items.append(v) }
            return .none
        }
        builtin(BuiltinTypes.dict, "get")?.method1 = { rt, recv, k in
            guard case .dict(let d) = recv else { return .none }
            try rt.checkHashable(k)
            return d.get(k) ?? .none
        }
        builtin(BuiltinTypes.dict, "get")?.method2 = { rt, recv, k, def in
            guard case .dict(let d) = recv else { return .none }
            try rt.checkHashable(k)
            return d.get(k) ?? def
        }
    }
}
