import Tensor

/// An optimizer state dict independent of its file format (PyTorch's `optimizer.state_dict()`):
/// per-parameter state by parameter index, and the param groups' hyper-parameters.
///
/// In safetensors, tensors are named `state.<index>.<name>`; numbers, the state order and the
/// param groups are JSON in the metadata (`state_scalars`, `state_order`, `param_groups`).
public struct OptimizerCheckpoint: Equatable {
    public var state: [OptimizerParameterState]
    /// Each group as stored (`lr`, `betas`, ..., `params`: parameter indices).
    public var paramGroups: [PickleDict]
    public var epoch: Int?
    public var step: Int?

    public init(state: [OptimizerParameterState], paramGroups: [PickleDict], epoch: Int? = nil, step: Int? = nil) {
        self.state = state
        self.paramGroups = paramGroups
        self.epoch = epoch
        self.step = step
    }

    public func save(to path: String) throws {
        var tensors: [TensorRecord] = []
        var scalars = PickleDict(), order = PickleDict()
        for parameter in state {
            var numbers = PickleDict()
            for name in parameter.names {
                switch parameter.entries[name] {
                case .tensor(var record)?:
                    record.name = "state.\(parameter.index).\(name)"
                    tensors.append(record)
                case .number(let value)?:
                    numbers.set(.string(name), .float(value))
                case nil:
                    throw CheckpointError(path: path, message: "optimizer state \(parameter.index) lists '\(name)' without a value")
                }
            }
            scalars.set(.string(String(parameter.index)), .dict(numbers))
            order.set(.string(String(parameter.index)), .list(parameter.names.map(PickleValue.string)))
        }
        var metadata = [
            "format": "mrsh-optimizer",
            "param_groups": try PlainJSON.encode(.list(paramGroups.map(PickleValue.dict))),
            "state_scalars": try PlainJSON.encode(.dict(scalars)),
            "state_order": try PlainJSON.encode(.dict(order)),
        ]
        if let epoch { metadata["epoch"] = String(epoch) }
        if let step { metadata["step"] = String(step) }
        try Safetensors.write(tensors, metadata: metadata, to: path)
    }

    /// Reads an mrsh safetensors optimizer file or a Mini-RETURNN `.opt.pt` file.
    public static func load(from path: String) throws -> OptimizerCheckpoint {
        if try CheckpointFileKind.detect(path) == .torchZip {
            let torch = try TorchOptimizerCheckpoint(path: path)
            return OptimizerCheckpoint(state: torch.state, paramGroups: torch.paramGroups)
        }
        let (tensors, metadata) = try Safetensors.read(path)
        func json(_ key: String) throws -> PickleValue {
            guard let text = metadata[key], let value = try? PlainJSON.decode(text) else {
                throw CheckpointError(path: path, message: "not an optimizer checkpoint: metadata '\(key)' is missing or not JSON")
            }
            return value
        }
        guard let groups = try json("param_groups").sequenceValue?.compactMap(\.dictValue),
              let scalars = try json("state_scalars").dictValue, let order = try json("state_order").dictValue else {
            throw CheckpointError(path: path, message: "optimizer metadata has the wrong structure")
        }
        let byName = Dictionary(tensors.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var state: [OptimizerParameterState] = []
        for (key, names) in zip(order.keys, order.values) {
            guard let indexText = key.stringValue, let index = Int(indexText),
                  let names = names.sequenceValue?.compactMap(\.stringValue) else {
                throw CheckpointError(path: path, message: "optimizer metadata 'state_order' has a bad entry \(key)")
            }
            state.append(try parameterState(index, names, scalars[indexText]?.dictValue, byName, path))
        }
        return OptimizerCheckpoint(state: state, paramGroups: groups,
                                   epoch: try ModelCheckpoint.intMetadata(metadata, "epoch", path),
                                   step: try ModelCheckpoint.intMetadata(metadata, "step", path))
    }

    private static func parameterState(_ index: Int, _ names: [String], _ scalars: PickleDict?,
                                       _ tensors: [String: TensorRecord], _ path: String) throws -> OptimizerParameterState {
        var entries: [String: OptimizerStateEntry] = [:]
        for name in names {
            if var record = tensors["state.\(index).\(name)"] {
                record.name = name
                entries[name] = .tensor(record)
            } else if let value = scalars?[name]?.doubleValue {
                entries[name] = .number(value)
            } else {
                throw CheckpointError(path: path, message: "optimizer state '\(name)' of parameter \(index) is missing")
            }
        }
        return OptimizerParameterState(index: index, names: names, entries: entries)
    }
}
