/// Max and average pooling (`F.max_pool1d/2d`, `F.avg_pool1d`) on the patch extraction of
/// Convolution.swift; max pooling pads with -inf and routes the gradient to the first maximum.
extension Functional {
    /// Maximum over windows of the last dim of [N, C, L] or [C, L] (`F.max_pool1d`); also returns
    /// PyTorch's flat input indices of the maxima.
    public static func maxPool1d(_ x: Tensor, kernelSize: Int, stride: Int? = nil, padding: Int = 0, dilation: Int = 1,
                                 ceilMode: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        try maxPoolNd(x, kernel: [kernelSize], stride: [stride ?? kernelSize], padding: [padding], dilation: [dilation],
                      ceilMode: ceilMode, op: "max_pool1d")
    }

    /// Maximum over 2-d windows of [N, C, H, W] (`F.max_pool2d`), with flat input indices.
    public static func maxPool2d(_ x: Tensor, kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0, 0],
                                 dilation: [Int] = [1, 1], ceilMode: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        try maxPoolNd(x, kernel: kernelSize, stride: stride ?? kernelSize, padding: padding, dilation: dilation,
                      ceilMode: ceilMode, op: "max_pool2d")
    }

    /// Average over windows; `countIncludePad` counts the zero padding in the divisor (`F.avg_pool1d`).
    public static func avgPool1d(_ x: Tensor, kernelSize: Int, stride: Int? = nil, padding: Int = 0,
                                 ceilMode: Bool = false, countIncludePad: Bool = true) throws -> Tensor {
        let s = stride ?? kernelSize
        guard padding <= kernelSize / 2 else {
            throw TensorError("avg_pool1d", "pad should be at most half of effective kernel size, but got pad=\(padding), kernel_size=\(kernelSize)")
        }
        guard x.ndim == 2 || x.ndim == 3 else { throw TensorError("avg_pool1d", "expected 2-D or 3-D input, got \(fmt(x.shape))") }
        let unbatched = x.ndim == 2
        let xin = unbatched ? try x.unsqueeze(0) : x
        let l = xin.shape[2]
        let out = poolOutputSize(l, k: kernelSize, s: s, p: padding, d: 1, ceil: ceilMode)
        let extra = Swift.max(0, (out - 1) * s + kernelSize - (l + 2 * padding))
        let patches = try extractPatches(xin, kernel: [kernelSize], stride: [s], pads: [(padding, padding)], dilation: [1],
                                         value: 0, op: "avg_pool1d", extraRight: [extra])
        let sums = try patches.sum(dims: [2])
        var divisors: [Float] = []
        for o in 0..<out {
            let start = o * s - padding, end = Swift.min(start + kernelSize, l + padding)
            let count = countIncludePad ? end - start : Swift.min(end, l) - Swift.max(start, 0)
            divisors.append(Float(count))
        }
        let r = try sums.div(try Tensor(divisors, shape: [out]))
        return unbatched ? try r.squeeze([0]) : r
    }

    private static func maxPoolNd(_ x: Tensor, kernel: [Int], stride: [Int], padding: [Int], dilation: [Int],
                                  ceilMode: Bool, op: String) throws -> (values: Tensor, indices: Tensor) {
        let sd = kernel.count
        let unbatched = x.ndim == sd + 1
        let xin = unbatched ? try x.unsqueeze(0) : x
        guard xin.ndim == sd + 2 else { throw TensorError(op, "expected \(sd + 1)-D or \(sd + 2)-D input, got \(fmt(x.shape))") }
        for i in 0..<sd where padding[i] > kernel[i] / 2 {
            throw TensorError(op, "pad should be at most half of effective kernel size, but got pad=\(padding[i]), kernel_size=\(kernel[i])")
        }
        let spatial = Array(xin.shape.suffix(sd))
        var outSize: [Int] = [], extra: [Int] = []
        for i in 0..<sd {
            let o = poolOutputSize(spatial[i], k: kernel[i], s: stride[i], p: padding[i], d: dilation[i], ceil: ceilMode)
            outSize.append(o)
            extra.append(Swift.max(0, (o - 1) * stride[i] + dilation[i] * (kernel[i] - 1) + 1 - (spatial[i] + 2 * padding[i])))
        }
        let patches = try extractPatches(xin, kernel: kernel, stride: stride, pads: padding.map { ($0, $0) }, dilation: dilation,
                                         value: -.infinity, op: op, extraRight: extra)
        let (n, c) = (xin.shape[0], xin.shape[1])
        let flat = try patches.reshape([n, c, kernel.reduce(1, *)] + outSize)
        let (values, tap) = try flat.max(dim: 2)
        let indices = try flatInputIndex(tap, kernel: kernel, stride: stride, padding: padding, dilation: dilation,
                                         spatial: spatial, outSize: outSize)
        return unbatched ? (try values.squeeze([0]), try indices.squeeze([0])) : (values, indices)
    }

    /// Converts the winning tap of each window into PyTorch's flat index into the input plane.
    private static func flatInputIndex(_ tap: Tensor, kernel: [Int], stride: [Int], padding: [Int], dilation: [Int],
                                       spatial: [Int], outSize: [Int]) throws -> Tensor {
        let t = tap.dense()
        let out = Tensor.empty(t.shape, dtype: .int64)
        let planes = t.numel / Swift.max(outSize.reduce(1, *), 1)
        let per = outSize.reduce(1, *)
        let sd = kernel.count
        let tapValues = t.toIntArray()
        var result = [Int64](repeating: 0, count: t.numel)
        for p in 0..<planes {
            for o in 0..<per {
                var rem = Int(tapValues[p * per + o]), orem = o
                var kIdx = [Int](repeating: 0, count: sd), oIdx = [Int](repeating: 0, count: sd)
                for i in (0..<sd).reversed() {
                    kIdx[i] = rem % kernel[i]; rem /= kernel[i]
                    oIdx[i] = orem % outSize[i]; orem /= outSize[i]
                }
                var flat = 0
                for i in 0..<sd { flat = flat * spatial[i] + (oIdx[i] * stride[i] + kIdx[i] * dilation[i] - padding[i]) }
                result[p * per + o] = Int64(flat)
            }
        }
        return try Tensor(ints: result, shape: out.shape)
    }
}
