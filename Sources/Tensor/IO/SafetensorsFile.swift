import Foundation

/// An open safetensors file: the validated header, with tensors read on demand (`pread`).
public final class SafetensorsFile: @unchecked Sendable {
    /// One tensor's header entry; `byteRange` is relative to the start of the data section.
    public struct Entry: Equatable, Sendable {
        public let name: String
        public let dtype: StorageDType
        public let shape: [Int]
        public let byteRange: Range<Int>
    }

    public let path: String
    /// Entries in data order (which is the order the tensors were written in).
    public let entries: [Entry]
    public let metadata: [String: String]
    private let dataStart: Int
    private let handle: FileHandle
    private let indexByName: [String: Int]

    /// Opens `path` and validates its header: length, JSON, dtypes, shapes, and offsets that
    /// tile the data section exactly (no gaps, overlaps or bytes beyond the end).
    public init(path: String) throws {
        self.path = path
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw SafetensorsError(path: path, message: "cannot open safetensors file (missing or unreadable)")
        }
        self.handle = handle
        let fileSize = Int(try Self.fileSize(handle, path))
        guard fileSize >= 8 else { throw SafetensorsError(path: path, message: "truncated: \(fileSize) bytes, no header length") }
        let lengthBytes = try Self.read(handle, path, at: 0, count: 8)
        let headerLength = TensorRecord.integers(lengthBytes, as: UInt64.self)[0]
        guard headerLength <= UInt64(Safetensors.maximumHeaderSize) else {
            throw SafetensorsError(path: path, message: "header length \(headerLength) exceeds the limit of \(Safetensors.maximumHeaderSize) bytes (not a safetensors file?)")
        }
        guard Int(headerLength) <= fileSize - 8 else {
            throw SafetensorsError(path: path, message: "truncated: header of \(headerLength) bytes but the file has \(fileSize) bytes")
        }
        let header = try Self.read(handle, path, at: 8, count: Int(headerLength))
        dataStart = 8 + Int(headerLength)
        (entries, metadata) = try SafetensorsHeader.parse(header, path: path, dataSize: fileSize - dataStart)
        indexByName = Dictionary(entries.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    deinit { try? handle.close() }

    public var names: [String] { entries.map(\.name) }

    public func entry(named name: String) -> Entry? { indexByName[name].map { entries[$0] } }

    /// The tensor `name` with its bytes.
    public func record(_ name: String) throws -> TensorRecord {
        guard let entry = entry(named: name) else {
            throw SafetensorsError(path: path, message: "no tensor '\(name)' in file")
        }
        let bytes = try Self.read(handle, path, at: dataStart + entry.byteRange.lowerBound, count: entry.byteRange.count)
        return TensorRecord(name: name, dtype: entry.dtype, shape: entry.shape, bytes: bytes)
    }

    private static func fileSize(_ handle: FileHandle, _ path: String) throws -> UInt64 {
        do { return try handle.seekToEnd() } catch {
            throw SafetensorsError(path: path, message: "cannot read: \(error.localizedDescription)")
        }
    }

    private static func read(_ handle: FileHandle, _ path: String, at offset: Int, count: Int) throws -> [UInt8] {
        if count == 0 { return [] }
        var buffer = [UInt8](repeating: 0, count: count)
        let fd = handle.fileDescriptor
        var done = 0
        while done < count {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw SafetensorsError(path: path, message: "truncated: cannot read \(count) bytes at offset \(offset)") }
            done += n
        }
        return buffer
    }
}

/// Parsing and validation of the JSON header.
enum SafetensorsHeader {
    static func parse(_ bytes: [UInt8], path: String, dataSize: Int) throws -> ([SafetensorsFile.Entry], [String: String]) {
        func fail(_ message: String) -> SafetensorsError { SafetensorsError(path: path, message: "bad header: " + message) }
        guard bytes.first == UInt8(ascii: "{") else { throw fail("does not start with '{' (not a safetensors file?)") }
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: Data(bytes)) } catch {
            throw fail("invalid JSON (\(error.localizedDescription))")
        }
        guard let object = json as? [String: Any] else { throw fail("not a JSON object") }
        var metadata: [String: String] = [:]
        var entries: [SafetensorsFile.Entry] = []
        for (name, value) in object {
            if name == "__metadata__" {
                guard let dict = value as? [String: Any], let strings = dict as? [String: String], strings.count == dict.count else {
                    throw fail("__metadata__ must map strings to strings")
                }
                metadata = strings
                continue
            }
            entries.append(try entry(name, value, fail))
        }
        entries.sort { ($0.byteRange.lowerBound, $0.byteRange.upperBound) < ($1.byteRange.lowerBound, $1.byteRange.upperBound) }
        var expectedStart = 0
        for entry in entries {
            guard entry.byteRange.lowerBound == expectedStart else {
                throw fail("tensor '\(entry.name)' starts at byte \(entry.byteRange.lowerBound), expected \(expectedStart) (gap or overlap)")
            }
            expectedStart = entry.byteRange.upperBound
        }
        guard expectedStart == dataSize else {
            throw fail(expectedStart > dataSize
                ? "tensor data ends at byte \(expectedStart) but the file has only \(dataSize) data bytes (truncated)"
                : "\(dataSize - expectedStart) data bytes after the last tensor")
        }
        return (entries, metadata)
    }

    private static func entry(_ name: String, _ value: Any, _ fail: (String) -> SafetensorsError) throws -> SafetensorsFile.Entry {
        guard let info = value as? [String: Any] else { throw fail("entry '\(name)' is not an object") }
        guard let dtypeName = info["dtype"] as? String, let dtype = StorageDType(safetensorsName: dtypeName) else {
            throw fail("tensor '\(name)' has unknown or missing dtype \(info["dtype"].map { "\($0)" } ?? "")")
        }
        guard let shape = integers(info["shape"]), shape.allSatisfy({ $0 >= 0 }) else {
            throw fail("tensor '\(name)' has a missing or invalid shape")
        }
        guard let offsets = integers(info["data_offsets"]), offsets.count == 2, offsets[0] >= 0, offsets[0] <= offsets[1] else {
            throw fail("tensor '\(name)' has invalid data_offsets")
        }
        let (count, overflow) = shape.reduce((1, false)) { acc, d in
            let (m, o) = acc.0.multipliedReportingOverflow(by: d)
            return (m, acc.1 || o)
        }
        guard !overflow, count.multipliedReportingOverflow(by: dtype.byteSize).partialValue == offsets[1] - offsets[0],
              !count.multipliedReportingOverflow(by: dtype.byteSize).overflow else {
            throw fail("tensor '\(name)': data_offsets span \(offsets[1] - offsets[0]) bytes but shape \(shape) of \(dtypeName) needs \(overflow ? "too many" : String(count * dtype.byteSize))")
        }
        return SafetensorsFile.Entry(name: name, dtype: dtype, shape: shape, byteRange: offsets[0]..<offsets[1])
    }

    /// A JSON array of non-fractional numbers as Ints.
    private static func integers(_ value: Any?) -> [Int]? {
        guard let array = value as? [Any] else { return nil }
        var result: [Int] = []
        for item in array {
            // Booleans are NSNumbers too (objCType "c"); they are not dimensions.
            guard let n = item as? NSNumber, String(cString: n.objCType) != "c", n.doubleValue == n.doubleValue.rounded(),
                  abs(n.doubleValue) < 9e15 else { return nil }
            result.append(n.intValue)
        }
        return result
    }
}
