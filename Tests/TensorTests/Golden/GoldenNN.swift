import Tensor

/// torch.nn.functional names of the layers issue, added as they are implemented.
enum GoldenNN {
    static let table: [String: GoldenOps.Fn] = [
        "F.softmax": { a in .tensor(try a.tensor(0, "input").softmax(dim: try a.int(1, "dim"))) },
        "F.log_softmax": { a in .tensor(try a.tensor(0, "input").logSoftmax(dim: try a.int(1, "dim"))) },
        "torch.softmax": { a in .tensor(try a.tensor(0, "input").softmax(dim: try a.int(1, "dim"))) },
        "torch.log_softmax": { a in .tensor(try a.tensor(0, "input").logSoftmax(dim: try a.int(1, "dim"))) },
        "F.linear": { a in .tensor(try Functional.linear(try a.tensor(0, "input"), try a.tensor(1, "weight"), try a.optTensor(2, "bias"))) },
        "F.layer_norm": { a in
            .tensor(try Functional.layerNorm(try a.tensor(0, "input"), try a.ints(1, "normalized_shape") ?? [],
                                             weight: try a.optTensor(2, "weight"), bias: try a.optTensor(3, "bias"),
                                             eps: try a.double(4, "eps", 1e-5)))
        },
        "F.dropout": { a in
            .tensor(try Functional.dropout(try a.tensor(0, "input"), p: try a.double(1, "p", 0.5), training: try a.bool(2, "training", true)))
        },
        "F.cross_entropy": { a in
            .tensor(try Functional.crossEntropy(try a.tensor(0, "input"), try a.tensor(1, "target"), weight: try a.optTensor(2, "weight"),
                                                ignoreIndex: try a.int(4, "ignore_index", -100),
                                                reduction: try reduction(a, 6), labelSmoothing: try a.double(7, "label_smoothing", 0)))
        },
        "F.nll_loss": { a in
            .tensor(try Functional.nllLoss(try a.tensor(0, "input"), try a.tensor(1, "target"), weight: try a.optTensor(2, "weight"),
                                           ignoreIndex: try a.int(4, "ignore_index", -100), reduction: try reduction(a, 6)))
        },
        "F.mse_loss": { a in .tensor(try Functional.mseLoss(try a.tensor(0, "input"), try a.tensor(1, "target"), reduction: try reduction(a, 4))) },
        "F.l1_loss": { a in .tensor(try Functional.l1Loss(try a.tensor(0, "input"), try a.tensor(1, "target"), reduction: try reduction(a, 4))) },
        "F.binary_cross_entropy_with_logits": { a in
            .tensor(try Functional.binaryCrossEntropyWithLogits(try a.tensor(0, "input"), try a.tensor(1, "target"),
                                                                weight: try a.optTensor(2, "weight"), posWeight: try a.optTensor(6, "pos_weight"),
                                                                reduction: try reduction(a, 5)))
        },
    ]

    static func reduction(_ a: PyArgs, _ pos: Int) throws -> Reduction {
        try Reduction(parsing: try a.string(pos, "reduction", "mean"), op: "loss")
    }
}
