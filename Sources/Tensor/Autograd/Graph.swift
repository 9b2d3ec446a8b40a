/// One recorded op of the autograd tape: what it was, where its inputs' gradients go, and the
/// tensors its derivative needs (with the storage versions seen when they were saved).
final class Node {
    let op: Op
    /// One edge per differentiable input, in the op's input order.
    private(set) var edges: [Edge]
    /// Shapes of the inputs (to undo broadcasting).
    let inputShapes: [[Int]]
    private(set) var saved: [Tensor]
    private var savedVersions: [Int]
    /// Gradient summed over the uses of this node's output during one backward pass.
    var pendingGrad: Tensor?
    var dependencies = 0
    var visitMark = 0
    /// The output tensor, when the user asked it to keep `.grad` (`retainGrad()`).
    weak var retainedOutput: Tensor?

    init(op: Op, edges: [Edge], inputShapes: [[Int]], saved: [Tensor]) {
        self.op = op
        self.edges = edges
        self.inputShapes = inputShapes
        self.saved = saved
        savedVersions = saved.map { $0.storage.version }
    }

    /// The saved tensors, or an error if one was modified in place after it was saved.
    func savedTensors() throws -> [Tensor] {
        if saved.isEmpty && !savedVersions.isEmpty {
            throw TensorError("backward", "Trying to backward through the graph a second time "
                + "(saved tensors were freed); call backward(retainGraph: true) the first time")
        }
        for (t, v) in zip(saved, savedVersions) where t.storage.version != v {
            throw TensorError("backward", "one of the variables needed for gradient computation has been "
                + "modified by an inplace operation: [\(t.dtype), \(fmt(t.shape))] is at version "
                + "\(t.storage.version); expected version \(v) instead (op \(op.name))")
        }
        return saved
    }

    func releaseSaved() { saved = [] }

    /// Tears down long chains iteratively: releasing the last tensor of a 100,000-op graph must
    /// not recurse through every node (Swift's release would otherwise overflow the stack).
    deinit {
        var pending: [Node] = []
        Node.detach(&edges, &saved, into: &pending)
        while var n = pending.popLast() {
            if isKnownUniquelyReferenced(&n) { Node.detach(&n.edges, &n.saved, into: &pending) }
        }
    }

    private static func detach(_ edges: inout [Edge], _ saved: inout [Tensor], into pending: inout [Node]) {
        for e in edges {
            switch e {
            case .node(let n): pending.append(n)
            case .leaf, .none: break
            }
        }
        edges = []
        for var t in saved where isKnownUniquelyReferenced(&t) {
            if let fn = t.gradFn {
                pending.append(fn)
                t.gradFn = nil
            }
        }
        saved = []
    }
}

/// Where an input's gradient flows: nowhere, into a leaf's `.grad`, or into another node.
enum Edge {
    case none
    case leaf(Tensor)
    case node(Node)

    var needsGrad: Bool {
        if case .none = self { return false }
        return true
    }
}

extension Tensor {
    /// The edge through which a gradient reaches this tensor.
    var edge: Edge {
        guard requiresGrad else { return .none }
        if let fn = gradFn { return .node(fn) }
        return .leaf(self)
    }

    /// Records `op` as the producer of `self` when grad mode is on and an input requires grad.
    @discardableResult
    func recorded(_ op: @autoclosure () -> Op, inputs: [Tensor], saved: @autoclosure () -> [Tensor] = []) -> Tensor {
        guard GradMode.isEnabled, dtype == .float32 else { return self }
        var any = false
        for t in inputs where t.requiresGrad { any = true; break }
        guard any else { return self }
        gradFn = Node(op: op(), edges: inputs.map { $0.edge }, inputShapes: inputs.map { $0.shape },
                      saved: saved())
        requiresGrad = true
        return self
    }
}
