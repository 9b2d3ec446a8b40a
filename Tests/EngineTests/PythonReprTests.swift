@testable import Engine
import Foundation
import XCTest

/// Float/str repr, numpy summation order and the learning_rates parser, checked against CPython/numpy.
final class PythonReprTests: XCTestCase {
    /// Seeded doubles over many magnitudes (random bit patterns, decimal values, notation boundaries).
    private func sampleDoubles() -> [Double] {
        var rng = SplitMix64(seed: 20261125)
        var values: [Double] = [0, -0.0, 1, 2, 0.1, 0.0001, 0.00001, 9.999999999999999e15, 1e16, 1e15, 1e-4, 9.9999e-5,
                                123456.789, 1.7976931348623157e308, Double.leastNonzeroMagnitude, 2.2250738585072014e-308, 0.3 + 0.6, 1e22, 1e21]
        for _ in 0..<1500 {
            let bits = rng.next()
            let d = Double(bitPattern: bits)
            if d.isFinite { values.append(d) }
        }
        for _ in 0..<1500 {
            let mantissa = Double(rng.next() % 1_000_000) / 1000
            let exponent = Int(rng.next() % 40) - 20
            values.append(mantissa * pow(10, Double(exponent)) * (rng.next() % 2 == 0 ? 1 : -1))
        }
        return values
    }

    func testFloatReprMatchesCPython() throws {
        let values = sampleDoubles()
        let input = values.map { String($0.bitPattern) }.joined(separator: "\n")
        let script = "import sys, struct\nfor l in sys.stdin.read().split():\n    print(repr(struct.unpack('<d', struct.pack('<Q', int(l)))[0]))"
        let expected = try EngineTestSupport.python(script, input: input).split(separator: "\n").map(String.init)
        XCTAssertEqual(expected.count, values.count)
        var mismatches = 0
        for (value, want) in zip(values, expected) where PythonRepr.float(value) != want {
            mismatches += 1
            if mismatches < 10 { XCTFail("repr(\(value)): got \(PythonRepr.float(value)), CPython \(want)") }
        }
        XCTAssertEqual(mismatches, 0)
        XCTAssertEqual(PythonRepr.betterFloat(.nan), "float('nan')")
        XCTAssertEqual(PythonRepr.betterFloat(-.infinity), "float('-inf')")
    }

    func testStringReprMatchesCPython() throws {
        let strings = ["ce", "it's", "say \"hi\"", "both ' and \"", "tab\there", "new\nline", "back\\slash", "grüße",
                       "bell\u{07}", "\u{7F}del", "c1\u{85}", "nbsp\u{A0}", "zw\u{200B}", "emoji😀", "cr\r", "dev_loss_ce"]
        let json = String(decoding: try JSONSerialization.data(withJSONObject: strings), as: UTF8.self)
        let script = "import sys, json\nfor s in json.loads(sys.stdin.read()):\n    print(json.dumps(repr(s)))"
        let lines = try EngineTestSupport.python(script, input: json).split(separator: "\n")
        for (s, line) in zip(strings, lines) {
            let want = try JSONSerialization.jsonObject(with: Data(line.utf8), options: .fragmentsAllowed) as? String
            XCTAssertEqual(PythonRepr.string(s), want, "repr of \(s.debugDescription)")
        }
    }

    func testNumpyMeanOrder() throws {
        var rng = SplitMix64(seed: 7)
        var arrays: [[Double]] = []
        for n in [1, 2, 7, 8, 9, 15, 16, 17, 100, 128, 129, 300] {
            arrays.append((0..<n).map { _ in (Double(rng.next() % 2_000_001) / 1_000_000 - 1) * pow(10, Double(rng.next() % 9) - 4) })
        }
        let payload = arrays.map { $0.map { String($0.bitPattern) }.joined(separator: " ") }.joined(separator: "\n")
        let script = """
        import sys, struct, numpy
        for line in sys.stdin.read().split('\\n'):
            a = [struct.unpack('<d', struct.pack('<Q', int(x)))[0] for x in line.split()]
            print(struct.unpack('<Q', struct.pack('<d', float(numpy.mean(a))))[0])
        """
        let lines = try EngineTestSupport.python(script, input: payload).split(separator: "\n")
        XCTAssertEqual(lines.count, arrays.count)
        for (a, line) in zip(arrays, lines) {
            let mean = NumpySum.pairwise(a) / Double(a.count)
            XCTAssertEqual(mean.bitPattern, UInt64(line), "numpy.mean of \(a.count) values")
        }
    }

