import Foundation
import XCTest
@testable import Datasets

/// Decoding and `ExtractAudioFeatures` against the G fixtures (the original's numbers).
final class AudioFixtureTests: XCTestCase {
    /// Every `G_features.*.expected.json` of the fixture folder.
    private func featureFixtures() throws -> [(url: URL, json: [String: Any])] {
        let found = try discoverFixtures(withKey: "signal").filter { $0.url.lastPathComponent.hasPrefix("G_features.") }
        XCTAssertFalse(found.isEmpty, "no G feature fixtures")
        return found
    }

    func testDecodeMatchesOriginal() throws {
        let json = try loadAudioFixture("G_decode.expected.json")
        let files = json["files"] as? [[String: Any]] ?? []
        XCTAssertEqual(files.count, 12)
        for f in files {
            let name = f["file"] as! String
            let bytes = try [UInt8](Data(contentsOf: audioFixtureDir().appendingPathComponent(name)))
            let audio = try AudioDecoder.decode(bytes)
            let info = f["soundfile_info"] as! [String: Any]
            XCTAssertEqual(audio.sampleRate, (info["samplerate"] as! NSNumber).intValue, name)
            XCTAssertEqual(audio.channels, (info["channels"] as! NSNumber).intValue, name)
            XCTAssertEqual(audio.frames, (info["frames"] as! NSNumber).intValue, name)
            XCTAssertEqual(audio.format, info["format"] as? String, name)
            let d = f["decoded"] as! [String: Any]
            let exact = f["format"] as? String != "ogg"
            let tol = exact ? 0.0 : 5e-7
            func near(_ got: [Double], _ want: [Double], _ what: String, scale: Double = 1) {
                XCTAssertEqual(got.count, want.count, "\(name) \(what)")
                let worst = zip(got, want).map { abs($0 - $1) }.max() ?? 0
                XCTAssertLessThanOrEqual(worst, tol * scale + (exact ? 1e-12 * scale : 0), "\(name) \(what)")
            }
            let s = audio.samples
            near(Array(s.prefix(50)), flatNumbers(d["first_50"]), "first_50")
            near(Array(s.suffix(10)), flatNumbers(d["last_10"]), "last_10")
            near([s.reduce(0, +)], flatNumbers(d["sum"]), "sum", scale: Double(s.count))
            near([s.reduce(0) { $0 + abs($1) }], flatNumbers(d["sum_abs"]), "sum_abs", scale: Double(s.count))
            near([s.min()!, s.max()!], flatNumbers(d["min"]) + flatNumbers(d["max"]), "min/max")
            if let ints = d["values_int16"] {
                XCTAssertEqual(s.map { $0 * 32768 }, flatNumbers(ints), "\(name) all samples")
            }
            if let floats = d["values_float32"] { near(s, flatNumbers(floats), "all samples") }
            if exact {
                let argmax = s.indices.max { abs(s[$0]) < abs(s[$1]) }
                XCTAssertEqual(argmax, (d["argmax_abs"] as! NSNumber).intValue, name)
            }
        }
    }

    func testFeatureOptionSetsMatchOriginal() throws {
        var checked = 0, errors = 0
        for c in try featureFixtures() {
            for source in ["wav", "ogg"] {
                for entry in c.json[source] as? [[String: Any]] ?? [] {
                    let id = "\(c.url.lastPathComponent) \(source) \(entry["id"] as! String)"
                    let bytes = try [UInt8](Data(contentsOf: audioFixtureDir().appendingPathComponent(entry["file"] as! String)))
                    let outcome = Result { () throws -> BatchArray in
                        let o = try audioOptions(entry["options"] as! [String: Any], id: id)
                        let ex = ExtractAudioFeatures(options: o, randomSeed: randomStateSeed((entry["options"] as! [String: Any])["random_state"]) ?? 1)
                        if let dim = entry["feature_dimension"] as? NSNumber { XCTAssertEqual(ex.featureDimension, dim.intValue, id) }
                        return try ex.features(fromBytes: bytes)
                    }
                    if let err = entry["error"] as? [String: Any] {
                        if case .success = outcome { XCTFail("\(id): the original raises \(err), mrsh did not") }
                        errors += 1
                        continue
                    }
                    if (entry["id"] as! String).hasPrefix("f0.") {
                        // f0 (pyworld) is not implemented: a clear error instead of numbers.
                        if case .success = outcome { XCTFail("\(id): f0 should report that it is not supported") }
                        continue
                    }
                    switch outcome {
                    case .success(let a):
                        assertFeatures(a, entry["result"] as! [String: Any], tol: source == "wav" ? .exact : .ogg(entry["id"] as! String), id)
                        checked += 1
                    case .failure(let e):
                        XCTFail("\(id): \(e)")
                    }
                }
            }
        }
        XCTAssertGreaterThan(checked, 80)
        XCTAssertGreaterThan(errors, 8)
    }

    /// The float32 Slaney mel weights and the periodic Hann window, bit for bit.
    func testMelWeightsAndWindowMatchLibrosa() throws {
        let json = try loadAudioFixture("G_librosa_internals.json")
        let mels = json["mel"] as? [[String: Any]] ?? []
        XCTAssertGreaterThanOrEqual(mels.count, 3)
        for m in mels {
            let nFFT = (m["n_fft"] as! NSNumber).intValue, nMels = (m["n_mels"] as! NSNumber).intValue
            let fb = MelFilterbank(sampleRate: 16000, nFFT: nFFT, numMels: nMels, fmin: (m["fmin"] as? NSNumber)?.doubleValue ?? 0,
                                   fmax: (m["fmax"] as? NSNumber)?.doubleValue)
            var expected = [Float](repeating: 0, count: nMels * fb.numBins)
            for (i, f) in (m["filters"] as! [[String: Any]]).enumerated() {
                let start = (f["start"] as! NSNumber).intValue
                for (k, w) in flatNumbers(f["weights"]).enumerated() { expected[i * fb.numBins + start + k] = Float(w) }
            }
            XCTAssertEqual(fb.weights.map { Float($0) }, expected, "n_fft \(nFFT) n_mels \(nMels)")
        }
        for w in json["window"] as? [[String: Any]] ?? [] {
            let hann = Spectrogram.hann((w["win_length"] as! NSNumber).intValue)
            for (g, e) in zip(hann.prefix(5), flatNumbers(w["first_5"])) { XCTAssertEqual(g, e, accuracy: 1e-17) }
            XCTAssertEqual(hann.reduce(0, +), (w["sum"] as! NSNumber).doubleValue, accuracy: 1e-9)
        }
    }
}
