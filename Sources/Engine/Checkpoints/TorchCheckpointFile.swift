import Datasets
import Tensor

/// A PyTorch checkpoint (`torch.save` zip format) opened for reading without running code:
/// the restricted pickle of `<root>/data.pkl` and the storages `<root>/data/<key>`.
public final class TorchCheckpointFile {
    public let path: String
    /// The unpickled top-level object (tensors are `.tensor` references into the storages).
    public let object: PickleValue
    private let archive: ZipArchive
    private let root: String
    private var storageCache: [String: [UInt8]] = [:]

    /// Opens the zip, checks byte order, and unpickles `data.pkl`.
    /// - Throws: `CheckpointError`/`ZipError` naming the file (legacy non-zip torch files are refused).
    public init(path: String) throws {
        self.path = path
        let archive: ZipArchive
        do {
            archive = try ZipArchive(path: path)
        } catch ZipError.notAZip {
            throw CheckpointError(path: path, message: "not a PyTorch zip checkpoint (legacy torch.save files and other formats are not supported)")
        }
        self.archive = archive
        let pickles = archive.names.filter { $0.hasSuffix("/data.pkl") && $0.dropLast("/data.pkl".count).split(separator: "/").count == 1 }
        guard pickles.count == 1, let pickleName = pickles.first else {
            throw CheckpointError(path: path, message: pickles.isEmpty ? "no <root>/data.pkl member: not a torch checkpoint"
                                                                        : "several data.pkl members: \(pickles)")
        }
        root = String(pickleName.dropLast("data.pkl".count))
        if archive.contains(root + "byteorder") {
            let order = try archive.readText(root + "byteorder")
            guard order == "little" else { throw CheckpointError(path: path, message: "byteorder '\(order)' is not supported") }
        }
        object = try RestrictedUnpickler.load(try archive.read(pickleName), path: path)
    }

    /// The bytes of the checkpoint's `data.pkl` (for tools and tests).
    public static func pickleBytes(of path: String) throws -> [UInt8] {
        let archive = try ZipArchive(path: path)
        guard let name = archive.names.first(where: { $0.hasSuffix("/data.pkl") }) else {
            throw CheckpointError(path: path, message: "no <root>/data.pkl member: not a torch checkpoint")
        }
        return try archive.read(name)
    }

    /// The raw bytes of storage `key`, checked against the element count the pickle gives.
    public func storageBytes(_ tensor: TorchTensorRef) throws -> [UInt8] {
        if let cached = storageCache[tensor.storageKey] { return cached }
        let member = root + "data/" + tensor.storageKey
        guard archive.contains(member) else {
            throw CheckpointError(path: path, message: "storage '\(tensor.storageKey)' is missing (no member \(member))")
        }
        let bytes = try archive.read(member)
        let needed = tensor.storageElementCount * tensor.dtype.byteSize
        guard bytes.count >= needed else {
            throw CheckpointError(path: path, message: "storage '\(tensor.storageKey)' has \(bytes.count) bytes, needs \(needed)")
        }
        storageCache[tensor.storageKey] = bytes
        return bytes
    }

    /// The tensor's elements gathered row-major (contiguous), as a named record.
    public func record(_ tensor: TorchTensorRef, name: String) throws -> TensorRecord {
        let storage = try storageBytes(tensor)
        let size = tensor.dtype.byteSize
        let count = tensor.elementCount
        if tensor.isContiguous {
            let start = tensor.storageOffset * size
            return TensorRecord(name: name, dtype: tensor.dtype, shape: tensor.shape,
                                bytes: Array(storage[start..<(start + count * size)]))
        }
        var out = [UInt8](repeating: 0, count: count * size)
        var index = [Int](repeating: 0, count: tensor.shape.count)
        for i in 0..<count {
            var element = tensor.storageOffset
            for d in 0..<index.count { element += index[d] * tensor.stride[d] }
            for b in 0..<size { out[i * size + b] = storage[element * size + b] }
            var d = index.count - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < tensor.shape[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        return TensorRecord(name: name, dtype: tensor.dtype, shape: tensor.shape, bytes: out)
    }
}
