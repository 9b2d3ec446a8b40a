import Foundation
import Interpreter
import XCTest
@testable import Shell

/// Tab completion, override values, echo decisions and `--keep-going` chunking, table-driven.
final class ShellPartsTests: XCTestCase {
    func session(_ setup: String) -> Session {
        let s = Session(sinks: OutputSinks(out: { _ in }, err: { _ in }))
        XCTAssertEqual(s.run(setup, file: "<setup>"), .ok)
        return s
    }

    func testCompletion() throws {
        let s = session("""
        import torch
        import torch.nn as nn
        class Model(nn.Module):
            def __init__(self):
                super().__init__()
                self.lstm = nn.LSTM(2, 3)
                self.lin = nn.Linear(3, 1)
                self.label = "x"
        model = Model()
        data = {"data": 1, "data:size1": 2, "classes": 3}
        learning_rate = 0.1

        """)
        let c = Completion(interp: s.interp)
        let cases: [(line: String, word: String, expect: [String])] = [
            ("model.ls", "model.ls", ["model.lstm"]),
            ("x = model.la", "model.la", ["model.label"]),
            ("learn", "learn", ["learning_rate"]),
            ("whi", "whi", ["while"]),
            ("data[\"da", "da", ["data", "data:size1"]),
            ("torch.nn.Line", "torch.nn.Line", ["torch.nn.Linear"]),
            ("model.lstm.hidden_s", "model.lstm.hidden_s", ["model.lstm.hidden_size"]),
        ]
        for t in cases {
            XCTAssertEqual(c.candidates(line: t.line, word: t.word), t.expect, t.line)
        }
        XCTAssertTrue(c.candidates(line: "x = torch.ones(2).resh", word: "torch.ones(2).resh").isEmpty, "completion must not call")
    }

    func testFileNameCompletionInsideStrings() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mrsh-compl-\(getpid())")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try "".write(to: dir.appendingPathComponent("train.hdf"), atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: dir) }
        let c = Completion(interp: session("").interp)
        let prefix = dir.path + "/"
        XCTAssertEqual(c.candidates(line: "f = open(\"" + prefix + "tr", word: prefix + "tr"), [prefix + "train.hdf"])
        XCTAssertEqual(c.candidates(line: "f = open('" + prefix + "s", word: prefix + "s"), [prefix + "sub/"])
    }

    func testOverrideValues() throws {
        let cases: [(String, String)] = [
            ("0.01", "0.01"), ("3", "3"), ("True", "True"), ("None", "None"), ("[1, 2]", "[1, 2]"),
            ("out/m", "'out/m'"), ("'quoted'", "'quoted'"), ("1e-3", "0.001"), ("adam", "'adam'"),
            ("{\"class\": \"adam\"}", "{'class': 'adam'}"), ("print(1)", "'print(1)'"),
        ]
        let repr = Interpreter(stdout: { _ in }, stderr: { _ in })
        for (text, expected) in cases {
            XCTAssertEqual(try repr.repr(Overrides.value(text)), expected, text)
        }
        XCTAssertThrowsError(try Overrides.parse(["++lr"]))
        XCTAssertThrowsError(try Overrides.parse(["lr", "1"]))
        XCTAssertThrowsError(try Overrides.parse(["++1x", "1"]))
        XCTAssertEqual(try Overrides.parse(["++a", "1", "++b", "x"]).map { $0.0 + "=" + $0.1 }, ["a=1", "b=x"])
    }

    func testEchoOnlyForExpressions() {
        let cases: [(String, Bool)] = [("1 + 2", true), ("x = 1", false), ("f(\n  1)", true), ("for i in x:\n    pass", false),
                                       ("import torch", false), ("print(1)", true), ("a, b", true), ("del x", false)]
        for (src, expected) in cases { XCTAssertEqual(Session.isExpression(src), expected, src) }
    }

    /// The REPL's continuation decisions come from the parser.
    func testContinuationFromTheParser() {
        let incomplete = ["class A:\n", "class A:\n    def f(self):\n", "x = (1,\n", "x = 1 + \\\n", "s = '''a\n",
                          "if x:\n    pass\n"]
        let complete = ["x = 1\n", "if x:\n    pass\n\n", "class A:\n    def f(self):\n        return 1\n\n"]
        for src in incomplete {
            guard case .incomplete = Interpreter.parseStatus(src) else { return XCTFail("should be incomplete: \(src)") }
        }
        for src in complete {
            guard case .complete = Interpreter.parseStatus(src) else { return XCTFail("should be complete: \(src)") }
        }
        guard case .error = Interpreter.parseStatus("x = )\n") else { return XCTFail("should be an error") }
    }

    func testKeepGoingChunks() {
        let text = "x = 1\ndef f(a):\n    b = a\n\n    return b\nif x:\n    pass\nelse:\n    pass\ny = (1,\n2)\n"
        let chunks = Chunks.split(text)
        XCTAssertEqual(chunks.map { $0.line }, [1, 2, 6, 10])
        XCTAssertEqual(chunks[1].text, "def f(a):\n    b = a\n\n    return b\n")
        XCTAssertEqual(chunks[2].text, "if x:\n    pass\nelse:\n    pass\n")
    }

    func testHelpDocumentsBindings() {
        var out = ""
        let s = Session(sinks: OutputSinks(out: { out += $0 }, err: { _ in }))
        XCTAssertEqual(s.run("import torch\nhelp(torch.sum)\nhelp(torch.nn.Linear)\nhelp()\n", file: "<t>"), .ok)
        XCTAssertTrue(out.contains("torch.sum(input, dim, keepdim, *, dtype)"), out)
        XCTAssertTrue(out.contains("torch.nn.Linear(in_features, out_features, bias, device, dtype)"), out)
        XCTAssertTrue(out.contains("Ctrl-C interrupts"), out)
    }
}
