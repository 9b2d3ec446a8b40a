import CSoxr

/// `soxr.resample(x, inRate, outRate, "HQ")` (python-soxr, what librosa's `res_type="soxr_hq"`
/// calls), by Debian's libsoxr: one resampler with `soxr_quality_spec(SOXR_HQ, 0)` and float64
/// interleaved I/O, the input fed in chunks of `⌊48000 · in/out⌋` samples, then flushed.
/// Output length is what libsoxr delivers (`round(n · out/in)` for a whole signal), at most
/// `⌊n · out/in + 1⌋`, the buffer python-soxr allocates.
enum Resampler {
    /// Resamples the mono signal `x` from `inRate` to `outRate` Hz; libsoxr's errors are thrown.
    static func soxrHQ(_ x: [Double], inRate: Double, outRate: Double) throws -> [Double] {
        guard inRate > 0, outRate > 0, inRate.isFinite, outRate.isFinite else {
            throw AudioError(message: "soxr_hq resampling from \(inRate) Hz to \(outRate) Hz: sample rates must be finite and > 0")
        }
        let outCount = Double(x.count) * outRate / inRate + 1
        guard outCount < 1e12 else {
            throw AudioError(message: "soxr_hq resampling of \(x.count) samples from \(inRate) Hz to \(outRate) Hz: output too long")
        }
        let capacity = Int(outCount)
        let chunk = max(1, Int(min(48000 * inRate / outRate, 1e15)))
        var ioSpec = soxr_io_spec(SOXR_FLOAT64_I, SOXR_FLOAT64_I)
        var quality = soxr_quality_spec(UInt(SOXR_HQ), 0)
        var error: soxr_error_t? = nil
        guard let soxr = soxr_create(inRate, outRate, 1, &error, &ioSpec, &quality, nil), error == nil else {
            throw soxrError(error, inRate, outRate)
        }
        defer { soxr_delete(soxr) }
        var y = [Double](repeating: 0, count: capacity)
        var written = 0
        try x.withUnsafeBufferPointer { xp in
            try y.withUnsafeMutableBufferPointer { yp in
                var start = 0
                // Chunks, then a flush (input nil) that drains the filter delay.
                while true {
                    let n = min(chunk, x.count - start)
                    let input = n > 0 ? UnsafeRawPointer(xp.baseAddress! + start) : nil
                    var done = 0
                    let err = soxr_process(soxr, input, n, nil, yp.baseAddress.map { $0 + written }, capacity - written, &done)
                    if let err { throw soxrError(err, inRate, outRate) }
                    written += done
                    if n == 0 { break }
                    start += n
                }
            }
        }
        return Array(y.prefix(written))
    }

    private static func soxrError(_ e: soxr_error_t?, _ inRate: Double, _ outRate: Double) -> AudioError {
        let text = e.map { String(cString: $0) } ?? "soxr_create failed"
        return AudioError(message: "soxr_hq resampling from \(inRate) Hz to \(outRate) Hz: libsoxr: \(text)")
    }
}
