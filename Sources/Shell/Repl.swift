import Glibc
import Interpreter

/// The interactive loop: prompts, parser-driven continuation lines, echo of expression values,
/// history of complete entries, Ctrl-C back to the prompt with state kept, Ctrl-D to leave.
final class Repl {
    let session: Session
    let editor: LineEditor

    init(session: Session) {
        self.session = session
        let completion = Completion(interp: session.interp)
        editor = LineEditor(historyPath: Repl.historyPath(), completer: { completion.candidates(line: $0, word: $1) })
        let cancel = session.interp.cancellation
        LineEditor.interrupted = { cancel.isSet }
    }

    /// `$MRSH_HISTORY`, else `~/.mrsh_history` (nil when neither can be formed).
    static func historyPath() -> String? {
        if let p = getenv("MRSH_HISTORY").map({ String(cString: $0) }), !p.isEmpty { return p }
        guard let home = getenv("HOME").map({ String(cString: $0) }), !home.isEmpty else { return nil }
        return home + "/.mrsh_history"
    }

    /// Runs until Ctrl-D or `exit()`; returns the exit status.
    func run(banner: Bool) -> Int32 {
        if banner { session.sinks.out("mrsh (Mini-RETURNN shell). Type help() for help, Ctrl-D to exit.\n") }
        var lines: [String] = []
        while true {
            let prompt = lines.isEmpty ? ">>> " : "... "
            let cancel = session.interp.cancellation
            let line = editor.readLine(prompt: prompt)
            if cancel.isSet {
                // Ctrl-C at the prompt: drop the pending entry, as Python's REPL does.
                cancel.clear()
                session.sinks.out("\nKeyboardInterrupt\n")
                lines = []
                continue
            }
            guard let line = line else {
                session.sinks.out("\n")
                return 0
            }
            if lines.isEmpty && line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            lines.append(line)
            let source = lines.joined(separator: "\n") + "\n"
            // A blank line closes a block, as in Python's REPL.
            let status = Interpreter.parseStatus(line.isEmpty ? source + "\n" : source)
            if case .incomplete = status { continue }
            editor.remember(lines)
            lines = []
            if case .exit(let code) = session.runEntry(source, echo: true) { return code }
        }
    }
}

/// SIGINT sets the interpreter's cancellation flag: the running statement raises
/// KeyboardInterrupt at its next check, and a pending `readline` returns.
enum Interrupts {
    /// The flag the C signal handler sets; a handler cannot capture context.
    nonisolated(unsafe) private static var flag: Unmanaged<CancellationFlag>?
    nonisolated(unsafe) private static var worker: pthread_t?

    /// Blocks SIGINT on the calling (main) thread before the interpreter's thread starts.
    static func blockOnMainThread() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Called on the interpreter's thread: SIGINT is blocked on the main thread (see `main`),
    /// so it arrives here and interrupts a blocked `read` at the prompt.
    static func install(_ f: CancellationFlag) {
        flag?.release()
        flag = Unmanaged.passRetained(f)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        var action = sigaction()
        worker = pthread_self()
        // Any thread may receive the signal (OpenBLAS starts its own); it is forwarded to the
        // interpreter's thread so that a `read` blocked at the prompt returns with EINTR.
        action.__sigaction_handler.sa_handler = { _ in
            // Set the flag once per Ctrl-C: on the interpreter's thread only.
            if let w = Interrupts.worker, pthread_equal(w, pthread_self()) == 0 {
                pthread_kill(w, SIGINT)
            } else {
                Interrupts.flag?.takeUnretainedValue().set()
            }
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0 // no SA_RESTART: a blocked read returns, so the prompt can start over
        sigaction(SIGINT, &action, nil)
    }
}
