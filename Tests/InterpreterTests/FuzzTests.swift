import XCTest
@testable import Interpreter

/// Bounded, seeded fuzzing: random token soups and mutations of the corpus programs go
/// through the parser and the evaluator. Any outcome is fine except a crash or a hang
/// (every run is cancelled after a short deadline).
final class FuzzTests: XCTestCase {
    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    static let atoms = ["x", "y", "f", "(", ")", "[", "]", "{", "}", ":", ",", ".", "=", "+", "-", "*", "**", "/", "//",
                        "%", "<", "==", "not", "and", "or", "in", "is", "if", "else", "for", "while", "def", "class",
                        "return", "lambda", "try", "except", "finally", "with", "as", "import", "from", "1", "2.5",
                        "'s'", "f'{x}'", "None", "True", "\n", "\n    ", "\n        ", "print", "len", "range",
                        "yield", "@", "\\", "#c", "'''", "\"", "del", "global", "nonlocal", "raise", "pass", "break"]

    static let literals = ["0", "-1", "7", "40", "-40", "9223372036854775807", "-9223372036854775808", "2 ** 62", "1e300", "-1e-300",
                           "float('inf')", "float('nan')", "0.5", "''", "'abc'", "'é✓'", "'%d'", "'{}'", "'{:>10.3f}'",
                           "[]", "[1, 'a', None]", "(1,)", "{}", "{'k': [1]}", "{1, 2}", "None", "True", "range(5)",
                           "range(-3, 10**9, 7)", "'x' * 3", "len", "str", "int", "lambda *a: a"]
    static let calls = ["round(A)", "round(A, B)", "int(A)", "int(A, B)", "float(A)", "str(A)", "repr(A)", "abs(A)",
                        "A % B", "A // B", "A / B", "A ** B", "A << B", "A >> B", "A * B", "A + B", "A - B", "-A", "~A",
                        "A < B", "A == B", "A in B", "A[B]", "A[B:A]", "A[::B]", "len(A)", "sorted(A)", "list(A)",
                        "set(A)", "dict(A)", "max(A)", "min(A, B)", "sum(A)", "divmod(A, B)", "pow(A, B, 7)",
                        "format(A, B)", "B.format(A)", "A.split(B)", "A.join(B)", "A.replace(B, A)", "A.count(B)",
                        "A.find(B)", "A.zfill(B)", "A.center(B)", "A.index(B)", "A.pop(B)", "A.insert(B, A)",
                        "chr(A)", "ord(A)", "hex(A)", "bin(A)", "hash(A)", "isinstance(A, B)", "getattr(A, B)",
                        "json.dumps(A)", "json.loads(A)", "math.floor(A)", "math.sqrt(A)", "math.log(A)",
                        "math.factorial(A)", "reversed(A)", "enumerate(A, B)", "zip(A, B)", "A(B)", "f'{A:{B}}'"]

    /// Built-ins and operators applied to edge-case values: every outcome must be a value or
    /// a Python exception, never a trap.
    func testBuiltinsOnEdgeValues() {
        var rng = SplitMix(state: 77)
        var lines = ["import json, math"]
        for _ in 0..<5000 {
            let t = Self.calls[rng.below(Self.calls.count)]
            let a = Self.literals[rng.below(Self.literals.count)], b = Self.literals[rng.below(Self.literals.count)]
            let e = t.replacingOccurrences(of: "A", with: "(" + a + ")").replacingOccurrences(of: "B", with: "(" + b + ")")
            lines.append("try:\n    r = \(e)\n    s = repr(r)\nexcept Exception as exc:\n    s = type(exc).__name__")
        }
        exercise(lines.joined(separator: "\n") + "\n")
        for chunk in stride(from: 1, to: lines.count, by: 50) {
            exercise((["import json, math"] + lines[chunk..<min(chunk + 50, lines.count)]).joined(separator: "\n") + "\n")
        }
    }

    func testRandomAndMutatedPrograms() throws {
        var rng = SplitMix(state: 20_261_125)
        var seeds: [String] = []
        for folder in [("MRSH_LANG_CONFORMANCE", "lang"), ("MRSH_LANG_CORPUS", "lang-corpus")] {
            let dir = fixtureDirectory(folder.0, folder.1)
            for name in try FileManager.default.contentsOfDirectory(atPath: dir).sorted() where name.hasSuffix(".py") {
                let text = try readText(dir + "/" + name)
                // Programs touching the file system stay out: a mutation could aim them anywhere.
                if !text.contains("open(") && !text.contains("os.") { seeds.append(text) }
            }
        }
        XCTAssertFalse(seeds.isEmpty)
        let started = Date()
        var runs = 0
        for i in 0..<400 {
            if Date().timeIntervalSince(started) > 60 { break }
            let program: String
            if i % 3 == 0 {
                program = (0..<(5 + rng.below(40))).map { _ in Self.atoms[rng.below(Self.atoms.count)] }.joined(separator: " ")
            } else {
                program = mutate(seeds[rng.below(seeds.count)], &rng)
            }
            exercise(program)
            runs += 1
        }
        print("fuzz: \(runs) programs")
        XCTAssertGreaterThan(runs, 50)
    }

    private func mutate(_ s: String, _ rng: inout SplitMix) -> String {
        var lines = s.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for _ in 0..<(1 + rng.below(4)) {
            guard !lines.isEmpty else { break }
            let k = rng.below(lines.count)
            switch rng.below(6) {
            case 0: lines.remove(at: k)
            case 1: lines.insert(lines[rng.below(lines.count)], at: k)
            case 2:
                var chars = Array(lines[k])
                if !chars.isEmpty { chars.remove(at: rng.below(chars.count)) }
                lines[k] = String(chars)
            case 3:
                var chars = Array(lines[k])
                let ch: Character = Self.atoms[rng.below(Self.atoms.count)].first ?? " "
                chars.insert(ch, at: chars.isEmpty ? 0 : rng.below(chars.count))
                lines[k] = String(chars)
            case 4: lines.swapAt(k, rng.below(lines.count))
            default: lines[k] = "    " + lines[k]
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Parses and runs a program with a deadline; only a crash or a hang would fail the test.
    private func exercise(_ program: String) {
        _ = Interpreter.parseStatus(program)
        let interp = Interpreter(stdout: { _ in }, stderr: { _ in })
        let deadline = Deadline(interp.cancellation)
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.25) { deadline.expire() }
        _ = Interpreter.onLargeStack { () -> Int in
            _ = try? interp.run(program, file: "fuzz.py")
            return 0
        }
        deadline.finish()
    }
}

/// Sets the cancellation flag when time is up, unless the run already finished.
final class Deadline: @unchecked Sendable {
    private let lock = NSLock()
    private var finished = false
    private let flag: CancellationFlag
    init(_ flag: CancellationFlag) { self.flag = flag }
    func expire() { lock.lock(); if !finished { flag.set() }; lock.unlock() }
    func finish() { lock.lock(); finished = true; lock.unlock() }
}
