// mrsh-demo: the main job (a small real BLSTM training run through the Engine, see Demo.swift)
// and, as `mrsh-demo bench w1|w2`, the W1/W2 training benchmarks (Bench.swift).
import Foundation

func printLine(_ line: String) {
    print(line)
    fflush(stdout)
}

/// Keeps freed heap memory in the process (no trimming, large blocks from the heap up to 32 MB),
/// so training steps reuse touched pages instead of faulting in fresh zeroed ones.
/// (glibc's `mallopt` is not in the Glibc module map; it is looked up by name.)
func tuneMalloc() {
    typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
    let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
    let (trimThreshold, mmapThreshold): (Int32, Int32) = (-1, -3)  // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD
    _ = mallopt(mmapThreshold, 32 << 20)
    _ = mallopt(trimThreshold, 1 << 30)
}

func main() throws {
    tuneMalloc()
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
