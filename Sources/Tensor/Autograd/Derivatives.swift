import Foundation

/// The primitive ops autograd records, and every derivative rule in one switch.
///
/// Composite ops (mean, var, logsumexp, repeat, stack, einsum, ...) are built from these
/// primitives and need no rule of their own. Broadcasting is undone by `sumTo(inputShape)`.
///
/// Adding an op: write it as a composite of existing ops if that is fast enough (autograd then
/// comes for free); otherwise compute the output with a kernel, call
/// `out.recorded(.newCase, inputs: [...], saved: [...])`, add the case here with its rule (the
/// rule runs under no-grad and returns one gradient per input, nil for none), add a
/// finite-difference check to GradCheckTests and the PyTorch name to the golden runner's table.
/// Saved tensors are checked against in-place modification through the storage version.
enum Op {
    case identity
    case add(alpha: Float)
    case mul, div, pow, maximum, minimum
    case whereSelect
    case unary(UnaryKind)
    case sum(dims: [Int], keepdim: Bool)
    /// amax/amin: the gradient is spread evenly over tied extremes.
    case extremum(dims: [Int], keepdim: Bool)
    case reshape
    case permute([Int])
    case expand
    case slice(dim: Int, start: Int, step: Int)
    case cat(dim: Int)
    case flip([Int])
    case pad([Int])
    case gather(dim: Int)
    case indexSelect(dim: Int, paddingIdx: Int?)
    /// Advanced indexing: output element i reads flat element offsets[i] of the dense input.
    case take
    /// Matrix product of two >= 2-d tensors with broadcast batch dims.
    case matmul
    /// softmax / log_softmax along `dim` (saved: the output).
    case softmax(dim: Int)
    case logSoftmax(dim: Int)
    /// Per-sample CTC negative log-likelihood [N] of log-probs [T, N, C]; saved: d nll_n / d lp,
    /// computed with the forward-backward pass.
    case ctcLoss
    /// One LSTM direction over all steps (output [T + 2, B, H]: outputs, h_n, c_n); inputs
    /// xproj, W_hh, h0, c0 and `biases` bias vectors added to every step's gates; saved: W_hh
    /// and the tensors of LSTMKernels.Saved.
    case lstmLayer(reverse: Bool, lengths: [Int]?, biases: Int)
    /// Both directions of a bidirectional LSTM layer (output [2, T + 2, B, H]), run concurrently;
    /// inputs (xproj, W_hh, h0, c0, biases...) per direction, saved as for `lstmLayer` per direction.
    case lstmBidirectional(lengths: [Int]?, biases: Int)
    /// Layer norm over the last `size` elements of each row, y = xhat * w + b; inputs x (, w, b);
    /// saved: xhat, rstd [rows] (, w).
    case layerNorm(size: Int, hasWeight: Bool, hasBias: Bool)
    /// One GRU direction over all steps (output [T + 1, B, H]: outputs, h_n); inputs xproj,
    /// W_hh (, b_hh), h0; saved: W_hh and the activations of GRUKernels.Saved.
    case gruLayer(reverse: Bool, lengths: [Int]?, hasBias: Bool)
    /// Running sum along `dim`.
    case cumsum(dim: Int)

    var name: String {
        switch self {
        case .identity: return "CloneBackward0"
        case .add(let a): return a < 0 ? "SubBackward0" : "AddBackward0"
        case .unary(let k): return "\(k.name)Backward0"
        case .extremum: return "AmaxBackward0"
        case .whereSelect: return "WhereBackward0"
        case .indexSelect: return "IndexSelectBackward0"
        case .softmax: return "SoftmaxBackward0"
        case .logSoftmax: return "LogSoftmaxBackward0"
        case .ctcLoss: return "CtcLossBackward0"
        case .lstmLayer, .lstmBidirectional: return "LstmBackward0"
        case .layerNorm: return "NativeLayerNormBackward0"
        case .gruLayer: return "GruBackward0"
        case .cumsum: return "CumsumBackward0"
        default:
            let s = String(describing: self)
            let base = s.prefix(while: { $0 != "(" })
            return base.prefix(1).uppercased() + base.dropFirst() + "Backward0"
        }
    }
}

