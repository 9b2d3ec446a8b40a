import Glibc

/// The public face of the language: runs programs, reports parse status for the REPL, gives the
/// host access to globals, modules and cancellation. Output goes through injected sinks.
public final class Interpreter {
    public let runtime: Runtime

    /// - Parameters: stdout/stderr sinks receive everything `print` writes.
    public init(stdout: @escaping (String) -> Void, stderr: @escaping (String) -> Void) {
        runtime = Runtime(stdout: stdout, stderr: stderr)
    }

    /// Frames kept for reuse by functions hold the runtime: dropping them (and unbinding the
    /// globals and imported modules) lets the runtime go.
    deinit {
        runtime.dropFramePools()
        runtime.main.clear()
        runtime.moduleCache = [:]
        runtime.retired = []
        runtime.handling = []
    }

    /// Parses and compiles a chunk (file or REPL entry) against the main module.
    func compile(_ source: String, file: String) throws -> (StmtFn, Int, Int) {
        let sf = SourceFile(name: file, text: source)
        let ast = try Parser.parse(sf)
        let resolver = Resolver(file: sf, module: runtime.main)
        let (slots, cells) = try resolver.resolveModule(ast)
        let code = try Compiler(file: sf).block(ast)
        return (code, slots, cells)
    }

    /// Runs a program in the main module. Throws `SyntaxError` or `PyError` (with traceback).
    public func run(_ source: String, file: String = "<string>") throws {
        let (code, slots, cells) = try compile(source, file: file)
        let frame = Frame(rt: runtime, slotCount: slots, cells: (0..<cells).map { _ in Cell() },
                          globals: runtime.main)
        do {
            _ = try code(frame)
        } catch {
            let pe = asPyError(error)
            if let d = pe.exc.exc {
                d.traceback.append(("<module>", d.pendingFile ?? file, d.pendingPos ?? .none))
                d.pendingPos = nil
                d.pendingFile = nil
            }
            throw pe
        }
    }

    /// Runs one interactive entry. When it is a single expression statement, returns its value
    /// (the REPL echoes `repr` of it unless it is None, and stores it in `_`); otherwise nil.
    public func runInteractive(_ source: String, file: String = "<stdin>") throws -> Value? {
        let sf = SourceFile(name: file, text: source)
        let ast = try Parser.parse(sf)
        let resolver = Resolver(file: sf, module: runtime.main)
        let (slots, cells) = try resolver.resolveModule(ast)
        let compiler = Compiler(file: sf)
        let frame = Frame(rt: runtime, slotCount: slots, cells: (0..<cells).map { _ in Cell() }, globals: runtime.main)
        rememberSource(source, file: file)
        do {
            if ast.count == 1, case .expr(let e, let pos) = ast[0] {
                let fn = try compiler.expr(e)
                do { return try fn(frame) } catch { throw annotate(error, pos, file) }
            }
            _ = try compiler.block(ast)(frame)
            return nil
        } catch {
            let pe = asPyError(error)
            if let d = pe.exc.exc {
                d.traceback.append(("<module>", d.pendingFile ?? file, d.pendingPos ?? .none))
                d.pendingPos = nil
                d.pendingFile = nil
            }
            throw pe
        }
    }

    /// Evaluates one expression in the main module.
    public func evaluate(_ expression: String, file: String = "<stdin>") throws -> Value {
        try runInteractive("(" + expression + "\n)", file: file) ?? .none
    }

    /// Whether a chunk of interactive input is complete, needs more lines, or is wrong.
    public static func parseStatus(_ source: String, file: String = "<stdin>") -> ParseStatus {
        let sf = SourceFile(name: file, text: source)
        do {
            _ = try Parser.parse(sf)
        } catch let e as SyntaxError {
            return e.incomplete ? .incomplete : .error(e)
        } catch {
            return .error(SyntaxError(file: file, pos: .none, message: "\(error)"))
        }
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        let nonEmpty = lines.filter { !$0.allSatisfy { $0 == " " || $0 == "\t" } }
        guard let last = nonEmpty.last else { return .complete }
        let opensBlock = nonEmpty.contains { $0.trimmingTrailingComment().hasSuffix(":") }
        if opensBlock && !source.hasSuffix("\n\n") && (last.first == " " || last.first == "\t" || last.trimmingTrailingComment().hasSuffix(":")) {
            return .incomplete
        }
        return .complete
    }

    /// A global of the main module (settings of a config), or nil when unset.
    public subscript(global name: String) -> Value? {
        get { runtime.main.get(name) }
        set { if let v = newValue { runtime.main.set(name, v) } else if let i = runtime.main.names[name] { runtime.main.values[i] = .unbound } }
    }

    /// Names of the main module's globals that are set.
    public var globalNames: [String] {
        runtime.main.nameList.enumerated().filter { !runtime.main.values[$0.offset].isUnbound }.map { $0.element }
    }

