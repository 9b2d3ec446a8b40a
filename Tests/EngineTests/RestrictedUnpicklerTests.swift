@testable import Engine
import Foundation
import Tensor
import XCTest

/// Torch-format checkpoints written by python3 with a stand-in `torch` module (the real pickle
/// layout: GLOBAL torch._utils._rebuild_tensor_v2, persistent storage ids), and hostile pickles.
final class RestrictedUnpicklerTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws { dir = try EngineTestSupport.temporaryDirectory("pickle") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// Writes `<dir>/<name>.pt` holding `expr` (Python, may use T(...) tensors); prints expected values.
    private static let fakeTorch = """
    import sys, types, pickle, zipfile, collections, json, numpy as np
    torch = types.ModuleType('torch'); utils = types.ModuleType('torch._utils'); torch._utils = utils
    sys.modules['torch'] = torch; sys.modules['torch._utils'] = utils
    def _rebuild_tensor_v2(*args): pass
    _rebuild_tensor_v2.__module__ = 'torch._utils'; utils._rebuild_tensor_v2 = _rebuild_tensor_v2
    TYPES = {'FloatStorage': '<f4', 'DoubleStorage': '<f8', 'LongStorage': '<i8', 'IntStorage': '<i4', 'BoolStorage': '?', 'ByteStorage': 'u1'}
    for n in TYPES:
        c = type(n, (), {}); c.__module__ = 'torch'; setattr(torch, n, c)
    class Storage:
        def __init__(self, key, kind, values):
            self.key, self.kind, self.array = key, kind, np.array(values, dtype=TYPES[kind])
    class T:
        def __init__(self, storage, offset, size, stride):
            self.storage, self.offset, self.size, self.stride = storage, offset, tuple(size), tuple(stride)
        def __reduce__(self):
            return (_rebuild_tensor_v2, (self.storage, self.offset, self.size, self.stride, False, collections.OrderedDict()))
        def values(self):
            a = self.storage.array
            v = np.lib.stride_tricks.as_strided(a[self.offset:], self.size, tuple(s * a.itemsize for s in self.stride))
            return v.reshape(-1).tolist()
    class P(pickle.Pickler):
        def persistent_id(self, obj):
            if isinstance(obj, Storage):
                return ('storage', getattr(torch, obj.kind), obj.key, 'cpu', obj.array.size)
    def save(path, obj, storages, compress=zipfile.ZIP_STORED):
        import io
        buf = io.BytesIO(); P(buf, protocol=2).dump(obj)
        with zipfile.ZipFile(path, 'w', compression=compress) as z:
            z.writestr('archive/data.pkl', buf.getvalue())
            z.writestr('archive/byteorder', 'little')
            for s in storages: z.writestr('archive/data/' + s.key, s.array.tobytes())
            z.writestr('archive/version', '3\\n')
    """

    func testStridedSharedAndTypedStorages() throws {
        let path = dir.appendingPathComponent("custom.pt").path
        let script = Self.fakeTorch + "\n" + """
        s0 = Storage('0', 'FloatStorage', [float(i) / 8 for i in range(12)])
        s1 = Storage('1', 'LongStorage', [7, -3, 1 << 40])
        s2 = Storage('2', 'DoubleStorage', [0.1, 0.2])
        s3 = Storage('3', 'BoolStorage', [True, False, True])
        tensors = collections.OrderedDict()
        tensors['w'] = T(s0, 0, (3, 4), (4, 1))
        tensors['w_t'] = T(s0, 0, (4, 3), (1, 4))
        tensors['row'] = T(s0, 5, (3,), (1,))
        tensors['n'] = T(s1, 2, (), ())
        tensors['ids'] = T(s1, 0, (3,), (1,))
        tensors['d'] = T(s2, 0, (2,), (1,))
        tensors['m'] = T(s3, 0, (3,), (1,))
        tensors._metadata = collections.OrderedDict([('', {'version': 1}), ('enc', {'version': 2})])
        obj = {'model': tensors, 'epoch': 7, 'step': 70, 'extra': [1.5, None, (True, 'x')]}
        save(sys.argv[1], obj, [s0, s1, s2, s3], zipfile.ZIP_DEFLATED)
        print(json.dumps({k: t.values() for k, t in tensors.items()}))
        """
        let output = try EngineTestSupport.python(script, [path])
        let expected = try XCTUnwrap(ExactJSON.parse(Data(output.utf8)) as? [String: Any])
        let checkpoint = try TorchModelCheckpoint(path: path)
        XCTAssertEqual(checkpoint.epoch, 7)
        XCTAssertEqual(checkpoint.step, 70)
        XCTAssertEqual(checkpoint.parameters.map(\.name), ["w", "w_t", "row", "n", "ids", "d", "m"])
        XCTAssertEqual(checkpoint.moduleVersions, ["": 1, "enc": 2])
        XCTAssertEqual(checkpoint.topLevel["extra"], .list([.float(1.5), .none, .tuple([.bool(true), .string("x")])]))
        XCTAssertEqual(checkpoint.tensorRefs["w_t"]?.stride, [1, 4])
        XCTAssertEqual(checkpoint.tensorRefs["w_t"]?.isContiguous, false)
        for record in checkpoint.parameters {
            let want = (expected[record.name] as? [Any]) ?? [expected[record.name] as Any]
            switch record.dtype {
            case .float32: XCTAssertEqual(record.float32Values(), want.map { Float(EngineTestSupport.number($0)!) }, record.name)
            case .float64: XCTAssertEqual(record.doubleValues(), want.map { EngineTestSupport.number($0)! }, record.name)
            case .int64: XCTAssertEqual(record.integerValues(), want.map { Int64($0 as! Int) }, record.name)
            case .bool: XCTAssertEqual(record.bytes, want.map { ($0 as! Bool) ? 1 : 0 }, record.name)
            default: XCTFail("dtype \(record.dtype)")
            }
        }
        XCTAssertEqual(checkpoint.parameters[3].shape, [], "0-d tensor")
    }

