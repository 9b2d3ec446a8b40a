import Tensor

/// The PyTorch names the golden runner knows, mapped to mrsh calls with PyTorch's signatures.
enum GoldenOps {
    typealias Fn = (PyArgs) throws -> PyValue

    static let table: [String: Fn] = {
        var t: [String: Fn] = [:]
        for (k, v) in elementwise { t[k] = v }
        for (k, v) in reductions { t[k] = v }
        for (k, v) in shapeOps { t[k] = v }
        for (k, v) in linalg { t[k] = v }
        for (k, v) in GoldenNN.table { t[k] = v }
        for (k, v) in GoldenModules.table { t[k] = v }
        // Tensor methods share the torch.* function with `self` first.
        for (k, v) in t where k.hasPrefix("torch.") && !k.contains("linalg") {
            let m = "Tensor." + k.dropFirst("torch.".count)
            if t[m] == nil { t[m] = v }
        }
        for k in ["relu", "gelu", "silu", "leaky_relu", "elu", "softplus", "softmax", "log_softmax"] where t["F." + k] != nil {
            if t["Tensor." + k] == nil { t["Tensor." + k] = t["F." + k] }
        }
        t["float"] = { a in
            if case .str(let s)? = a.value(0, "x") { return .float(Double(s.replacingOccurrences(of: "inf", with: "infinity")) ?? .nan) }
            return .float(try a.double(0, "x"))
        }
        t["int"] = { a in .int(Int(try a.double(0, "x"))) }
        return t
    }()

    static func tensorFn(_ f: @escaping (Tensor) throws -> Tensor) -> Fn {
        { a in .tensor(try f(try a.tensor(0, "input"))) }
    }

    static let elementwise: [String: Fn] = [
        "torch.add": { a in .tensor(try a.tensor(0, "input").add(try a.tensor(1, "other"), alpha: try a.double(2, "alpha", 1))) },
        "torch.sub": { a in .tensor(try a.tensor(0, "input").sub(try a.tensor(1, "other"), alpha: try a.double(2, "alpha", 1))) },
        "torch.mul": { a in .tensor(try a.tensor(0, "input").mul(try a.tensor(1, "other"))) },
        "torch.div": { a in .tensor(try a.tensor(0, "input").div(try a.tensor(1, "other"))) },
        "torch.pow": { a in .tensor(try a.tensor(0, "input").pow(try a.tensor(1, "exponent"))) },
        "torch.maximum": { a in .tensor(try a.tensor(0, "input").maximum(try a.tensor(1, "other"))) },
        "torch.minimum": { a in .tensor(try a.tensor(0, "input").minimum(try a.tensor(1, "other"))) },
        "torch.neg": tensorFn { $0.neg() },
        "torch.exp": tensorFn { $0.exp() },
        "torch.log": tensorFn { $0.log() },
        "torch.sqrt": tensorFn { $0.sqrt() },
        "torch.rsqrt": tensorFn { $0.rsqrt() },
        "torch.abs": tensorFn { $0.abs() },
        "torch.tanh": tensorFn { $0.tanh() },
        "torch.sigmoid": tensorFn { $0.sigmoid() },
        "torch.relu": tensorFn { $0.relu() },
        "F.relu": tensorFn { $0.relu() },
        "F.gelu": { a in .tensor(try a.tensor(0, "input").gelu(approximate: try a.string(1, "approximate", "none"))) },
        "F.silu": tensorFn { $0.silu() },
        "F.leaky_relu": { a in .tensor(try a.tensor(0, "input").leakyRelu(negativeSlope: try a.double(1, "negative_slope", 0.01))) },
        "F.elu": { a in .tensor(try a.tensor(0, "input").elu(alpha: try a.double(1, "alpha", 1))) },
        "F.softplus": { a in
            .tensor(try a.tensor(0, "input").softplus(beta: try a.double(1, "beta", 1), threshold: try a.double(2, "threshold", 20)))
        },
        "torch.clamp": { a in
            let x = try a.tensor(0, "input")
            let lo = a.value(1, "min"), hi = a.value(2, "max")
            let isTensor: (PyValue?) -> Bool = { if case .tensor? = $0 { return true }; return false }
            if isTensor(lo) || isTensor(hi) {
                return .tensor(try x.clamp(min: try a.optTensor(1, "min"), max: try a.optTensor(2, "max")))
            }
            return .tensor(try x.clamp(min: try a.optDouble(1, "min"), max: try a.optDouble(2, "max")))
        },
        "torch.where": { a in
            .tensor(try Tensor.where(try a.tensor(0, "condition"), try a.tensor(1, "input"), try a.tensor(2, "other")))
        },
        "torch.masked_fill": { a in .tensor(try a.tensor(0, "input").maskedFill(try a.tensor(1, "mask"), try a.double(2, "value"))) },
    ]

