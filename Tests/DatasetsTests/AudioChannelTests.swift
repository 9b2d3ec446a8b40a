import Foundation
import XCTest
@testable import Datasets

/// Multi-channel raw waveforms and directory corpora, with python3's `wave`/`zipfile` as the oracle.
final class AudioChannelTests: XCTestCase {
    /// A stereo 16-bit WAV written by python's `wave` module, and its samples as python reads them.
    private func stereoWav() throws -> (bytes: [UInt8], ints: [Int16]) {
        let dir = try ZipTestSupport.temporaryDirectory("audio-stereo")
        let path = dir.appendingPathComponent("st.wav").path
        try ZipTestSupport.python("""
            import sys, wave, struct, random
            random.seed(3)
            vals = [random.randint(-32768, 32767) for _ in range(2 * 500)]
            with wave.open(sys.argv[1], 'wb') as w:
                w.setnchannels(2); w.setsampwidth(2); w.setframerate(8000)
                w.writeframes(struct.pack('<%dh' % len(vals), *vals))
            open(sys.argv[1] + '.txt', 'w').write(' '.join(map(str, vals)))
            """, [path])
        let ints = try String(contentsOfFile: path + ".txt", encoding: .utf8).split(separator: " ").map { Int16($0)! }
        return (try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))), ints)
    }

    func testStereoRawWithNumChannels() throws {
        let (bytes, ints) = try stereoWav()
        let audio = try AudioDecoder.decode(bytes)
        XCTAssertEqual(audio.channels, 2)
        XCTAssertEqual(audio.samples, ints.map { Double($0) / 32768 })
        let o = try AudioFeatureOptions(options: ["features": "raw", "num_channels": 2, "peak_normalization": false], context: "t")
        let a = try ExtractAudioFeatures(options: o).features(fromBytes: bytes)
        XCTAssertEqual(a.shape, [500, 2, 1])
        XCTAssertEqual(a.elements(as: Float.self), ints.map { Float(Double($0) / 32768) })
    }

    func testStereoNeedsRawWithChannels() throws {
        let (bytes, _) = try stereoWav()
        for audio: OptionValue in [["features": "mfcc"], ["features": "raw"]] {
            let o = try AudioFeatureOptions(options: audio, context: "t")
            XCTAssertThrowsError(try ExtractAudioFeatures(options: o).features(fromBytes: bytes)) {
                XCTAssertTrue("\($0)".contains("2 channels"), "\($0)")
            }
        }
        XCTAssertThrowsError(try AudioFeatureOptions(options: ["features": "mfcc", "num_channels": 2], context: "t"))
    }

    func testDirectoryCorpusReadsSameFeaturesAsZip() throws {
        let zip = audioFixtureDir().appendingPathComponent("G_corpus.zip").path
        let dir = try ZipTestSupport.temporaryDirectory("audio-dir")
        try ZipTestSupport.python("import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])", [zip, dir.path])
        let audio: OptionValue = ["features": "log_mel_filterbank", "num_feature_filters": 8]
        let fromZip = try Dataset.create(options: ["class": "OggZipDataset", "path": .string(zip), "audio": audio, "targets": nil])
        let fromDir = try Dataset.create(options: ["class": "OggZipDataset", "path": .string(dir.appendingPathComponent("G_corpus").path),
                                                   "audio": audio, "targets": nil])
        try fromZip.initSeqOrder(epoch: 1)
        try fromDir.initSeqOrder(epoch: 1)
        XCTAssertEqual(fromDir.numSeqs, 5)
        for i in 0..<5 { XCTAssertEqual(try fromDir.getData(i, "data"), try fromZip.getData(i, "data"), "seq \(i)") }
    }
}
