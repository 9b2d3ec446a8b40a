/// Convolution and pooling over 1-d and 2-d spatial dims, built from strided views of the
/// padded input (one per kernel tap), stacked into patches and multiplied with the weights in
/// one matmul per group (im2col). Autograd comes from the primitives.
extension Functional {
    /// `F.conv1d`: x [N, Cin, L] (or [Cin, L]), weight [Cout, Cin/groups, K] -> [N, Cout, Lout].
    /// `padding` may be "same" or "valid" through `paddingMode`.
    public static func conv1d(_ x: Tensor, _ weight: Tensor, _ bias: Tensor? = nil, stride: Int = 1, padding: Int = 0,
                              paddingMode: String? = nil, dilation: Int = 1, groups: Int = 1) throws -> Tensor {
        try convNd(x, weight, bias, stride: [stride], padding: [padding], paddingMode: paddingMode,
                   dilation: [dilation], groups: groups, op: "conv1d")
    }

    /// `F.conv2d`: x [N, Cin, H, W], weight [Cout, Cin/groups, KH, KW] -> [N, Cout, Hout, Wout].
    public static func conv2d(_ x: Tensor, _ weight: Tensor, _ bias: Tensor? = nil, stride: [Int] = [1, 1],
                              padding: [Int] = [0, 0], paddingMode: String? = nil, dilation: [Int] = [1, 1],
                              groups: Int = 1) throws -> Tensor {
        try convNd(x, weight, bias, stride: stride, padding: padding, paddingMode: paddingMode,
                   dilation: dilation, groups: groups, op: "conv2d")
    }

    private static func convNd(_ input: Tensor, _ weight: Tensor, _ bias: Tensor?, stride: [Int], padding: [Int],
                               paddingMode: String?, dilation: [Int], groups: Int, op: String) throws -> Tensor {
        let sd = stride.count
        let unbatched = input.ndim == sd + 1
        let x = unbatched ? try input.unsqueeze(0) : input
        guard x.ndim == sd + 2, weight.ndim == sd + 2 else {
            throw TensorError(op, "expected \(sd + 1)-D (unbatched) or \(sd + 2)-D (batched) input and \(sd + 2)-D weight, got input \(fmt(input.shape)) and weight \(fmt(weight.shape))")
        }
        let (cin, cout) = (x.shape[1], weight.shape[0])
        guard groups > 0, cin % groups == 0, cout % groups == 0, weight.shape[1] * groups == cin else {
            throw TensorError(op, "given groups=\(groups), weight of size \(fmt(weight.shape)), expected input\(fmt(x.shape)) to have \(weight.shape[1] * groups) channels, but got \(cin) channels instead")
        }
        let kernel = Array(weight.shape.suffix(sd))
        let pads = try resolvePadding(padding, paddingMode, kernel: kernel, dilation: dilation, stride: stride, op: op)
        let patches = try extractPatches(x, kernel: kernel, stride: stride, pads: pads, dilation: dilation, value: 0, op: op)
        // patches: [N, Cin, K..., Out...] -> per group [N, Cin/g * prod(K), prod(Out)]
        let n = x.shape[0]
        let outSpatial = Array(patches.shape.suffix(sd))
        let kTotal = kernel.reduce(1, *), outTotal = outSpatial.reduce(1, *)
        let cols = try patches.reshape([n, groups, cin / groups * kTotal, outTotal])
        let w = try weight.reshape([groups, cout / groups, cin / groups * kTotal])
        // [N, g, Cout/g, Out] = w[g] @ cols[n, g]
        var y = try w.unsqueeze(0).matmul(cols).reshape([n, cout] + outSpatial)
        if let b = bias { y = try y.add(try b.reshape([1, cout] + [Int](repeating: 1, count: sd))) }
        return unbatched ? try y.squeeze([0]) : y
    }

    /// Left/right padding per spatial dim; "same" puts the extra element on the right as PyTorch.
    private static func resolvePadding(_ padding: [Int], _ mode: String?, kernel: [Int], dilation: [Int],
                                       stride: [Int], op: String) throws -> [(Int, Int)] {
        switch mode {
        case nil: return padding.map { ($0, $0) }
        case "valid"?: return kernel.map { _ in (0, 0) }
        case "same"?:
            guard stride.allSatisfy({ $0 == 1 }) else { throw TensorError(op, "padding='same' is not supported for strided convolutions") }
            return zip(kernel, dilation).map { k, d in
                let total = d * (k - 1)
                return (total / 2, total - total / 2)
            }
        case let m?: throw TensorError(op, "Invalid padding string '\(m)', should be one of ['valid', 'same']")
        }
    }

    /// Strided views of the padded input, one per kernel tap, stacked: [N, C, K..., Out...].
    static func extractPatches(_ x: Tensor, kernel: [Int], stride: [Int], pads: [(Int, Int)], dilation: [Int],
                               value: Double, op: String, extraRight: [Int]? = nil) throws -> Tensor {
        let sd = kernel.count
        var padList: [Int] = []
        for i in (0..<sd).reversed() { padList += [pads[i].0, pads[i].1 + (extraRight?[i] ?? 0)] }
        let xp = padList.allSatisfy({ $0 == 0 }) ? x : try x.pad(padList, value: value)
        var outSize: [Int] = []
        for i in 0..<sd {
            let span = dilation[i] * (kernel[i] - 1) + 1
            let avail = xp.shape[2 + i]
            guard avail >= span else {
                throw TensorError(op, "Calculated padded input size per channel: \(fmt(Array(xp.shape.suffix(sd)))). Kernel size: \(fmt(kernel)). Kernel size can't be greater than actual input size")
            }
            outSize.append((avail - span) / stride[i] + 1)
        }
        var taps: [Tensor] = []
        var index = [Int](repeating: 0, count: sd)
        for _ in 0..<kernel.reduce(1, *) {
            var v = xp
            for i in 0..<sd {
                let start = index[i] * dilation[i]
                v = try v.slice(dim: 2 + i, start: start, end: start + stride[i] * (outSize[i] - 1) + 1, step: stride[i])
            }
            taps.append(v)
            var d = sd - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < kernel[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        let stacked = try Tensor.stack(taps, dim: 2)  // [N, C, prod(K), Out...]
        return try stacked.reshape(Array(x.shape.prefix(2)) + kernel + outSize)
    }

    /// Output length of a pooling window under PyTorch's ceil_mode rule (the last window must
    /// start inside the input or its left padding).
    static func poolOutputSize(_ l: Int, k: Int, s: Int, p: Int, d: Int, ceil: Bool) -> Int {
        let span = d * (k - 1) + 1
        let num = l + 2 * p - span
        var out = (ceil ? (num + s - 1) / s : num / s) + 1
        if ceil && (out - 1) * s >= l + p { out -= 1 }
        return out
    }
}
