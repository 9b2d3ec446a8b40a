import Foundation

/// Reading (single-member) gzip files, as RETURNN accepts `.gz` for corpora, seq lists and
/// OggZip `.txt.gz`; the DEFLATE decoding is zlib's, through the zip reader's `ZipInflate`.
enum Gzip {
    /// The decompressed bytes of a gzip file's content.
    static func decompress(_ b: [UInt8], file: String) throws -> [UInt8] {
        guard b.count >= 18, b[0] == 0x1F, b[1] == 0x8B, b[2] == 8 else { throw DatasetError(file: file, "not a gzip file") }
        let flags = b[3]
        var p = 10
        if flags & 4 != 0 {
            guard p + 2 <= b.count else { throw DatasetError(file: file, "truncated gzip header") }
            p += 2 + Int(b[p]) + Int(b[p + 1]) << 8
        }
        for bit in [UInt8(8), 16] where flags & bit != 0 {
            guard let end = b[min(p, b.count)...].firstIndex(of: 0) else { throw DatasetError(file: file, "truncated gzip header") }
            p = end + 1
        }
        if flags & 2 != 0 { p += 2 }
        guard p <= b.count - 8 else { throw DatasetError(file: file, "truncated gzip file") }
        let size = b[(b.count - 4)...].reversed().reduce(0) { $0 << 8 | Int($1) }
        switch ZipInflate.inflateRaw(Array(b[p..<(b.count - 8)]), outputSize: size) {
        case .success(let out):
            let crc = b[(b.count - 8)..<(b.count - 4)].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            guard ZipInflate.crc32(out) == crc else { throw DatasetError(file: file, "gzip CRC mismatch (corrupt file)") }
            return out
        case .failure(let f):
            throw DatasetError(file: file, "corrupt gzip data (\(f.reason); multi-member gzip files are not supported)")
        }
    }

    /// A file's bytes, gunzipped if its name ends with `.gz`.
    static func readFile(_ path: String, key: String? = nil) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DatasetError(file: path, key: key, FileManager.default.fileExists(atPath: path) ? "cannot read file" : "no such file")
        }
        let bytes = [UInt8](data)
        return path.hasSuffix(".gz") ? try decompress(bytes, file: path) : bytes
    }

    /// A text file (UTF-8), gunzipped if its name ends with `.gz`.
    static func readText(_ path: String, key: String? = nil) throws -> String {
        String(decoding: try readFile(path, key: key), as: UTF8.self)
    }
}
