import Tensor

/// The object-building opcodes, each limited to the accepted globals.
extension RestrictedUnpickler {
    func global(module: String, name: String, offset: Int) throws -> Node {
        guard let allowed = AllowedGlobal(module: module, name: name) else {
            throw error("refused global '\(module).\(name)' (a checkpoint may only hold state dicts: tensors, numbers, strings, lists, dicts)", at: offset)
        }
        return .global(allowed)
    }

    /// BINPERSID: `('storage', torch.<Type>Storage, key, location, numel)` → a storage.
    func persistentLoad(_ pid: Node, offset: Int) throws -> Node {
        guard case .tuple(let items) = pid, items.count == 5,
              case .value(.string("storage")) = items[0],
              case .global(.storageType(let dtype)) = items[1],
              case .value(.string(let key)) = items[2],
              case .value(.string) = items[3],
              case .value(.int(let count)) = items[4], count >= 0 else {
            throw error("unsupported persistent id (expected ('storage', torch.<Type>Storage, key, location, numel))", at: offset)
        }
        return .storage(key: key, dtype: dtype, elementCount: count)
    }

    /// REDUCE: only `OrderedDict()` and `_rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])`.
    func reduce(_ callable: Node, _ args: Node, offset: Int) throws -> Node {
        guard case .global(let g) = callable, case .tuple(let items) = args else {
            throw error("REDUCE of something other than an accepted global", at: offset)
        }
        switch g {
        case .orderedDict:
            guard items.isEmpty else { throw error("OrderedDict with arguments is not supported", at: offset) }
            let box = DictBox()
            box.isOrderedDict = true
            return .dict(box)
        case .rebuildTensorV2:
            return .value(.tensor(try rebuildTensor(items, offset: offset)))
        case .storageType:
            throw error("calling \(g) is refused", at: offset)
        }
    }

    private func rebuildTensor(_ items: [Node], offset: Int) throws -> TorchTensorRef {
        guard items.count == 6 || items.count == 7,
              case .storage(let key, let dtype, let count) = items[0],
              case .value(.int(let storageOffset)) = items[1],
              let shape = Self.ints(items[2]), let stride = Self.ints(items[3]), shape.count == stride.count,
              case .value(.bool(let requiresGrad)) = items[4] else {
            throw error("malformed _rebuild_tensor_v2 arguments", at: offset)
        }
        guard case .dict(let hooks) = items[5], hooks.keys.isEmpty else {
            throw error("tensors with backward hooks are not supported", at: offset)
        }
        guard shape.allSatisfy({ $0 >= 0 }), stride.allSatisfy({ $0 >= 0 }), storageOffset >= 0 else {
            throw error("negative size, stride or offset in a tensor", at: offset)
        }
        let tensor = TorchTensorRef(storageKey: key, dtype: dtype, storageElementCount: count, storageOffset: storageOffset,
                                    shape: shape, stride: stride, requiresGrad: requiresGrad)
        // Checked arithmetic: a damaged file must not overflow (and crash) the bounds check.
        var elements = 1, lastIndex = storageOffset, overflow = false
        for (size, step) in zip(shape, stride) {
            let e = elements.multipliedReportingOverflow(by: size)
            let reach = max(size - 1, 0).multipliedReportingOverflow(by: step)
            let sum = lastIndex.addingReportingOverflow(reach.partialValue)
            overflow = overflow || e.overflow || reach.overflow || sum.overflow
            (elements, lastIndex) = (e.partialValue, sum.partialValue)
        }
        let bytes = count.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow, !bytes.overflow else {
            throw error("tensor of shape \(shape) and stride \(stride) is too large", at: offset)
        }
        guard elements == 0 || lastIndex < count else {
            throw error("tensor of shape \(shape) reaches element \(lastIndex) of storage '\(key)' with \(count) elements", at: offset)
        }
        return tensor
    }

    private static func ints(_ node: Node) -> [Int]? {
        guard case .tuple(let items) = node else { return nil }
        var result: [Int] = []
        for item in items {
            guard case .value(.int(let i)) = item else { return nil }
            result.append(i)
        }
        return result
    }

    /// BUILD: only a dict of attributes on an OrderedDict (a state dict's `_metadata`).
    func build(_ target: Node, _ state: Node, offset: Int) throws {
        guard case .dict(let box) = target, box.isOrderedDict, case .dict(let stateBox) = state else {
            throw error("BUILD is only accepted for the attributes of an OrderedDict", at: offset)
        }
        let attributes = try stateBox.value(path: path, depth: 1)
        for (key, value) in zip(attributes.keys, attributes.values) {
            guard case .string(let name) = key else { throw error("attribute name is not a string", at: offset) }
            box.attributes[name] = value
        }
    }
}
