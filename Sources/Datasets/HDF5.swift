// The one file that imports HDF5's C module.
import CHDF5
import Tensor
public enum DatasetsModule { public static func hdf5Version() -> String {
    var maj: UInt32 = 0, min: UInt32 = 0, rel: UInt32 = 0
    H5get_libversion(&maj, &min, &rel)
    return "\(maj).\(min).\(rel)"
} }
