/// Exceptions, context managers, imports and builtin lookup.
extension Runtime {
    /// The exception to throw for `raise v`: an instance, or a class to instantiate.
    func makeException(_ v: Value) throws -> PyError {
        switch v {
        case .instance(let inst) where inst.exc != nil:
            inst.exc!.traceback = []
            inst.exc!.pendingPos = nil
            return PyError(inst)
        case .type(let cls) where cls.isException:
            guard case .instance(let inst) = try instantiate(cls, [], []) else { break }
            return PyError(inst)
        default: break
        }
        return typeError("exceptions must derive from BaseException")
    }

    func exceptionMatches(_ exc: PyInstance, _ spec: Value) throws -> Bool {
        switch spec {
        case .type(let cls):
            guard cls.isException else { throw typeError("catching classes that do not inherit from BaseException is not allowed") }
            return exc.cls.isSubclass(of: cls)
        case .tuple(let xs):
            for x in xs where try exceptionMatches(exc, x) { return true }
            return false
        default:
            throw typeError("catching classes that do not inherit from BaseException is not allowed")
        }
    }

    func enterContext(_ mgr: Value) throws -> Value {
        switch mgr {
        case .host(let h): return try h.enter()
        case .instance(let inst):
            if let m = inst.cls.lookup("__enter__") { return try call(m, [mgr], []) }
            if let h = inst.host { return try h.enter() }
        default: break
        }
        throw typeError("'\(typeName(mgr))' object does not support the context manager protocol")
    }

    /// Leaves a context; returns true when the manager suppresses the exception.
    func exitContext(_ mgr: Value, _ error: Error?) throws -> Bool {
        switch mgr {
        case .host(let h): return try h.exit(error)
        case .instance(let inst):
            if let m = inst.cls.lookup("__exit__") {
                var args: [Value] = [mgr, .none, .none, .none]
                if let e = error {
                    let pe = asPyError(e)
                    args = [mgr, .type(pe.exc.cls), .instance(pe.exc), .none]
                }
                return try truthy(try call(m, args, []))
            }
            if let h = inst.host { return try h.exit(error) }
        default: break
        }
        return false
    }

    /// A built-in (or host-registered) module by dotted name.
    func importModule(_ name: String) throws -> PyModule {
        if let m = moduleCache[name] { return m }
        let m: PyModule
        if let make = hostModules[name] {
            m = make()
        } else if let builtin = makeBuiltinModule(name) {
            m = builtin
        } else {
            let top = String(name.split(separator: ".")[0])
            let known = ["numpy", "scipy", "pandas", "tensorflow", "sklearn", "matplotlib"]
            let extra = known.contains(top) ? " (\(top) is not available in mrsh; only built-in modules can be imported)" : ""
            let e = pyErr(ExcTypes.moduleNotFoundError, "No module named '\(name)'" + extra)
            throw e
        }
        moduleCache[name] = m
        return m
    }

    func importName(_ name: String, from m: PyModule, _ moduleName: String) throws -> Value {
        if let v = m.attributes[name] { return v }
        if let sub = try? importModule(moduleName + "." + name) { return .module(sub) }
        throw pyErr(ExcTypes.importError, "cannot import name '\(name)' from '\(moduleName)'" + hint(name, Array(m.attributes.keys)))
    }

    /// A global slot that the module never assigned: the builtin of that name, or NameError.
    func loadBuiltin(_ g: ModuleScope, _ i: Int) throws -> Value {
        if let v = g.builtinCache[i] { return v }
        let name = g.nameList[i]
        if let v = builtins[name] {
            g.builtinCache[i] = v
            return v
        }
        let candidates = g.nameList.enumerated().filter { !g.values[$0.offset].isUnbound }.map { $0.element } + Array(builtins.keys)
        throw pyErr(ExcTypes.nameError, "name '\(name)' is not defined" + hint(name, candidates))
    }
}
