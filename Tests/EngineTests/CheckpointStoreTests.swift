@testable import Engine
import Foundation
import Tensor
import XCTest

/// Model/optimizer checkpoints in safetensors, conversion of fixture F's `.pt` files, averaging
/// (against numpy float32 arithmetic) and preload_from_files renaming.
final class CheckpointStoreTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws { dir = try EngineTestSupport.temporaryDirectory("ckpt") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }


    func testFixtureFModelConvertsToSafetensorsAndBack() throws {
        let fixture = try FixtureF()
        let name = fixture.modelFiles.last!
        let original = try ModelCheckpoint.load(from: try fixture.path(name))
        XCTAssertEqual(original.epoch, fixture.info(name)["epoch"] as? Int)
        let epochText = String(try XCTUnwrap(original.epoch))
        let path = dir.appendingPathComponent("model.safetensors").path
        try original.save(to: path)
        let reloaded = try ModelCheckpoint.load(from: path)
        XCTAssertEqual(reloaded, original)
        XCTAssertEqual(try CheckpointFileKind.detect(path), .safetensors)
        // PyTorch users read the file with json + struct + numpy: the names, metadata and a value.
        let script = """
        import sys, json, struct, numpy as np
        raw = open(sys.argv[1], 'rb').read(); n = struct.unpack('<Q', raw[:8])[0]; h = json.loads(raw[8:8 + n])
        meta = h.pop('__metadata__'); w = h['0.weight']; b, e = w['data_offsets']
        v = np.frombuffer(raw[8 + n + b:8 + n + e], dtype='<f4').reshape(w['shape'])
        print(json.dumps({'meta': meta, 'names': sorted(h), 'w01': float(v[0, 1]), 'nbt': h['1.num_batches_tracked']['dtype']}))
        """
        let out = try XCTUnwrap(ExactJSON.parse(Data(try EngineTestSupport.python(script, [path]).utf8)) as? [String: Any])
        let meta = try XCTUnwrap(out["meta"] as? [String: Any])
        XCTAssertEqual(meta["epoch"] as? String, epochText)
        XCTAssertEqual(meta["step"] as? String, String(try XCTUnwrap(original.step)))
        XCTAssertEqual(meta["format"] as? String, "pt")
        XCTAssertEqual(out["names"] as? [String], original.parameters.map(\.name).sorted())
        XCTAssertEqual(Float(EngineTestSupport.number(out["w01"])!), original.parameters[0].float32Values()![1])
        XCTAssertEqual(out["nbt"] as? String, "I64")
    }

    func testFixtureFOptimizerConvertsToSafetensorsAndBack() throws {
        let fixture = try FixtureF()
        let name = fixture.optimizerFiles.last!
        var original = try OptimizerCheckpoint.load(from: try fixture.path(name))
        let parameterCount = (fixture.info(name)["state"] as? [String: Any])?.count ?? -1
        XCTAssertEqual(original.state.count, parameterCount)
        XCTAssertEqual(original.paramGroups.first?["lr"], .float(0.001))
        XCTAssertEqual(original.paramGroups.first?["betas"], .tuple([.float(0.9), .float(0.999)]))
        original.epoch = 3
        original.state.append(OptimizerParameterState(index: 9, names: ["momentum_buffer", "step"],
                                                      entries: ["momentum_buffer": .tensor(TensorRecord(name: "momentum_buffer", shape: [2], float32: [1, -2])),
                                                                "step": .number(12)]))
        let path = dir.appendingPathComponent("model.opt.safetensors").path
        try original.save(to: path)
        let reloaded = try OptimizerCheckpoint.load(from: path)
        XCTAssertEqual(reloaded.state, original.state)
        XCTAssertEqual(reloaded.epoch, 3)
        XCTAssertEqual(reloaded.paramGroups.count, 1)
        let group = try XCTUnwrap(reloaded.paramGroups.first)
        XCTAssertEqual(group.stringKeys, original.paramGroups[0].stringKeys, "hyper-parameter order kept")
        XCTAssertEqual(group["betas"], .list([.float(0.9), .float(0.999)]), "tuples come back as lists")
        XCTAssertEqual(group["eps"], .float(1e-08))
        XCTAssertEqual(group["foreach"], PickleValue.none)
        XCTAssertEqual(group["params"], .list((0..<parameterCount).map(PickleValue.int)))
    }

    func testModelFileIsRejectedAsOptimizer() throws {
        let path = dir.appendingPathComponent("m.safetensors").path
        try ModelCheckpoint(parameters: [TensorRecord(name: "w", shape: [1], float32: [1])], epoch: 1, step: 2).save(to: path)
        XCTAssertThrowsError(try OptimizerCheckpoint.load(from: path)) {
            XCTAssertTrue("\($0)".hasPrefix(path + ": not an optimizer checkpoint"), "\($0)")
        }
        XCTAssertThrowsError(try ModelCheckpoint.load(from: dir.appendingPathComponent("none").path)) {
            XCTAssertTrue("\($0)".contains("cannot open checkpoint"))
        }
    }

    /// Averaging fixture F's model files matches numpy's float32 sum-then-divide (ints become float32).
    func testFixtureFAveragingMatchesNumpy() throws {
        let fixture = try FixtureF()
        let checkpoints = try fixture.modelFiles.map { try ModelCheckpoint.load(from: try fixture.path($0)) }
        let averaged = try CheckpointAveraging.average(checkpoints)
        let epochs = checkpoints.compactMap(\.epoch)
        XCTAssertEqual(averaged.epoch, epochs.max())
        XCTAssertEqual(averaged.extraMetadata["merged_epochs"], "[" + epochs.map(String.init).joined(separator: ", ") + "]")
        let script = """
        import sys, json, numpy as np
        d = json.load(open(sys.argv[1]))['files']
        models = [d[name]['model'] for name in sys.argv[2:]]
        out = {}
        for i, entry in enumerate(models[0]):
            dt = np.float32 if entry['dtype'] == 'torch.float32' else np.int64
            s = np.array(models[0][i]['values'], dtype=dt)
            for m in models[1:]:
                s = s + np.array(m[i]['values'], dtype=dt)
            n = np.float32(len(models))
            r = (s / n).astype(np.float32) if dt == np.float32 else (s.astype(np.float32) / n)
            out[entry['name']] = [float(x) for x in np.asarray(r, dtype=np.float32).reshape(-1)]
        print(json.dumps(out))
        """
        let expected = try XCTUnwrap(ExactJSON.parse(Data(try EngineTestSupport.python(script, [fixture.folder.appendingPathComponent("F.expected.json").path] + fixture.modelFiles).utf8)) as? [String: [Any]])
        for record in averaged.parameters {
            XCTAssertEqual(record.dtype, .float32, record.name)
            XCTAssertEqual(record.float32Values(), expected[record.name]?.map { Float(EngineTestSupport.number($0)!) }, record.name)
        }
        let path = dir.appendingPathComponent("avg.safetensors").path
        try averaged.save(to: path)
        XCTAssertEqual(try ModelCheckpoint.load(from: path), averaged)
    }

    func testPreloadOptionsAndTransform() throws {
        let config = DictionaryConfig(["preload_from_files": .dict([
            (.string("a_enc"), .dict([(.string("filename"), .string("enc.pt")), (.string("prefix"), .string("encoder.")),
                                      (.string("ignore_params_prefixes"), .list([.string("encoder.out")])),
                                      (.string("var_name_mapping"), .dict([(.string("encoder.w2"), .string("encoder.w"))])),
                                      (.string("init_for_train"), .bool(true))])),
            (.string("b_lm"), .dict([(.string("filename"), .string("lm.pt")), (.string("ignore_missing"), .bool(true))])),
        ])])
        let entries = try PreloadOptions.fromConfig(config)
        XCTAssertEqual(entries.map(\.key), ["b_lm", "a_enc"], "reverse sorted: the first key is applied last")
        let enc = entries[1]
        XCTAssertTrue(enc.applies(task: "train", epoch: 1))
        XCTAssertFalse(enc.applies(task: "train", epoch: 2))
        XCTAssertFalse(entries[0].applies(task: "train", epoch: 1))
        XCTAssertTrue(entries[0].applies(task: "forward", epoch: 1))
        let records = ["w", "b", "out.w"].map { TensorRecord(name: $0, shape: [1], float32: [1]) }
        XCTAssertEqual(try enc.transform(records).map(\.name), ["encoder.b", "encoder.w2"])
        XCTAssertThrowsError(try enc.checkMissing(modelKeys: ["encoder.b", "encoder.w2", "encoder.x", "decoder.y"],
                                                  loadedKeys: ["encoder.b", "encoder.w2"])) {
            XCTAssertTrue("\($0)".contains("encoder.x") && !"\($0)".contains("decoder.y"), "\($0)")
        }
        let typo = DictionaryConfig(["preload_from_files": .dict([(.string("x"), .dict([(.string("filename"), .string("f")), (.string("prefx"), .string("a"))]))])])
        XCTAssertThrowsError(try PreloadOptions.fromConfig(typo)) {
            XCTAssertEqual("\($0)", "config setting 'preload_from_files': 'x': unknown option 'prefx' (did you mean 'prefix'?)")
        }
    }

    func testPlainJSONRoundTrip() throws {
        var dict = PickleDict()
        dict.set(.string("lr"), .float(0.1 + 0.2))
        dict.set(.string("tiny"), .float(Double.leastNonzeroMagnitude))
        dict.set(.string("n"), .float(.nan))
        dict.set(.string("i"), .float(-.infinity))
        dict.set(.string("q\"\n"), .list([.int(-3), .bool(true), .none, .string("ü")]))
        let text = try PlainJSON.encode(.dict(dict))
        let back = try XCTUnwrap(PlainJSON.decode(text).dictValue)
        XCTAssertEqual(back.stringKeys, dict.stringKeys)
        XCTAssertEqual(back["lr"], .float(0.30000000000000004))
        XCTAssertEqual(back["tiny"], .float(Double.leastNonzeroMagnitude))
        XCTAssertTrue(back["n"]?.doubleValue?.isNaN ?? false)
        XCTAssertEqual(back["i"], .float(-.infinity))
        XCTAssertEqual(back["q\"\n"], .list([.int(-3), .bool(true), .none, .string("ü")]))
        // Python's json module reads it (it accepts NaN/Infinity).
        let py = try EngineTestSupport.python("import sys, json; d = json.loads(sys.stdin.read()); print(repr(d['lr']), d['tiny'], d['q\"\\n'])", input: text)
        XCTAssertEqual(py, "0.30000000000000004 5e-324 [-3, True, None, 'ü']\n")
    }
}
