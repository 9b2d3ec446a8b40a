// mrsh-demo: the main job (a small real BLSTM training run through the Engine, see Demo.swift)
// and, as `mrsh-demo bench w1|w2`, the W1/W2 training benchmarks (Bench.swift).
import Foundation

func printLine(_ line: String) {
    print(line)
    fflush(stdout)
}

func main() throws {
    var arguments = Array(CommandLine.arguments.dropFirst())
    if arguments.first == "bench" {
        arguments.removeFirst()
        try Bench.run(try Bench.Options(parsing: arguments), output: printLine)
        return
    }
    var options = Demo.Options()
    var i = 0
    while i < arguments.count {
        switch arguments[i] {
        case "--dir" where i + 1 < arguments.count: options.runDir = arguments[i + 1]; i += 1
        case "--epochs" where i + 1 < arguments.count: options.epochs = Int(arguments[i + 1]) ?? options.epochs; i += 1
        default: throw UsageError(message: "usage: mrsh-demo [--dir RUN_DIR] [--epochs N] | mrsh-demo bench w1|w2 [options]")
        }
        i += 1
    }
    try Demo.run(options, output: printLine)
}

struct UsageError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

do {
    try main()
} catch {
    FileHandle.standardError.write("mrsh-demo: \(error)\n".data(using: .utf8)!)
    exit(1)
}
