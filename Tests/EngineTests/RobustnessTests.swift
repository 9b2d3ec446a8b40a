import Datasets
@testable import Engine
import Foundation
import Tensor
import XCTest

/// Damaged inputs must end in thrown errors, never in a crash: seeded byte flips and truncations
/// of a torch checkpoint (zip + pickle), a safetensors file and a learning_rates file.
final class RobustnessTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws { dir = try EngineTestSupport.temporaryDirectory("fuzz") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// Loads every mutation of `original` with `load`; counts how many were rejected.
    private func mutate(_ original: [UInt8], rounds: Int, seed: UInt64, load: (String) throws -> Void) throws -> Int {
        var rng = SplitMix64(seed: seed)
        var rejected = 0
        let path = dir.appendingPathComponent("mutant").path
        for round in 0..<rounds {
            var bytes = original
            if round % 4 == 3 {
                bytes = Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count))))
            } else {
                for _ in 0..<(1 + Int(rng.next() % 4)) {
                    bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next())
                }
            }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            do { try load(path) } catch { rejected += 1 }
        }
        return rejected
    }

    func testDamagedTorchCheckpointsNeverCrash() throws {
        let fixture = try FixtureF()
        for name in [fixture.modelFiles.last!, fixture.optimizerFiles.last!] {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: try fixture.path(name))))
            let rejected = try mutate(bytes, rounds: 400, seed: 11) { path in
                if name.hasSuffix(".opt.pt") { _ = try TorchOptimizerCheckpoint(path: path) } else { _ = try TorchModelCheckpoint(path: path) }
            }
            XCTAssertGreaterThan(rejected, 100, name)
        }
    }

    /// Flips inside data.pkl only (after fixing its CRC), so the unpickler itself sees the damage.
    func testDamagedPicklesNeverCrash() throws {
        let fixture = try FixtureF()
        let name = fixture.optimizerFiles.last!
        let pickle = try TorchCheckpointFile.pickleBytes(of: try fixture.path(name))
        var rng = SplitMix64(seed: 5)
        var rejected = 0
        for round in 0..<1500 {
            var bytes = pickle
            if round % 3 == 2 {
                bytes = Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count))))
            } else {
                bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next())
            }
            do { _ = try RestrictedUnpickler.load(bytes, path: "fuzz") } catch { rejected += 1 }
        }
        XCTAssertGreaterThan(rejected, 500)
    }

    func testDamagedDeflateZipsNeverCrash() throws {
        let folder = EngineTestSupport.fixturesRoot().appendingPathComponent("E")
        let zipName = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: folder.path).first { $0.hasSuffix(".zip") })
        let bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent(zipName)))
        let rejected = try mutate(bytes, rounds: 600, seed: 23) { path in
            let archive = try ZipArchive(path: path)
            for entry in archive.entries { _ = try archive.read(entry) }
        }
        XCTAssertGreaterThan(rejected, 150)
    }

    func testDamagedSafetensorsNeverCrash() throws {
        let path = dir.appendingPathComponent("ok.safetensors").path
        try Safetensors.write([TensorRecord(name: "a", shape: [3, 2], float32: [1, 2, 3, 4, 5, 6]),
                               TensorRecord(name: "b", shape: [], int64: [7])], metadata: ["epoch": "1"], to: path)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let rejected = try mutate(bytes, rounds: 600, seed: 3) { _ = try Safetensors.read($0) }
        XCTAssertGreaterThan(rejected, 150)
    }

    func testDamagedLearningRateFilesNeverCrash() throws {
        let fixture = try EngineTestSupport.expectedFiles(in: "D")[0]
        let expected = try EngineTestSupport.jsonObject(fixture)
        let text = Array(try XCTUnwrap(expected["file_text"] as? String).utf8)
        var rng = SplitMix64(seed: 17)
        var rejected = 0
        for round in 0..<1500 {
            var bytes = text
            if round % 3 == 2 {
                bytes = Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count))))
            } else {
                bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(32 + rng.next() % 95)
            }
            do { _ = try LearningRateFileParser.parse(String(decoding: bytes, as: UTF8.self), file: "lr") } catch { rejected += 1 }
        }
        XCTAssertGreaterThan(rejected, 500)
    }

    /// A tensor whose size overflows Int is refused with an error (the bounds check must not trap).
    func testHugeTensorShapeIsAnError() {
        func text(_ s: String) -> [UInt8] { Array(s.utf8) }
        func unicode(_ s: String) -> [UInt8] { [0x58] + [UInt8(s.utf8.count), 0, 0, 0] + text(s) }
        let huge: [UInt8] = [0x8A, 8, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x3F]  // LONG1 2^62-1
        var p: [UInt8] = [0x80, 2]
        p += [0x63] + text("torch._utils\n_rebuild_tensor_v2\n") + [0x28, 0x28]
        p += unicode("storage") + [0x63] + text("torch\nFloatStorage\n") + unicode("0") + unicode("cpu") + [0x4B, 4, 0x74, 0x51]
        p += [0x4B, 0] + huge + huge + [0x86] + [0x4B, 2, 0x4B, 1, 0x86] + [0x89]
        p += [0x63] + text("collections\nOrderedDict\n") + [0x29, 0x52, 0x74, 0x52, 0x2E]
        XCTAssertThrowsError(try RestrictedUnpickler.load(p, path: "huge.pkl")) {
            XCTAssertTrue("\($0)".contains("too large"), "\($0)")
        }
    }
}
