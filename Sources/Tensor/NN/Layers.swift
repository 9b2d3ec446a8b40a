import Foundation

/// Uniform(-bound, bound) init without autograd history (PyTorch's default layer inits).
func initUniform(_ shape: [Int], bound: Double) throws -> Tensor {
    try Tensor.empty(shape).uniform(-bound, bound)
}

/// y = x W^T + b (`nn.Linear`); weight and bias from U(-1/sqrt(in), 1/sqrt(in)) as PyTorch's
/// kaiming_uniform(a=sqrt(5)) default.
public final class Linear: Module {
    public let inFeatures: Int, outFeatures: Int

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true) throws {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        super.init()
        let bound = inFeatures > 0 ? 1 / Double(inFeatures).squareRoot() : 0
        try registerParameter("weight", try initUniform([outFeatures, inFeatures], bound: bound))
        try registerParameter("bias", bias ? try initUniform([outFeatures], bound: bound) : nil)
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        guard let w = parameter("weight") else { throw TensorError("Linear", "weight is None") }
        return try Functional.linear(input, w, parameter("bias"))
    }

    public override var extraRepr: String {
        "in_features=\(inFeatures), out_features=\(outFeatures), bias=\(parameter("bias") != nil ? "True" : "False")"
    }
}

/// Lookup table [num, dim] (`nn.Embedding`), N(0, 1) init; the `paddingIdx` row starts at zero
/// and gets no gradient.
public final class Embedding: Module {
    public let numEmbeddings: Int, embeddingDim: Int, paddingIdx: Int?

    public init(_ numEmbeddings: Int, _ embeddingDim: Int, paddingIdx: Int? = nil) throws {
        self.numEmbeddings = numEmbeddings
        self.embeddingDim = embeddingDim
        if let p = paddingIdx, p >= numEmbeddings || p < -numEmbeddings {
            throw TensorError("Embedding", "Padding_idx must be within num_embeddings")
        }
        self.paddingIdx = paddingIdx.map { $0 < 0 ? $0 + numEmbeddings : $0 }
        super.init()
        let w = try Tensor.empty([numEmbeddings, embeddingDim]).normal()
        if let p = self.paddingIdx { try noGrad { try w.select(dim: 0, index: p).fill(0) } }
        try registerParameter("weight", w)
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        guard let w = parameter("weight") else { throw TensorError("Embedding", "weight is None") }
        return try Tensor.embedding(input, w, paddingIdx: paddingIdx)
    }

    public override var extraRepr: String {
        "\(numEmbeddings), \(embeddingDim)" + (paddingIdx.map { ", padding_idx=\($0)" } ?? "")
    }
}

/// Layer normalization over the trailing `normalizedShape` dims (`nn.LayerNorm`).
public final class LayerNorm: Module {
    public let normalizedShape: [Int], eps: Double, elementwiseAffine: Bool

    public init(_ normalizedShape: [Int], eps: Double = 1e-5, elementwiseAffine: Bool = true, bias: Bool = true) throws {
        self.normalizedShape = normalizedShape
        self.eps = eps
        self.elementwiseAffine = elementwiseAffine
        super.init()
        try registerParameter("weight", elementwiseAffine ? Tensor.ones(normalizedShape) : nil)
        try registerParameter("bias", elementwiseAffine && bias ? Tensor.zeros(normalizedShape) : nil)
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        try Functional.layerNorm(input, normalizedShape, weight: parameter("weight"), bias: parameter("bias"), eps: eps)
    }

    public override var extraRepr: String {
        "\(pyTuple(normalizedShape)), eps=\(pyFloat(eps)), elementwise_affine=\(elementwiseAffine ? "True" : "False")"
    }
}

/// Randomly zeroes elements in training mode (`nn.Dropout`).
public final class Dropout: Module {
    public let p: Double

    public init(_ p: Double = 0.5) throws {
        guard p >= 0 && p <= 1 else { throw TensorError("Dropout", "dropout probability has to be between 0 and 1, but got \(p)") }
        self.p = p
        super.init()
    }

    public override func forward(_ input: Tensor) throws -> Tensor { try Functional.dropout(input, p: p, training: training) }
    public override var extraRepr: String { "p=\(pyFloat(p)), inplace=False" }
}

/// Elementwise activation modules (`nn.ReLU`, `nn.GELU`, `nn.Tanh`, ...).
public final class Activation: Module {
    public enum Kind { case relu, gelu(approximate: String), tanh, sigmoid, silu, leakyRelu(Double), elu(Double), softplus(Double, Double) }
    public let kind: Kind

    public init(_ kind: Kind) {
        self.kind = kind
        super.init()
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        switch kind {
        case .relu: return x.relu()
        case .gelu(let a): return try x.gelu(approximate: a)
        case .tanh: return x.tanh()
        case .sigmoid: return x.sigmoid()
        case .silu: return x.silu()
        case .leakyRelu(let s): return x.leakyRelu(negativeSlope: s)
        case .elu(let a): return x.elu(alpha: a)
        case .softplus(let b, let t): return x.softplus(beta: b, threshold: t)
        }
    }

    public override var typeName: String {
        switch kind {
        case .relu: return "ReLU"
        case .gelu: return "GELU"
        case .tanh: return "Tanh"
        case .sigmoid: return "Sigmoid"
        case .silu: return "SiLU"
        case .leakyRelu: return "LeakyReLU"
        case .elu: return "ELU"
        case .softplus: return "Softplus"
        }
    }

    public override var extraRepr: String {
        switch kind {
        case .gelu(let a): return a == "none" ? "approximate='none'" : "approximate='\(a)'"
        case .leakyRelu(let s): return "negative_slope=\(pyFloat(s))"
        case .elu(let a): return "alpha=\(pyFloat(a))"
        case .softplus(let b, let t): return "beta=\(pyFloat(b)), threshold=\(pyFloat(t))"
        default: return ""
        }
    }
}

/// Children applied in order (`nn.Sequential`); children are named "0", "1", ...
public final class Sequential: Module {
    public init(_ modules: [Module]) throws {
        super.init()
        for (i, m) in modules.enumerated() { try registerModule(String(i), m) }
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        try children().reduce(input) { try $1.forward($0) }
    }
}

/// A list of child modules named "0", "1", ... (`nn.ModuleList`).
public final class ModuleList: Module {
    public init(_ modules: [Module] = []) throws {
        super.init()
        for m in modules { try append(m) }
    }

    /// Appends a module under the next index (`ModuleList.append`).
    public func append(_ m: Module) throws { try registerModule(String(children().count), m) }
    public var count: Int { children().count }
    public subscript(i: Int) -> Module { children()[i] }
}

/// Child modules by key (`nn.ModuleDict`).
public final class ModuleDict: Module {
    public init(_ modules: [(String, Module)] = []) throws {
        super.init()
        for (k, m) in modules { try registerModule(k, m) }
    }
}
