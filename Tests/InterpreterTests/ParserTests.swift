import XCTest
@testable import Interpreter

final class ParserTests: XCTestCase {
    private func parseError(_ src: String) -> SyntaxError? {
        do { _ = try Parser.parse(SourceFile(name: "p.py", text: src)); return nil } catch { return error as? SyntaxError }
    }

    func testValidProgramsParse() {
        let programs = [
            "x = [i * 2 for i in range(3) if i]\n",
            "def f(a, b=1, *args, c, d=2, **kw):\n    return a\n",
            "class A(B):\n    x = 1\n    def m(self): return super().m()\n",
            "try:\n    pass\nexcept (A, B) as e:\n    raise\nelse:\n    pass\nfinally:\n    pass\n",
            "with open('f') as f, g() as (a, b):\n    pass\n",
            "a, *b = c = d[1:2, ::3]\n",
            "print(f'{x:>{w}.{p}f} {y!r}')\n",
            "lambda *a, k=1, **kw: (a, k, kw)\n",
            "from os.path import join as j, basename\nimport os.path as p, sys\n",
            "x = {**a, 'k': 1}; y = {1, *s}; z = (*t, 1)\n",
            "x: int = 5\n",
            "x = ...\ndef f(): ...\ny = a[..., 0]; z = a[1, ...]; w = (..., None)\n",
            "assert x, 'msg'\ndel a[0], b.c\nglobal g\n",
        ]
        for p in programs { XCTAssertNil(parseError(p), p) }
    }

    /// Refused constructs and syntax errors name what went wrong at the right position.
    func testErrorPositions() {
        let cases: [(String, Int, Int, String)] = [
            ("def g():\n    yield 1\n", 2, 5, "'yield' is not supported by mrsh"),
            ("async def f(): pass\n", 1, 1, "'async' is not supported"),
            ("@dec\ndef f(): pass\n", 1, 1, "decorators other than @staticmethod, @classmethod and @property are not supported"),
            ("class A(B, C): pass\n", 1, 12, "multiple inheritance"),
            ("class A(metaclass=M): pass\n", 1, 1, "metaclasses"),
            ("x = (y := 1)\n", 1, 8, "walrus"),
            ("from . import x\n", 1, 6, "relative import"),
            ("f(x) = 1\n", 1, 1, "cannot assign to function call"),
            ("x + 1 = 2\n", 1, 1, "cannot assign"),
            ("return 1\n", 1, 1, "'return' outside function"),
            ("break\n", 1, 1, "'break' outside loop"),
            ("def f(a=1, b): pass\n", 1, 12, "non-default argument follows default argument"),
            ("f(a=1, 2)\n", 1, 8, "positional argument follows keyword argument"),
            ("x = 1 +\n", 1, 8, "invalid syntax"),
            ("if x\n    pass\n", 1, 5, "expected ':'"),
            ("print(f'{}')\n", 1, 10, "empty expression"),
        ]
        for (src, line, col, msg) in cases {
            guard let e = parseError(src) else { XCTFail("no error for \(src)"); continue }
            XCTAssertEqual(Int(e.pos.line), line, "\(src) -> \(e)")
            XCTAssertEqual(Int(e.pos.col), col, "\(src) -> \(e)")
            XCTAssertTrue(e.message.contains(msg), "\(src) -> \(e.message)")
        }
    }

    func testParseStatusForTheREPL() {
        func status(_ s: String) -> String {
            switch Interpreter.parseStatus(s) {
            case .complete: return "complete"
            case .incomplete: return "incomplete"
            case .error: return "error"
            }
        }
        XCTAssertEqual(status("x = 1\n"), "complete")
        XCTAssertEqual(status("x = (1,\n"), "incomplete")
        XCTAssertEqual(status("if x:\n"), "incomplete")
        XCTAssertEqual(status("if x:\n    y = 1\n"), "incomplete")
        XCTAssertEqual(status("if x:\n    y = 1\n\n"), "complete")
        XCTAssertEqual(status("s = '''abc\n"), "incomplete")
        XCTAssertEqual(status("x = \\\n"), "incomplete")
        XCTAssertEqual(status("x = )\n"), "error")
        XCTAssertEqual(status("def f(:\n"), "error")
    }

    func testRenderedErrorHasCaret() {
        guard let e = parseError("x = 1\ny = (2 +\n    ]\n") else { return XCTFail("no error") }
        let lines = e.rendered.split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
        XCTAssertTrue(lines[0].hasPrefix("p.py:3:5: "), String(lines[0]))
        XCTAssertEqual(lines[2], "        ^")
    }
}

final class ParserLimitTests: XCTestCase {
    /// Pathological nesting is a SyntaxError, never a stack overflow.
    func testNestingLimits() {
        let cases: [(String, String)] = [
            ("x = " + String(repeating: "(", count: 300) + "1" + String(repeating: ")", count: 300), "too many nested"),
            ("x = " + Array(repeating: "1", count: 5000).joined(separator: "+"), "expression too long"),
            ("x = " + String(repeating: "-", count: 1000) + "1", "too many nested unary"),
            ("x = 1" + String(repeating: " and 1", count: 3000), "expression too long"),
            ("x = " + String(repeating: "not ", count: 500) + "1", "too many nested 'not'"),
            ((0..<120).map { String(repeating: " ", count: $0) + "if x:" }.joined(separator: "\n") + "\n" + String(repeating: " ", count: 120) + "pass", "too many levels of indentation"),
        ]
        for (src, msg) in cases {
            do {
                _ = try Parser.parse(SourceFile(name: "d.py", text: src))
                XCTFail("no error for \(msg)")
            } catch let e as SyntaxError {
                XCTAssertTrue(e.message.contains(msg), e.message)
            } catch {
                XCTFail("\(error)")
            }
        }
    }
}
