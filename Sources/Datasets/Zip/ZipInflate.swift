import CZlib

/// zlib's raw DEFLATE decoder and CRC-32, the only parts of zlib the zip reader needs.
enum ZipInflate {
    /// CRC-32 (ISO 3309, as in zip headers) of `bytes`.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { buf -> UInt32 in
            var crc: uLong = CZlib.crc32(0, nil, 0)
            var offset = 0
            // zlib takes a 32-bit length; feed large members in slices.
            while offset < buf.count {
                let n = min(buf.count - offset, 1 << 30)
                crc = CZlib.crc32(crc, buf.baseAddress! + offset, uInt(n))
                offset += n
            }
            return UInt32(truncatingIfNeeded: crc)
        }
    }

    /// Inflates raw DEFLATE data (no zlib header, windowBits -15) into exactly `outputSize` bytes.
    /// Fails with a reason when the stream is damaged or its length differs.
    static func inflateRaw(_ input: [UInt8], outputSize: Int) -> Result<[UInt8], InflateFailure> {
        // One spare byte: zlib refuses a nil output buffer (empty members), and data that
        // expands beyond the recorded size shows up as total_out > outputSize.
        var output = [UInt8](repeating: 0, count: outputSize + 1)
        var stream = z_stream()
        let initStatus = inflateInit2_(&stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard initStatus == Z_OK else { return .failure(InflateFailure(reason: "inflateInit2 failed (\(initStatus))")) }
        defer { inflateEnd(&stream) }
        var input = input
        let status: Int32 = input.withUnsafeMutableBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                Self.run(&stream, inBuf, outBuf)
            }
        }
        if status != Z_STREAM_END {
            let message = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
            let reason = status == Z_OK || status == Z_BUF_ERROR
                ? "deflate data ends early or expands beyond the recorded size \(outputSize)"
                : "bad deflate data (\(message))"
            return .failure(InflateFailure(reason: reason))
        }
        if Int(stream.total_out) != outputSize {
            return .failure(InflateFailure(reason: "inflated to \(stream.total_out) bytes, expected \(outputSize)"))
        }
        output.removeLast()
        return .success(output)
    }

    /// Feeds the whole input in chunks of at most 1 GiB (zlib's counters are 32-bit).
    private static func run(_ stream: inout z_stream, _ inBuf: UnsafeMutableBufferPointer<UInt8>,
                            _ outBuf: UnsafeMutableBufferPointer<UInt8>) -> Int32 {
        let chunk = 1 << 30
        var inOffset = 0, outOffset = 0
        var status = Z_OK
        while status == Z_OK {
            let inCount = min(inBuf.count - inOffset, chunk)
            let outCount = min(outBuf.count - outOffset, chunk)
            stream.next_in = inBuf.baseAddress.map { $0 + inOffset }
            stream.avail_in = uInt(inCount)
            stream.next_out = outBuf.baseAddress.map { $0 + outOffset }
            stream.avail_out = uInt(outCount)
            status = inflate(&stream, Z_NO_FLUSH)
            let usedIn = inCount - Int(stream.avail_in), usedOut = outCount - Int(stream.avail_out)
            inOffset += usedIn
            outOffset += usedOut
            if status == Z_OK && usedIn == 0 && usedOut == 0 { return Z_BUF_ERROR }
        }
        return status
    }

    struct InflateFailure: Error { let reason: String }
}