    /// The example of docs/formats.md §2.2 (real output of the original serializer).
    func testRenderDocumentedExample() {
        let epochs: [Int: EpochData] = [
            1: EpochData(learningRate: 0.001, error: ["ce": 2.5, "dev_loss_ce": 2.25]),
            2: EpochData(learningRate: 0.001, error: ["ce": 1.0 / 3.0, "dev_loss_ce": .infinity]),
            3: EpochData(learningRate: 0.001, error: ["ce": 2e-05, "dev_loss_ce": .nan]),
            4: EpochData(learningRate: 0.001),
            5: EpochData(learningRate: 1.5e-16),
        ]
        let text = """
        {
        1: EpochData(learningRate=0.001, error={'ce': 2.5, 'dev_loss_ce': 2.25}),
        2: EpochData(learningRate=0.001, error={
        'ce': 0.3333333333333333,
        'dev_loss_ce': float('inf'),
        }),
        3: EpochData(learningRate=0.001, error={'ce': 2e-05, 'dev_loss_ce': float('nan')}),
        4: EpochData(learningRate=0.001, error={}),
        5: EpochData(learningRate=1.5e-16, error={}),
        }

        """
        XCTAssertEqual(LearningRateFile.render(epochs), text)
        let parsed = try? LearningRateFileParser.parse(text, file: "x")
        XCTAssertEqual(parsed?[2]?.error["dev_loss_ce"], .infinity)
        XCTAssertTrue(parsed?[3]?.error["dev_loss_ce"]?.isNaN ?? false)
        XCTAssertEqual(LearningRateFile.render([:]), "{}\n")
    }

    func testParserAcceptsPythonVariants() throws {
        let text = """
        # comment
        {1: EpochData(0.5, {"dev_score": 1e-3, 'x\\'y': -inf}),
         2 : EpochData(learningRate=None, error=2.5),
         3: EpochData(error={'a': float("-inf"), 'b': nan, 'c': +4, 'd': float('Infinity')}, learningRate=1),
         4: EpochData(learningRate=2E+2, error=None),}
        """
        let epochs = try LearningRateFileParser.parse(text, file: "lr")
        XCTAssertEqual(epochs[1], EpochData(learningRate: 0.5, error: ["dev_score": 0.001, "x'y": -.infinity]))
        XCTAssertEqual(epochs[2], EpochData(learningRate: nil, error: ["old_format_score": 2.5]))
        XCTAssertEqual(epochs[3]?.learningRate, 1)
        XCTAssertEqual(epochs[3]?.error["a"], -.infinity)
        XCTAssertEqual(epochs[3]?.error["c"], 4)
        XCTAssertEqual(epochs[3]?.error["d"], .infinity)
        XCTAssertEqual(epochs[4], EpochData(learningRate: 200, error: [:]))
        XCTAssertTrue(epochs[3]?.error["b"]?.isNaN ?? false)
    }

    func testParserErrorsNameFileLineAndColumn() {
        let cases: [(String, Int, Int, String)] = [
            ("{\n1: EpochData(learningRate=0.1, error={'ce': 1.0)\n}", 2, 48, "expected '}', found ')'"),
            ("{\n1: Epoch(0.1)}", 2, 4, "expected EpochData"),
            ("{x: 1}", 1, 2, "expected a number"),
            ("{1: EpochData(learningRate=0.1, error={'ce': 'a'})}", 1, 46, "expected a number"),
            ("{1: EpochData(0.1, {'ce: 1.0})}", 1, 21, "unterminated string"),
            ("", 1, 1, "expected '{', found end of file"),
            ("{} extra", 1, 4, "unexpected 'e'"),
        ]
        for (text, line, column, message) in cases {
            XCTAssertThrowsError(try LearningRateFileParser.parse(text, file: "run/lr.txt")) { error in
                guard let e = error as? LearningRateFileError else { return XCTFail("\(error)") }
                XCTAssertEqual(e.file, "run/lr.txt")
                XCTAssertEqual([e.line, e.column], [line, column], "\(text.debugDescription): \(e)")
                XCTAssertTrue(e.message.contains(message), "\(e.message) should contain \(message)")
            }
        }
    }
}

/// A small seeded generator (SplitMix64) so every test input is reproducible.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
