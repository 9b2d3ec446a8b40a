import Glibc
import Interpreter

/// What `mrsh` does with its options: a file (with overrides and its task), a string, piped
/// input, or the interactive shell.
struct Program {
    let options: MrshCommand

    init(_ options: MrshCommand) { self.options = options }

    func run() -> Int32 {
        if let file = options.file { return runFile(file) }
        if let code = options.command {
            let session = makeSession(["-c"] + options.rest)
            return finish(session, session.run(code, file: "<string>"))
        }
        guard options.rest.isEmpty else {
            fputs("mrsh: unexpected argument '\(options.rest[0])' (use -f FILE to run a file)\n" + MrshCommand.usageString() + "\n", stderr)
            return 2
        }
        let session = makeSession([""])
        if isatty(0) != 0 { return Repl(session: session).run(banner: true) }
        return runPiped(session)
    }

    /// A session whose interpreter Ctrl-C interrupts (KeyboardInterrupt at the next check).
    private func makeSession(_ argv: [String]) -> Session {
        let s = Session(argv: argv)
        Interrupts.install(s.interp.cancellation)
        return s
    }

    private func runFile(_ file: String) -> Int32 {
        let overrides: [(String, String)]
        do {
            overrides = try Overrides.parse(options.rest)
        } catch {
            fputs("mrsh: \(error)\n" + MrshCommand.usageString() + "\n", stderr)
            return 2
        }
        guard let source = readTextFile(file) else {
            fputs("mrsh: can't open file '\(file)': No such file or directory\n", stderr)
            return 2
        }
        let session = makeSession([file] + options.rest)
        var outcome = session.run(source, file: file)
        if outcome == .ok {
            Overrides.apply(overrides, to: session.interp)
            outcome = runTask(session)
        }
        return finish(session, outcome)
    }

    /// Runs the config's `task` after the file, as `rnn.py config` does.
    private func runTask(_ session: Session) -> RunOutcome {
        guard let task = session.interp[global: "task"], !isNone(task), !session.engine.ranTask else { return .ok }
        // A plain program that merely has a global named `task` (it defines none of the engine's
        // functions) stays a plain program, so it prints exactly what CPython prints.
        let engineNames = ["get_model", "train_step", "forward_step"]
        guard engineNames.contains(where: { session.interp[global: $0] != nil }) else {
            fputs("mrsh: note: the file sets task but defines none of \(engineNames.joined(separator: ", ")); no task was run\n", stderr)
            return .ok
        }
        do {
            try session.engine.runTask()
            return .ok
        } catch {
            return session.report(error)
        }
    }

    private func isNone(_ v: Value) -> Bool { if case .none = v { return true }; return false }

    /// After a file or string: the interactive shell with `-i`, else the exit status.
    private func finish(_ session: Session, _ outcome: RunOutcome) -> Int32 {
        if case .exit(let code) = outcome { return code }
        if options.interactive { return Repl(session: session).run(banner: false) }
        return outcome == .ok ? 0 : 1
    }

    /// Piped input: the whole program at once, or (`--keep-going`) statement by statement,
    /// reporting each error and going on; exit 1 if any failed.
    private func runPiped(_ session: Session) -> Int32 {
        let text = readAll(stdin)
        guard options.keepGoing else { return finish(session, session.run(text, file: "<stdin>")) }
        session.interp.rememberSource(text, file: "<stdin>")
        var failed = false
        for chunk in Chunks.split(text) {
            let padded = String(repeating: "\n", count: chunk.line - 1) + chunk.text
            switch session.runEntry(padded, echo: false) {
            case .exit(let code): return code
            case .failed: failed = true
            case .ok: break
            }
            session.interp.rememberSource(text, file: "<stdin>")
        }
        return failed ? 1 : 0
    }
}

/// Splits a program into top-level statements (with their first line number), so that
/// `--keep-going` can run them one by one.
enum Chunks {
    static func split(_ text: String) -> [(line: Int, text: String)] {
        var out: [(Int, String)] = []
        var buffer: [String] = []
        var start = 1
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func flush() {
            let body = buffer.joined(separator: "\n")
            if !body.allSatisfy({ $0 == "\n" || $0 == " " || $0 == "\t" }) { out.append((start, body + "\n")) }
            buffer = []
        }
        for (i, line) in lines.enumerated() {
            let startsStatement = !(line.first.map { $0 == " " || $0 == "\t" || $0 == "#" } ?? true)
                && !["else", "elif", "except", "finally"].contains { line.hasPrefix($0) }
            if startsStatement && !buffer.isEmpty {
                let body = buffer.joined(separator: "\n") + "\n\n"
                if case .incomplete = Interpreter.parseStatus(body) {} else {
                    flush()
                    start = i + 1
                }
            }
            if buffer.isEmpty { start = i + 1 }
            buffer.append(line)
        }
        flush()
        return out
    }
}

func readAll(_ f: UnsafeMutablePointer<FILE>) -> String {
    var bytes: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = fread(&buf, 1, buf.count, f)
        if n <= 0 { break }
        bytes += buf[0..<n]
    }
    return String(decoding: bytes, as: UTF8.self)
}

func readTextFile(_ path: String) -> String? {
    guard let f = fopen(path, "r") else { return nil }
    defer { fclose(f) }
    return readAll(f)
}
