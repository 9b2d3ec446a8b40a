/// A user-caused tensor error (bad shape, dtype, index, autograd misuse); the message names the op.
public struct TensorError: Error, CustomStringConvertible, Equatable {
    public let op: String
    public let message: String

    public init(_ op: String, _ message: String) {
        self.op = op
        self.message = message
    }

    public var description: String { "\(op): \(message)" }
}

/// Formats a shape as PyTorch prints it in messages: `[32, 80]`.
@inline(__always)
func fmt(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
