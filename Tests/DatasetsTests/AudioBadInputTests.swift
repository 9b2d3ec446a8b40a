import Foundation
import XCTest
@testable import Datasets

/// Bad audio input: errors name the zip, the member and the sequence.
final class AudioBadInputTests: XCTestCase {
    private func audioBytes(_ name: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: audioFixtureDir().appendingPathComponent("audio/\(name)")))
    }

    /// Writes `bad.zip` holding `bad.txt` (one entry per member, tags `seq-<i>`) and `bad/<name>` members.
    private func makeZip(_ members: [(name: String, bytes: [UInt8])], listed extra: [String] = []) throws -> String {
        let dir = try ZipTestSupport.temporaryDirectory("audio-bad")
        let names = members.map(\.name) + extra
        let index = "[\n" + names.enumerated().map { i, n in
            "{'text': 'x', 'duration': 0.4, 'file': '\(n)', 'seq_name': 'seq-\(i)'},\n"
        }.joined() + "]\n"
        try index.write(to: dir.appendingPathComponent("bad.txt"), atomically: true, encoding: .utf8)
        for m in members { try Data(m.bytes).write(to: dir.appendingPathComponent(m.name)) }
        let zip = dir.appendingPathComponent("bad.zip").path
        try ZipTestSupport.python("""
            import sys, zipfile, os
            d, out = sys.argv[1], sys.argv[2]
            with zipfile.ZipFile(out, 'w') as z:
                z.write(os.path.join(d, 'bad.txt'), 'bad.txt')
                for n in sys.argv[3:]:
                    z.write(os.path.join(d, n), 'bad/' + n)
            """, [dir.path, zip] + members.map(\.name))
        return zip
    }

    private func dataset(_ zip: String, audio: OptionValue = [:]) throws -> Dataset {
        let ds = try Dataset.create(options: ["class": "OggZipDataset", "path": .string(zip), "audio": audio, "targets": nil])
        try ds.initSeqOrder(epoch: 1)
        return ds
    }

    private func assertNames(_ error: Error, _ parts: [String], _ ctx: String) {
        for p in parts { XCTAssertTrue("\(error)".contains(p), "\(ctx): '\(p)' missing in: \(error)") }
    }

    func testCorruptMemberNamesZipMemberAndSequence() throws {
        let zip = try makeZip([("good.wav", try audioBytes("tones_a.wav")), ("junk.ogg", Array("this is not audio".utf8))])
        let ds = try dataset(zip)
        XCTAssertNoThrow(try ds.getData(0, "data"))
        XCTAssertThrowsError(try ds.getData(1, "data")) { assertNames($0, [zip, "bad/junk.ogg", "seq-1", "cannot decode"], "corrupt") }
    }

    func testTruncatedMembersAreErrors() throws {
        var members: [(name: String, bytes: [UInt8])] = []
        for name in ["tones_a.wav", "tones_a.flac", "tones_a.ogg"] {
            let b = try audioBytes(name)
            members.append((name, Array(b.prefix(b.count * 9 / 10))))
        }
        let zip = try makeZip(members)
        let ds = try dataset(zip)
        for (i, m) in members.enumerated() {
            XCTAssertThrowsError(try ds.getData(i, "data")) { assertNames($0, [zip, "bad/\(m.name)", "seq-\(i)", "truncated"], m.name) }
        }
    }

    func testMemberMissingFromZip() throws {
        let zip = try makeZip([("good.wav", try audioBytes("tones_a.wav"))], listed: ["gone.wav"])
        let ds = try dataset(zip)
        XCTAssertThrowsError(try ds.getData(1, "data")) { assertNames($0, [zip, "bad/gone.wav", "seq-1", "missing"], "missing") }
    }

    func testUnknownFeatureAndBadOptions() throws {
        let zip = try makeZip([("good.wav", try audioBytes("tones_a.wav"))])
        let cases: [(OptionValue, String)] = [
            (["features": "log_mel"], "non-supported feature type 'log_mel'"),
            (["features": "raw_ogg"], "explicitly specify num_feature_filters"),
            (["features": "f0", "num_feature_filters": 1], "not supported"),
            (["features": "log_mel_filterbank", "feature_options": ["fmin": 50]], "takes no option 'fmin'"),
            (["features": "mfcc", "window_length": 0.02], "did you mean 'window_len'"),
            (["features": "mfcc", "random_permute": ["rnd_zoom_swich": 0.0]], "rnd_zoom_swich"),
        ]
        for (audio, text) in cases {
            XCTAssertThrowsError(try dataset(zip, audio: audio)) { assertNames($0, [zip, text], "\(audio)") }
        }
    }

    func testExtractionErrorsNameTheSequence() throws {
        let zip = try makeZip([("good.wav", try audioBytes("tones_a.wav"))])
        let cases: [(OptionValue, String)] = [
            (["features": "mfcc", "sample_rate": 8000], "no conversion"),
            (["features": "linear_spectrogram"], "2·num_feature_filters"),
            (["features": "mfcc", "with_delta": 1, "window_len": 0.2, "step_len": 0.2, "feature_options": ["center": false]], "at least 9 frames"),
            (["features": "mfcc", "num_feature_filters": 200], "exceeds n_mels"),
        ]
        for (audio, text) in cases {
            let ds = try dataset(zip, audio: audio)
            XCTAssertThrowsError(try ds.getData(0, "data")) { assertNames($0, [zip, "bad/good.wav", "seq-0", text], "\(audio)") }
        }
    }

    func testWavShortfallOfIntactFileIsNil() throws {
        XCTAssertNil(AudioDecoder.wavDataShortfall(try audioBytes("tones_a.wav")))
    }
}
