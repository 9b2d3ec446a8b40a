/// Finds and parses the end-of-central-directory record (plain and ZIP64) and the central directory.
enum ZipCentralDirectory {
    private static let eocdSignature: UInt32 = 0x0605_4b50
    private static let zip64LocatorSignature: UInt32 = 0x0706_4b50
    private static let zip64EocdSignature: UInt32 = 0x0606_4b50
    private static let centralSignature: UInt32 = 0x0201_4b50

    /// Where the central directory lies and how many entries it holds.
    struct Location { var offset: Int64; var size: Int64; var count: Int64 }

    static func read(_ file: ZipFile) throws -> [ZipEntry] {
        let location = try locate(file)
        guard location.size >= 0, location.offset >= 0, location.size <= file.size - location.offset else {
            throw ZipError.truncated(path: file.path,
                                     what: "central directory (\(location.size) bytes at offset \(location.offset)) lies beyond the end of the \(file.size)-byte file")
        }
        let directory = try file.read(at: location.offset, count: Int(location.size), what: "central directory")
        return try parseEntries(directory, count: location.count, path: file.path)
    }

    /// Searches the file's tail for the EOCD record (it may be followed by a comment of up to 64 KiB).
    static func locate(_ file: ZipFile) throws -> Location {
        let tailLength = Int(min(file.size, 22 + 65_535 + 20))
        guard tailLength >= 22 else { throw ZipError.notAZip(path: file.path) }
        let tailStart = file.size - Int64(tailLength)
        let tail = try file.read(at: tailStart, count: tailLength, what: "end of central directory")
        var position = tailLength - 22
        while position >= 0 {
            if tail.u32(position) == eocdSignature,
               position + 22 + Int(tail.u16(position + 20)) <= tailLength {
                break
            }
            position -= 1
        }
        guard position >= 0 else { throw ZipError.notAZip(path: file.path) }
        var location = Location(offset: Int64(tail.u32(position + 16)),
                                size: Int64(tail.u32(position + 12)),
                                count: Int64(tail.u16(position + 10)))
        if position >= 20, tail.u32(position - 20) == zip64LocatorSignature {
            location = try readZip64(file, recordOffset: Int64(tail.u64(position - 20 + 8)))
        }
        return location
    }

    /// Reads the ZIP64 end-of-central-directory record the locator points to.
    private static func readZip64(_ file: ZipFile, recordOffset: Int64) throws -> Location {
        let record = try file.read(at: recordOffset, count: 56, what: "ZIP64 end of central directory")
        guard record.u32(0) == zip64EocdSignature else {
            throw ZipError.corrupt(path: file.path, member: nil,
                                   what: "no ZIP64 end of central directory record at offset \(recordOffset)")
        }
        return Location(offset: Int64(bitPattern: record.u64(48)),
                        size: Int64(bitPattern: record.u64(40)),
                        count: Int64(bitPattern: record.u64(32)))
    }

    /// Parses `count` central-directory file headers.
    static func parseEntries(_ directory: ZipBytes, count: Int64, path: String) throws -> [ZipEntry] {
        var entries: [ZipEntry] = []
        entries.reserveCapacity(Int(min(count, 1 << 20)))
        var position = 0
        for index in 0..<max(count, 0) {
            guard directory.has(position, 46), directory.u32(position) == centralSignature else {
                throw ZipError.corrupt(path: path, member: nil,
                                       what: "central directory entry \(index) of \(count) is missing or damaged")
            }
            let (entry, length) = try parseEntry(directory, at: position, path: path)
            entries.append(entry)
            position += length
        }
        return entries
    }

    /// One central file header at `position`; returns the entry and the header's total length.
    private static func parseEntry(_ d: ZipBytes, at p: Int, path: String) throws -> (ZipEntry, Int) {
        let flags = d.u16(p + 8)
        let nameLength = Int(d.u16(p + 28)), extraLength = Int(d.u16(p + 30))
        let commentLength = Int(d.u16(p + 32))
        let total = 46 + nameLength + extraLength + commentLength
        guard d.has(p, total) else {
            throw ZipError.corrupt(path: path, member: nil, what: "central directory entry at \(p) runs past the directory's end")
        }
        let name = ZipNameDecoding.decode(d.slice(p + 46, nameLength), utf8Flag: flags & 0x800 != 0)
        var compressed = UInt64(d.u32(p + 20)), uncompressed = UInt64(d.u32(p + 24))
        var offset = UInt64(d.u32(p + 42))
        let extra = ZipBytes(Array(d.slice(p + 46 + nameLength, extraLength)))
        try applyZip64Extra(extra, uncompressed: &uncompressed, compressed: &compressed,
                            offset: &offset, path: path, member: name)
        guard compressed < UInt64(Int64.max), uncompressed < UInt64(Int64.max), offset < UInt64(Int64.max) else {
            throw ZipError.corrupt(path: path, member: name, what: "impossible size or offset")
        }
        let entry = ZipEntry(name: name, method: d.u16(p + 10), flags: flags, crc32: d.u32(p + 16),
                             compressedSize: Int64(compressed), uncompressedSize: Int64(uncompressed),
                             localHeaderOffset: Int64(offset))
        return (entry, total)
    }

    /// Replaces the 0xFFFFFFFF placeholders by the 64-bit values of the ZIP64 extra field (id 1),
    /// which lists only the saturated fields, in the order size, compressed size, offset.
    private static func applyZip64Extra(_ extra: ZipBytes, uncompressed: inout UInt64, compressed: inout UInt64,
                                        offset: inout UInt64, path: String, member: String) throws {
        let saturated: UInt64 = 0xFFFF_FFFF
        guard uncompressed == saturated || compressed == saturated || offset == saturated else { return }
        var p = 0
        while extra.has(p, 4) {
            let id = extra.u16(p), length = Int(extra.u16(p + 2))
            guard extra.has(p + 4, length) else { break }
            if id == 1 {
                var reader = Zip64Fields(extra: extra, position: p + 4, end: p + 4 + length)
                if uncompressed == saturated { uncompressed = try reader.next(path, member) }
                if compressed == saturated { compressed = try reader.next(path, member) }
                if offset == saturated { offset = try reader.next(path, member) }
                return
            }
            p += 4 + length
        }
        throw ZipError.corrupt(path: path, member: member, what: "sizes need a ZIP64 extra field, which is missing")
    }

    /// Sequential 64-bit values of a ZIP64 extra field.
    private struct Zip64Fields {
        let extra: ZipBytes
        var position: Int
        let end: Int

        mutating func next(_ path: String, _ member: String) throws -> UInt64 {
            guard position + 8 <= end else {
                throw ZipError.corrupt(path: path, member: member, what: "ZIP64 extra field too short")
            }
            defer { position += 8 }
            return extra.u64(position)
        }
    }
}