/// Gradients of a node's inputs given the gradient `g` of its output (nil: input gets none).
/// With `consumeSaved` the saved tensors are released right after this call, so a rule may
/// overwrite them with its results instead of allocating.
func derivative(_ node: Node, _ g: Tensor, consumeSaved: Bool = false) throws -> [Tensor?] {
    let s = try node.savedTensors()
    let shapes = node.inputShapes
    switch node.op {
    case .identity:
        return [g]
    case .add(let alpha):
        let gb = alpha == 1 ? g : try g.mul(Double(alpha))
        return [try g.sumTo(shapes[0]), try gb.sumTo(shapes[1])]
    case .mul:
        return [try g.mul(s[1]).sumTo(shapes[0]), try g.mul(s[0]).sumTo(shapes[1])]
    case .div:
        let ga = try g.div(s[1])
        let gb = try ga.mul(s[0]).div(s[1]).neg()
        return [try ga.sumTo(shapes[0]), try gb.sumTo(shapes[1])]
    case .pow:
        return try powDerivative(s[0], s[1], s[2], g, shapes)
    case .maximum, .minimum:
        let (a, b) = (s[0], s[1])
        let isMax: Bool
        if case .maximum = node.op { isMax = true } else { isMax = false }
        let wa = BinaryKernels.float(a, b, g.shape) { x, y in x == y ? 0.5 : ((x > y) == isMax ? 1 : 0) }
        return [try g.mul(wa).sumTo(shapes[0]), try g.mul(try Tensor.scalar(1).sub(wa)).sumTo(shapes[1])]
    case .whereSelect:
        let zero = Tensor.scalar(0)
        return [try Tensor.where(s[0], g, zero).sumTo(shapes[0]), try Tensor.where(s[0], zero, g).sumTo(shapes[1])]
    case .unary(let kind):
        // Saved: [x] and/or [y]; the kernel never reads the one that was not saved.
        let gd = g.dense()
        let x = kind.derivativeNeedsInput ? s[0].dense() : gd
        let y = kind.derivativeNeedsOutput ? s[s.count - 1].dense() : gd
        let dx = Tensor(uninitializedShape: x.shape, dtype: .float32)
        UnaryKernels.backward(kind, x.floatBase, y.floatBase, gd.floatBase, dx.floatBase, x.numel)
        return [dx]
    case .sum(let dims, let keepdim):
        return [try g.unsqueezing(dims, keepdim: keepdim).expand(shapes[0]).contiguous()]
    case .extremum(let dims, let keepdim):
        let (x, y) = (s[0], s[1].unsqueezing(dims, keepdim: keepdim))
        let mask = try x.eq(y).to(.float32)
        let count = try mask.sum(dims: dims, keepdim: true)
        return [try g.unsqueezing(dims, keepdim: keepdim).div(count).mul(mask)]
    case .reshape:
        return [try g.reshape(shapes[0])]
    case .permute(let dims):
        var inverse = [Int](repeating: 0, count: dims.count)
        for (i, d) in dims.enumerated() { inverse[d] = i }
        return [try g.permute(inverse)]
    case .expand:
        return [try g.sumTo(shapes[0])]
    case .slice(let dim, let start, let step):
        let out = Tensor.zeros(shapes[0])
        let region = try out.sliceView(dim: dim, start: start, step: step, count: g.shape[dim])
        copyElements(from: g, to: region)
        return [out]
    case .cat(let dim):
        var start = 0
        return try shapes.map { sh in
            defer { start += sh[dim] }
            return try g.narrow(dim, start, sh[dim])
        }
    case .flip(let dims):
        return [try g.flip(dims)]
    case .pad(let pads):
        return [try g.pad(pads.map { -$0 })]
    case .gather(let dim):
        return [try Tensor.zeros(shapes[0]).scatterAddInPlace(dim: dim, index: s[0], source: g)]
    case .indexSelect(let dim, let paddingIdx):
        return [try indexAdd(shape: shapes[0], dim: dim, index: s[0], source: g, skip: paddingIdx)]
    case .take:
        return [takeBackward(shape: shapes[0], offsets: s[0], g: g)]
    case .matmul:
        return try matmulDerivative(s[0], s[1], g)
    case .softmax(let dim):
        // dx = y * (g - sum(g * y))
        let y = s[0]
        return [try y.mul(try g.sub(try g.mul(y).sum(dims: [dim], keepdim: true)))]
    case .logSoftmax(let dim):
        // dx = g - exp(y) * sum(g)
        return [try g.sub(try s[0].exp().mul(try g.sum(dims: [dim], keepdim: true)))]
    case .ctcLoss:
        let n = s[0].shape[1]
        return [try s[0].mul(try g.reshape([1, n, 1]))]
    case .lstmLayer(let reverse, let lengths, let biases):
        // BPTT through c_t = f c_{t-1} + i g, h_t = o tanh(c_t), gates = x W_ih^T + h_{t-1} W_hh^T + b.
        let r = LSTMKernels.backward(g, saved: LSTMKernels.Saved(s[1...5]), whh: s[0], reverse: reverse, lengths: lengths,
                                     consume: consumeSaved)
        return [r.dx, r.dw, r.dh, r.dc] + [Tensor](repeating: r.db, count: biases)
    case .lstmBidirectional(let lengths, let biases):
        let grads = LSTMKernels.pair { d -> [Tensor] in
            let o = 6 * d
            let gd = g.dense()
            let gDir = Tensor(storage: gd.storage, shape: Array(gd.shape.dropFirst()), strides: Array(gd.strides.dropFirst()),
                              offset: gd.offset + d * gd.strides[0], dtype: .float32)
            let r = LSTMKernels.backward(gDir, saved: LSTMKernels.Saved(s[(o + 1)...(o + 5)]), whh: s[o], reverse: d == 1,
                                         lengths: lengths, consume: consumeSaved)
            return [r.dx, r.dw, r.dh, r.dc] + [Tensor](repeating: r.db, count: biases)
        }
        return grads.flatMap { $0 }
    case .layerNorm(let size, let hasWeight, let hasBias):
        // dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)), dxhat = g * w;
        // dw = sum_rows g * xhat; db = sum_rows g.
        let r = NormKernels.layerNormBackward(g.dense(), xhat: s[0], rstd: s[1], weight: hasWeight ? s[2] : nil, size: size)
        var out: [Tensor?] = [r.dx]
        if hasWeight { out.append(r.dw) }
        if hasBias { out.append(r.db) }
        return out
    case .gruLayer(let reverse, let lengths, let hasBias):
        // BPTT through h' = (1 - z) n + z h with n = tanh(x_n + r (h W_hn^T + b_hn)).
        let saved = GRUKernels.Saved(gates: s[1], hhn: s[2], hPrev: s[3])
        let (dx, dw, db, dh) = GRUKernels.backward(g, saved: saved, whh: s[0], reverse: reverse, lengths: lengths)
        return hasBias ? [dx, dw, db, dh] : [dx, dw, dh]
    case .cumsum(let dim):
        // d/dx_j sum_{i >= j} g_i: a reversed running sum.
        return [try g.flip([dim]).cumsum(dim: dim).flip([dim])]
    }
}

