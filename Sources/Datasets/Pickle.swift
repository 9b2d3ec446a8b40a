import Foundation

/// A minimal unpickler for the plain data RETURNN keeps in `.pkl` files (vocab dicts, seq lists):
/// dicts, lists, tuples, str, bytes, int, float, bool, None, protocols 0–5. Other opcodes fail with
/// a clear error.
enum Unpickler {
    static func load(_ path: String) throws -> PyLiteral {
        guard let data = FileManager.default.contents(atPath: path) else { throw DatasetError(file: path, "cannot read pickle file") }
        return try load([UInt8](data), file: path)
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    static func load(_ b: [UInt8], file: String) throws -> PyLiteral {
        var stack: [PyLiteral] = []
        var marks: [Int] = []
        var memo: [Int: PyLiteral] = [:]
        var p = 0
        func fail(_ m: String) -> DatasetError { DatasetError(file: file, "pickle offset \(p): \(m)") }
        func take(_ n: Int) throws -> ArraySlice<UInt8> {
            guard p + n <= b.count else { throw fail("truncated") }
            defer { p += n }
            return b[p..<(p + n)]
        }
        func uint(_ n: Int) throws -> Int { try take(n).reversed().reduce(0) { $0 << 8 | Int($1) } }
        func line() throws -> String {
            guard let e = b[p...].firstIndex(of: 0x0A) else { throw fail("truncated line") }
            defer { p = e + 1 }
            return String(decoding: b[p..<e], as: UTF8.self)
        }
        func pop() throws -> PyLiteral { guard let v = stack.popLast() else { throw fail("stack underflow") }; return v }
        func popMark() throws -> [PyLiteral] {
            guard let m = marks.popLast(), m <= stack.count else { throw fail("missing MARK") }
            defer { stack.removeSubrange(m...) }
            return Array(stack[m...])
        }
        func setItems(_ items: [PyLiteral]) throws {
            guard case .dict(var d) = try pop() else { throw fail("SETITEMS on a non-dict") }
            for i in stride(from: 0, to: items.count - 1, by: 2) { d.append((items[i], items[i + 1])) }
            stack.append(.dict(d))
        }
        func appendItems(_ items: [PyLiteral]) throws {
            guard case .list(let l) = try pop() else { throw fail("APPENDS on a non-list") }
            stack.append(.list(l + items))
        }
        func signedLong(_ bytes: ArraySlice<UInt8>) -> Int {
            var v = 0
            for (i, x) in bytes.enumerated() where i < 8 { v |= Int(x) << (8 * i) }
            if bytes.count < 8, let last = bytes.last, last & 0x80 != 0 { v -= 1 << (8 * bytes.count) }
            return v
        }
        while p < b.count {
            let op = b[p]
            p += 1
            switch op {
            case 0x80: p += 1                                   // PROTO
            case 0x95: p += 8                                   // FRAME
            case 0x2E: return try pop()                         // STOP
            case 0x28: marks.append(stack.count)                // MARK
            case 0x7D: stack.append(.dict([]))                  // EMPTY_DICT
            case 0x5D: stack.append(.list([]))                  // EMPTY_LIST
            case 0x29: stack.append(.list([]))                  // EMPTY_TUPLE
            case 0x4E: stack.append(.none)                      // NONE
            case 0x88: stack.append(.bool(true))
            case 0x89: stack.append(.bool(false))
            case 0x4B: stack.append(.int(try uint(1)))          // BININT1
            case 0x4D: stack.append(.int(try uint(2)))          // BININT2
            case 0x4A: stack.append(.int(Int(Int32(truncatingIfNeeded: try uint(4)))))  // BININT
            case 0x8A: let n = try uint(1); stack.append(.int(signedLong(try take(n))))  // LONG1
            case 0x47:                                          // BINFLOAT (big-endian)
                stack.append(.float(Double(bitPattern: UInt64(try take(8).reduce(0) { $0 << 8 | Int($1) }))))
            case 0x49:                                          // INT (protocol 0)
                let s = try line()
                stack.append(s == "01" ? .bool(true) : s == "00" ? .bool(false) : .int(Int(s) ?? 0))
            case 0x4C: stack.append(.int(Int(try line().dropLast()) ?? 0))  // LONG (protocol 0)
            case 0x46: stack.append(.float(Double(try line()) ?? 0))        // FLOAT (protocol 0)
            case 0x58: let n = try uint(4); stack.append(.string(String(decoding: try take(n), as: UTF8.self)))   // BINUNICODE
            case 0x8C: let n = try uint(1); stack.append(.string(String(decoding: try take(n), as: UTF8.self)))   // SHORT_BINUNICODE
            case 0x8D: let n = try uint(8); stack.append(.string(String(decoding: try take(n), as: UTF8.self)))   // BINUNICODE8
            case 0x43: let n = try uint(1); stack.append(.string(String(decoding: try take(n), as: UTF8.self)))   // SHORT_BINBYTES
            case 0x42: let n = try uint(4); stack.append(.string(String(decoding: try take(n), as: UTF8.self)))   // BINBYTES
            case 0x55: let n = try uint(1); stack.append(.string(String(decoding: try take(n), as: UTF8.self)))   // SHORT_BINSTRING
            case 0x54: let n = try uint(4); stack.append(.string(String(decoding: try take(n), as: UTF8.self)))   // BINSTRING
            case 0x56: stack.append(.string(try unescapeRawUnicode(try line())))  // UNICODE (protocol 0)
            case 0x94: memo[memo.count] = stack.last            // MEMOIZE
            case 0x71: memo[try uint(1)] = stack.last           // BINPUT
            case 0x72: memo[try uint(4)] = stack.last           // LONG_BINPUT
            case 0x70: memo[Int(try line()) ?? -1] = stack.last // PUT
            case 0x68: guard let v = memo[try uint(1)] else { throw fail("bad memo") }; stack.append(v)   // BINGET
            case 0x6A: guard let v = memo[try uint(4)] else { throw fail("bad memo") }; stack.append(v)   // LONG_BINGET
            case 0x67: guard let v = memo[Int(try line()) ?? -1] else { throw fail("bad memo") }; stack.append(v)
            case 0x64: stack.append(.dict([]));  try setItems(try popMarkKeepingDict(&stack, &marks))     // DICT
            case 0x75: try setItems(try popMark())              // SETITEMS
            case 0x73: let v = try pop(), k = try pop(); try setItems([k, v])  // SETITEM
            case 0x65: try appendItems(try popMark())           // APPENDS
            case 0x61: try appendItems([try pop()])             // APPEND
            case 0x6C: stack.append(.list(try popMark()))       // LIST
            case 0x74: stack.append(.list(try popMark()))       // TUPLE
            case 0x85: stack.append(.list([try pop()]))         // TUPLE1
            case 0x86: let y = try pop(), x = try pop(); stack.append(.list([x, y]))
            case 0x87: let z = try pop(), y = try pop(), x = try pop(); stack.append(.list([x, y, z]))
            default: throw fail(String(format: "unsupported pickle opcode 0x%02x (only plain dicts/lists/str/int are supported)", op))
            }
        }
        throw DatasetError(file: file, "pickle has no STOP")
    }

    /// For the DICT opcode: the items above the mark, with the new empty dict kept on top.
    private static func popMarkKeepingDict(_ stack: inout [PyLiteral], _ marks: inout [Int]) throws -> [PyLiteral] {
        let d = stack.removeLast()
        guard let m = marks.popLast(), m <= stack.count else { throw DatasetError("pickle: missing MARK") }
        let items = Array(stack[m...])
        stack.removeSubrange(m...)
        stack.append(d)
        return items
    }

    private static func unescapeRawUnicode(_ s: String) throws -> String {
        var out = String.UnicodeScalarView()
        let sc = Array(s.unicodeScalars)
        var i = 0
        while i < sc.count {
            if sc[i] == "\\", i + 1 < sc.count, sc[i + 1] == "u" || sc[i + 1] == "U" {
                let n = sc[i + 1] == "u" ? 4 : 8
                if i + 2 + n <= sc.count, let v = UInt32(String(String.UnicodeScalarView(sc[(i + 2)..<(i + 2 + n)])), radix: 16), let u = Unicode.Scalar(v) {
                    out.append(u)
                    i += 2 + n
                    continue
                }
            }
            out.append(sc[i])
            i += 1
        }
        return String(out)
    }
}
