import Tensor

/// Conversions between live Tensor state (module state dicts, optimizer state) and the
/// checkpoint types, with PyTorch's names: `state_dict()` keys for models, and for optimizers
/// `state.<param index>.{step, exp_avg, ...}` plus `param_groups` (`betas` as a pair).
enum TensorState {
    static func record(_ name: String, _ tensor: Tensor) -> TensorRecord {
        switch tensor.dtype {
        case .float32: return TensorRecord(name: name, shape: tensor.shape, float32: tensor.toFloatArray())
        case .int32:
            return TensorRecord(name: name, dtype: .int32, shape: tensor.shape,
                                bytes: tensor.toIntArray().map { Int32(truncatingIfNeeded: $0) }.withUnsafeBytes { Array($0) })
        case .bool:
            return TensorRecord(name: name, dtype: .bool, shape: tensor.shape, bytes: tensor.toIntArray().map { $0 != 0 ? 1 : 0 })
        default: return TensorRecord(name: name, shape: tensor.shape, int64: tensor.toIntArray())
        }
    }

    static func tensor(_ record: TensorRecord, path: String) throws -> Tensor {
        if let floats = record.float32Values() { return try Tensor(floats, shape: record.shape) }
        if let doubles = record.doubleValues() { return try Tensor(doubles.map { Float($0) }, shape: record.shape) }
        if record.dtype == .bool, let ints = record.integerValues() { return try Tensor(bools: ints.map { $0 != 0 }, shape: record.shape) }
        if let ints = record.integerValues() {
            return try Tensor(ints: ints, shape: record.shape, dtype: record.dtype == .int32 ? .int32 : .int64)
        }
        throw CheckpointError(path: path, message: "tensor '\(record.name)' has unsupported dtype \(record.dtype.rawValue)")
    }

    /// The module's state dict as records (PyTorch's key order).
    static func modelCheckpoint(_ model: Module) -> ModelCheckpoint {
        ModelCheckpoint(parameters: model.stateDict().map { record($0.0, $0.1) }, epoch: nil, step: nil)
    }

    /// Loads records into the module; missing keys are an error unless `ignoreMissing`.
    static func load(_ checkpoint: ModelCheckpoint, into model: Module, ignoreMissing: Bool, path: String) throws {
        var dict: [String: Tensor] = [:]
        for record in checkpoint.parameters { dict[record.name] = try tensor(record, path: path) }
        do {
            let (missing, unexpected) = try model.loadStateDict(dict, strict: false)
            if !unexpected.isEmpty {
                throw CheckpointError(path: path, message: "unexpected key(s) in checkpoint: \(unexpected.joined(separator: ", "))")
            }
            if !missing.isEmpty && !ignoreMissing {
                throw CheckpointError(path: path, message: "missing key(s) in checkpoint: \(missing.joined(separator: ", "))"
                    + " (set load_ignore_missing_vars = True to keep their initial values)")
            }
        } catch let error as TensorError {
            throw CheckpointError(path: path, message: "\(error)")
        }
    }

    /// PyTorch's `optimizer.state_dict()` of a single-group optimizer over `parameters`.
    static func optimizerCheckpoint(_ optimizer: Optimizer, parameters: [Tensor]) -> OptimizerCheckpoint {
        var states: [OptimizerParameterState] = []
        for (index, p) in parameters.enumerated() {
            guard let state = optimizer.state[ObjectIdentifier(p)] else { continue }
            var entries: [String: OptimizerStateEntry] = ["step": .number(state.step)]
            let bufferNames = state.buffers.keys.sorted(by: bufferOrder)
            for name in bufferNames { entries[name] = .tensor(record(name, state.buffers[name]!)) }
            states.append(OptimizerParameterState(index: index, names: ["step"] + bufferNames, entries: entries))
        }
        var groups: [PickleDict] = []
        for group in optimizer.paramGroups {
            var dict = PickleDict()
            for key in group.options.keys.sorted() where key != "beta1" && key != "beta2" {
                dict.set(.string(key), .float(group.options[key]!))
            }
            if let b1 = group.options["beta1"], let b2 = group.options["beta2"] { dict.set(.string("betas"), .list([.float(b1), .float(b2)])) }
            let ids = group.params.map(ObjectIdentifier.init)
            dict.set(.string("params"), .list(parameters.indices.filter { ids.contains(ObjectIdentifier(parameters[$0])) }.map(PickleValue.int)))
            groups.append(dict)
        }
        return OptimizerCheckpoint(state: states, paramGroups: groups)
    }

    /// PyTorch's buffer order within a parameter's state (`exp_avg` before `exp_avg_sq`, ...).
    private static func bufferOrder(_ a: String, _ b: String) -> Bool {
        let order = ["exp_avg", "exp_avg_sq", "max_exp_avg_sq", "momentum_buffer", "square_avg", "grad_avg", "sum"]
        return (order.firstIndex(of: a) ?? order.count, a) < (order.firstIndex(of: b) ?? order.count, b)
    }

    /// Restores per-parameter state (step and buffers) by parameter index; hyper-parameters stay
    /// those of the config (the learning rate comes from the learning-rate control).
    static func load(_ checkpoint: OptimizerCheckpoint, into optimizer: Optimizer, parameters: [Tensor], path: String) throws {
        for entry in checkpoint.state {
            guard parameters.indices.contains(entry.index) else {
                throw CheckpointError(path: path, message: "optimizer state for parameter \(entry.index), but the model has \(parameters.count)")
            }
            let p = parameters[entry.index]
            let state = optimizer.state(for: p)
            for name in entry.names {
                switch entry.entries[name] {
                case .number(let v)?:
                    if name == "step" { state.step = v }
                case .tensor(let record)?:
                    let t = try tensor(record, path: path)
                    if name == "step" { state.step = try t.item(); continue }
                    guard t.shape == p.shape else {
                        throw CheckpointError(path: path, message: "optimizer state '\(name)' of parameter \(entry.index) has shape \(t.shape), the parameter \(p.shape)")
                    }
                    state.buffers[name] = t
                case nil: break
                }
            }
        }
    }
}
