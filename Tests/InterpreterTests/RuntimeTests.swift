import XCTest
@testable import Interpreter

/// Behaviour pinned against CPython: float repr, formatting, errors with positions, limits.
final class RuntimeTests: XCTestCase {
    func testFloatReprTable() {
        let cases: [(Double, String)] = [
            (0.1, "0.1"), (1e16, "1e+16"), (1e15, "1000000000000000.0"), (1e-5, "1e-05"), (1e-4, "0.0001"),
            (-0.0, "-0.0"), (123456789.0, "123456789.0"), (5e-324, "5e-324"), (1.5e16, "1.5e+16"),
            (1.7976931348623157e308, "1.7976931348623157e+308"), (2.5, "2.5"), (100.0, "100.0"),
            (.infinity, "inf"), (-.infinity, "-inf"), (0.30000000000000004, "0.30000000000000004"),
        ]
        for (d, want) in cases { XCTAssertEqual(floatRepr(d), want) }
    }

    func testExpressionsAgainstCPython() {
        // (expression, CPython's repr of the value)
        let cases: [(String, String)] = [
            ("-7 // 2", "-4"), ("-7 % 3", "2"), ("7 % -3", "-2"), ("divmod(-7.5, 2)", "(-4.0, 0.5)"),
            ("round(2.5)", "2"), ("round(0.125, 2)", "0.12"), ("round(1250, -2)", "1200"),
            ("'%05.1f|%-4d|%x' % (3.14159, 7, 255)", "'003.1|7   |ff'"),
            ("f'{1234567.891:,.2f}'", "'1,234,567.89'"), ("'{:^9}'.format('ab')", "'   ab    '"),
            ("repr(\"it's\")", "'\"it\\'s\"'"), ("{3, 1, 2}", "{1, 2, 3}"), ("sorted({'b': 1, 'a': 2})", "['a', 'b']"),
            ("[1, 2, 3][::-1]", "[3, 2, 1]"), ("'héllo'[1]", "'é'"), ("len('a🙂b')", "3"),
            ("int('  -0x1f  ', 16)", "-31"), ("2 ** 62", "4611686018427387904"), ("1 / 3", "0.3333333333333333"),
            ("(1,)", "(1,)"), ("type(1.0).__name__", "'float'"), ("isinstance(True, int)", "True"),
        ]
        for (expr, want) in cases {
            let (out, err, error) = runProgram("print(repr(\(expr)))")
            XCTAssertNil(error, "\(expr): \(err)")
            XCTAssertEqual(out, want + "\n", expr)
        }
    }

    func testRuntimeErrorsCarryTracebackAndPosition() {
        let src = "def f(x):\n    return 1 / x\n\ny = 2\nf(0)\n"
        let (_, err, error) = runProgram(src, file: "z.py")
        XCTAssertEqual((error as? PyError)?.typeName, "ZeroDivisionError")
        XCTAssertEqual(err, """
            Traceback (most recent call last):
              File "z.py", line 5, col 1, in <module>
                f(0)
              File "z.py", line 2, col 5, in f
                return 1 / x
            ZeroDivisionError: division by zero

            """)
    }

    func testOverflowIsAnErrorNotAWrap() {
        for expr in ["2 ** 63", "9223372036854775807 + 1", "-(-9223372036854775807 - 1)", "3037000500 * 3037000500", "1 << 63"] {
            let (_, _, error) = runProgram("x = \(expr)")
            XCTAssertEqual((error as? PyError)?.typeName, "OverflowError", expr)
        }
    }

    func testRecursionLimit() {
        let (_, err, error) = runProgram("def f(n):\n    return f(n + 1)\nf(0)\n")
        XCTAssertEqual((error as? PyError)?.typeName, "RecursionError")
        XCTAssertTrue(err.contains("[Previous line repeated"), err)
        let (out, _, ok) = runProgram("def d(n):\n    return 0 if n == 0 else 1 + d(n - 1)\nprint(d(900))\n")
        XCTAssertNil(ok)
        XCTAssertEqual(out, "900\n")
    }

    func testDidYouMeanHints() {
        let cases: [(String, String)] = [
            ("lenght = 1\nprint(length)", "Did you mean: 'lenght'?"),
            ("prnt(1)", "Did you mean: 'print'?"),
            ("class A:\n    def __init__(self): self.value = 1\nA().valeu", "Did you mean: 'value'?"),
            ("[].apend(1)", "Did you mean: 'append'?"),
            ("import math\nmath.sqr(2)", "Did you mean: 'sqrt'?"),
        ]
        for (src, hint) in cases {
            let (_, err, _) = runProgram(src)
            XCTAssertTrue(err.contains(hint), "\(src): \(err)")
        }
    }

    func testUnsupportedModuleIsClear() {
        let (_, err, error) = runProgram("import numpy as np")
        XCTAssertEqual((error as? PyError)?.typeName, "ModuleNotFoundError")
        XCTAssertTrue(err.contains("No module named 'numpy'") && err.contains("not available in mrsh"), err)
    }
}

final class CycleTests: XCTestCase {
    /// Self-containing containers: repr as CPython (`[...]`), other recursion as RecursionError.
    func testSelfReferenceNeverCrashes() {
        let (out, err, error) = runProgram("""
            import json
            l = [1]
            l.append(l)
            d = {}
            d["self"] = d
            print(l, d, (l,))
            b = [1]
            b.append(b)
            for f in [lambda: l == b, lambda: l < b, lambda: json.dumps(l), lambda: repr(eval_nested())]:
                try:
                    f()
                except (RecursionError, ValueError, NameError) as e:
                    print(type(e).__name__)
            x = []
            for i in range(3000):
                x = [x]
            try:
                repr(x)
            except RecursionError:
                print("deep RecursionError")
            """)
        XCTAssertNil(error, err)
        XCTAssertEqual(out, "[1, [...]] {'self': {...}} ([1, [...]],)\nRecursionError\nRecursionError\nValueError\nNameError\ndeep RecursionError\n")
    }

    /// Functions keep finished frames for reuse and frames hold the runtime: dropping the
    /// interpreter must still free the runtime (Interpreter.deinit breaks the cycle).
    func testRuntimeIsFreedWithItsInterpreter() {
        weak var weakRuntime: Runtime?
        var out = ""
        do {
            let interp = Interpreter(stdout: { out += $0 }, stderr: { _ in })
            weakRuntime = interp.runtime
            let error: Error? = Interpreter.onLargeStack {
                do { try interp.run("""
                def f(n):
                    return n if n < 2 else f(n - 1) + f(n - 2)
                class P:
                    def m(self, k):
                        return k + 1
                p = P()
                print(f(10), p.m(1), sum(x for x in range(4)))
                """) } catch { return error }
                return nil
            }
            XCTAssertNil(error)
        }
        XCTAssertEqual(out, "55 2 6\n")
        XCTAssertNil(weakRuntime)
    }
}