/// d(a^b)/da = b a^(b-1) (0 where b == 0); d(a^b)/db = a^b log(a) (0 where a == 0 and b >= 0).
private func powDerivative(_ a: Tensor, _ b: Tensor, _ y: Tensor, _ g: Tensor, _ shapes: [[Int]]) throws -> [Tensor?] {
    let da = BinaryKernels.float(a, b, g.shape) { x, e in e == 0 ? 0 : e * powf(x, e - 1) }
    let logA = BinaryKernels.float(a, b, g.shape) { x, e in x == 0 && e >= 0 ? 0 : logf(x) }
    let ga = try g.mul(da).sumTo(shapes[0])
    let gb = b.requiresGrad ? try g.mul(y).mul(logA).sumTo(shapes[1]) : nil
    return [ga, gb]
}

/// Gradients of C = A B for A [.., M, K], B [.., K, N]: dA = dC B^T, dB = A^T dC, summed over
/// broadcast batch dims. Transposes are views handed to sgemm as transposes.
private func matmulDerivative(_ a: Tensor, _ b: Tensor, _ g: Tensor) throws -> [Tensor?] {
    if a.ndim > 2 && b.ndim == 2 {
        // [.., M, K] x [K, N]: fold the batch dims into rows, so dB is one [K, R] x [R, N]
        // product instead of a [.., K, N] stack summed afterwards.
        let (k, n) = (b.shape[0], b.shape[1])
        let g2 = try g.reshape([-1, n])
        let ga = a.requiresGrad ? try Linalg.batched(g2, try b.transpose(0, 1)).reshape(a.shape) : nil
        let gb = b.requiresGrad ? try Linalg.batched(try a.reshape([-1, k]).transpose(0, 1), g2) : nil
        return [ga, gb]
    }
    let ga = a.requiresGrad ? try Linalg.batched(g, try b.transpose(-1, -2)).sumTo(a.shape) : nil
    let gb = b.requiresGrad ? try Linalg.batched(try a.transpose(-1, -2), g).sumTo(b.shape) : nil
    return [ga, gb]
}
