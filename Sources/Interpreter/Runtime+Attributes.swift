/// Attribute access on every kind of value, with "did you mean" hints on failure.
extension Runtime {
    public func getAttr(_ obj: Value, _ name: String) throws -> Value {
        switch obj {
        case .instance(let inst):
            if let v = inst.getSlot(name) { return v }
            if let v = inst.cls.lookup(name) { return try bindIfFunction(v, obj) }
            if let d = inst.exc, name == "args" { return .tuple(d.args) }
            if name == "__class__" { return .type(inst.cls) }
            if name == "__dict__" {
                return .dict(PyDict(inst.cls.layoutNames.compactMap { n in inst.getSlot(n).map { (n, $0) } }))
            }
            if let h = inst.host, let v = try h.getAttribute(name) { return v }
            if let g = inst.cls.lookup("__getattr__") { return try call(g, [obj, .str(name)], []) }
            throw attributeError(obj, name, candidates: inst.cls.layoutNames + allClassNames(inst.cls) + (inst.host?.attributeNames ?? []))
        case .type(let cls):
            if let v = cls.lookup(name) {
                if case .descriptor(let d) = v {
                    if d.kind == .staticMethod { return d.function }
                    if d.kind == .classMethod { return .boundMethod(PyBoundMethod(obj, d.function)) }
                }
                return v
            }
            switch name {
            case "__name__", "__qualname__": return .str(cls.name)
            case "__base__": return cls.base.map { .type($0) } ?? .type(BuiltinTypes.object)
            case "__doc__": return .none
            default: break
            }
            throw pyErr(ExcTypes.attributeError, "type object '\(cls.name)' has no attribute '\(name)'" + hint(name, allClassNames(cls)))
        case .module(let m):
            if let v = m.attributes[name] { return v }
            if name == "__name__" { return .str(m.name) }
            if let sub = try? importModule(m.name + "." + name) { return .module(sub) }
            throw pyErr(ExcTypes.attributeError, "module '\(m.name)' has no attribute '\(name)'" + hint(name, Array(m.attributes.keys)))
        case .host(let h):
            if let v = try h.getAttribute(name) { return v }
            throw attributeError(obj, name, candidates: h.attributeNames)
        case .superProxy(let s):
            if let base = s.start.base, let v = base.lookup(name) { return try bindIfFunction(v, s.receiver) }
            if s.start.base == nil || s.start.base!.isException, name == "__init__" {
                if case .instance(let inst) = s.receiver, let hb = inst.host, s.start.hostBase != nil {
                    _ = hb
                    return .builtin(PyBuiltin("__init__", { _, _, _, _ in .none }))
                }
                return .builtin(PyBuiltin("__init__", { _, recv, args, _ in
                    if case .instance(let i) = recv, let d = i.exc { d.args = args }
                    return .none
                }, bound: s.receiver))
            }
            if case .instance(let inst) = s.receiver, let h = inst.host, let v = try h.getAttribute(name) { return v }
            throw pyErr(ExcTypes.attributeError, "'super' object has no attribute '\(name)'")
        case .function(let fn):
            switch name {
            case "__name__": return .str(fn.name)
            case "__qualname__": return .str(fn.qualname)
            case "__doc__": return fn.def.docstring.map { .str($0) } ?? .none
            default: break
            }
        case .builtin(let b):
            if name == "__name__" { return .str(b.name) }
        default:
            break
        }
        let cls = typeOf(obj)
        if let v = cls.lookup(name) {
            if case .builtin(let b) = v { return .builtin(PyBuiltin(b.name, b.fn, bound: obj)) }
            return v
        }
        if name == "__class__" { return .type(cls) }
        throw attributeError(obj, name, candidates: allClassNames(cls))
    }

