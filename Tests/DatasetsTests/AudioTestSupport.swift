import Foundation
import XCTest
@testable import Datasets

/// The G fixture folder (`$MRSH_FIXTURES/G`, else the project's copy).
func audioFixtureDir() -> URL { fixturesRoot().appendingPathComponent("G") }

/// A JSON file of the G folder; a missing file fails the test.
func loadAudioFixture(_ name: String) throws -> [String: Any] {
    let url = audioFixtureDir().appendingPathComponent(name)
    let data = try Data(contentsOf: url)
    guard let obj = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw DatasetError(file: url.path, "not a JSON object")
    }
    return obj
}

/// Tolerance of a feature comparison: `|got − exp| ≤ atol + rtol·|exp|` per value; sums get
/// `atol · addends + rtol · Σ|x|`.
struct FeatureTolerance {
    var rtol: Double
    var atol: Double

    /// Exact samples (WAV/FLAC): about 1 float32 ulp of the original's float64 pipeline.
    static let exact = FeatureTolerance(rtol: 1e-5, atol: 1e-5)

    /// OGG-decoded input: the decoder-version noise (1.8e-7) amplified as the fixture README measured.
    static func ogg(_ id: String) -> FeatureTolerance {
        if id.hasPrefix("mfcc") { return .init(rtol: 1e-4, atol: 1e-3) }
        if id.hasPrefix("log_log") { return .init(rtol: 1e-4, atol: 1e-2) }
        if id.hasPrefix("db_mel") { return .init(rtol: 1e-4, atol: 5e-2) }
        if id.hasPrefix("log_mel") || id.hasPrefix("linear") { return .init(rtol: 1e-5, atol: 1e-4) }
        return .init(rtol: 1e-6, atol: 1e-6)
    }
}

/// Compares float32 features with a fixture `result` (shape exact; values, frames and sums within `tol`).
func assertFeatures(_ a: BatchArray, _ exp: [String: Any], tol: FeatureTolerance, _ ctx: String,
                    file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.shape, intList(exp["shape"]), "\(ctx): shape", file: file, line: line)
    guard a.shape == intList(exp["shape"]), a.dtype == .float32 else { return }
    let v = a.doubles()
    var worst = (diff: 0.0, what: "")
    func check(_ got: [Double], _ want: [Double], _ what: String, scale: Double = 1) {
        guard got.count == want.count else { XCTFail("\(ctx): \(what) has \(got.count) values, expected \(want.count)", file: file, line: line); return }
        for (i, (g, w)) in zip(got, want).enumerated() {
            let excess = abs(g - w) - (tol.atol * scale + tol.rtol * abs(w))
            if excess > worst.diff { worst = (excess, "\(what)[\(i)]: got \(g), expected \(w)") }
        }
    }
    let dim = a.shape.dropFirst().reduce(1, *), frames = a.shape.first ?? 0
    if let values = exp["values"] { check(v, flatNumbers(values), "values") }
    let row = { (t: Int) in Array(v[(t * dim)..<((t + 1) * dim)]) }
    if let f = exp["first_frame"], frames > 0 { check(row(0), flatNumbers(f), "first_frame") }
    if let f = exp["last_frame"], frames > 0 { check(row(frames - 1), flatNumbers(f), "last_frame") }
    if let f = exp["mid_frame"], let i = (exp["mid_frame_index"] as? NSNumber)?.intValue { check(row(i), flatNumbers(f), "mid_frame") }
    if let f = exp["first_50"] { check(Array(v.prefix(50)), flatNumbers(f), "first_50") }
    if let f = exp["last_10"] { check(Array(v.suffix(10)), flatNumbers(f), "last_10") }
    if let f = exp["strided_values"], let s = (exp["stride"] as? NSNumber)?.intValue {
        check(Swift.stride(from: 0, to: v.count, by: s).map { v[$0] }, flatNumbers(f), "strided_values")
    }
    if let f = exp["frame_sums"] { check((0..<frames).map { row($0).reduce(0, +) }, flatNumbers(f), "frame_sums", scale: Double(dim)) }
    if let f = exp["dim_sums"] {
        check((0..<dim).map { j in (0..<frames).reduce(0.0) { $0 + v[$1 * dim + j] } }, flatNumbers(f), "dim_sums", scale: Double(frames))
    }
    if let s = exp["sum"] as? NSNumber { check([v.reduce(0, +)], [s.doubleValue], "sum", scale: Double(v.count)) }
    if let s = exp["sum_abs"] as? NSNumber { check([v.reduce(0) { $0 + abs($1) }], [s.doubleValue], "sum_abs", scale: Double(v.count)) }
    if let s = exp["min"] as? NSNumber { check([v.min() ?? 0], [s.doubleValue], "min") }
    if let s = exp["max"] as? NSNumber { check([v.max() ?? 0], [s.doubleValue], "max") }
    XCTAssertTrue(worst.diff <= 0, "\(ctx): beyond tolerance by \(worst.diff): \(worst.what)", file: file, line: line)
}

/// The fixture's `ExtractAudioFeatures` kwargs as an options dict plus the Swift callables and seed.
func audioOptions(_ json: [String: Any], id: String) throws -> AudioFeatureOptions {
    var plain = json
    for key in ["pre_process", "post_process", "random_state"] { plain[key] = nil }
    for key in ["norm_mean", "norm_std_dev"] {
        if let s = plain[key] as? String, s != "per_seq", let name = s.split(separator: " ").first {
            plain[key] = audioFixtureDir().appendingPathComponent(String(name)).path
        }
    }
    var o = try AudioFeatureOptions(options: optionValue(plain), context: id)
    if json["pre_process"] != nil {
        // def pre_process(audio, sample_rate, random_state): return audio * 0.25
        o.preProcess = { audio, _ in audio.map { $0 * 0.25 } }
    }
    if json["post_process"] != nil {
        // def post_process(feature_data, seq_name): return numpy.ascontiguousarray(feature_data[::-1])
        o.postProcess = { a, _ in
            let n = a.shape[0]
            return BatchArray(dtype: a.dtype, shape: a.shape, bytes: (0..<n).reversed().flatMap { a.slice($0, $0 + 1).bytes })
        }
    }
    return o
}

/// The seed of `"numpy.random.RandomState(42)"`.
func randomStateSeed(_ v: Any?) -> UInt32? {
    guard let s = v as? String, let open = s.firstIndex(of: "("), let close = s.firstIndex(of: ")") else { return nil }
    return UInt32(s[s.index(after: open)..<close])
}
