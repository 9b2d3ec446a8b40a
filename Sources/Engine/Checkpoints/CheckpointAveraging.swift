import Foundation
import Tensor

/// Averages model checkpoints as RETURNN's `tools/torch_avg_checkpoints.py` does: per key, the sum
/// over the checkpoints that have it (accumulated in the tensor's dtype, in order) divided by their
/// count, so integer tensors become float32; epoch and step are the maxima; `merged_epochs` and
/// `merged_steps` list the inputs' values (JSON in the metadata).
public enum CheckpointAveraging {
    public static func average(_ checkpoints: [ModelCheckpoint], source: String = "checkpoint averaging") throws -> ModelCheckpoint {
        guard let first = checkpoints.first else { throw CheckpointError(path: source, message: "no checkpoints to average") }
        var order: [String] = []
        var sums: [String: Accumulator] = [:]
        for checkpoint in checkpoints {
            for record in checkpoint.parameters {
                if let existing = sums[record.name] {
                    try existing.add(record, source)
                } else {
                    sums[record.name] = try Accumulator(record, source)
                    order.append(record.name)
                }
            }
        }
        let epochs = checkpoints.map(\.epoch), steps = checkpoints.map(\.step)
        func list(_ values: [Int?]) throws -> String {
            try PlainJSON.encode(.list(values.map { $0.map(PickleValue.int) ?? .none }))
        }
        return ModelCheckpoint(parameters: order.map { sums[$0]!.average(name: $0) },
                               epoch: epochs.compactMap { $0 }.max(), step: steps.compactMap { $0 }.max(),
                               moduleVersions: first.moduleVersions,
                               extraMetadata: ["merged_epochs": try list(epochs), "merged_steps": try list(steps)])
    }

    /// Averages the checkpoint files `inputs` (safetensors or Mini-RETURNN `.pt`) and writes the
    /// result to `output` as safetensors, atomically.
    /// - Throws: `CheckpointError` naming a missing or unreadable input, or the output.
    @discardableResult
    public static func averageFiles(_ inputs: [String], output: String) throws -> ModelCheckpoint {
        for path in inputs where !FileManager.default.fileExists(atPath: path) {
            throw CheckpointError(path: path, message: "input checkpoint not found")
        }
        let averaged = try average(try inputs.map { try ModelCheckpoint.load(from: $0) }, source: output)
        try averaged.save(to: output)
        return averaged
    }

    /// The running sum of one key.
    private final class Accumulator {
        let dtype: StorageDType
        let shape: [Int]
        var floats: [Float] = []
        var doubles: [Double] = []
        var integers: [Int64] = []
        var count = 1

        init(_ record: TensorRecord, _ source: String) throws {
            dtype = record.dtype
            shape = record.shape
            switch record.dtype {
            case .float32: floats = record.float32Values()!
            case .float64: doubles = record.doubleValues()!
            case .int64, .int32, .int16, .int8, .uint8: integers = record.integerValues()!
            default: throw CheckpointError(path: source, message: "cannot average '\(record.name)' of dtype \(record.dtype.torchName)")
            }
        }

        func add(_ record: TensorRecord, _ source: String) throws {
            guard record.dtype == dtype, record.shape == shape else {
                throw CheckpointError(path: source, message: "'\(record.name)' is \(record.dtype.torchName) \(record.shape) here but \(dtype.torchName) \(shape) before")
            }
            switch dtype {
            case .float32: for (i, v) in record.float32Values()!.enumerated() { floats[i] += v }
            case .float64: for (i, v) in record.doubleValues()!.enumerated() { doubles[i] += v }
            default: for (i, v) in record.integerValues()!.enumerated() { integers[i] &+= v }
            }
            count += 1
        }

        func average(name: String) -> TensorRecord {
            switch dtype {
            case .float32: return TensorRecord(name: name, shape: shape, float32: floats.map { $0 / Float(count) })
            case .float64:
                let bytes = TensorRecord(name: name, shape: shape, int64: doubles.map { Int64(bitPattern: ($0 / Double(count)).bitPattern) }).bytes
                return TensorRecord(name: name, dtype: .float64, shape: shape, bytes: bytes)
            default: return TensorRecord(name: name, shape: shape, float32: integers.map { Float($0) / Float(count) })
            }
        }
    }
}
