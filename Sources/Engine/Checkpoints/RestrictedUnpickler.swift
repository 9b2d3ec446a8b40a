import Tensor

/// Reads the pickle of a torch checkpoint (`data.pkl`) without running any code.
///
/// Only the structures of state dicts are accepted: plain values, tuples, lists, dicts, the
/// globals `collections.OrderedDict`, `torch._utils._rebuild_tensor_v2` and `torch.<Type>Storage`,
/// and persistent ids of storages. Any other global or object-building opcode is refused with an
/// error naming the file and byte offset, so a malicious file cannot do anything on load.
struct RestrictedUnpickler {
    private let bytes: [UInt8]
    let path: String
    private var position = 0
    private var stack: [Node] = []
    private var marks: [Int] = []
    private var memo: [Int: Node] = [:]

    init(bytes: [UInt8], path: String) {
        self.bytes = bytes
        self.path = path
    }

    /// The unpickled top-level object.
    static func load(_ bytes: [UInt8], path: String) throws -> PickleValue {
        var unpickler = RestrictedUnpickler(bytes: bytes, path: path)
        let node = try unpickler.run()
        return try node.value(path: path, depth: 0)
    }

    func error(_ message: String, at offset: Int? = nil) -> CheckpointError {
        CheckpointError(path: path, message: "pickle data.pkl at byte \(offset ?? position): \(message)")
    }

    // MARK: - Reading raw fields

