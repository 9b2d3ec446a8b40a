import Tensor
import Datasets
public enum EngineModule { public static let name = "Engine" }