    /// Pickles that would run code or build arbitrary objects are refused before anything happens.
    func testHostilePicklesAreRefused() throws {
        let marker = dir.appendingPathComponent("pwned").path
        let script = Self.fakeTorch + "\n" + """
        import os
        class Evil:
            def __reduce__(self): return (os.system, ('touch ' + sys.argv[2],))
        class Obj:
            pass
        class EvalCall:
            def __reduce__(self): return (eval, ('1+1',))
        base = sys.argv[1]
        save(base + '/system.pt', {'model': Evil()}, [])
        save(base + '/eval.pt', {'epoch': EvalCall()}, [])
        save(base + '/object.pt', {'model': Obj()}, [])
        for proto, name in [(0, 'proto0'), (4, 'proto4')]:
            with zipfile.ZipFile(base + '/' + name + '.pt', 'w') as z:
                z.writestr('archive/data.pkl', pickle.dumps({'model': Evil()}, protocol=proto))
        """
        try EngineTestSupport.python(script, [dir.path, marker])
        let cases = [("system.pt", "refused global 'posix.system'"), ("eval.pt", "refused global '__builtin__.eval'"),
                     ("object.pt", "refused global"), ("proto0.pt", "refused"), ("proto4.pt", "refused global 'posix.system'")]
        for (name, message) in cases {
            let path = dir.appendingPathComponent(name).path
            XCTAssertThrowsError(try TorchModelCheckpoint(path: path), name) { error in
                XCTAssertTrue(error is CheckpointError, "\(name): \(error)")
                XCTAssertTrue("\(error)".hasPrefix(path + ": pickle data.pkl at byte "), "\(name): \(error)")
                XCTAssertTrue("\(error)".contains(message), "\(name): \(error)")
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker), "no code ran")
    }

    func testDamagedCheckpointsNameTheFile() throws {
        let fixture = try FixtureF()
        let name = fixture.modelFiles.last!
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: try fixture.path(name))))
        let notZip = dir.appendingPathComponent("text.pt").path
        try Data("hello".utf8).write(to: URL(fileURLWithPath: notZip))
        XCTAssertThrowsError(try TorchModelCheckpoint(path: notZip)) {
            XCTAssertEqual("\($0)", "\(notZip): not a PyTorch zip checkpoint (legacy torch.save files and other formats are not supported)")
        }
        // Truncate the pickle's STOP: flip the last byte of data.pkl (stored uncompressed) → CRC error names the member.
        let pkl = try XCTUnwrap(TorchCheckpointFileTestHelper.range(of: String(name.dropLast(3)) + "/data.pkl", in: bytes))
        bytes[pkl.upperBound + 100] ^= 0xFF
        let flipped = dir.appendingPathComponent("flipped.pt").path
        try Data(bytes).write(to: URL(fileURLWithPath: flipped))
        XCTAssertThrowsError(try TorchModelCheckpoint(path: flipped)) { error in
            XCTAssertTrue("\(error)".contains(flipped) && "\(error)".contains("data.pkl"), "\(error)")
        }
        let truncated = RestrictedUnpicklerTestsPickles.truncated
        XCTAssertThrowsError(try RestrictedUnpickler.load(truncated, path: "t.pkl")) { error in
            XCTAssertTrue("\(error)".hasPrefix("t.pkl: pickle data.pkl at byte"), "\(error)")
        }
    }
}

enum RestrictedUnpicklerTestsPickles {
    /// `{'a': 1` without SETITEMS and STOP.
    static let truncated: [UInt8] = [0x80, 0x02, 0x7D, 0x28, 0x58, 0x01, 0, 0, 0, 0x61, 0x4B, 0x01]
}

enum TorchCheckpointFileTestHelper {
    static func range(of text: String, in bytes: [UInt8]) -> Range<Int>? {
        let needle = Array(text.utf8)
        guard let start = (0...(bytes.count - needle.count)).first(where: { Array(bytes[$0..<($0 + needle.count)]) == needle }) else { return nil }
        return start..<(start + needle.count)
    }
}