    private func bindIfFunction(_ v: Value, _ receiver: Value) throws -> Value {
        switch v {
        case .descriptor(let d):
            switch d.kind {
            case .staticMethod: return d.function
            case .classMethod: return .boundMethod(PyBoundMethod(.type(typeOf(receiver)), d.function))
            case .property: return try call(d.function, [receiver], [])
            }
        case .function: return .boundMethod(PyBoundMethod(receiver, v))
        case .builtin(let b) where b.bound == nil: return .builtin(PyBuiltin(b.name, b.fn, bound: receiver))
        default: return v
        }
    }

    private func allClassNames(_ cls: PyClass) -> [String] {
        var out: [String] = []
        var c: PyClass? = cls
        while let k = c { out += k.dict.keys; c = k.base }
        return out
    }

    func attributeError(_ obj: Value, _ name: String, candidates: [String]) -> PyError {
        pyErr(ExcTypes.attributeError, "'\(typeName(obj))' object has no attribute '\(name)'" + hint(name, candidates))
    }

    public func setAttr(_ obj: Value, _ name: String, _ v: Value) throws {
        switch obj {
        case .instance(let inst):
            if case .descriptor(let d)? = inst.cls.lookup(name), d.kind == .property {
                throw pyErr(ExcTypes.attributeError, "property '\(name)' of '\(inst.cls.name)' object has no setter")
            }
            if let h = inst.host, inst.getSlot(name) == nil, try h.setAttribute(name, v) { return }
            if let d = inst.exc, name == "args" { d.args = try toArray(v); return }
            inst.setSlot(name, v)
        case .type(let cls):
            if cls.isBuiltin { throw typeError("cannot set '\(name)' attribute of immutable type '\(cls.name)'") }
            if let old = cls.dict.updateValue(v, forKey: name) { retired.append(old) }
            classVersion += 1
            if case .function(let fn) = v { fn.definingClass = cls }
        case .module(let m):
            m.attributes[name] = v
        case .host(let h):
            if try h.setAttribute(name, v) { return }
            throw attributeError(obj, name, candidates: h.attributeNames)
        case .function:
            throw pyErr(ExcTypes.attributeError, "mrsh functions do not take attributes ('\(name)')")
        default:
            throw pyErr(ExcTypes.attributeError, "'\(typeName(obj))' object has no attribute '\(name)'")
        }
    }

    func delAttr(_ obj: Value, _ name: String) throws {
        switch obj {
        case .instance(let inst):
            guard inst.getSlot(name) != nil, let i = inst.cls.layout[name] else {
                throw attributeError(obj, name, candidates: inst.cls.layoutNames)
            }
            inst.slots[i] = .unbound
        case .type(let cls) where !cls.isBuiltin:
            guard let old = cls.dict.removeValue(forKey: name) else { throw attributeError(obj, name, candidates: []) }
            retired.append(old)
            classVersion += 1
        default:
            throw pyErr(ExcTypes.attributeError, "'\(typeName(obj))' object has no attribute '\(name)'")
        }
    }

    /// `hasattr`: true when `getattr` succeeds.
    func hasAttr(_ obj: Value, _ name: String) -> Bool {
        do { _ = try getAttr(obj, name); return true } catch { return false }
    }
}

/// "did you mean" suffix: the closest candidate within a small edit distance.
func hint(_ name: String, _ candidates: [String]) -> String {
    var best: (String, Int)? = nil
    for c in Set(candidates) where c != name && !c.hasPrefix("__") {
        // CPython's threshold: (len(a) + len(b) + 3) // 6 edits.
        let limit = (name.count + c.count + 3) / 6
        guard limit > 0, abs(name.count - c.count) <= limit else { continue }
        let d = editDistance(name, c)
        if d <= limit, best == nil || d < best!.1 || (d == best!.1 && c < best!.0) { best = (c, d) }
    }
    return best.map { ". Did you mean: '\($0.0)'?" } ?? ""
}

func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a.lowercased()), y = Array(b.lowercased())
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var prev = Array(0...y.count)
    var cur = [Int](repeating: 0, count: y.count + 1)
    for i in 1...x.count {
        cur[0] = i
        for j in 1...y.count {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
        }
        swap(&prev, &cur)
    }
    return prev[y.count]
}
