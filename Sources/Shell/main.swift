import Glibc
import Interpreter

/// Minimal entry until the shell issue completes the program: `mrsh -f FILE [args]` and
/// `mrsh -c CODE [args]`. Exit status 0 on success, 1 after a script error, 2 on a usage error.
let usage = """
usage: mrsh -f FILE [ARG ...]
       mrsh -c CODE [ARG ...]

"""

func writeOut(_ s: String) { fputs(s, stdout) }
func writeErr(_ s: String) {
    fflush(stdout)
    fputs(s, stderr)
}

func readFile(_ path: String) -> String? {
    guard let f = fopen(path, "r") else { return nil }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = fread(&buf, 1, buf.count, f)
        if n <= 0 { break }
        bytes += buf[0..<n]
    }
    return String(decoding: bytes, as: UTF8.self)
}

func runMain() -> Int32 {
    let argv = Array(CommandLine.arguments.dropFirst())
    guard argv.count >= 2, argv[0] == "-f" || argv[0] == "-c" else {
        if argv.first == "--help" || argv.first == "-h" { writeOut(usage); return 0 }
        writeErr(usage)
        return 2
    }
    let source: String
    let file: String
    if argv[0] == "-f" {
        file = argv[1]
        guard let text = readFile(file) else {
            writeErr("mrsh: can't open file '\(file)': No such file or directory\n")
            return 2
        }
        source = text
    } else {
        file = "<string>"
        source = argv[1]
    }
    let interp = Interpreter(stdout: writeOut, stderr: writeErr)
    interp.argv = argv[0] == "-f" ? Array(argv[1...]) : ["-c"] + Array(argv[2...])
    interp.rememberSource(source, file: file)
    let status: Int32 = Interpreter.onLargeStack {
        do {
            try interp.run(source, file: file)
            return 0
        } catch {
            if let code = exitCode(of: error, interp) { return code }
            writeErr(interp.formatError(error))
            return 1
        }
    }
    fflush(stdout)
    return status
}

/// `sys.exit(n)`: the status it asks for (nil for any other error).
func exitCode(of error: Error, _ interp: Interpreter) -> Int32? {
    guard let pe = error as? PyError, pe.typeName == "SystemExit" else { return nil }
    let msg = pe.message
    if msg.isEmpty || msg == "None" { return 0 }
    if let n = Int32(msg) { return n }
    writeErr(msg + "\n")
    return 1
}

exit(runMain())