    /// Names of the built-in functions and types.
    public var builtinNames: [String] { Array(runtime.builtins.keys).sorted() }

    /// Registers a module the host provides (e.g. "torch", "torch.nn"); built on first import.
    public func registerModule(_ name: String, _ make: @escaping () -> PyModule) {
        runtime.hostModules[name] = make
        runtime.moduleCache[name] = nil
    }

    /// Adds or replaces a built-in name (e.g. `train`, `help`).
    public func setBuiltin(_ name: String, _ value: Value) {
        runtime.builtins[name] = value
        for i in runtime.main.builtinCache.indices where runtime.main.nameList[i] == name { runtime.main.builtinCache[i] = nil }
    }

    /// Calls a callable value from Swift (the engine calls `train_step` this way).
    public func call(_ callee: Value, _ args: [Value], _ kwargs: [(String, Value)] = []) throws -> Value {
        try runtime.call(callee, args, kwargs)
    }

    public func repr(_ v: Value) throws -> String { try runtime.repr(v) }
    public func str(_ v: Value) throws -> String { try runtime.str(v) }

    /// Set from a signal handler (Ctrl-C): the running statement raises KeyboardInterrupt.
    public var cancellation: CancellationFlag { runtime.cancel }

    public var argv: [String] {
        get { runtime.argv }
        set { runtime.argv = newValue }
    }

    /// The traceback and message CPython would print for an uncaught exception.
    public func formatError(_ error: Error) -> String {
        if let se = error as? SyntaxError { return se.rendered }
        let pe = asPyError(error)
        var out = ""
        if let d = pe.exc.exc, !d.traceback.isEmpty {
            out += "Traceback (most recent call last):\n"
            var last = ""
            var repeats = 0
            func flush() {
                if repeats > 3 { out += "  [Previous line repeated \(repeats - 3) more times]\n" }
            }
            for (fn, file, pos) in d.traceback.reversed() {
                var entry = "  File \"\(file)\", line \(pos.line), col \(pos.col), in \(fn)\n"
                if let text = sourceLine(file, Int(pos.line)) { entry += "    " + text.trimmingSpaces() + "\n" }
                if entry == last {
                    repeats += 1
                    if repeats > 3 { continue }
                } else {
                    flush()
                    last = entry
                    repeats = 1
                }
                out += entry
            }
            flush()
        }
        let msg = exceptionMessage(pe.exc, runtime)
        out += msg.isEmpty ? pe.exc.cls.name + "\n" : "\(pe.exc.cls.name): \(msg)\n"
        return out
    }

    private var sources: [String: SourceFile] = [:]

    /// Keeps the text of a file so tracebacks can quote its lines.
    public func rememberSource(_ text: String, file: String) { sources[file] = SourceFile(name: file, text: text) }

    private func sourceLine(_ file: String, _ line: Int) -> String? {
        guard let sf = sources[file] else { return nil }
        let l = sf.line(line)
        return l.isEmpty ? nil : l
    }

    /// Runs `body` on a thread with a large stack (512 MiB) so that deep recursion reaches
    /// RecursionError before the Swift stack overflows. Blocks until it finishes.
    public static func onLargeStack<T>(_ body: @escaping () -> T) -> T {
        let box = StackBox<T>(body)
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        pthread_attr_setstacksize(&attr, 512 << 20)
        var tid = pthread_t()
        let ctx = Unmanaged<AnyObject>.passRetained(box).toOpaque()
        let rc = pthread_create(&tid, &attr, { raw in
            let b = Unmanaged<AnyObject>.fromOpaque(raw!).takeRetainedValue() as! Runnable
            b.run()
            return nil
        }, ctx)
        pthread_attr_destroy(&attr)
        if rc != 0 {
            Unmanaged<AnyObject>.fromOpaque(ctx).release()
            return body()
        }
        pthread_join(tid, nil)
        return box.value!
    }
}

extension Substring {
    func trimmingTrailingComment() -> String {
        var inStr: Character? = nil
        var out = ""
        for c in self {
            if let q = inStr { if c == q { inStr = nil } } else if c == "'" || c == "\"" { inStr = c } else if c == "#" { break }
            out.append(c)
        }
        while let l = out.last, l == " " || l == "\t" { out.removeLast() }
        return out
    }
}

public extension Value {
    /// Convenience for hosts: a Swift array as a list value.
    static func list(_ items: [Value]) -> Value { .list(PyList(items)) }
}

protocol Runnable: AnyObject { func run() }

/// Carries a closure and its result across the large-stack thread.
final class StackBox<T>: Runnable, @unchecked Sendable {
    var value: T?
    let body: () -> T
    init(_ b: @escaping () -> T) { body = b }
    func run() { value = body() }
}
