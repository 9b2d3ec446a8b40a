import Foundation
import Interpreter
import Tensor
import XCTest
@testable import Shell

/// `torch.load` of a Mini-RETURNN checkpoint at the prompt, against the values PyTorch read from
/// the same file (fixture F: $MRSH_CHECKPOINT_FIXTURE, default Tests/Fixtures/F).
final class CheckpointLoadTests: XCTestCase {
    static func folder() -> URL {
        if let env = ProcessInfo.processInfo.environment["MRSH_CHECKPOINT_FIXTURE"], !env.isEmpty { return URL(fileURLWithPath: env) }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/F")
    }

    func flat(_ v: Any) -> [Double] {
        if let xs = v as? [Any] { return xs.flatMap(flat) }
        return [(v as? NSNumber)?.doubleValue ?? .nan]
    }

    func testTorchLoadMatchesPyTorch() throws {
        let folder = CheckpointLoadTests.folder()
        let expectedData = try Data(contentsOf: folder.appendingPathComponent("F.expected.json"))
        let expected = try XCTUnwrap(JSONSerialization.jsonObject(with: expectedData) as? [String: Any])
        let files = try XCTUnwrap(expected["files"] as? [String: Any])
        for name in ["model.001.pt", "model.003.pt"] {
            let file = try XCTUnwrap(files[name] as? [String: Any], "no expectations for \(name)")
            var err = ""
            let s = Session(sinks: OutputSinks(out: { _ in }, err: { err += $0 }))
            let path = folder.appendingPathComponent(name).path
            XCTAssertEqual(s.run("import torch\nck = torch.load(\"\(path)\")\n", file: "<t>"), .ok, err)
            guard case .dict(let ck)? = s.interp[global: "ck"] else { return XCTFail("torch.load did not return a dict") }
            XCTAssertEqual(try s.interp.repr(ck.get(.str("epoch")) ?? .none), "\(file["epoch"] as? Int ?? -1)")
            XCTAssertEqual(try s.interp.repr(ck.get(.str("step")) ?? .none), "\(file["step"] as? Int ?? -1)")
            guard case .dict(let model)? = ck.get(.str("model")) else { return XCTFail("no model state") }
            let entries = try XCTUnwrap(file["model"] as? [[String: Any]])
            XCTAssertEqual(model.keys.map { try? s.interp.str($0) }, entries.map { $0["name"] as? String }, "state_dict keys and order")
            for e in entries {
                let key = try XCTUnwrap(e["name"] as? String)
                guard case .host(let t as TensorObject)? = model.get(.str(key)) else { return XCTFail("\(name): \(key) missing") }
                XCTAssertEqual(t.t.shape, e["shape"] as? [Int], "\(name): \(key) shape")
                // float32 values exactly (the JSON holds them as decimal doubles).
                XCTAssertEqual(t.t.toDoubleArray().map { Float($0) }, flat(e["values"] as Any).map { Float($0) }, "\(name): \(key) values")
                XCTAssertEqual(t.t.dtype.description, e["dtype"] as? String, "\(name): \(key) dtype")
            }
        }
    }
}
