import Foundation
import XCTest
@testable import Datasets

/// The pitch shift of `random_permute` against `G/pitch/pitch_shift.expected.json` (soxr, librosa
/// and the original ExtractAudioFeatures; see `make_pitch.py` beside it).
///
/// mrsh resamples with libsoxr itself (Debian's 0.1.3; python-soxr 1.1.0 bundles 0.1.3-14), so the
/// tolerances are rounding-level: measured resampler output vs soxr ≤ 4.5e-16, pitch-shifted
/// waveform vs librosa ≤ 2.2e-13 (peak 1); features within the exact-WAV tolerance.
final class AudioPitchTests: XCTestCase {
    private func fixture() throws -> [String: Any] { try loadAudioFixture("pitch/pitch_shift.expected.json") }

    /// Decoded WAV samples divided by their peak (what random_permute receives by default).
    private func normalizedSamples(_ file: String) throws -> (samples: [Double], rate: Int) {
        let bytes = try [UInt8](Data(contentsOf: audioFixtureDir().appendingPathComponent(file)))
        let audio = try AudioDecoder.decode(bytes)
        let peak = audio.samples.map(abs).max() ?? 1
        return (audio.samples.map { $0 / peak }, audio.sampleRate)
    }

    func testResamplerMatchesSoxrHQ() throws {
        let json = try fixture()
        let inputs = json["inputs"] as! [String: Any]
        let cases = json["resample"] as? [[String: Any]] ?? []
        XCTAssertGreaterThanOrEqual(cases.count, 11)
        for c in cases {
            let x = flatNumbers(inputs[c["input"] as! String])
            let inRate = (c["in_rate"] as! NSNumber).doubleValue, outRate = (c["out_rate"] as! NSNumber).doubleValue
            let want = flatNumbers(c["output"])
            let got = try Resampler.soxrHQ(x, inRate: inRate, outRate: outRate)
            XCTAssertEqual(got.count, want.count, "\(inRate) → \(outRate): length")
            let worst = zip(got, want).map { abs($0 - $1) }.max() ?? .infinity
            XCTAssertLessThanOrEqual(worst, 1e-13, "\(c["input"]!) \(inRate) → \(outRate)")
        }
    }

    func testPitchShiftMatchesLibrosa() throws {
        let entries = try fixture()["pitch_shift"] as? [[String: Any]] ?? []
        XCTAssertGreaterThanOrEqual(entries.count, 8)
        var options = AudioFeatureOptions()
        options.kind = .log_mel_filterbank
        options.numFeatureFilters = 80
        for e in entries {
            let (y, sr) = try normalizedSamples(e["file"] as! String)
            let nSteps = (e["n_steps"] as! NSNumber).doubleValue
            let ctx = "\(e["file"]!) n_steps \(nSteps)"
            let shifted = try PitchShift.apply(y, sampleRate: sr, nSteps: nSteps)
            let wave = e["waveform"] as! [String: Any]
            XCTAssertEqual(shifted.count, (wave["num_samples"] as! NSNumber).intValue, ctx)
            let stride = (wave["stride"] as! NSNumber).intValue
            let strided = Swift.stride(from: 0, to: shifted.count, by: stride).map { shifted[$0] }
            let want = flatNumbers(wave["strided_values"])
            XCTAssertEqual(strided.count, want.count, ctx)
            let worst = zip(strided, want).map { abs($0 - $1) }.max() ?? .infinity
            XCTAssertLessThanOrEqual(worst, 1e-11, "\(ctx): waveform")
            let m = try AudioFeatureFunctions.compute(options, audio: shifted, sampleRate: sr)
            let features = BatchArray(float32: m.values, shape: m.shape)
            assertFeatures(features, e["log_mel_80"] as! [String: Any], tol: .exact, "\(ctx): log-mel 80")
        }
    }

    /// `random_permute=True` (defaults) with seeds whose draws select the pitch shift: same draws,
    /// same number of draws, features as the original's.
    func testRandomPermuteWithPitchShiftMatchesOriginal() throws {
        let entries = try fixture()["random_permute"] as? [[String: Any]] ?? []
        XCTAssertGreaterThanOrEqual(entries.count, 12)
        for e in entries {
            let id = e["id"] as! String, optionsJSON = e["options"] as! [String: Any]
            let seed = try XCTUnwrap(randomStateSeed(optionsJSON["random_state"]), id)
            let draws = e["random_state_uniform_draws"] as! [[Double]]
            XCTAssertEqual(draws.last.map { [$0[0], $0[1]] }, [-1, 1], "\(id): the last draw is the pitch step")
            let ex = ExtractAudioFeatures(options: try audioOptions(optionsJSON, id: id), randomSeed: seed)
            let bytes = try [UInt8](Data(contentsOf: audioFixtureDir().appendingPathComponent(e["file"] as! String)))
            let features = try ex.features(fromBytes: bytes)
            assertFeatures(features, e["result"] as! [String: Any], tol: .exact, id)
            // The replayed draws equal the logged ones (to the last bit but Foundation's JSON
            // parsing, which may round a double by an ulp), and extraction consumed exactly as many.
            var replay = RandomState(seed: seed)
            for d in draws { XCTAssertEqual(RandomPermute.uniform(&replay, d[0], d[1]), d[2], accuracy: 1e-15, id) }
            XCTAssertEqual(ex.randomState.randomSample(), replay.randomSample(), "\(id): number of draws")
        }
    }

