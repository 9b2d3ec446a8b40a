/// Dense layers and normalization as `torch.nn.functional`: linear, layer_norm, dropout.
public enum Functional {
    /// y = x W^T + b for x [..., in], W [out, in], b [out] (`F.linear`); W^T is a view that
    /// sgemm reads transposed.
    public static func linear(_ x: Tensor, _ weight: Tensor, _ bias: Tensor? = nil) throws -> Tensor {
        guard weight.ndim == 2 || weight.ndim == 1 else {
            throw TensorError("linear", "weight must be 1-D or 2-D, got \(fmt(weight.shape))")
        }
        let y = try x.matmul(try weight.t())
        return try bias.map { try y.add($0) } ?? y
    }

    /// (x - mean) / sqrt(var + eps) * weight + bias over the trailing `normalizedShape` dims
    /// (biased variance, `F.layer_norm`).
    public static func layerNorm(_ x: Tensor, _ normalizedShape: [Int], weight: Tensor? = nil, bias: Tensor? = nil,
                                 eps: Double = 1e-5) throws -> Tensor {
        let k = normalizedShape.count
        guard k <= x.ndim, Array(x.shape.suffix(k)) == normalizedShape else {
            throw TensorError("layer_norm", "Given normalized_shape=\(fmt(normalizedShape)), expected input with shape [*, \(normalizedShape.map(String.init).joined(separator: ", "))], but got input of size \(fmt(x.shape))")
        }
        let size = normalizedShape.reduce(1, *)
        for (name, p) in [("weight", weight), ("bias", bias)] {
            if let p = p, p.shape != normalizedShape {
                throw TensorError("layer_norm", "\(name) of shape \(fmt(p.shape)) does not match normalized_shape \(fmt(normalizedShape))")
            }
        }
        // One fused kernel (NormKernels) instead of ~8 recorded elementwise ops: saves only
        // xhat and the per-row 1/std for the closed-form backward.
        let xf = x.to(.float32)
        let (y, xhat, rstd) = NormKernels.layerNormForward(xf, size: size, weight: weight, bias: bias, eps: Float(eps))
        let inputs = [xf] + [weight, bias].compactMap { $0 }
        return y.recorded(.layerNorm(size: size, hasWeight: weight != nil, hasBias: bias != nil), inputs: inputs,
                          saved: [xhat, rstd] + (weight.map { [$0] } ?? []))
    }

    /// Zeroes elements with probability `p` and scales the rest by 1/(1-p) when training;
    /// identity otherwise (`F.dropout`).
    public static func dropout(_ x: Tensor, p: Double = 0.5, training: Bool = true,
                               generator: Generator = .default) throws -> Tensor {
        guard p >= 0 && p <= 1 else { throw TensorError("dropout", "dropout probability has to be between 0 and 1, but got \(p)") }
        if !training || p == 0 { return x }
        if p == 1 { return try x.mul(0) }
        // One pass writes x * mask and (when autograd records) the scaled keep mask
        // (1/(1-p) or 0) from a counter-based stream keyed by one draw of `generator`
        // (DropoutKernel: same mask on one or two cores). Recorded as x * mask.
        let key = generator.nextInt(UInt64.max)
        let xf = x.dtype == .float32 ? x : x.to(.float32)
        let src = xf.dense()
        let out = Tensor(uninitializedShape: x.shape, dtype: .float32)
        let record = GradMode.isEnabled && xf.requiresGrad
        let mask = record ? Tensor(uninitializedShape: x.shape, dtype: .float32) : nil
        DropoutKernel.apply(src.floatBase, out.floatBase, count: out.numel, p: p, key: key,
                            mode: .scaled(Float(1 / (1 - p)), mask?.floatBase))
        guard let mask else { return out }
        // The mask never requires grad, so mul's derivative for it (g * first saved) is
        // discarded: a 0-d stand-in is saved there instead of keeping x alive.
        return out.recorded(.mul, inputs: [xf, mask], saved: [Tensor.scalar(0), mask])
    }

    /// Dropout of an `x` whose producer already applied the 1/(1-p) scale (folded into its
    /// weights): out = x where kept, else 0, recorded as `where(keep, x, 0)` so only a bool
    /// mask is saved. Same keep masks as `dropout` for the same generator state.
    static func dropoutPrescaled(_ x: Tensor, p: Double, generator: Generator = .default) throws -> Tensor {
        let key = generator.nextInt(UInt64.max)
        let src = x.dense()
        let out = Tensor(uninitializedShape: x.shape, dtype: .float32)
        let keep = Tensor(uninitializedShape: x.shape, dtype: .bool)
        DropoutKernel.apply(src.floatBase, out.floatBase, count: out.numel, p: p, key: key, mode: .select(keep.boolBase))
        // The zero branch is a stride-0 view of the full shape: its (discarded) gradient then
        // needs no reduction over the whole tensor.
        return out.recorded(.whereSelect, inputs: [x, try Tensor.scalar(0).expand(x.shape)], saved: [keep])
    }

    /// dropout(relu(x / s)) for an `x` whose producer already applied s = 1/(1-p) (relu(s h) =
    /// s relu(h) for s > 0) in one pass, recorded as a relu of x: relu's derivative reads only
    /// the output, which is 0 exactly where relu or dropout zeroed the element, so no mask and
    /// no second activation-sized tensor is kept.
    static func reluDropoutPrescaled(_ x: Tensor, p: Double, generator: Generator = .default) throws -> Tensor {
        let key = generator.nextInt(UInt64.max)
        let src = x.dense()
        let out = Tensor(uninitializedShape: x.shape, dtype: .float32)
        DropoutKernel.apply(src.floatBase, out.floatBase, count: out.numel, p: p, key: key, mode: .relu)
        return out.recorded(.unary(.relu), inputs: [x], saved: [out.alias()])
    }
}