    private mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, position <= bytes.count - count else { throw error("truncated (needs \(count) more bytes)") }
        defer { position += count }
        return bytes[position..<(position + count)]
    }

    private mutating func littleEndian(_ count: Int) throws -> UInt64 {
        var value: UInt64 = 0
        for (i, b) in try take(count).enumerated() { value |= UInt64(b) << (8 * i) }
        return value
    }

    private mutating func utf8(_ count: Int) throws -> String {
        let raw = try take(count)
        guard let s = String(validating: raw, as: UTF8.self) else { throw error("invalid UTF-8 string") }
        return s
    }

    private mutating func line() throws -> String {
        guard let end = bytes[position...].firstIndex(of: 0x0A) else { throw error("unterminated text line") }
        defer { position = end + 1 }
        return String(decoding: bytes[position..<end], as: UTF8.self)
    }

    // MARK: - Stack

    mutating func pop() throws -> Node {
        guard let top = stack.popLast(), stack.count >= (marks.last ?? 0) else { throw error("stack underflow") }
        return top
    }

    mutating func popMark() throws -> [Node] {
        guard let mark = marks.popLast() else { throw error("no MARK on the stack") }
        guard mark <= stack.count else { throw error("stack underflow") }
        defer { stack.removeSubrange(mark...) }
        return Array(stack[mark...])
    }

    mutating func push(_ node: Node) { stack.append(node) }

    // MARK: - The machine

    private mutating func run() throws -> Node {
        while true {
            let offset = position
            guard position < bytes.count else { throw error("truncated: no STOP opcode") }
            let opcode = bytes[position]
            position += 1
            if opcode == 0x2E {  // STOP
                guard stack.count == 1 else { throw error("STOP with \(stack.count) values on the stack", at: offset) }
                return stack[0]
            }
            try execute(opcode, offset: offset)
        }
    }

    private mutating func execute(_ opcode: UInt8, offset: Int) throws {
        switch opcode {
        case 0x80: _ = try take(1)  // PROTO
        case 0x95: _ = try take(8)  // FRAME
        case 0x28: marks.append(stack.count)  // MARK
        case 0x30: _ = try pop()  // POP
        case 0x31: _ = try popMark()  // POP_MARK
        case 0x32: push(try top())  // DUP
        case 0x4E: push(.value(.none))  // NONE
        case 0x88: push(.value(.bool(true)))  // NEWTRUE
        case 0x89: push(.value(.bool(false)))  // NEWFALSE
        case 0x4A: push(.value(.int(Int(Int32(truncatingIfNeeded: try littleEndian(4))))))  // BININT
        case 0x4B: push(.value(.int(Int(try littleEndian(1)))))  // BININT1
        case 0x4D: push(.value(.int(Int(try littleEndian(2)))))  // BININT2
        case 0x8A: push(.value(.int(try long(Int(try littleEndian(1))))))  // LONG1
        case 0x8B: push(.value(.int(try long(try length(4)))))  // LONG4
        case 0x47: push(.value(.float(Double(bitPattern: UInt64(bigEndian: try littleEndian(8))))))  // BINFLOAT
        case 0x58: push(.value(.string(try utf8(try length(4)))))  // BINUNICODE
        case 0x8C: push(.value(.string(try utf8(Int(try littleEndian(1))))))  // SHORT_BINUNICODE
        case 0x8D: push(.value(.string(try utf8(try length(8)))))  // BINUNICODE8
        case 0x54: push(.value(.bytes(Array(try take(try length(4))))))  // BINSTRING
        case 0x55: push(.value(.bytes(Array(try take(Int(try littleEndian(1)))))))  // SHORT_BINSTRING
        case 0x42: push(.value(.bytes(Array(try take(try length(4))))))  // BINBYTES
        case 0x43: push(.value(.bytes(Array(try take(Int(try littleEndian(1)))))))  // SHORT_BINBYTES
        default: try executeStructure(opcode, offset: offset)
        }
    }

    private mutating func executeStructure(_ opcode: UInt8, offset: Int) throws {
        switch opcode {
        case 0x29: push(.tuple([]))  // EMPTY_TUPLE
        case 0x85: push(.tuple([try pop()]))  // TUPLE1
        case 0x86: let b = try pop(), a = try pop(); push(.tuple([a, b]))  // TUPLE2
        case 0x87: let c = try pop(), b = try pop(), a = try pop(); push(.tuple([a, b, c]))  // TUPLE3
        case 0x74: push(.tuple(try popMark()))  // TUPLE
        case 0x5D: push(.list(ListBox([])))  // EMPTY_LIST
        case 0x6C: push(.list(ListBox(try popMark())))  // LIST
        case 0x7D: push(.dict(DictBox()))  // EMPTY_DICT
        case 0x64: try pushDict(try popMark())  // DICT
        case 0x61: let item = try pop(); try list(try top()).items.append(item)  // APPEND
        case 0x65: let items = try popMark(); try list(try top()).items.append(contentsOf: items)  // APPENDS
        case 0x73: let v = try pop(), k = try pop(); try setItems(try top(), [k, v])  // SETITEM
        case 0x75: let items = try popMark(); try setItems(try top(), items)  // SETITEMS
        case 0x71: memo[Int(try littleEndian(1))] = try top()  // BINPUT
        case 0x72: memo[try length(4)] = try top()  // LONG_BINPUT
        case 0x94: memo[memo.count] = try top()  // MEMOIZE
        case 0x70: memo[try intLine()] = try top()  // PUT
        case 0x68: push(try memoGet(Int(try littleEndian(1))))  // BINGET
        case 0x6A: push(try memoGet(try length(4)))  // LONG_BINGET
        case 0x67: push(try memoGet(try intLine()))  // GET
        case 0x63: push(try global(module: try line(), name: try line(), offset: offset))  // GLOBAL
        case 0x93:  // STACK_GLOBAL
            let name = try pop(), module = try pop()
            guard case .value(.string(let n)) = name, case .value(.string(let m)) = module else {
                throw error("STACK_GLOBAL needs two strings", at: offset)
            }
            push(try global(module: m, name: n, offset: offset))
        case 0x51: push(try persistentLoad(try pop(), offset: offset))  // BINPERSID
        case 0x52: let args = try pop(), callable = try pop(); push(try reduce(callable, args, offset: offset))  // REDUCE
        case 0x62: let state = try pop(); try build(try top(), state, offset: offset)  // BUILD
        default:
            throw error(String(format: "refused opcode 0x%02x (only state-dict structures are loaded; no objects are constructed)", opcode), at: offset)
        }
    }

    private func top() throws -> Node {
        guard let last = stack.last, stack.count > (marks.last ?? 0) else { throw error("stack underflow") }
        return last
    }

    private mutating func length(_ width: Int) throws -> Int {
        let n = try littleEndian(width)
        guard n <= UInt64(bytes.count) else { throw error("length \(n) beyond the end of the pickle") }
        return Int(n)
    }

    private mutating func intLine() throws -> Int {
        let text = try line()
        guard let n = Int(text) else { throw error("bad memo index '\(text)'") }
        return n
    }

    /// A little-endian two's-complement integer of `count` bytes (LONG1/LONG4), up to 64 bits.
    private mutating func long(_ count: Int) throws -> Int {
        let raw = Array(try take(count))
        guard count <= 8 else { throw error("integer of \(count) bytes is too large") }
        if count == 0 { return 0 }
        var value: UInt64 = 0
        for (i, b) in raw.enumerated() { value |= UInt64(b) << (8 * i) }
        if count < 8, raw[count - 1] & 0x80 != 0 { value |= ~0 << (8 * UInt64(count)) }
        return Int(Int64(bitPattern: value))
    }

    private func memoGet(_ index: Int) throws -> Node {
        guard let node = memo[index] else { throw error("memo entry \(index) is missing") }
        return node
    }

    private func list(_ node: Node) throws -> ListBox {
        guard case .list(let box) = node else { throw error("APPEND to something that is not a list") }
        return box
    }

    private mutating func pushDict(_ items: [Node]) throws {
        let box = DictBox()
        try setItems(.dict(box), items)
        push(.dict(box))
    }

    private func setItems(_ target: Node, _ items: [Node]) throws {
        guard case .dict(let box) = target else { throw error("SETITEM on something that is not a dict") }
        guard items.count % 2 == 0 else { throw error("SETITEMS with an odd number of values") }
        for i in stride(from: 0, to: items.count, by: 2) {
            box.set(try items[i].value(path: path, depth: 0), items[i + 1])
        }
    }
}
