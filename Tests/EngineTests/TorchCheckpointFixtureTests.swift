@testable import Engine
import Foundation
import Tensor
import XCTest

/// Fixture F: model and optimizer checkpoints written by the original `Engine.save_model` /
/// `_save_optimizer`, read by the restricted unpickler. Cases: `F/*.expected.json` under `$MRSH_FIXTURES`.
final class TorchCheckpointFixtureTests: XCTestCase {
    func testFixtureFCheckpoints() throws {
        for expectedFile in try EngineTestSupport.expectedFiles(in: "F") {
            let expected = try EngineTestSupport.jsonObject(expectedFile)
            let folder = expectedFile.deletingLastPathComponent()
            let files = try XCTUnwrap(expected["files"] as? [String: [String: Any]])
            XCTAssertEqual(Set(files.keys), Set(try XCTUnwrap(expected["files_present"] as? [String])))
            for (name, info) in files.sorted(by: { $0.key < $1.key }) {
                let url = try EngineTestSupport.fixture(folder.appendingPathComponent(name))
                if info["state_keys"] != nil {
                    try checkOptimizer(url.path, info)
                } else {
                    try checkModel(url.path, info)
                }
            }
        }
    }

    private func checkModel(_ path: String, _ info: [String: Any]) throws {
        let checkpoint = try TorchModelCheckpoint(path: path)
        XCTAssertEqual(checkpoint.topLevel.stringKeys, info["top_level_keys"] as? [String], path)
        XCTAssertEqual(checkpoint.epoch, info["epoch"] as? Int, path)
        XCTAssertEqual(checkpoint.step, info["step"] as? Int, path)
        XCTAssertEqual(checkpoint.topLevel["model"]?.dictValue?.isOrderedDict, info["model_state_type"] as? String == "OrderedDict")
        let model = try XCTUnwrap(info["model"] as? [[String: Any]])
        XCTAssertEqual(checkpoint.parameters.map(\.name), model.map { $0["name"] as? String ?? "" }, "state-dict order")
        for (record, want) in zip(checkpoint.parameters, model) {
            try checkTensor(record, want, "\(path) \(record.name)")
        }
        XCTAssertEqual(checkpoint.moduleVersions[""], 1, "the root module's _metadata version")
    }

    private func checkOptimizer(_ path: String, _ info: [String: Any]) throws {
        let checkpoint = try TorchOptimizerCheckpoint(path: path)
        let top = try TorchCheckpointFile(path: path).object.dictValue
        XCTAssertEqual(top?.stringKeys, info["state_keys"] as? [String], path)
        let groups = try XCTUnwrap(info["param_groups"] as? [[String: Any]])
        XCTAssertEqual(checkpoint.paramGroups.count, groups.count)
        for (group, want) in zip(checkpoint.paramGroups, groups) {
            XCTAssertEqual(group.stringKeys, Self.keyOrder(group, want), path)
            for key in group.stringKeys {
                XCTAssertTrue(Self.matches(group[key]!, want[key] ?? "missing"), "\(path) param_groups \(key): \(group[key]!)")
            }
        }
        let state = try XCTUnwrap(info["state"] as? [String: [String: Any]])
        XCTAssertEqual(checkpoint.state.map(\.index), state.keys.compactMap(Int.init).sorted(), path)
        for parameter in checkpoint.state {
            let want = try XCTUnwrap(state[String(parameter.index)])
            XCTAssertEqual(Set(parameter.names), Set(want.keys), "\(path) state \(parameter.index)")
            for name in parameter.names {
                guard case .tensor(let record)? = parameter.entries[name], let tensor = want[name] as? [String: Any] else {
                    XCTFail("\(path) state \(parameter.index).\(name) should be a tensor")
                    continue
                }
                try checkTensor(record, tensor, "\(path) state \(parameter.index).\(name)")
            }
        }
    }

    /// The JSON lists keys without order; our order must be a permutation of them.
    private static func keyOrder(_ group: PickleDict, _ want: [String: Any]) -> [String] {
        Set(group.stringKeys) == Set(want.keys) ? group.stringKeys : want.keys.sorted()
    }

    private func checkTensor(_ record: TensorRecord, _ want: [String: Any], _ label: String) throws {
        XCTAssertEqual(record.dtype.torchName, want["dtype"] as? String, label)
        XCTAssertEqual(record.shape, want["shape"] as? [Int], label)
        let values = Self.flatten(want["values"] as Any)
        switch record.dtype {
        case .float32:
            XCTAssertEqual(record.float32Values(), values.map { Float(EngineTestSupport.number($0) ?? .nan) }, label)
        case .int64:
            XCTAssertEqual(record.integerValues(), values.map { Int64($0 as? Int ?? Int.min) }, label)
        default:
            XCTFail("\(label): unexpected dtype \(record.dtype)")
        }
    }

    private static func flatten(_ json: Any) -> [Any] {
        if let list = json as? [Any] { return list.flatMap(flatten) }
        return [json]
    }

    /// Whether a pickled value equals its JSON form (tuples/lists as arrays, None as null).
    static func matches(_ value: PickleValue, _ json: Any) -> Bool {
        switch value {
        case .none: return json is NSNull
        case .bool(let b): return (json as? Bool) == b
        case .int(let i): return (json as? Int) == i
        case .float(let d): return EngineTestSupport.number(json) == d
        case .string(let s): return (json as? String) == s
        case .list(let items), .tuple(let items):
            guard let array = json as? [Any], array.count == items.count else { return false }
            return zip(items, array).allSatisfy { matches($0, $1) }
        default: return false
        }
    }
}
