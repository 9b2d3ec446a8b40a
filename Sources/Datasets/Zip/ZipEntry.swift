/// One member of a zip archive, as its central directory describes it.
public struct ZipEntry: Sendable, Equatable {
    /// Member path inside the archive (`E_corpus/rec_one/`, `model.003/data.pkl`).
    public let name: String
    /// Compression method: 0 stored, 8 deflate (others are listed but cannot be read).
    public let method: UInt16
    /// General-purpose flag bits (bit 0 encrypted, bit 3 data descriptor, bit 11 UTF-8 name).
    public let flags: UInt16
    public let crc32: UInt32
    public let compressedSize: Int64
    public let uncompressedSize: Int64
    /// Offset of the member's local file header from the start of the file.
    public let localHeaderOffset: Int64

    /// Directory entries end with `/` and hold no data.
    public var isDirectory: Bool { name.hasSuffix("/") }
    public var isEncrypted: Bool { flags & 1 != 0 }
}

/// Little-endian field access into a byte buffer with bounds checks.
struct ZipBytes {
    let bytes: [UInt8]
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var count: Int { bytes.count }

    func has(_ offset: Int, _ length: Int) -> Bool {
        offset >= 0 && length >= 0 && offset <= bytes.count - length
    }

    func u16(_ offset: Int) -> UInt16 {
        UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    func u32(_ offset: Int) -> UInt32 {
        var value: UInt32 = 0
        for i in 0..<4 { value |= UInt32(bytes[offset + i]) << (8 * i) }
        return value
    }

    func u64(_ offset: Int) -> UInt64 {
        var value: UInt64 = 0
        for i in 0..<8 { value |= UInt64(bytes[offset + i]) << (8 * i) }
        return value
    }

    func slice(_ offset: Int, _ length: Int) -> ArraySlice<UInt8> {
        bytes[offset..<(offset + length)]
    }
}

/// Member names: UTF-8 when flag bit 11 is set, else code page 437 (as Python's zipfile does).
enum ZipNameDecoding {
    static func decode(_ raw: ArraySlice<UInt8>, utf8Flag: Bool) -> String {
        if utf8Flag || raw.allSatisfy({ $0 < 0x80 }) {
            return String(decoding: raw, as: UTF8.self)
        }
        var scalars = String.UnicodeScalarView()
        for byte in raw {
            if byte < 0x80 {
                scalars.append(Unicode.Scalar(byte))
            } else {
                scalars.append(cp437High[Int(byte) - 0x80])
            }
        }
        return String(scalars)
    }

    private static let cp437High: [Unicode.Scalar] = Array(
        "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{00A0}"
            .unicodeScalars)
}
