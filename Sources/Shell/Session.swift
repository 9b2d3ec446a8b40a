import Engine
import Glibc
import Interpreter

/// Where a session's output goes. The program writes to the process's streams; tests capture.
struct OutputSinks {
    var out: (String) -> Void
    var err: (String) -> Void

    static let standard = OutputSinks(out: { fputs($0, stdout) }, err: { s in fflush(stdout); fputs(s, stderr) })
}

/// How running a chunk of code ended.
enum RunOutcome: Equatable {
    case ok
    /// An error was printed (position, message, traceback).
    case failed
    /// `sys.exit(n)` / `exit()`: the status asked for.
    case exit(Int32)
}

/// One interpreter with the PyTorch/RETURNN names installed: runs files, strings and REPL
/// entries, prints errors as CPython does, and applies `++key value` overrides.
final class Session {
    let interp: Interpreter
    let sinks: OutputSinks
    /// The training engine behind `task` and the prompt's `train()`, `evaluate()`, ...
    let engine: EngineSession

    init(sinks: OutputSinks = .standard, argv: [String] = []) {
        self.sinks = sinks
        interp = Interpreter(stdout: sinks.out, stderr: sinks.err)
        interp.argv = argv
        Bindings.install(interp)
        engine = EngineSession(interp: interp, out: sinks.out)
        engine.install()
        Help.install(interp, out: sinks.out)
        for name in ["exit", "quit"] {
            interp.setBuiltin(name, .builtin(PyBuiltin(name) { rt, _, args, _ in
                let code = try args.first.map { try rt.str($0) } ?? ""
                throw ScriptError("SystemExit", code == "None" ? "" : code)
            }))
        }
    }

    /// Runs a whole program (a file, `-c` code or piped input) in the main module.
    func run(_ source: String, file: String) -> RunOutcome {
        interp.rememberSource(source, file: file)
        do {
            try interp.run(source, file: file)
            return .ok
        } catch {
            return report(error)
        }
    }

    /// Runs one interactive entry; when it is a single expression, echoes its repr and stores it
    /// in `_` (None is not echoed), as the Python REPL does.
    func runEntry(_ source: String, file: String = "<stdin>", echo: Bool) -> RunOutcome {
        interp.rememberSource(source, file: file)
        do {
            let trimmed = source.trimmingTrailingNewlines()
            if echo, Session.isExpression(trimmed) {
                let v = try interp.evaluate(trimmed, file: file)
                interp[global: "__mrsh_eval__"] = nil
                if case .none = v { return .ok }
                interp[global: "_"] = v
                sinks.out(try interp.repr(v) + "\n")
            } else {
                try interp.run(source, file: file)
            }
            return .ok
        } catch {
            return report(error)
        }
    }

    /// Whether `source` is one expression (so its value is echoed).
    static func isExpression(_ source: String) -> Bool {
        guard !source.isEmpty, !source.hasPrefix(" "), !source.hasPrefix("\t") else { return false }
        if case .complete = Interpreter.parseStatus("(" + source + "\n)") { return !source.contains("\n") || isWrapped(source) }
        return false
    }

    /// A multi-line entry is an expression only inside brackets (`f(\n 1)`), never a block.
    private static func isWrapped(_ source: String) -> Bool {
        !(source.split(separator: "\n").first.map { $0.trimmingCharacters().hasSuffix(":") } ?? false)
    }

    /// Prints an error (or picks up `sys.exit`) and says how the run ended.
    func report(_ error: Error) -> RunOutcome {
        // An error in the user's step function, raised through the Engine: its own traceback.
        if let step = error as? StepFunctionError {
            sinks.err("while running \(step.function):\n")
            return report(step.underlying)
        }
        if let pe = error as? PyError, pe.typeName == "SystemExit" {
            let msg = pe.message
            if msg.isEmpty || msg == "None" { return .exit(0) }
            if let n = Int32(msg) { return .exit(n) }
            sinks.err(msg + "\n")
            return .exit(1)
        }
        sinks.err(interp.formatError(error))
        return .failed
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var s = self
        while let l = s.last, l == "\n" || l == "\r" || l == " " { s.removeLast() }
        return s
    }
}

extension Substring {
    func trimmingCharacters() -> String {
        var s = String(self)
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        if let i = s.firstIndex(of: "#") { s = String(s[..<i]) }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return s
    }
}
