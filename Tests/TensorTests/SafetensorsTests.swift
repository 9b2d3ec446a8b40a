import Foundation
import Tensor
import XCTest

/// Safetensors files checked with python3 + numpy only (json, struct, frombuffer) as the reader/writer oracle.
final class SafetensorsTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("mrsh-st-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private func python(_ script: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "python3", code: 1, userInfo: [NSLocalizedDescriptionKey: String(decoding: errors, as: UTF8.self)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// A state dict like a small model's, with every dtype the engine stores and edge shapes.
    private func sampleRecords() -> [TensorRecord] {
        var weights: [Float] = []
        var state: UInt32 = 12345
        for _ in 0..<(4 * 3) {
            state = state &* 1_664_525 &+ 1_013_904_223
            weights.append(Float(Int32(bitPattern: state)) / Float(Int32.max))
        }
        return [
            TensorRecord(name: "encoder.0.weight", shape: [4, 3], float32: weights),
            TensorRecord(name: "encoder.0.bias", shape: [4], float32: [0.5, -1.25, 3e-8, .infinity]),
            TensorRecord(name: "bn.num_batches_tracked", shape: [], int64: [5]),
            TensorRecord(name: "ids", dtype: .int32, shape: [2, 2], bytes: [1, 0, 0, 0, 255, 255, 255, 255, 7, 0, 0, 0, 0, 0, 0, 128]),
            TensorRecord(name: "mask", dtype: .bool, shape: [3], bytes: [1, 0, 1]),
            TensorRecord(name: "empty", shape: [0, 5], float32: []),
            TensorRecord(name: "d", dtype: .float64, shape: [1], bytes: [0, 0, 0, 0, 0, 0, 0xF0, 0x3F]),
            TensorRecord(name: "ünï \"q\"", dtype: .uint8, shape: [2], bytes: [9, 200]),
        ]
    }

    func testWrittenFileReadsBackWithPythonNumpy() throws {
        let path = dir.appendingPathComponent("model.001.safetensors").path
        let records = sampleRecords()
        try Safetensors.write(records, metadata: ["epoch": "1", "step": "5", "format": "pt"], to: path)
        let script = """
        import sys, json, struct, numpy as np
        raw = open(sys.argv[1], 'rb').read()
        n = struct.unpack('<Q', raw[:8])[0]
        assert n % 8 == 0, 'header padded to 8 bytes'
        header = json.loads(raw[8:8 + n])
        data = raw[8 + n:]
        types = {'F32': '<f4', 'F64': '<f8', 'I64': '<i8', 'I32': '<i4', 'BOOL': '?', 'U8': 'u1'}
        out = {'metadata': header.pop('__metadata__'), 'tensors': {}}
        for name, info in header.items():
            b, e = info['data_offsets']
            a = np.frombuffer(data[b:e], dtype=types[info['dtype']]).reshape(info['shape'])
            out['tensors'][name] = {'dtype': info['dtype'], 'shape': list(a.shape),
                                    'values': [repr(x) for x in a.reshape(-1).tolist()]}
        print(json.dumps(out))
        """
        let output = try python(script, [path])
        let result = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        XCTAssertEqual(result["metadata"] as? [String: String], ["epoch": "1", "step": "5", "format": "pt"])
        let tensors = try XCTUnwrap(result["tensors"] as? [String: [String: Any]])
        XCTAssertEqual(Set(tensors.keys), Set(records.map(\.name)))
        for record in records {
            let t = try XCTUnwrap(tensors[record.name], record.name)
            XCTAssertEqual(t["dtype"] as? String, record.dtype.safetensorsName)
            XCTAssertEqual(t["shape"] as? [Int], record.shape, record.name)
            XCTAssertEqual(t["values"] as? [String], pythonValues(record), record.name)
        }
    }

    /// Python's repr of each element, as numpy's tolist() gives them.
    private func pythonValues(_ record: TensorRecord) -> [String] {
        switch record.dtype {
        case .float32, .float64:
            return record.doubleValues()!.map { $0.isInfinite ? ($0 > 0 ? "inf" : "-inf") : Self.pyFloat($0) }
        case .bool: return record.bytes.map { $0 != 0 ? "True" : "False" }
        default: return record.integerValues()!.map(String.init)
        }
    }

    private static func pyFloat(_ d: Double) -> String {
        let s = d.description
        if let e = s.firstIndex(of: "e") {
            let mantissa = s[..<e].hasSuffix(".0") ? String(s[..<e].dropLast(2)) : String(s[..<e])
            return mantissa + s[e...]
        }
        return s
    }

    func testReadsFileWrittenByPython() throws {
        let path = dir.appendingPathComponent("py.safetensors").path
        let script = """
        import sys, json, struct, numpy as np
        a = np.arange(6, dtype='<f4').reshape(2, 3) / 7
        b = np.array([-3, 1 << 40], dtype='<i8')
        c = np.array(2.5, dtype='<f4')
        blobs, header, off = [], {'__metadata__': {'epoch': '3'}}, 0
        for name, arr, dt in [('z.b', b, 'I64'), ('a.w', a, 'F32'), ('c', c, 'F32')]:
            raw = arr.tobytes()
            header[name] = {'dtype': dt, 'shape': list(arr.shape), 'data_offsets': [off, off + len(raw)]}
            blobs.append(raw); off += len(raw)
        h = json.dumps(header).encode()
        h += b' ' * (-len(h) % 8)
        open(sys.argv[1], 'wb').write(struct.pack('<Q', len(h)) + h + b''.join(blobs))
        print(' '.join(repr(float(x)) for x in a.reshape(-1)))
        """
        let floats = try python(script, [path]).split(separator: " ").map { Float(Double($0.trimmingCharacters(in: .whitespacesAndNewlines))!) }
        let (tensors, metadata) = try Safetensors.read(path)
        XCTAssertEqual(metadata, ["epoch": "3"])
        XCTAssertEqual(tensors.map(\.name), ["z.b", "a.w", "c"], "data order")
        XCTAssertEqual(tensors[0].integerValues(), [-3, 1 << 40])
        XCTAssertEqual(tensors[1].shape, [2, 3])
        XCTAssertEqual(tensors[1].float32Values(), floats)
        XCTAssertEqual(tensors[2].shape, [])
        XCTAssertEqual(tensors[2].float32Values(), [2.5])
        let file = try SafetensorsFile(path: path)
        XCTAssertEqual(try file.record("a.w"), tensors[1])
    }

    func testRoundTripInSwift() throws {
        let path = dir.appendingPathComponent("rt.safetensors").path
        try Safetensors.write(sampleRecords(), to: path)
        let (tensors, metadata) = try Safetensors.read(path)
        XCTAssertEqual(tensors, sampleRecords())
        XCTAssertEqual(metadata, [:])
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + ".tmp"))
    }

    func testWriterRejectsInconsistentRecords() {
        let path = dir.appendingPathComponent("bad.safetensors").path
        let wrongSize = TensorRecord(name: "w", dtype: .float32, shape: [2, 2], bytes: [0, 0, 0, 0])
        XCTAssertThrowsError(try Safetensors.write([wrongSize], to: path)) { XCTAssertTrue("\($0)".contains("'w'")) }
        let a = TensorRecord(name: "a", shape: [1], float32: [1])
        XCTAssertThrowsError(try Safetensors.write([a, a], to: path)) { XCTAssertTrue("\($0)".contains("duplicate")) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path), "nothing written")
    }

    /// Each damaged file gives an error that names the file and the problem.
    func testCorruptFilesNameFileAndProblem() throws {
        let good = dir.appendingPathComponent("good.safetensors").path
        try Safetensors.write([TensorRecord(name: "w", shape: [2], float32: [1, 2])], to: good)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: good)))
        let headerLength = Int(bytes[0])
        func header(_ json: String, data: [UInt8] = [0, 0, 128, 63, 0, 0, 0, 64]) -> [UInt8] {
            var h = Array(json.utf8)
            while h.count % 8 != 0 { h.append(0x20) }
            return TensorRecordTestBytes.u64(UInt64(h.count)) + h + data
        }
        let cases: [(String, [UInt8], String)] = [
            ("short", [1, 2, 3], "truncated"),
            ("cut", Array(bytes.dropLast(3)), "truncated"),
            ("cut-header", Array(bytes.prefix(8 + headerLength / 2)), "truncated"),
            ("huge", TensorRecordTestBytes.u64(1 << 40) + [0x7B], "exceeds the limit"),
            ("json", header("{\"w\": {\"dtype\": \"F32\""), "invalid JSON"),
            ("notjson", header("hello"), "does not start with '{'"),
            ("dtype", header("{\"w\":{\"dtype\":\"F7\",\"shape\":[2],\"data_offsets\":[0,8]}}"), "unknown or missing dtype"),
            ("size", header("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}"), "needs 12"),
            ("shape", header("{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}"), "invalid shape"),
            ("offsets", header("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}"), "invalid data_offsets"),
            ("gap", header("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}"), "gap or overlap"),
            ("overlap", header("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}"), "gap or overlap"),
            ("beyond", header("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}"), "truncated"),
            ("extra", header("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}"), "after the last tensor"),
            ("meta", header("{\"__metadata__\":{\"epoch\":3},\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}"), "__metadata__"),
        ]
        for (name, content, problem) in cases {
            let path = dir.appendingPathComponent("\(name).safetensors").path
            try Data(content).write(to: URL(fileURLWithPath: path))
            XCTAssertThrowsError(try Safetensors.read(path), name) { error in
                XCTAssertTrue(error is SafetensorsError, name)
                XCTAssertTrue("\(error)".hasPrefix(path + ":"), "\(name): \(error)")
                XCTAssertTrue("\(error)".contains(problem), "\(name): \(error)")
            }
        }
        XCTAssertThrowsError(try Safetensors.read(dir.appendingPathComponent("absent").path)) {
            XCTAssertTrue("\($0)".contains("absent"))
        }
    }
}

enum TensorRecordTestBytes {
    static func u64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
}
