import Foundation

/// Stochastic gradient descent with momentum, dampening, Nesterov and L2 weight decay (`torch.optim.SGD`).
public final class SGD: Optimizer {
    public init(_ groups: [ParamGroup], lr: Double = 1e-3, momentum: Double = 0, dampening: Double = 0,
                weightDecay: Double = 0, nesterov: Bool = false) throws {
        try super.init(groups, defaults: ["lr": lr, "momentum": momentum, "dampening": dampening,
                                          "weight_decay": weightDecay, "nesterov": nesterov ? 1 : 0])
        if nesterov && (momentum <= 0 || dampening != 0) {
            throw TensorError("SGD", "Nesterov momentum requires a momentum and zero dampening")
        }
    }

    public override func update(_ p: Tensor, grad: Tensor, options o: [String: Double], state: ParamState) throws {
        let (lr, mom, damp, wd) = (Float(opt(o, "lr")), Float(opt(o, "momentum")), Float(opt(o, "dampening")), Float(opt(o, "weight_decay")))
        let nesterov = opt(o, "nesterov") != 0
        let first = state.buffers["momentum_buffer"] == nil
        if mom != 0 && first { state.buffers["momentum_buffer"] = zerosLike(p) }
        state.step += 1
        let bufs = [grad] + (mom != 0 ? [buf(state, "momentum_buffer", p)] : [])
        try elementwise(p, bufs) { n, w, t in
            for i in 0..<n {
                var d = t[0][i] + wd * w[i]
                if mom != 0 {
                    let b = first ? d : mom * t[1][i] + (1 - damp) * d
                    t[1][i] = b
                    d = nesterov ? d + mom * b : b
                }
                w[i] -= lr * d
            }
        }
    }
}

/// Adam and AdamW (`torch.optim.Adam` with L2 `weight_decay`, `torch.optim.AdamW` with decoupled
/// decay), optionally AMSGrad.
public final class Adam: Optimizer {
    public let decoupled: Bool

    public init(_ groups: [ParamGroup], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                weightDecay: Double = 0, amsgrad: Bool = false, decoupledWeightDecay: Bool = false) throws {
        decoupled = decoupledWeightDecay
        try super.init(groups, defaults: ["lr": lr, "beta1": betas.0, "beta2": betas.1, "eps": eps,
                                          "weight_decay": weightDecay, "amsgrad": amsgrad ? 1 : 0])
    }

    /// AdamW's defaults (weight_decay 0.01).
    public static func adamW(_ groups: [ParamGroup], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
                             eps: Double = 1e-8, weightDecay: Double = 1e-2, amsgrad: Bool = false) throws -> Adam {
        try Adam(groups, lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad, decoupledWeightDecay: true)
    }

    public override func update(_ p: Tensor, grad: Tensor, options o: [String: Double], state: ParamState) throws {
        let (lr, b1, b2, eps, wd) = (opt(o, "lr"), opt(o, "beta1"), opt(o, "beta2"), opt(o, "eps"), opt(o, "weight_decay"))
        let ams = opt(o, "amsgrad") != 0
        if state.buffers["exp_avg"] == nil {
            state.buffers["exp_avg"] = zerosLike(p)
            state.buffers["exp_avg_sq"] = zerosLike(p)
            if ams { state.buffers["max_exp_avg_sq"] = zerosLike(p) }
        }
        state.step += 1
        let step = state.step
        let stepSize = Float(lr / (1 - Foundation.pow(b1, step)))
        let c2sqrt = Float((1 - Foundation.pow(b2, step)).squareRoot())
        let (fb1, fb2, feps, fwd, flr) = (Float(b1), Float(b2), Float(eps), Float(wd), Float(lr))
        let decoupled = self.decoupled
        var bufs = [grad, buf(state, "exp_avg", p), buf(state, "exp_avg_sq", p)]
        if ams { bufs.append(buf(state, "max_exp_avg_sq", p)) }
        try elementwise(p, bufs) { n, w, t in
            for i in 0..<n {
                var g = t[0][i]
                if decoupled { w[i] *= 1 - flr * fwd } else { g += fwd * w[i] }
                let m = t[1][i] + (g - t[1][i]) * (1 - fb1)
                let v = t[2][i] * fb2 + (1 - fb2) * g * g
                t[1][i] = m
                t[2][i] = v
                var vhat = v
                if ams {
                    vhat = Swift.max(t[3][i], v)
                    t[3][i] = vhat
                }
                let denom = vhat.squareRoot() / c2sqrt + feps
                w[i] -= stepSize * m / denom
            }
        }
    }
}

