/// Reverse-mode execution of the recorded graph (Kahn's order, iterative: deep graphs such as
/// 10,000 chained ops never recurse).
extension Tensor {
    /// Computes gradients of this tensor w.r.t. the leaves that require grad and adds them to
    /// their `.grad` (PyTorch's `tensor.backward(gradient, retain_graph)`).
    ///
    /// `gradient` defaults to 1 for a one-element tensor; other shapes need it explicitly.
    public func backward(_ gradient: Tensor? = nil, retainGraph: Bool = false) throws {
        guard requiresGrad else {
            throw TensorError("backward", "element 0 of tensors does not require grad and does not have a grad_fn")
        }
        let seed: Tensor
        if let g = gradient {
            guard g.shape == shape else {
                throw TensorError("backward", "gradient has shape \(fmt(g.shape)) but the tensor has shape \(fmt(shape))")
            }
            seed = g.to(.float32)
        } else {
            guard numel == 1 else {
                throw TensorError("backward", "grad can be implicitly created only for scalar outputs (shape \(fmt(shape)))")
            }
            seed = Tensor.full(shape, 1.0)
        }
        try GradMode.noGrad { try runBackward(from: edge, seed: seed, retainGraph: retainGraph) }
    }

    /// Keeps `.grad` of this non-leaf tensor after backward (PyTorch's `retain_grad()`).
    public func retainGrad() {
        if let fn = gradFn { fn.retainedOutput = self }
    }
}

private var backwardEpoch = 0

private func runBackward(from root: Edge, seed: Tensor, retainGraph: Bool) throws {
    switch root {
    case .none: return
    case .leaf(let t):
        try accumulate(into: t, seed)
    case .node(let rootNode):
        let order = try countDependencies(rootNode)
        rootNode.pendingGrad = seed
        var ready: [Node] = [rootNode]
        defer { for n in order { n.pendingGrad = nil } }
        while let node = ready.popLast() {
            let grads: [Tensor?]
            if let g = node.pendingGrad {
                node.pendingGrad = nil
                if let out = node.retainedOutput { try accumulate(into: out, g) }
                grads = try derivative(node, g, consumeSaved: !retainGraph)
            } else {
                grads = []  // no gradient reached this node; still release its inputs' dependencies
            }
            if !retainGraph { node.releaseSaved() }
            for (i, e) in node.edges.enumerated() {
                switch e {
                case .none: continue
                case .leaf(let t):
                    if i < grads.count, let gi = grads[i] { try accumulate(into: t, gi) }
                case .node(let next):
                    if i < grads.count, let gi = grads[i] {
                        next.pendingGrad = try next.pendingGrad.map { try $0.add(gi) } ?? gi
                    }
                    next.dependencies -= 1
                    if next.dependencies == 0 { ready.append(next) }
                }
            }
        }
    }
}

/// Counts, for every node reachable from `root`, how many reachable edges point at it.
private func countDependencies(_ root: Node) throws -> [Node] {
    backwardEpoch &+= 1
    let mark = backwardEpoch
    var stack = [root]
    var all: [Node] = [root]
    root.visitMark = mark
    root.dependencies = 0
    while let n = stack.popLast() {
        for e in n.edges {
            guard case .node(let next) = e else { continue }
            if next.visitMark != mark {
                next.visitMark = mark
                next.dependencies = 0
                stack.append(next)
                all.append(next)
            }
            next.dependencies += 1
        }
    }
    return all
}

/// Adds `g` to `t.grad` out of place, so a gradient tensor is never shared between two leaves.
private func accumulate(into t: Tensor, _ g: Tensor) throws {
    let g = g.shape == t.shape ? g : try g.sumTo(t.shape)
    if let old = t.grad {
        t.grad = try old.add(g)
    } else {
        t.grad = g.clone()
    }
}
