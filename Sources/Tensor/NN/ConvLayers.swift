/// Convolution and batch-norm layers with PyTorch's parameter names and default init.
public final class Conv: Module {
    public let inChannels: Int, outChannels: Int, kernelSize: [Int], stride: [Int], padding: [Int]
    public let paddingMode: String?, dilation: [Int], groups: Int

    /// A 1-d (`kernelSize.count == 1`, `nn.Conv1d`) or 2-d (`nn.Conv2d`) convolution;
    /// `paddingMode` "same"/"valid" replaces numeric padding.
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: [Int], stride: [Int]? = nil, padding: [Int]? = nil,
                paddingMode: String? = nil, dilation: [Int]? = nil, groups: Int = 1, bias: Bool = true) throws {
        let d = kernelSize.count
        guard d == 1 || d == 2 else { throw TensorError("Conv", "only 1-d and 2-d convolutions are supported") }
        guard groups > 0, inChannels % groups == 0, outChannels % groups == 0 else {
            throw TensorError("Conv", "in_channels (\(inChannels)) and out_channels (\(outChannels)) must be divisible by groups (\(groups))")
        }
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride ?? [Int](repeating: 1, count: d)
        self.padding = padding ?? [Int](repeating: 0, count: d)
        self.paddingMode = paddingMode
        self.dilation = dilation ?? [Int](repeating: 1, count: d)
        self.groups = groups
        super.init()
        let fanIn = inChannels / groups * kernelSize.reduce(1, *)
        let bound = fanIn > 0 ? 1 / Double(fanIn).squareRoot() : 0
        try registerParameter("weight", try initUniform([outChannels, inChannels / groups] + kernelSize, bound: bound))
        try registerParameter("bias", bias ? try initUniform([outChannels], bound: bound) : nil)
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        guard let w = parameter("weight") else { throw TensorError(typeName, "weight is None") }
        if kernelSize.count == 1 {
            return try Functional.conv1d(x, w, parameter("bias"), stride: stride[0], padding: padding[0],
                                         paddingMode: paddingMode, dilation: dilation[0], groups: groups)
        }
        return try Functional.conv2d(x, w, parameter("bias"), stride: stride, padding: padding, paddingMode: paddingMode,
                                     dilation: dilation, groups: groups)
    }

    public override var typeName: String { kernelSize.count == 1 ? "Conv1d" : "Conv2d" }

    public override var extraRepr: String {
        var s = "\(inChannels), \(outChannels), kernel_size=\(pyTuple(kernelSize)), stride=\(pyTuple(stride))"
        if let m = paddingMode { s += ", padding=\(m)" } else if padding.contains(where: { $0 != 0 }) { s += ", padding=\(pyTuple(padding))" }
        if dilation.contains(where: { $0 != 1 }) { s += ", dilation=\(pyTuple(dilation))" }
        if groups != 1 { s += ", groups=\(groups)" }
        if parameter("bias") == nil { s += ", bias=False" }
        return s
    }
}

/// Batch normalization over dim 1 of [N, C] or [N, C, L] (`nn.BatchNorm1d`), with running
/// statistics as buffers and `num_batches_tracked`.
public final class BatchNorm1d: Module {
    public let numFeatures: Int, eps: Double, momentum: Double, affine: Bool, trackRunningStats: Bool

    public init(_ numFeatures: Int, eps: Double = 1e-5, momentum: Double = 0.1, affine: Bool = true,
                trackRunningStats: Bool = true) throws {
        self.numFeatures = numFeatures
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.trackRunningStats = trackRunningStats
        super.init()
        try registerParameter("weight", affine ? Tensor.ones([numFeatures]) : nil)
        try registerParameter("bias", affine ? Tensor.zeros([numFeatures]) : nil)
        if trackRunningStats {
            try registerBuffer("running_mean", Tensor.zeros([numFeatures]))
            try registerBuffer("running_var", Tensor.ones([numFeatures]))
            try registerBuffer("num_batches_tracked", Tensor.scalar(0))
        }
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        let useBatchStats = training || !trackRunningStats
        if training, let n = buffer("num_batches_tracked") { try noGrad { try n.addInPlace(Tensor.scalar(1)) } }
        return try Functional.batchNorm(x, runningMean: buffer("running_mean"), runningVar: buffer("running_var"),
                                        weight: parameter("weight"), bias: parameter("bias"), training: useBatchStats,
                                        momentum: momentum, eps: eps)
    }

    public override var extraRepr: String {
        "\(numFeatures), eps=\(pyFloat(eps)), momentum=\(pyFloat(momentum)), affine=\(affine ? "True" : "False"), track_running_stats=\(trackRunningStats ? "True" : "False")"
    }
}
