// Placeholder; the tensor core lands with the Foundation issue.
import CBLAS
public enum TensorModule { public static let name = "Tensor" }
