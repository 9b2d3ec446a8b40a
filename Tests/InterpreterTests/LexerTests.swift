import XCTest
@testable import Interpreter

final class LexerTests: XCTestCase {
    private func kinds(_ src: String) throws -> [TokenKind] {
        var lx = Lexer(SourceFile(name: "t.py", text: src))
        return try lx.tokenize().map { $0.kind }
    }

    func testTokenTable() throws {
        let cases: [(String, [TokenKind])] = [
            ("x = 1", [.name("x"), .op("="), .int(1), .newline, .eof]),
            ("0x1F + 0o17 - 0b1010", [.int(31), .op("+"), .int(15), .op("-"), .int(10), .newline, .eof]),
            ("1_000_000", [.int(1_000_000), .newline, .eof]),
            ("1.5e-3 .5 2.", [.float(0.0015), .float(0.5), .float(2.0), .newline, .eof]),
            ("a //= b ** c", [.name("a"), .op("//="), .name("b"), .op("**"), .name("c"), .newline, .eof]),
            ("'a\\tb'", [.string("a\tb"), .newline, .eof]),
            ("r'a\\tb'", [.string("a\\tb"), .newline, .eof]),
            ("'\\x41\\u00e9\\101'", [.string("A\u{e9}A"), .newline, .eof]),
            ("\"\"\"x\ny\"\"\"", [.string("x\ny"), .newline, .eof]),
            ("(1,\n 2)", [.op("("), .int(1), .op(","), .int(2), .op(")"), .newline, .eof]),
            ("x = 1 + \\\n 2", [.name("x"), .op("="), .int(1), .op("+"), .int(2), .newline, .eof]),
            ("if x:\n    y\nz", [.name("if"), .name("x"), .op(":"), .newline, .indent, .name("y"), .newline, .dedent, .name("z"), .newline, .eof]),
            ("# only a comment\n\n", [.eof]),
            ("a != b <= c", [.name("a"), .op("!="), .name("b"), .op("<="), .name("c"), .newline, .eof]),
        ]
        for (src, want) in cases {
            XCTAssertEqual(try kinds(src), want, "source: \(src)")
        }
    }

    func testFStringParts() throws {
        let ks = try kinds("f'a{x!r:>{w}}b{{c}}'")
        guard case .fstring(let parts) = ks[0] else { return XCTFail("not an f-string: \(ks)") }
        XCTAssertEqual(parts.count, 3)
        guard case .field(let src, _, let conv, let spec) = parts[1] else { return XCTFail("no field") }
        XCTAssertEqual(src, "x")
        XCTAssertEqual(conv, "r")
        XCTAssertEqual(spec?.count, 2)
        guard case .literal(let tail) = parts[2] else { return XCTFail("no tail") }
        XCTAssertEqual(tail, "b{c}")
    }

    func testLexicalErrorsWithPositions() {
        let cases: [(String, Int, Int, String, Bool)] = [
            ("x = 'abc", 1, 5, "unterminated string literal", false),
            ("x = (1,\n2", 1, 5, "'(' was never closed", true),
            ("s = '''abc", 1, 5, "unterminated triple-quoted", true),
            ("x = 99999999999999999999", 1, 5, "too large", false),
            ("x = 1j", 1, 5, "complex numbers are not supported", false),
            ("x = b'a'", 1, 5, "bytes literals are not supported", false),
            ("if x:\n    a\n  b", 3, 3, "unindent does not match", false),
            ("x = $", 1, 5, "invalid character", false),
            ("x = 012", 1, 5, "leading zeros", false),
        ]
        for (src, line, col, msg, incomplete) in cases {
            var lx = Lexer(SourceFile(name: "t.py", text: src))
            XCTAssertThrowsError(try lx.tokenize(), src) { e in
                guard let se = e as? SyntaxError else { return XCTFail("not a SyntaxError: \(e)") }
                XCTAssertEqual(Int(se.pos.line), line, src)
                XCTAssertEqual(Int(se.pos.col), col, src)
                XCTAssertTrue(se.message.contains(msg), "\(src): \(se.message)")
                XCTAssertEqual(se.incomplete, incomplete, src)
                XCTAssertTrue(se.description.hasPrefix("t.py:\(line):\(col): "), se.description)
            }
        }
    }
}