    /// With the defaults, about one sequence in five draws a pitch shift; none may fail.
    func testRandomPermuteDefaultsNeverFail() throws {
        let bytes = try [UInt8](Data(contentsOf: audioFixtureDir().appendingPathComponent("audio/tones_a.wav")))
        var options = AudioFeatureOptions()
        options.kind = .log_mel_filterbank
        options.numFeatureFilters = 80
        options.randomPermute = try RandomPermuteOptions(.bool(true), context: "test")
        let ex = ExtractAudioFeatures(options: options, randomSeed: 3)
        var replay = RandomState(seed: UInt32(3)), pitchShifts = 0
        for i in 0..<40 {
            let a = try ex.features(fromBytes: bytes)
            XCTAssertEqual(a.shape.last, 80, "sequence \(i)")
            XCTAssertTrue(a.doubles().allSatisfy(\.isFinite), "sequence \(i)")
            pitchShifts += Self.replayDefaultDraws(&replay) ? 1 : 0
        }
        XCTAssertGreaterThanOrEqual(pitchShifts, 5, "the seed must exercise the pitch shift")
        XCTAssertEqual(ex.randomState.randomSample(), replay.randomSample(), "draw sequence")
    }

    /// The original's draw order with default options; true when the pitch shift is drawn.
    private static func replayDefaultDraws(_ rng: inout RandomState) -> Bool {
        _ = rng.randomSample()                              // gain
        if rng.randomSample() < 0.2 { _ = rng.randomSample() } // zoom switch, factor
        if rng.randomSample() < 0.2 { _ = rng.randomSample() } // stretch switch, rate
        guard rng.randomSample() < 0.2 else { return false }   // pitch switch
        _ = rng.randomSample()                              // n_steps
        return true
    }

    /// librosa keeps the input length for any input, also empty or shorter than one frame.
    func testPitchShiftOfTinyInputsKeepsTheLength() throws {
        for n in [0, 1, 5, 700] {
            let y = (0..<n).map { sin(Double($0) * 0.3) }
            let shifted = try PitchShift.apply(y, sampleRate: 16000, nSteps: 0.6)
            XCTAssertEqual(shifted.count, n)
            XCTAssertTrue(shifted.allSatisfy(\.isFinite), "\(n) samples")
        }
        XCTAssertEqual(try PitchShift.apply([0.5, -0.25], sampleRate: 16000, nSteps: 0).count, 2)
    }

    /// Any ratio libsoxr supports works, including simple ones (single-stage path) and pitch
    /// shifts by whole octaves; bad rates are clear errors.
    func testResampleAnyRatioAndBadRatesAreClearErrors() throws {
        let x = (0..<400).map { sin(Double($0) * 0.05) }
        for (a, b) in [(8000.0, 16000.0), (12000.0, 16000.0), (16000.0, 64000.0), (48000.0, 16000.0), (44100.0, 8000.0)] {
            let y = try Resampler.soxrHQ(x, inRate: a, outRate: b)
            XCTAssertEqual(y.count, Int((400 * b / a).rounded()), "\(a) → \(b)")
            XCTAssertTrue(y.allSatisfy(\.isFinite), "\(a) → \(b)")
        }
        XCTAssertEqual(try PitchShift.apply([0, 1, 0], sampleRate: 16000, nSteps: 12).count, 3)
        XCTAssertEqual(try PitchShift.apply([0, 1, 0], sampleRate: 16000, nSteps: -12).count, 3)
        XCTAssertEqual(try Resampler.soxrHQ([], inRate: 16000, outRate: 8000), [])
        XCTAssertThrowsError(try Resampler.soxrHQ(x, inRate: 1e-300, outRate: 1e300)) { e in
            XCTAssertTrue("\(e)".contains("too long"), "\(e)")
        }
        for (a, b) in [(0.0, 16000.0), (16000.0, -1.0), (Double.nan, 16000.0)] {
            XCTAssertThrowsError(try Resampler.soxrHQ(x, inRate: a, outRate: b)) { e in
                XCTAssertTrue("\(e)".contains("sample rates"), "\(e)")
            }
        }
    }
}