    static let reductions: [String: Fn] = [
        "torch.sum": { a in .tensor(try a.tensor(0, "input").sum(dims: try a.ints(1, "dim"), keepdim: try a.bool(2, "keepdim", false))) },
        "torch.mean": { a in .tensor(try a.tensor(0, "input").mean(dims: try a.ints(1, "dim"), keepdim: try a.bool(2, "keepdim", false))) },
        "torch.amax": { a in .tensor(try a.tensor(0, "input").amax(dims: try a.ints(1, "dim"), keepdim: try a.bool(2, "keepdim", false))) },
        "torch.amin": { a in .tensor(try a.tensor(0, "input").amin(dims: try a.ints(1, "dim"), keepdim: try a.bool(2, "keepdim", false))) },
        "torch.max": { a in try extreme(a, max: true) },
        "torch.min": { a in try extreme(a, max: false) },
        "torch.argmax": { a in .tensor(try a.tensor(0, "input").argmax(dim: try a.optInt(1, "dim"), keepdim: try a.bool(2, "keepdim", false))) },
        "torch.argmin": { a in .tensor(try a.tensor(0, "input").argmin(dim: try a.optInt(1, "dim"), keepdim: try a.bool(2, "keepdim", false))) },
        "torch.logsumexp": { a in
            .tensor(try a.tensor(0, "input").logsumexp(dims: try a.ints(1, "dim") ?? [], keepdim: try a.bool(2, "keepdim", false)))
        },
        "torch.var": { a in try varStd(a, std: false) },
        "torch.std": { a in try varStd(a, std: true) },
        "torch.norm": { a in
            var p = 2.0
            if let v = a.value(1, "p"), case .str = v { p = 2 } else if a.value(1, "p") != nil { p = try a.double(1, "p") }
            return .tensor(try a.tensor(0, "input").norm(p: p, dims: try a.ints(2, "dim"), keepdim: try a.bool(3, "keepdim", false)))
        },
        "torch.linalg.vector_norm": { a in
            .tensor(try a.tensor(0, "x").norm(p: try a.double(1, "ord", 2), dims: try a.ints(2, "dim"), keepdim: try a.bool(3, "keepdim", false)))
        },
    ]

    private static func extreme(_ a: PyArgs, max: Bool) throws -> PyValue {
        let x = try a.tensor(0, "input")
        if case .tensor(let other)? = a.value(1, "other") {
            return .tensor(max ? try x.maximum(other) : try x.minimum(other))
        }
        guard let dim = try a.optInt(1, "dim") else { return .tensor(max ? try x.max() : try x.min()) }
        let keep = try a.bool(2, "keepdim", false)
        let r = max ? try x.max(dim: dim, keepdim: keep) : try x.min(dim: dim, keepdim: keep)
        return .tuple([.tensor(r.values), .tensor(r.indices)])
    }

    private static func varStd(_ a: PyArgs, std: Bool) throws -> PyValue {
        let x = try a.tensor(0, "input")
        var dims: [Int]? = nil
        var unbiasedPos = -1
        // torch.var(x, unbiased) vs torch.var(x, dim, unbiased, keepdim)
        if case .bool? = a.value(1, "dim") { unbiasedPos = 1 } else { dims = try a.ints(1, "dim") }
        var correction = try a.bool(unbiasedPos >= 0 ? 1 : 2, "unbiased", true) ? 1 : 0
        if let c = try a.optInt(-1, "correction") { correction = c }
        let keep = try a.bool(unbiasedPos >= 0 ? 99 : 3, "keepdim", false)
        return .tensor(std ? try x.std(dims: dims, correction: correction, keepdim: keep)
                           : try x.variance(dims: dims, correction: correction, keepdim: keep))
    }

