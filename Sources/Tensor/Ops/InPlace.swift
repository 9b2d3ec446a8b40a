/// In-place ops (`add_`, `mul_`, `copy_`, `zero_`, `fill_`, `x[idx] = v`, ...). They bump the
/// storage version, so a tensor saved for backward and modified afterwards is detected.
///
/// Like PyTorch, an in-place op on a leaf that requires grad is refused while grad mode is on.
/// On a tracked non-leaf (`x += y` on an activation, `masked_fill_`, `relu_`) the result is
/// computed out of place and written back, and `x` takes over the new op's autograd history;
/// an op whose derivative needs the overwritten value then fails at backward through the
/// version counter. Views of `x` taken before see the new values but keep their old history.
extension Tensor {
    @discardableResult
    public func addInPlace(_ other: Tensor, alpha: Double = 1) throws -> Tensor {
        try inPlace("add_", [other]) { try $0.add(other, alpha: alpha) }
    }
    @discardableResult
    public func subInPlace(_ other: Tensor, alpha: Double = 1) throws -> Tensor {
        try inPlace("sub_", [other]) { try $0.sub(other, alpha: alpha) }
    }
    @discardableResult
    public func mulInPlace(_ other: Tensor) throws -> Tensor { try inPlace("mul_", [other]) { try $0.mul(other) } }
    @discardableResult
    public func divInPlace(_ other: Tensor) throws -> Tensor { try inPlace("div_", [other]) { try $0.div(other) } }
    @discardableResult
    public func mulInPlace(_ s: Double) throws -> Tensor { try mulInPlace(.scalar(s)) }
    @discardableResult
    public func addInPlace(_ s: Double) throws -> Tensor { try addInPlace(.scalar(s)) }
    /// `relu_()` (`nn.ReLU(inplace=True)`).
    @discardableResult
    public func reluInPlace() throws -> Tensor { try inPlace("relu_", []) { $0.relu() } }
    @discardableResult
    public func clampInPlace(min: Double? = nil, max: Double? = nil) throws -> Tensor {
        try inPlace("clamp_", []) { try $0.clamp(min: min, max: max) }
    }

    /// Copies `src` (broadcast to self's shape, converted to self's dtype) into self (`copy_`).
    @discardableResult
    public func copyFrom(_ src: Tensor) throws -> Tensor { try inPlace("copy_", [src]) { _ in src } }

    /// Sets every element to `value` (`fill_`).
    @discardableResult
    public func fill(_ value: Double) throws -> Tensor {
        let v: Tensor = dtype == .float32 ? .scalar(value) : .scalar(Int(value), dtype: dtype)
        return try inPlace("fill_", []) { _ in v }
    }

    /// Sets every element to 0 (`zero_`).
    @discardableResult
    public func zero() throws -> Tensor { try fill(0) }

    /// Writes `value` where `mask` is true (`masked_fill_`).
    @discardableResult
    public func maskedFillInPlace(_ mask: Tensor, _ value: Double) throws -> Tensor {
        try inPlace("masked_fill_", []) { try $0.maskedFill(mask, value) }
    }

    /// `self[items] = value` with basic or advanced indices (`__setitem__`).
    public func indexPut(_ items: [TensorIndex], _ value: Tensor) throws {
        if try checkInPlace(op: "index_put_", inputs: [value]) {
            // Tracked: self = where(region, values, self), values placed without history.
            guard !value.requiresGrad else {
                throw TensorError("index_put_", "assigning a tensor that requires grad into a tracked tensor is not supported; use torch.where")
            }
            let region = Tensor.zeros(shape, dtype: .bool), values = Tensor.zeros(shape, dtype: dtype)
            try noGrad {
                try region.indexPut(items, Tensor(bools: [true], shape: []))
                try values.indexPut(items, value)
            }
            let v = values
            _ = try inPlace("index_put_", []) { try Tensor.where(region, v, $0) }
            return
        }
        let basic = items.allSatisfy { if case .tensor = $0 { return false }; return true }
        if basic {
            let target = try noGrad { try index(items) }
            guard target.storage === storage else { throw TensorError("index_put_", "index does not address self") }
            try target.writeBroadcast(value, op: "index_put_")
        } else {
            let (shape, offsets) = try noGrad { try advancedOffsets(items, strides: strides) }
            let v = try value.to(dtype).expand(shape).dense()
            for i in 0..<offsets.count { copyElement(from: v, i, toStorageIndex: offsets[i]) }
        }
        storage.bumpVersion()
    }

    // MARK: Implementation

    /// Computes `f(self)` out of place and writes it back. When autograd tracks the op, `f` sees
    /// a copy of the old value (recorded as a clone), so derivatives that need it stay valid.
    private func inPlace(_ op: String, _ inputs: [Tensor], _ f: (Tensor) throws -> Tensor) throws -> Tensor {
        let tracked = try checkInPlace(op: op, inputs: inputs)
        let result = try f(tracked && requiresGrad ? clone() : self)
        try writeBroadcast(result, op: op)
        storage.bumpVersion()
        if tracked && result.requiresGrad && dtype == .float32 {
            // Take over the result's history (a fresh node when the result is a leaf or broadcast).
            let history = result.shape == shape && result.gradFn != nil ? result : try result.expand(shape).clone()
            gradFn = history.gradFn
            requiresGrad = true
        }
        return self
    }

    /// Refuses in-place ops on leaves that require grad; returns whether autograd tracks the op.
    @discardableResult
    private func checkInPlace(op: String, inputs: [Tensor]) throws -> Bool {
        guard GradMode.isEnabled else { return false }
        if requiresGrad && isLeaf {
            throw TensorError(op, "a leaf Variable that requires grad is being used in an in-place operation.")
        }
        return requiresGrad || inputs.contains(where: { $0.requiresGrad })
    }

    /// Writes `src` broadcast to self's shape through self's strides.
    private func writeBroadcast(_ src: Tensor, op: String) throws {
        let shape = try broadcastShapes(self.shape, src.shape, op: op)
        guard shape == self.shape else {
            throw TensorError(op, "output with shape \(fmt(self.shape)) doesn't match the broadcast shape \(fmt(shape))")
        }
        let s = Tensor(storage: src.storage, shape: self.shape, strides: broadcastStrides(src, to: self.shape),
                       offset: src.offset, dtype: src.dtype)
        copyElements(from: s, to: self)
    }

    private func copyElement(from v: Tensor, _ i: Int, toStorageIndex o: Int) {
        switch dtype {
        case .float32: floatBase[o] = v.floatBase[i]
        case .int64: int64Base[o] = v.int64Base[i]
        case .int32: int32Base[o] = v.int32Base[i]
        case .bool: boolBase[o] = v.boolBase[i]
        }
    }
}
