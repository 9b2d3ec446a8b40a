import Tensor

/// torch.nn.functional names of the layers issue, added as they are implemented.
enum GoldenNN {
    static let table: [String: GoldenOps.Fn] = [:]
}
