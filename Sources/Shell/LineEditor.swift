import CEdit
import Glibc

/// Line editing, history and tab completion through libedit's readline interface. The only
/// file that imports CEdit.
final class LineEditor {
    let historyPath: String?

    /// Completion callback state: libedit calls plain C functions that cannot capture context,
    /// so the active completer and its current matches live here (one editor per process).
    nonisolated(unsafe) private static var completer: ((_ line: String, _ word: String) -> [String])?
    nonisolated(unsafe) private static var matches: [String] = []

    init(historyPath: String?, completer: @escaping (_ line: String, _ word: String) -> [String]) {
        self.historyPath = historyPath
        LineEditor.completer = completer
        rl_readline_name = UnsafePointer(strdup("mrsh"))
        // "." and "/" stay inside words so that `model.ls<TAB>` and paths complete whole.
        rl_completer_word_break_characters = strdup(" \t\n\"'([{,=+*%<>!&|^~:;")
        rl_attempted_completion_function = { text, _, _ in
            let word = text.map { String(cString: $0) } ?? ""
            let line = rl_line_buffer.map { String(cString: $0) } ?? ""
            let prefix = String(line.utf8.prefix(Int(rl_point))) ?? line
            LineEditor.matches = LineEditor.completer?(prefix, word) ?? []
            rl_attempted_completion_over = 1
            rl_completion_append_character = 0
            return rl_completion_matches(text, { _, state in
                let i = Int(state)
                guard i < LineEditor.matches.count else { return nil }
                return strdup(LineEditor.matches[i])
            })
        }
        // Ctrl-C at the prompt: libedit would restart an interrupted read, so the editor reads
        // its characters itself and ends the line when the read was interrupted by SIGINT.
        rl_catch_signals = 0
        rl_getc_function = { _ in
            var c: UInt8 = 0
            while true {
                let n = Glibc.read(0, &c, 1)
                if n == 1 { return Int32(c) }
                if n < 0 && errno == EINTR && !(LineEditor.interrupted?() ?? true) { continue }
                return EOF
            }
        }
        if let p = historyPath { _ = read_history(p) }
    }

    /// Whether a SIGINT arrived (set by the REPL: the interpreter's cancellation flag).
    nonisolated(unsafe) static var interrupted: (() -> Bool)?

    /// One line without its newline, or nil at end of input (Ctrl-D) or on interrupt (EINTR).
    func readLine(prompt: String) -> String? {
        fflush(stdout)
        guard let raw = readline(prompt) else { return nil }
        defer { free(raw) }
        return String(cString: raw)
    }

    /// Adds complete entries to the history and saves the history file.
    func remember(_ lines: [String]) {
        for l in lines where !l.allSatisfy({ $0 == " " || $0 == "\t" }) { _ = add_history(l) }
        if let p = historyPath { _ = write_history(p) }
    }
}
