import Tensor

/// A model checkpoint of Mini-RETURNN (`model.NNN.pt`): `{"model": state_dict, "epoch": e, "step": s}`.
/// Also accepts averaged checkpoints (plain dict `model`, extra keys) and bare state dicts.
public struct TorchModelCheckpoint {
    public let path: String
    public let epoch: Int?
    public let step: Int?
    /// The state dict in its order, each tensor gathered row-major.
    public let parameters: [TensorRecord]
    /// The raw strided references, by name (strides as stored).
    public let tensorRefs: [String: TorchTensorRef]
    /// `state_dict._metadata`: module prefix → `version` (e.g. "1" → 2 for a BatchNorm).
    public let moduleVersions: [String: Int]
    /// Top-level keys in order, and their values (tensors stay references).
    public let topLevel: PickleDict

    public init(path: String) throws {
        let file = try TorchCheckpointFile(path: path)
        try self.init(file: file)
    }

    public init(file: TorchCheckpointFile) throws {
        path = file.path
        guard let top = file.object.dictValue else {
            throw CheckpointError(path: file.path, message: "top-level object is not a dict")
        }
        topLevel = top
        let stateDict: PickleDict
        if let model = top["model"] {
            guard let dict = model.dictValue else { throw CheckpointError(path: file.path, message: "'model' is not a state dict") }
            stateDict = dict
        } else if top.values.allSatisfy({ $0.tensorValue != nil }) {
            stateDict = top
        } else {
            throw CheckpointError(path: file.path, message: "no 'model' state dict (top-level keys: \(top.stringKeys.joined(separator: ", ")))")
        }
        epoch = top["epoch"]?.intValue
        step = top["step"]?.intValue
        var records: [TensorRecord] = []
        var refs: [String: TorchTensorRef] = [:]
        for (key, value) in zip(stateDict.keys, stateDict.values) {
            guard let name = key.stringValue, let tensor = value.tensorValue else {
                throw CheckpointError(path: file.path, message: "state dict entry \(key) is not a named tensor")
            }
            records.append(try file.record(tensor, name: name))
            refs[name] = tensor
        }
        parameters = records
        tensorRefs = refs
        var versions: [String: Int] = [:]
        if let metadata = stateDict.attributes["_metadata"]?.dictValue {
            for (key, value) in zip(metadata.keys, metadata.values) {
                if let prefix = key.stringValue, let version = value.dictValue?["version"]?.intValue {
                    versions[prefix] = version
                }
            }
        }
        moduleVersions = versions
    }
}

/// One entry of an optimizer's per-parameter state: a tensor (Adam's `exp_avg`) or a number.
public enum OptimizerStateEntry: Equatable {
    case tensor(TensorRecord)
    case number(Double)
}

/// The state of one parameter (by its index in `model.parameters()`), entries in stored order.
public struct OptimizerParameterState: Equatable {
    public let index: Int
    public let names: [String]
    public let entries: [String: OptimizerStateEntry]

    public init(index: Int, names: [String], entries: [String: OptimizerStateEntry]) {
        self.index = index
        self.names = names
        self.entries = entries
    }
}

/// An optimizer checkpoint of Mini-RETURNN (`model.NNN.opt.pt`): `optimizer.state_dict()`.
public struct TorchOptimizerCheckpoint {
    public let path: String
    public let state: [OptimizerParameterState]
    /// Hyper-parameters per group (`lr`, `betas`, ..., `params`: parameter indices), as stored.
    public let paramGroups: [PickleDict]

    public init(path: String) throws {
        let file = try TorchCheckpointFile(path: path)
        guard let top = file.object.dictValue, let stateDict = top["state"]?.dictValue,
              let groups = top["param_groups"]?.sequenceValue else {
            throw CheckpointError(path: path, message: "not an optimizer state dict (needs 'state' and 'param_groups')")
        }
        self.path = path
        var states: [OptimizerParameterState] = []
        for (key, value) in zip(stateDict.keys, stateDict.values) {
            guard let index = key.intValue, let entries = value.dictValue else {
                throw CheckpointError(path: path, message: "optimizer state key \(key) is not a parameter index with a dict")
            }
            states.append(try Self.parameterState(index, entries, file))
        }
        state = states
        paramGroups = try groups.map {
            guard let group = $0.dictValue else { throw CheckpointError(path: path, message: "a param group is not a dict") }
            return group
        }
    }

    private static func parameterState(_ index: Int, _ dict: PickleDict, _ file: TorchCheckpointFile) throws -> OptimizerParameterState {
        var names: [String] = []
        var entries: [String: OptimizerStateEntry] = [:]
        for (key, value) in zip(dict.keys, dict.values) {
            guard let name = key.stringValue else {
                throw CheckpointError(path: file.path, message: "optimizer state of parameter \(index) has a non-string key")
            }
            names.append(name)
            if let tensor = value.tensorValue {
                entries[name] = .tensor(try file.record(tensor, name: name))
            } else if let number = value.doubleValue {
                entries[name] = .number(number)
            } else {
                throw CheckpointError(path: file.path, message: "optimizer state '\(name)' of parameter \(index) is neither a tensor nor a number")
            }
        }
        return OptimizerParameterState(index: index, names: names, entries: entries)
    }
}
