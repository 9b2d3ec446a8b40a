import Foundation

/// A read-only zip archive with random access to its members.
///
/// Only the central directory is read when opening; each member is read on demand with `pread`,
/// so large archives (OggZip corpora, `.pt` checkpoints) are never loaded whole. Stored (0) and
/// deflate (8) members, ZIP64 sizes/offsets and data descriptors (sizes come from the central
/// directory, as torch's writer requires) are supported; every member's CRC-32 is checked.
/// Reads may run concurrently from several threads.
public final class ZipArchive: @unchecked Sendable {
    /// Path the archive was opened from (used in every error message).
    public let path: String
    /// Members in central-directory order.
    public let entries: [ZipEntry]
    private let indexByName: [String: Int]
    private let file: ZipFile

    /// Opens `path` and reads its central directory.
    /// - Throws: `ZipError` naming the file when it is missing, not a zip, truncated or corrupt.
    public init(path: String) throws {
        self.path = path
        let file = try ZipFile(path: path)
        self.file = file
        let entries = try ZipCentralDirectory.read(file)
        self.entries = entries
        var index: [String: Int] = [:]
        for (i, entry) in entries.enumerated() where index[entry.name] == nil {
            index[entry.name] = i
        }
        self.indexByName = index
    }

    /// Member names in central-directory order.
    public var names: [String] { entries.map(\.name) }

    /// The entry named `name`, or nil. With duplicate names the first one wins.
    public func entry(named name: String) -> ZipEntry? {
        indexByName[name].map { entries[$0] }
    }

    public func contains(_ name: String) -> Bool { indexByName[name] != nil }

    /// The uncompressed bytes of member `name`.
    /// - Throws: `ZipError.missingMember` if absent; corrupt/CRC/unsupported errors naming the member.
    public func read(_ name: String) throws -> [UInt8] {
        guard let entry = entry(named: name) else {
            throw ZipError.missingMember(path: path, member: name)
        }
        return try read(entry)
    }

    /// The uncompressed bytes of `entry` (an element of `entries`).
    public func read(_ entry: ZipEntry) throws -> [UInt8] {
        let raw = try readRawData(entry)
        let bytes: [UInt8]
        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.uncompressedSize else {
                throw ZipError.corrupt(path: path, member: entry.name,
                                       what: "stored member with compressed size \(entry.compressedSize) != size \(entry.uncompressedSize)")
            }
            bytes = raw
        case 8:
            // DEFLATE expands at most ~1032:1; a larger recorded size is damage, not a reason to allocate it.
            guard entry.uncompressedSize <= entry.compressedSize * 1032 + 1024 else {
                throw ZipError.corrupt(path: path, member: entry.name,
                                       what: "recorded size \(entry.uncompressedSize) is impossible for \(entry.compressedSize) compressed bytes")
            }
            switch ZipInflate.inflateRaw(raw, outputSize: Int(entry.uncompressedSize)) {
            case .success(let out): bytes = out
            case .failure(let failure):
                throw ZipError.corrupt(path: path, member: entry.name, what: failure.reason)
            }
        default:
            throw ZipError.unsupported(path: path, member: entry.name, what: "compression method \(entry.method)")
        }
        let crc = ZipInflate.crc32(bytes)
        guard crc == entry.crc32 else {
            throw ZipError.crcMismatch(path: path, member: entry.name, expected: entry.crc32, actual: crc)
        }
        return bytes
    }

    /// The member `name` decoded as UTF-8 text.
    public func readText(_ name: String) throws -> String {
        String(decoding: try read(name), as: UTF8.self)
    }

    /// The member's stored (possibly compressed) bytes, located through its local header.
    private func readRawData(_ entry: ZipEntry) throws -> [UInt8] {
        if entry.isEncrypted {
            throw ZipError.unsupported(path: path, member: entry.name, what: "encryption")
        }
        guard entry.compressedSize <= Int64(Int.max / 2), entry.uncompressedSize <= Int64(Int.max / 2) else {
            throw ZipError.corrupt(path: path, member: entry.name, what: "impossible member size")
        }
        let header = try file.read(at: entry.localHeaderOffset, count: 30, what: "local header of '\(entry.name)'")
        guard header.u32(0) == 0x0403_4b50 else {
            throw ZipError.corrupt(path: path, member: entry.name,
                                   what: "no local file header at offset \(entry.localHeaderOffset)")
        }
        let dataOffset = entry.localHeaderOffset + 30 + Int64(header.u16(26)) + Int64(header.u16(28))
        return try file.read(at: dataOffset, count: Int(entry.compressedSize),
                             what: "data of member '\(entry.name)'").bytes
    }
}

/// An open file read with `pread` (thread-safe: no shared file position).
final class ZipFile: @unchecked Sendable {
    let path: String
    let size: Int64
    private let descriptor: Int32

    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ZipError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw ZipError.cannotOpen(path: path, reason: reason)
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw ZipError.cannotOpen(path: path, reason: "is a directory")
        }
        self.descriptor = fd
        self.size = Int64(info.st_size)
    }

    deinit { close(descriptor) }

    /// Reads exactly `count` bytes at `offset`; `what` names the structure for the error.
    func read(at offset: Int64, count: Int, what: String) throws -> ZipBytes {
        guard offset >= 0, count >= 0, offset <= size, Int64(count) <= size - offset else {
            throw ZipError.truncated(path: path, what: "\(what) (\(count) bytes at offset \(offset)) lies beyond the end of the \(size)-byte file")
        }
        var buffer = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = buffer.withUnsafeMutableBytes { raw in
                pread(descriptor, raw.baseAddress! + done, count - done, off_t(offset) + off_t(done))
            }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let reason = n < 0 ? String(cString: strerror(errno)) : "unexpected end of file"
                throw ZipError.truncated(path: path, what: "\(what): \(reason)")
            }
            done += n
        }
        return ZipBytes(buffer)
    }
}