/// RMSprop with momentum, centering and L2 weight decay (`torch.optim.RMSprop`).
public final class RMSprop: Optimizer {
    public init(_ groups: [ParamGroup], lr: Double = 1e-2, alpha: Double = 0.99, eps: Double = 1e-8, weightDecay: Double = 0,
                momentum: Double = 0, centered: Bool = false) throws {
        try super.init(groups, defaults: ["lr": lr, "alpha": alpha, "eps": eps, "weight_decay": weightDecay,
                                          "momentum": momentum, "centered": centered ? 1 : 0])
    }

    public override func update(_ p: Tensor, grad: Tensor, options o: [String: Double], state: ParamState) throws {
        let (lr, alpha, eps, wd, mom) = (Float(opt(o, "lr")), Float(opt(o, "alpha")), Float(opt(o, "eps")), Float(opt(o, "weight_decay")), Float(opt(o, "momentum")))
        let centered = opt(o, "centered") != 0
        if state.buffers["square_avg"] == nil {
            state.buffers["square_avg"] = zerosLike(p)
            if mom > 0 { state.buffers["momentum_buffer"] = zerosLike(p) }
            if centered { state.buffers["grad_avg"] = zerosLike(p) }
        }
        state.step += 1
        let bufs = [grad, buf(state, "square_avg", p), state.buffers["momentum_buffer"] ?? grad, state.buffers["grad_avg"] ?? grad]
        try elementwise(p, bufs) { n, w, t in
            for i in 0..<n {
                let g = t[0][i] + wd * w[i]
                let sa = t[1][i] * alpha + (1 - alpha) * g * g
                t[1][i] = sa
                var avg: Float
                if centered {
                    let ga = t[3][i] + (g - t[3][i]) * (1 - alpha)
                    t[3][i] = ga
                    avg = (sa - ga * ga).squareRoot() + eps
                } else {
                    avg = sa.squareRoot() + eps
                }
                if mom > 0 {
                    let b = t[2][i] * mom + g / avg
                    t[2][i] = b
                    w[i] -= lr * b
                } else {
                    w[i] -= lr * g / avg
                }
            }
        }
    }
}

/// Adagrad with learning-rate decay, initial accumulator and L2 weight decay (`torch.optim.Adagrad`).
public final class Adagrad: Optimizer {
    public init(_ groups: [ParamGroup], lr: Double = 1e-2, lrDecay: Double = 0, weightDecay: Double = 0,
                initialAccumulatorValue: Double = 0, eps: Double = 1e-10) throws {
        try super.init(groups, defaults: ["lr": lr, "lr_decay": lrDecay, "weight_decay": weightDecay,
                                          "initial_accumulator_value": initialAccumulatorValue, "eps": eps])
        for g in paramGroups {
            for p in g.params { state(for: p).buffers["sum"] = zerosLike(p, opt(g.options, "initial_accumulator_value")) }
        }
    }

    public override func update(_ p: Tensor, grad: Tensor, options o: [String: Double], state: ParamState) throws {
        state.step += 1
        let clr = Float(opt(o, "lr") / (1 + (state.step - 1) * opt(o, "lr_decay")))
        let (wd, eps) = (Float(opt(o, "weight_decay")), Float(opt(o, "eps")))
        if state.buffers["sum"] == nil { state.buffers["sum"] = zerosLike(p, opt(o, "initial_accumulator_value")) }
        try elementwise(p, [grad, buf(state, "sum", p)]) { n, w, t in
            for i in 0..<n {
                let g = t[0][i] + wd * w[i]
                let s = t[1][i] + g * g
                t[1][i] = s
                w[i] -= clr * g / (s.squareRoot() + eps)
            }
        }
    }
}

/// Gradient clipping (`torch.nn.utils.clip_grad_norm_` / `clip_grad_value_`).
public enum Clip {
    /// Scales all gradients by min(1, maxNorm / (total + 1e-6)) where total is the `normType`
    /// norm of all gradients together; returns the total norm (0-d).
    @discardableResult
    public static func gradNorm(_ params: [Tensor], maxNorm: Double, normType: Double = 2,
                                errorIfNonfinite: Bool = false) throws -> Tensor {
        let grads = params.compactMap { $0.grad }
        if grads.isEmpty { return Tensor.scalar(0) }
        return try noGrad {
            let norms = try grads.map { try $0.norm(p: normType) }
            let total = try Tensor.stack(norms).norm(p: normType)
            let t = try total.item()
            if errorIfNonfinite && !t.isFinite {
                throw TensorError("clip_grad_norm_", "The total norm of order \(normType) for gradients from `parameters` is non-finite, so it cannot be clipped.")
            }
            let coef = Swift.min(maxNorm / (t + 1e-6), 1)
            for g in grads { try g.mulInPlace(Tensor.scalar(Double(Float(coef)))) }
            return total
        }
    }

    /// Clamps every gradient to [-value, value].
    public static func gradValue(_ params: [Tensor], clipValue: Double) throws {
        try noGrad { for p in params { try p.grad?.clampInPlace(min: -clipValue, max: clipValue) } }
    }
}
