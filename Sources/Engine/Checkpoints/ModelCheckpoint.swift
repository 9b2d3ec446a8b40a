import Foundation
import Tensor

/// A model checkpoint independent of its file format: the state dict as records, epoch and step.
///
/// mrsh writes safetensors (`P.NNN.safetensors`, metadata `epoch`, `step`, `format: pt`, and the
/// state dict's module versions); it reads those and Mini-RETURNN's `.pt` files.
public struct ModelCheckpoint: Equatable {
    public var parameters: [TensorRecord]
    public var epoch: Int?
    public var step: Int?
    /// `state_dict._metadata` versions by module prefix (kept so `load_state_dict` sees them).
    public var moduleVersions: [String: Int]
    /// Further metadata kept with the file (e.g. `merged_epochs` of an averaged checkpoint, as JSON).
    public var extraMetadata: [String: String]

    static let reservedMetadata: Set<String> = ["format", "epoch", "step", "module_versions"]

    public init(parameters: [TensorRecord], epoch: Int?, step: Int?, moduleVersions: [String: Int] = [:],
                extraMetadata: [String: String] = [:]) {
        self.parameters = parameters
        self.epoch = epoch
        self.step = step
        self.moduleVersions = moduleVersions
        self.extraMetadata = extraMetadata
    }

    /// Writes a safetensors file atomically (temp file, fsync, rename).
    public func save(to path: String) throws {
        var metadata = extraMetadata.filter { !Self.reservedMetadata.contains($0.key) }
        metadata["format"] = "pt"
        if let epoch { metadata["epoch"] = String(epoch) }
        if let step { metadata["step"] = String(step) }
        if !moduleVersions.isEmpty {
            var dict = PickleDict()
            for key in moduleVersions.keys.sorted() { dict.set(.string(key), .int(moduleVersions[key]!)) }
            metadata["module_versions"] = try PlainJSON.encode(.dict(dict))
        }
        try Safetensors.write(parameters, metadata: metadata, to: path)
    }

    /// Reads a safetensors or a torch `.pt` file (decided by the file's first bytes).
    public static func load(from path: String) throws -> ModelCheckpoint {
        if try CheckpointFileKind.detect(path) == .torchZip {
            let torch = try TorchModelCheckpoint(path: path)
            return ModelCheckpoint(parameters: torch.parameters, epoch: torch.epoch, step: torch.step,
                                   moduleVersions: torch.moduleVersions)
        }
        let (tensors, metadata) = try Safetensors.read(path)
        return ModelCheckpoint(parameters: tensors, epoch: try intMetadata(metadata, "epoch", path),
                               step: try intMetadata(metadata, "step", path),
                               moduleVersions: try moduleVersions(metadata, path),
                               extraMetadata: metadata.filter { !reservedMetadata.contains($0.key) })
    }

    static func intMetadata(_ metadata: [String: String], _ key: String, _ path: String) throws -> Int? {
        guard let text = metadata[key] else { return nil }
        guard let value = Int(text) else { throw CheckpointError(path: path, message: "metadata '\(key)' is not an integer: '\(text)'") }
        return value
    }

    private static func moduleVersions(_ metadata: [String: String], _ path: String) throws -> [String: Int] {
        guard let text = metadata["module_versions"] else { return [:] }
        guard let dict = (try? PlainJSON.decode(text))?.dictValue else {
            throw CheckpointError(path: path, message: "metadata 'module_versions' is not a JSON object")
        }
        var versions: [String: Int] = [:]
        for (key, value) in zip(dict.keys, dict.values) {
            if let name = key.stringValue, let version = value.intValue { versions[name] = version }
        }
        return versions
    }
}

/// What a checkpoint file is, by its first bytes.
public enum CheckpointFileKind: Equatable {
    case torchZip
    case safetensors

    /// `PK\x03\x04` is a torch zip; anything else is read as safetensors (which validates itself).
    public static func detect(_ path: String) throws -> CheckpointFileKind {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CheckpointError(path: path, message: "cannot open checkpoint (missing or unreadable)")
        }
        defer { try? handle.close() }
        let magic = [UInt8]((try? handle.read(upToCount: 4)) ?? Data())
        return magic == [0x50, 0x4B, 0x03, 0x04] ? .torchZip : .safetensors
    }
}
