import ArgumentParser
import Glibc
import Interpreter

/// The `mrsh` command line (swift-argument-parser). Exit status: 0 on success, 1 after a script
/// error, 2 on a usage error.
struct MrshCommand: ParsableCommand {
    static let version = "mrsh 0.1.0"

    @Option(name: .customShort("f"), help: ArgumentHelp("Run a script (a config) file.", valueName: "file"))
    var file: String?

    @Option(name: .customShort("c"), help: ArgumentHelp("Run a string of code.", valueName: "code"))
    var command: String?

    @Flag(name: .customShort("i"), help: "Enter the interactive shell after the file or code, with its state.")
    var interactive = false

    @Flag(name: .customLong("keep-going"), help: "With piped input: report errors and go on instead of exiting.")
    var keepGoing = false

    @Flag(name: .customLong("version"), help: "Print the version and exit.")
    var showVersion = false

    @Argument(parsing: .captureForPassthrough,
              help: ArgumentHelp("After -f FILE: overrides '++key value'; after -c CODE: sys.argv[1:].", valueName: "args"))
    var rest: [String] = []

    static let configuration = CommandConfiguration(
        commandName: "mrsh",
        abstract: "Mini-RETURNN's shell: a Python subset with PyTorch built in.",
        discussion: """
        mrsh                      interactive when stdin is a terminal, else runs the piped program
        mrsh -f config.mrs [++key value ...]   run a config; then its `task`, like rnn.py
        mrsh -c 'print(1)'        run a string
        mrsh dump-dataset SOURCE [--dataset dev] [--endseq -1] [--type print_shape] ...
        mrsh analyze-dataset-batches SOURCE [--dataset train] [++batch_size 10000]
        mrsh avg-checkpoints --checkpoints A B ... --output_path OUT
                                  RETURNN's tools (SOURCE: config, dataset dict or .hdf); --help for each
        """)

    func validate() throws {
        if file != nil && command != nil { throw ValidationError("-f and -c cannot be used together") }
    }
}

/// Parses the command line and runs; returns the exit status.
func runMain(_ arguments: [String]) -> Int32 {
    if let first = arguments.first, Tools.commands[first] != nil {
        return Interpreter.onLargeStack { Tools.run(arguments) ?? 2 }
    }
    var options: MrshCommand
    // Overrides start at the first `++key`; `-i` / `--keep-going` may still follow them.
    let split = arguments.firstIndex { $0.hasPrefix("++") } ?? arguments.count
    var tail: [String] = []
    var trailingFlags: Set<String> = []
    var i = split
    while i < arguments.count {
        let a = arguments[i]
        if a == "-i" || a == "--keep-going" { trailingFlags.insert(a); i += 1; continue }
        tail.append(a)
        if a.hasPrefix("++"), i + 1 < arguments.count { tail.append(arguments[i + 1]); i += 1 }
        i += 1
    }
    let head = Array(arguments[..<split])
    if head.first == "--help" || head.first == "-h" || (head.count >= 2 && head[0] == "-i" && head[1] == "--help") {
        print(MrshCommand.helpMessage())
        return 0
    }
    do {
        options = try MrshCommand.parse(head)
        options.rest += tail
        options.interactive = options.interactive || trailingFlags.contains("-i")
        options.keepGoing = options.keepGoing || trailingFlags.contains("--keep-going")
    } catch {
        if MrshCommand.exitCode(for: error) == .success {
            fputs(MrshCommand.fullMessage(for: error) + "\n", stdout)
            return 0
        }
        fputs("mrsh: " + MrshCommand.fullMessage(for: error) + "\n" + MrshCommand.usageString() + "\n", stderr)
        return 2
    }
    if options.showVersion {
        print(MrshCommand.version)
        return 0
    }
    Interrupts.blockOnMainThread()
    return Interpreter.onLargeStack { Program(options).run() }
}

setvbuf(stdout, nil, _IOFBF, 1 << 16)
let status = runMain(Array(CommandLine.arguments.dropFirst()))
fflush(stdout)
exit(status)