    static let shapeOps: [String: Fn] = [
        "torch.reshape": { a in .tensor(try a.tensor(0, "input").reshape(try a.shapeArgs(from: 1, "shape"))) },
        "Tensor.view": { a in .tensor(try a.tensor(0, "input").view(try a.shapeArgs(from: 1, "shape"))) },
        "torch.flatten": { a in
            .tensor(try a.tensor(0, "input").flatten(startDim: try a.int(1, "start_dim", 0), endDim: try a.int(2, "end_dim", -1)))
        },
        "torch.transpose": { a in .tensor(try a.tensor(0, "input").transpose(try a.int(1, "dim0"), try a.int(2, "dim1"))) },
        "torch.t": tensorFn { try $0.t() },
        "Tensor.contiguous": tensorFn { $0.contiguous() },
        "Tensor.clone": tensorFn { $0.clone() },
        "Tensor.detach": tensorFn { $0.detach() },
        "Tensor.float": tensorFn { $0.to(.float32) },
        "Tensor.long": tensorFn { $0.to(.int64) },
        "torch.permute": { a in .tensor(try a.tensor(0, "input").permute(try a.shapeArgs(from: 1, "dims"))) },
        "torch.squeeze": { a in .tensor(try a.tensor(0, "input").squeeze(try a.ints(1, "dim"))) },
        "torch.unsqueeze": { a in .tensor(try a.tensor(0, "input").unsqueeze(try a.int(1, "dim"))) },
        "Tensor.expand": { a in .tensor(try a.tensor(0, "input").expand(try a.shapeArgs(from: 1, "size"))) },
        "torch.cat": { a in .tensor(try Tensor.cat(try tensorList(a.value(0, "tensors")), dim: try a.int(1, "dim", 0))) },
        "torch.concat": { a in .tensor(try Tensor.cat(try tensorList(a.value(0, "tensors")), dim: try a.int(1, "dim", 0))) },
        "torch.stack": { a in .tensor(try Tensor.stack(try tensorList(a.value(0, "tensors")), dim: try a.int(1, "dim", 0))) },
        "torch.split": { a in
            let x = try a.tensor(0, "tensor")
            let dim = try a.int(2, "dim", 0)
            switch a.value(1, "split_size_or_sections") {
            case .int(let n)?: return .tuple(try x.split(n, dim: dim).map { .tensor($0) })
            case let v?: return .tuple(try x.split(sections: try PyEval.toInts(v), dim: dim).map { .tensor($0) })
            case nil: throw PyParseError(message: "split needs split_size_or_sections")
            }
        },
        "torch.chunk": { a in .tuple(try a.tensor(0, "input").chunk(try a.int(1, "chunks"), dim: try a.int(2, "dim", 0)).map { .tensor($0) }) },
        "torch.unbind": { a in .tuple(try a.tensor(0, "input").unbind(dim: try a.int(1, "dim", 0)).map { .tensor($0) }) },
        "torch.narrow": { a in
            .tensor(try a.tensor(0, "input").narrow(try a.int(1, "dim"), try a.int(2, "start"), try a.int(3, "length")))
        },
        "torch.flip": { a in .tensor(try a.tensor(0, "input").flip(try a.shapeArgs(from: 1, "dims"))) },
        "F.pad": { a in
            guard try a.string(2, "mode", "constant") == "constant" else { throw NotImplemented(what: "pad mode") }
            return .tensor(try a.tensor(0, "input").pad(try a.ints(1, "pad") ?? [], value: try a.double(3, "value", 0)))
        },
        "Tensor.repeat": { a in .tensor(try a.tensor(0, "input").repeat(try a.shapeArgs(from: 1, "repeats"))) },
        "torch.triu": { a in .tensor(try a.tensor(0, "input").triu(diagonal: try a.int(1, "diagonal", 0))) },
        "torch.tril": { a in .tensor(try a.tensor(0, "input").tril(diagonal: try a.int(1, "diagonal", 0))) },
        "torch.gather": { a in .tensor(try a.tensor(0, "input").gather(dim: try a.int(1, "dim"), index: try a.tensor(2, "index"))) },
        "torch.index_select": { a in
            .tensor(try a.tensor(0, "input").indexSelect(dim: try a.int(1, "dim"), index: try a.tensor(2, "index")))
        },
        "F.embedding": { a in
            .tensor(try Tensor.embedding(try a.tensor(0, "input"), try a.tensor(1, "weight"), paddingIdx: try a.optInt(2, "padding_idx")))
        },
        "torch.masked_select": { a in .tensor(try a.tensor(0, "input").maskedSelect(try a.tensor(1, "mask"))) },
    ]

    static let linalg: [String: Fn] = [
        "torch.matmul": { a in .tensor(try a.tensor(0, "input").matmul(try a.tensor(1, "other"))) },
        "torch.mm": { a in .tensor(try a.tensor(0, "input").mm(try a.tensor(1, "mat2"))) },
        "torch.bmm": { a in .tensor(try a.tensor(0, "input").bmm(try a.tensor(1, "mat2"))) },
        "torch.einsum": { a in
            guard case .str(let eq)? = a.value(0, "equation") else { throw PyParseError(message: "einsum needs an equation") }
            var ops = try a.pos.dropFirst().map { try PyEval.toTensor($0) }
            if ops.count == 1, case .list(let xs) = a.pos[1] { ops = try xs.map { try PyEval.toTensor($0) } }
            return .tensor(try Tensor.einsum(eq, ops))
        },
    ]

    static func tensorList(_ v: PyValue?) throws -> [Tensor] {
        switch v {
        case .list(let xs)?, .tuple(let xs)?: return try xs.map { try PyEval.toTensor($0) }
        default: throw PyParseError(message: "expected a list of tensors")
        }
    }
}
