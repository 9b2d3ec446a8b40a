/// Errors of the zip reader; every case names the archive and, where known, the member.
public enum ZipError: Error, CustomStringConvertible, Equatable {
    /// The archive could not be opened or read (`errno` text in `reason`).
    case cannotOpen(path: String, reason: String)
    /// No end-of-central-directory record: not a zip archive, or cut off at the end.
    case notAZip(path: String)
    /// A structure points past the end of the file or is cut short.
    case truncated(path: String, what: String)
    /// A structure has a wrong signature or an impossible value.
    case corrupt(path: String, member: String?, what: String)
    /// The requested member is not in the archive.
    case missingMember(path: String, member: String)
    /// The member uses a compression method other than stored (0) or deflate (8), or encryption.
    case unsupported(path: String, member: String, what: String)
    /// The CRC-32 of the extracted bytes differs from the central directory's.
    case crcMismatch(path: String, member: String, expected: UInt32, actual: UInt32)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason):
            return "\(path): cannot open zip archive: \(reason)"
        case let .notAZip(path):
            return "\(path): not a zip archive (no end of central directory record; truncated or another format)"
        case let .truncated(path, what):
            return "\(path): zip archive is truncated: \(what)"
        case let .corrupt(path, member, what):
            if let member { return "\(path): corrupt zip member '\(member)': \(what)" }
            return "\(path): corrupt zip archive: \(what)"
        case let .missingMember(path, member):
            return "\(path): no member '\(member)' in zip archive"
        case let .unsupported(path, member, what):
            return "\(path): zip member '\(member)': unsupported \(what)"
        case let .crcMismatch(path, member, expected, actual):
            let e = String(expected, radix: 16), a = String(actual, radix: 16)
            return "\(path): zip member '\(member)' fails its CRC check (expected \(e), got \(a))"
        }
    }
}
