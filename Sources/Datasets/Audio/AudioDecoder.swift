import CSndfile

/// Decoded audio: samples as `soundfile.read` returns them (float64, interleaved `[frames, channels]`).
public struct DecodedAudio: Sendable {
    /// Interleaved samples, `frames * channels` values in [-1, 1] for integer formats.
    public var samples: [Double]
    public var sampleRate: Int
    public var channels: Int
    /// libsndfile's major format name (`WAV`, `FLAC`, `OGG`, ...).
    public var format: String

    /// Number of frames (samples per channel).
    public var frames: Int { channels == 0 ? 0 : samples.count / channels }
}

/// A decoding failure; the caller adds the zip, member and sequence.
public struct AudioDecodeError: Error, CustomStringConvertible {
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
            throw AudioDecodeError(message: "cannot decode audio (\(String(cString: sf_strerror(nil))))")
        }
        defer { sf_close(file) }
        let channels = Int(info.channels), frames = Int(info.frames)
        guard channels > 0, info.samplerate > 0, frames >= 0 else {
            throw AudioDecodeError(message: "audio header is invalid (channels \(channels), sample rate \(info.samplerate))")
        }
        var samples = [Double](repeating: 0, count: frames * channels)
        let read = samples.withUnsafeMutableBufferPointer { sf_readf_double(file, $0.baseAddress, sf_count_t(frames)) }
        let err = sf_error(file)
        if err != 0 {
            throw AudioDecodeError(message: "corrupt audio data (\(String(cString: sf_error_number(err))))")
        }
        guard Int(read) == frames else {
            throw AudioDecodeError(message: "truncated audio: header promises \(frames) frames, only \(read) could be decoded")
        }
        return DecodedAudio(samples: samples, sampleRate: Int(info.samplerate), channels: channels,
                            format: formatName(info.format))
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
