import Interpreter
import Tensor

/// Shape, joining, indexing and linear-algebra functions of `torch`.
extension TorchFunctions {
    static let shapes: BindingTable = [
        "reshape": Binding(["input", "*shape"]) { a in Convert.wrap(try a.tensor("input").reshape(try a.shape("shape"))) },
        "flatten": Binding(["input", "start_dim", "end_dim"]) { a in
            Convert.wrap(try a.tensor("input").flatten(startDim: try a.int("start_dim", 0), endDim: try a.int("end_dim", -1)))
        },
        "transpose": Binding(["input", "dim0", "dim1"]) { a in
            Convert.wrap(try a.tensor("input").transpose(try a.int("dim0"), try a.int("dim1")))
        },
        "swapaxes": Binding(["input", "axis0", "axis1"]) { a in
            Convert.wrap(try a.tensor("input").transpose(try a.int("axis0"), try a.int("axis1")))
        },
        "t": unaryBinding { try $0.t() },
        "permute": Binding(["input", "*dims"]) { a in Convert.wrap(try a.tensor("input").permute(try a.shape("dims"))) },
        "squeeze": Binding(["input", "dim"]) { a in Convert.wrap(try a.tensor("input").squeeze(try a.ints("dim"))) },
        "unsqueeze": Binding(["input", "dim"]) { a in Convert.wrap(try a.tensor("input").unsqueeze(try a.int("dim"))) },
        "cat": joinBinding(stack: false), "concat": joinBinding(stack: false), "concatenate": joinBinding(stack: false),
        "stack": joinBinding(stack: true),
        "split": Binding(["input", "split_size_or_sections", "dim"]) { a in
            let x = try a.tensor("input")
            let dim = try a.int("dim", 0)
            let v = try a.required("split_size_or_sections")
            if let n = Convert.int(v), !Convert.isTensor(v) { return Convert.tuple(try x.split(n, dim: dim)) }
            return Convert.tuple(try x.split(sections: try a.ints("split_size_or_sections") ?? [], dim: dim))
        },
        "chunk": Binding(["input", "chunks", "dim"]) { a in
            Convert.tuple(try a.tensor("input").chunk(try a.int("chunks"), dim: try a.int("dim", 0)))
        },
        "unbind": Binding(["input", "dim"]) { a in Convert.tuple(try a.tensor("input").unbind(dim: try a.int("dim", 0))) },
        "narrow": Binding(["input", "dim", "start", "length"]) { a in
            Convert.wrap(try a.tensor("input").narrow(try a.int("dim"), try a.int("start"), try a.int("length")))
        },
        "flip": Binding(["input", "*dims"]) { a in Convert.wrap(try a.tensor("input").flip(try a.shape("dims"))) },
        "triu": Binding(["input", "diagonal"]) { a in Convert.wrap(try a.tensor("input").triu(diagonal: try a.int("diagonal", 0))) },
        "tril": Binding(["input", "diagonal"]) { a in Convert.wrap(try a.tensor("input").tril(diagonal: try a.int("diagonal", 0))) },
        "gather": Binding(["input", "dim", "index"]) { a in
            Convert.wrap(try a.tensor("input").gather(dim: try a.int("dim"), index: try a.tensor("index")))
        },
        "index_select": Binding(["input", "dim", "index"]) { a in
            Convert.wrap(try a.tensor("input").indexSelect(dim: try a.int("dim"), index: try a.tensor("index")))
        },
        "masked_select": Binding(["input", "mask"]) { a in Convert.wrap(try a.tensor("input").maskedSelect(try a.tensor("mask"))) },
        "nonzero": unaryBinding { $0.nonzero() },
    ]

    static func joinBinding(stack: Bool) -> Binding {
        Binding(["tensors", "dim"], method: false) { a in
            let ts = try a.tensors("tensors")
            let dim = try a.int("dim", 0)
            return Convert.wrap(stack ? try Tensor.stack(ts, dim: dim) : try Tensor.cat(ts, dim: dim))
        }
    }

    static let linalg: BindingTable = [
        "matmul": bin { try $0.matmul($1) },
        "mm": Binding(["input", "mat2"]) { a in Convert.wrap(try a.tensor("input").mm(try a.tensor("mat2"))) },
        "bmm": Binding(["input", "mat2"]) { a in Convert.wrap(try a.tensor("input").bmm(try a.tensor("mat2"))) },
        "einsum": Binding(["equation", "*operands"], method: false) { a in
            let eq = try a.string("equation", "")
            var ops = try a.rest.map { try Convert.tensor($0) }
            if a.rest.count == 1, let items = Convert.items(a.rest[0]) { ops = try items.map { try Convert.tensor($0) } }
            return Convert.wrap(try Tensor.einsum(eq, ops))
        },
    ]

    /// `torch.linalg.*`.
    static let linalgModule: BindingTable = [
        "vector_norm": Binding(["x", "ord", "dim", "keepdim"]) { a in
            Convert.wrap(try a.tensor("x").norm(p: try a.double("ord", 2), dims: try a.ints("dim"), keepdim: try a.bool("keepdim", false)))
        },
        "norm": Binding(["x", "ord", "dim", "keepdim"]) { a in
            Convert.wrap(try a.tensor("x").norm(p: try a.double("ord", 2), dims: try a.ints("dim"), keepdim: try a.bool("keepdim", false)))
        },
        "matmul": bin { try $0.matmul($1) },
    ]
}
