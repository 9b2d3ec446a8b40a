import CSndfile

/// Decoded audio: samples as `soundfile.read` returns them (float64, interleaved `[frames, channels]`).
public struct DecodedAudio: Sendable {
    /// Interleaved samples, `frames * channels` values in [-1, 1] for integer formats.
    public var samples: [Double]
    public var sampleRate: Int
    public var channels: Int
    /// libsndfile's major format name (`WAV`, `FLAC`, `OGG`, ...).
    public var format: String

    public init(samples: [Double], sampleRate: Int, channels: Int = 1, format: String = "") {
        self.samples = samples
        self.sampleRate = sampleRate
        self.channels = channels
        self.format = format
    }

    /// Number of frames (samples per channel).
    public var frames: Int { channels == 0 ? 0 : samples.count / channels }
}

/// A decoding or feature-extraction failure of one audio file; the caller adds the zip, member and sequence.
public struct AudioError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Decodes WAV, FLAC and OGG Vorbis (any format libsndfile reads) from bytes in memory, as the
/// original's `soundfile.read(io.BytesIO(bytes))` does: `sf_readf_double`, so integer PCM comes
/// back exactly as `int / 2^(bits-1)`.
public enum AudioDecoder {
    /// Decodes all frames of `bytes`; a file whose frames end before its header says is an error.
    public static func decode(_ bytes: [UInt8]) throws -> DecodedAudio {
        let source = MemorySource(bytes)
        var io = SF_VIRTUAL_IO(get_filelen: memGetLength, seek: memSeek, read: memRead, write: memWrite, tell: memTell)
        var info = SF_INFO()
        let user = Unmanaged.passUnretained(source).toOpaque()
        guard let file = sf_open_virtual(&io, Int32(SFM_READ), &info, user) else {
            throw AudioError(message: "cannot decode audio (\(String(cString: sf_strerror(nil))))")
        }
        defer { sf_close(file) }
        let channels = Int(info.channels), frames = Int(info.frames)
        guard channels > 0, info.samplerate > 0, frames >= 0 else {
            throw AudioError(message: "audio header is invalid (channels \(channels), sample rate \(info.samplerate))")
        }
        // Read in blocks up to the end: a damaged header may promise any number of frames.
        let block = 65_536
        var samples: [Double] = []
        samples.reserveCapacity(min(frames, bytes.count * 16) * channels)
        var buffer = [Double](repeating: 0, count: block * channels)
        while true {
            let n = Int(buffer.withUnsafeMutableBufferPointer { sf_readf_double(file, $0.baseAddress, sf_count_t(block)) })
            if n <= 0 { break }
            samples.append(contentsOf: buffer[0..<(n * channels)])
        }
        let err = sf_error(file)
        if err != 0 {
            throw AudioError(message: "corrupt audio data (\(String(cString: sf_error_number(err))))")
        }
        let read = samples.count / channels
        guard read == frames else {
            let promised = frames >= Int(Int32.max) * 1024 ? "an unknown number of" : String(frames)
            throw AudioError(message: "truncated or corrupt audio: header promises \(promised) frames, \(read) could be decoded")
        }
        if let missing = wavDataShortfall(bytes) {
            throw AudioError(message: "truncated WAV: its data chunk lacks \(missing) bytes")
        }
        return DecodedAudio(samples: samples, sampleRate: Int(info.samplerate), channels: channels,
                            format: formatName(info.format))
    }

    /// libsndfile silently shortens a WAV whose `data` chunk runs past the end of the file:
    /// the number of missing bytes, or nil when the chunk is whole (or the size is a streaming placeholder).
    static func wavDataShortfall(_ b: [UInt8]) -> Int? {
        func u32(_ i: Int) -> Int { Int(b[i]) | Int(b[i + 1]) << 8 | Int(b[i + 2]) << 16 | Int(b[i + 3]) << 24 }
        guard b.count >= 12, b[0..<4].elementsEqual("RIFF".utf8), b[8..<12].elementsEqual("WAVE".utf8) else { return nil }
        var p = 12
        while p + 8 <= b.count {
            let size = u32(p + 4)
            if b[p..<(p + 4)].elementsEqual("data".utf8) {
                guard size != 0, size != 0xFFFF_FFFF else { return nil }
                let missing = p + 8 + size - b.count
                return missing > 0 ? missing : nil
            }
            p += 8 + size + (size & 1)
        }
        return nil
    }

    private static func formatName(_ format: Int32) -> String {
        switch format & Int32(SF_FORMAT_TYPEMASK) {
        case Int32(SF_FORMAT_WAV): return "WAV"
        case Int32(SF_FORMAT_FLAC): return "FLAC"
        case Int32(SF_FORMAT_OGG): return "OGG"
        default: return String(format & Int32(SF_FORMAT_TYPEMASK), radix: 16)
        }
    }
}

/// The bytes libsndfile's virtual IO reads from.
private final class MemorySource {
    let bytes: [UInt8]
    var position = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }
}

private func source(_ user: UnsafeMutableRawPointer?) -> MemorySource {
    Unmanaged<MemorySource>.fromOpaque(user!).takeUnretainedValue()
}

private let memGetLength: sf_vio_get_filelen = { user in sf_count_t(source(user).bytes.count) }

private let memSeek: sf_vio_seek = { offset, whence, user in
    let s = source(user)
    let base: Int
    switch whence {
    case SEEK_CUR: base = s.position
    case SEEK_END: base = s.bytes.count
    default: base = 0
    }
    let target = base + Int(offset)
    guard target >= 0 else { return -1 }
    s.position = target
    return sf_count_t(target)
}

private let memRead: sf_vio_read = { ptr, count, user in
    let s = source(user)
    guard let ptr, s.position < s.bytes.count else { return 0 }
    let n = min(Int(count), s.bytes.count - s.position)
    s.bytes.withUnsafeBytes { raw in
        ptr.copyMemory(from: raw.baseAddress! + s.position, byteCount: n)
    }
    s.position += n
    return sf_count_t(n)
}

private let memWrite: sf_vio_write = { _, _, _ in 0 }

private let memTell: sf_vio_tell = { user in sf_count_t(source(user).position) }
