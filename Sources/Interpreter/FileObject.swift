import Glibc

/// A text file from `open()`, or the standard streams `sys.stdout`/`sys.stderr` (which write
/// through the interpreter's sinks).
final class FileObject: HostObject {
    enum Stream { case stdout, stderr, file }
    let stream: Stream
    unowned(unsafe) let rt: Runtime
    private var handle: UnsafeMutablePointer<FILE>?
    let path: String
    let mode: String

    init(stream: Stream, rt: Runtime) {
        self.stream = stream; self.rt = rt; self.path = stream == .stdout ? "<stdout>" : "<stderr>"; self.mode = "w"
    }

    init(path: String, mode: String, rt: Runtime) throws {
        self.stream = .file; self.rt = rt; self.path = path; self.mode = mode
        guard let h = fopen(path, mode.replacingOccurrences("t", "")) else {
            let code = errno
            let cls = code == ENOENT ? ExcTypes.fileNotFoundError : code == EISDIR ? ExcTypes.isADirectoryError : code == EACCES ? ExcTypes.permissionError : ExcTypes.osError
            throw pyErr(cls, "[Errno \(code)] \(String(cString: strerror(code))): \(strRepr(path))")
        }
        handle = h
    }

    deinit { if let h = handle { fclose(h) } }

    var typeName: String { "TextIOWrapper" }
    func repr() -> String { "<_io.TextIOWrapper name=\(strRepr(path)) mode=\(strRepr(mode)) encoding='UTF-8'>" }

    func write(_ s: String) throws {
        switch stream {
        case .stdout: rt.stdout(s)
        case .stderr: rt.stderr(s)
        case .file:
            guard let h = handle else { throw valueError("I/O operation on closed file.") }
            fputs(s, h)
        }
    }

    private func readAll() throws -> String {
        guard let h = handle else { throw valueError("I/O operation on closed file.") }
        var bytes: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buf, 1, buf.count, h)
            if n <= 0 { break }
            bytes += buf[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func readLine() throws -> String {
        guard let h = handle else { throw valueError("I/O operation on closed file.") }
        var bytes: [UInt8] = []
        while true {
            let c = fgetc(h)
            if c == EOF { break }
            bytes.append(UInt8(c))
            if c == 10 { break }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func lines() throws -> [Value] {
        var out: [Value] = []
        while true {
            let l = try readLine()
            if l.isEmpty { break }
            out.append(.str(l))
        }
        return out
    }

    func close() { if let h = handle { fclose(h); handle = nil } }

    func getAttribute(_ name: String) throws -> Value? {
        func m(_ fn: @escaping ([Value]) throws -> Value) -> Value {
            .builtin(PyBuiltin(name) { _, _, args, _ in try fn(args) })
        }
        switch name {
        case "write": return m { args in
            guard case .str(let s)? = args.first else { throw typeError("write() argument must be str") }
            try self.write(s)
            return .int(s.unicodeScalars.count)
        }
        case "read": return m { _ in .str(try self.readAll()) }
        case "readline": return m { _ in .str(try self.readLine()) }
        case "readlines": return m { _ in .list(PyList(try self.lines())) }
        case "close": return m { _ in self.close(); return .none }
        case "flush": return m { _ in if let h = self.handle { fflush(h) }; return .none }
        case "name": return .str(path)
        case "mode": return .str(mode)
        case "closed": return .bool(handle == nil && stream == .file)
        default: return nil
        }
    }

    var attributeNames: [String] { ["write", "read", "readline", "readlines", "close", "flush", "name", "mode", "closed"] }
    func iterate() throws -> [Value]? { try lines() }
    func enter() throws -> Value { .host(self) }
    func exit(_ error: Error?) throws -> Bool { close(); return false }
}

extension Runtime {
    func openFile(_ args: [Value], _ kw: [(String, Value)]) throws -> Value {
        let a = try Arguments("open", args, kw, ["file", "mode=", "buffering=", "encoding=", "errors=", "newline="])
        guard let path = try a.str(0) else { throw typeError("open() file must be a path string") }
        let mode = try a.str(1) ?? "r"
        if mode.contains("b") { throw valueError("binary mode is not supported by mrsh (text files only)") }
        return .host(try FileObject(path: path, mode: mode, rt: self))
    }
}
