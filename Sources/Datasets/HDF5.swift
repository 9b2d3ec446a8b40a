// The one file that imports HDF5's C module. Every call into the library happens under
// `HDF5Lock`, so the rest of the project may use HDF5 files from any thread.
import CHDF5
import Foundation

/// Serializes all HDF5 calls: Debian's libhdf5 is built thread-safe with one global lock, and
/// holding our own lock keeps multi-call sequences (select, read, close) atomic as well.
enum HDF5Lock {
    static let lock = NSRecursiveLock()

    static func run<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        // Error stacks are per thread in thread-safe HDF5 builds: silence the caller's each time
        // (a library must not print; errors come back as thrown DatasetErrors).
        mrsh_H5_silence_errors()
        return try body()
    }
}

/// The HDF5 version this program is linked against, e.g. "1.10.8".
public func hdf5LibraryVersion() -> String {
    HDF5Lock.run {
        var maj: UInt32 = 0, min: UInt32 = 0, rel: UInt32 = 0
        H5get_libversion(&maj, &min, &rel)
        return "\(maj).\(min).\(rel)"
    }
}

/// How the strings of a string dataset are stored.
public enum HDF5StringKind: Equatable, Sendable {
    case fixed(size: Int)
    case variable
}

/// What HDF5 says about one dataset's element type and extent.
public struct HDF5DatasetInfo: Equatable, Sendable {
    public var shape: [Int]
    /// nil entries are unlimited axes.
    public var maxShape: [Int?]
    public var chunked: Bool
    /// Numeric dtype, or nil for strings.
    public var dtype: DType?
    public var string: HDF5StringKind?
    /// "INTEGER", "FLOAT", "STRING", ...
    public var typeClass: String
    public var typeSize: Int
    public var littleEndian: Bool
    public var signed: Bool
    public var utf8: Bool
    /// "NULLTERM", "NULLPAD" or "SPACEPAD" for strings.
    public var strpad: String
}

/// An open HDF5 file. Dataset handles are cached by path, as opening them is slow.
public final class HDF5File {
    public let path: String
    private var fid: hid_t
    private var datasets: [String: hid_t] = [:]

    private init(path: String, fid: hid_t) {
        self.path = path
        self.fid = fid
    }

    /// Opens an existing file read-only (or read-write).
    public static func open(_ path: String, writable: Bool = false) throws -> HDF5File {
        try HDF5Lock.run {
            guard FileManager.default.fileExists(atPath: path) else {
                throw DatasetError(file: path, "no such file")
            }
            guard H5Fis_hdf5(path) > 0 else { throw DatasetError(file: path, "not an HDF5 file") }
            let fid = H5Fopen(path, writable ? mrsh_H5F_ACC_RDWR() : mrsh_H5F_ACC_RDONLY(), mrsh_H5P_DEFAULT())
            guard fid >= 0 else { throw DatasetError(file: path, "cannot open HDF5 file") }
            return HDF5File(path: path, fid: fid)
        }
    }

    /// Creates a new file, truncating any existing one.
    public static func create(_ path: String) throws -> HDF5File {
        try HDF5Lock.run {
            let fid = H5Fcreate(path, mrsh_H5F_ACC_TRUNC(), mrsh_H5P_DEFAULT(), mrsh_H5P_DEFAULT())
            guard fid >= 0 else { throw DatasetError(file: path, "cannot create HDF5 file") }
            return HDF5File(path: path, fid: fid)
        }
    }

    deinit { close() }

    /// Closes all handles; later calls fail.
    public func close() {
        HDF5Lock.run {
            for (_, id) in datasets { H5Dclose(id) }
            datasets = [:]
            if fid >= 0 { H5Fclose(fid) }
            fid = -1
        }
    }

    /// Flushes written data to disk.
    public func flush() {
        HDF5Lock.run { _ = H5Fflush(fid, H5F_SCOPE_GLOBAL) }
    }

    // MARK: Structure

    /// Whether the object at `path` (e.g. "targets/data/classes") exists.
    public func exists(_ objectPath: String) -> Bool {
        HDF5Lock.run {
            var prefix = ""
            for part in objectPath.split(separator: "/") {
                prefix += (prefix.isEmpty ? "" : "/") + part
                if H5Lexists(fid, prefix, mrsh_H5P_DEFAULT()) <= 0 { return false }
            }
            return true
        }
    }

    /// Whether `path` is a group (false if it is missing or a dataset).
    public func isGroup(_ objectPath: String) -> Bool {
        guard exists(objectPath) else { return false }
        return HDF5Lock.run {
            let oid = H5Oopen(fid, objectPath, mrsh_H5P_DEFAULT())
            guard oid >= 0 else { return false }
            defer { H5Oclose(oid) }
            return H5Iget_type(oid) == H5I_GROUP
        }
    }

    /// Names of the links in a group, in HDF5's name order.
    public func members(ofGroup group: String) throws -> [String] {
        try HDF5Lock.run {
            let gid = H5Gopen2(fid, group, mrsh_H5P_DEFAULT())
            guard gid >= 0 else { throw DatasetError(file: path, key: group, "missing group") }
            defer { H5Gclose(gid) }
            var info = H5G_info_t()
            guard H5Gget_info(gid, &info) >= 0 else { throw DatasetError(file: path, key: group, "cannot list group") }
            return (0..<info.nlinks).map { i in
                let n = H5Lget_name_by_idx(gid, ".", H5_INDEX_NAME, H5_ITER_INC, i, nil, 0, mrsh_H5P_DEFAULT())
                var buf = [CChar](repeating: 0, count: max(Int(n), 0) + 1)
                _ = H5Lget_name_by_idx(gid, ".", H5_INDEX_NAME, H5_ITER_INC, i, &buf, buf.count, mrsh_H5P_DEFAULT())
                return String(cString: buf)
            }
        }
    }

    private func withObject<T>(_ objectPath: String, _ body: (hid_t) throws -> T) throws -> T {
        let oid = H5Oopen(fid, objectPath, mrsh_H5P_DEFAULT())
        guard oid >= 0 else { throw DatasetError(file: path, key: objectPath, "missing object") }
        defer { H5Oclose(oid) }
        return try body(oid)
    }

    /// Names of the attributes of an object ("/" for the root).
    public func attributeNames(_ objectPath: String) throws -> [String] {
        try HDF5Lock.run {
            try withObject(objectPath) { oid in
                let n = H5Aget_num_attrs(oid)
                guard n >= 0 else { throw DatasetError(file: path, key: objectPath, "cannot list attributes") }
                return (0..<Int(n)).map { i in
                    let len = H5Aget_name_by_idx(oid, ".", H5_INDEX_NAME, H5_ITER_INC, hsize_t(i), nil, 0, mrsh_H5P_DEFAULT())
                    var buf = [CChar](repeating: 0, count: max(Int(len), 0) + 1)
                    _ = H5Aget_name_by_idx(oid, ".", H5_INDEX_NAME, H5_ITER_INC, hsize_t(i), &buf, buf.count, mrsh_H5P_DEFAULT())
                    return String(cString: buf)
                }
            }
        }
    }

    /// A numeric attribute as int64 values with its shape (`[]` for a scalar).
    public func intAttribute(_ objectPath: String, _ name: String) throws -> (shape: [Int], values: [Int64]) {
        try HDF5Lock.run {
            try withObject(objectPath) { oid in
                let aid = H5Aopen(oid, name, mrsh_H5P_DEFAULT())
                guard aid >= 0 else {
                    throw DatasetError(file: path, key: "\(objectPath) attribute \(name)", "missing attribute")
                }
                defer { H5Aclose(aid) }
                let space = H5Aget_space(aid)
                defer { H5Sclose(space) }
                let shape = simpleExtent(space).dims
                var values = [Int64](repeating: 0, count: shape.reduce(1, *))
                guard H5Aread(aid, mrsh_H5T_NATIVE_INT64(), &values) >= 0 else {
                    throw DatasetError(file: path, key: "\(objectPath) attribute \(name)", "attribute is not numeric")
                }
                return (shape, values)
            }
        }
    }

    private func simpleExtent(_ space: hid_t) -> (dims: [Int], max: [Int?]) {
        let rank = Int(H5Sget_simple_extent_ndims(space))
        guard rank > 0 else { return ([], []) }
        var dims = [hsize_t](repeating: 0, count: rank)
        var maxDims = [hsize_t](repeating: 0, count: rank)
        H5Sget_simple_extent_dims(space, &dims, &maxDims)
        let unlimited = mrsh_H5S_UNLIMITED()
        return (dims.map { Int($0) }, maxDims.map { $0 == unlimited ? nil : Int($0) })
    }

    // MARK: Datasets

    fileprivate func datasetsCache(_ objectPath: String, _ id: hid_t) {
        if let old = datasets[objectPath] { H5Dclose(old) }
        datasets[objectPath] = id
    }

    fileprivate func openDataset(_ objectPath: String) throws -> hid_t { try dataset(objectPath) }

    fileprivate func nativeTypeFor(_ dtype: DType) -> hid_t { nativeType(dtype) }

    private func dataset(_ objectPath: String) throws -> hid_t {
        if let id = datasets[objectPath] { return id }
        guard fid >= 0 else { throw DatasetError(file: path, key: objectPath, "file is closed") }
        let id = H5Dopen2(fid, objectPath, mrsh_H5P_DEFAULT())
        guard id >= 0 else { throw DatasetError(file: path, key: objectPath, "missing dataset") }
        datasets[objectPath] = id
        return id
    }

    /// Shape, type and storage of a dataset.
    public func info(_ objectPath: String) throws -> HDF5DatasetInfo {
        try HDF5Lock.run {
            let did = try dataset(objectPath)
            let space = H5Dget_space(did)
            defer { H5Sclose(space) }
            let extent = simpleExtent(space)
            let dcpl = H5Dget_create_plist(did)
            defer { H5Pclose(dcpl) }
            let tid = H5Dget_type(did)
            defer { H5Tclose(tid) }
            var info = describeType(tid)
            info.shape = extent.dims
            info.maxShape = extent.max
            info.chunked = H5Pget_layout(dcpl) == H5D_CHUNKED
            if info.string == nil && info.dtype == nil {
                throw DatasetError(file: path, key: objectPath, "unsupported element type \(info.typeClass) of size \(info.typeSize)")
            }
            return info
        }
    }

    private func describeType(_ tid: hid_t) -> HDF5DatasetInfo {
        let cls = H5Tget_class(tid)
        let size = Int(H5Tget_size(tid))
        var info = HDF5DatasetInfo(shape: [], maxShape: [], chunked: false, dtype: nil, string: nil,
                                   typeClass: "OTHER", typeSize: size, littleEndian: true, signed: false,
                                   utf8: false, strpad: "")
        switch cls {
        case H5T_INTEGER:
            info.typeClass = "INTEGER"
            info.signed = H5Tget_sign(tid) != H5T_SGN_NONE
            info.littleEndian = H5Tget_order(tid) == H5T_ORDER_LE
            let byName: [Int: (DType, DType)] = [1: (.int8, .uint8), 2: (.int16, .uint16), 4: (.int32, .uint32), 8: (.int64, .uint64)]
            if let pair = byName[size] { info.dtype = info.signed ? pair.0 : pair.1 }
        case H5T_FLOAT:
            info.typeClass = "FLOAT"
            info.littleEndian = H5Tget_order(tid) == H5T_ORDER_LE
            info.dtype = size == 4 ? .float32 : size == 8 ? .float64 : nil
        case H5T_ENUM where size == 1:
            info.typeClass = "ENUM"
            info.dtype = .bool
        case H5T_STRING:
            info.typeClass = "STRING"
            info.utf8 = H5Tget_cset(tid) == H5T_CSET_UTF8
            let pad = H5Tget_strpad(tid)
            info.strpad = pad == H5T_STR_NULLTERM ? "NULLTERM" : pad == H5T_STR_NULLPAD ? "NULLPAD" : "SPACEPAD"
            info.string = H5Tis_variable_str(tid) > 0 ? .variable : .fixed(size: size)
        default:
            break
        }
        return info
    }

    private func nativeType(_ dtype: DType) -> hid_t {
        switch dtype {
        case .float32: return mrsh_H5T_NATIVE_FLOAT()
        case .float64: return mrsh_H5T_NATIVE_DOUBLE()
        case .int8: return mrsh_H5T_NATIVE_INT8()
        case .int16: return mrsh_H5T_NATIVE_INT16()
        case .int32: return mrsh_H5T_NATIVE_INT32()
        case .int64: return mrsh_H5T_NATIVE_INT64()
        case .uint8, .bool: return mrsh_H5T_NATIVE_UINT8()
        case .uint16: return mrsh_H5T_NATIVE_UINT16()
        case .uint32: return mrsh_H5T_NATIVE_UINT32()
        case .uint64: return mrsh_H5T_NATIVE_UINT64()
        }
    }

    /// Rows `[start, start+count)` along axis 0 of a numeric dataset, with its trailing shape.
    public func readRows(_ objectPath: String, info: HDF5DatasetInfo, start: Int, count: Int) throws -> BatchArray {
        guard let dtype = info.dtype, !info.shape.isEmpty else {
            throw DatasetError(file: path, key: objectPath, "not a numeric dataset with a time axis")
        }
        guard start >= 0, count >= 0, start + count <= info.shape[0] else {
            throw DatasetError(file: path, key: objectPath,
                               "rows \(start)..<\(start + count) out of range (dataset has \(info.shape[0]) rows)")
        }
        var shape = info.shape
        shape[0] = count
        if count == 0 { return BatchArray(zeros: dtype, shape: shape) }
        let byteCount = shape.reduce(1, *) * dtype.size
        // Filled completely by H5Dread (or discarded on failure), so no zero-fill pass.
        var bytes = [UInt8](unsafeUninitializedCapacity: byteCount) { _, n in n = byteCount }
        try HDF5Lock.run {
            let did = try dataset(objectPath)
            let fileSpace = H5Dget_space(did)
            defer { H5Sclose(fileSpace) }
            var offset = [hsize_t](repeating: 0, count: shape.count)
            offset[0] = hsize_t(start)
            var counts = shape.map { hsize_t($0) }
            H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &offset, nil, &counts, nil)
            let memSpace = H5Screate_simple(Int32(shape.count), &counts, nil)
            defer { H5Sclose(memSpace) }
            let status = bytes.withUnsafeMutableBytes { buf in
                H5Dread(did, nativeType(dtype), memSpace, fileSpace, mrsh_H5P_DEFAULT(), buf.baseAddress)
            }
            guard status >= 0 else { throw DatasetError(file: path, key: objectPath, "read failed (corrupt file?)") }
        }
        return BatchArray(dtype: dtype, shape: shape, bytes: bytes)
    }

    /// The whole numeric dataset.
    public func readAll(_ objectPath: String) throws -> BatchArray {
        let i = try info(objectPath)
        if i.shape.isEmpty {
            throw DatasetError(file: path, key: objectPath, "expected an array, found a scalar dataset")
        }
        return try readRows(objectPath, info: i, start: 0, count: i.shape[0])
    }

    /// All strings of a 1-d string dataset (fixed or variable length), decoded as UTF-8 and cut
    /// at the first NUL like RETURNN's `_decode`.
    public func readStrings(_ objectPath: String) throws -> [String] {
        let i = try info(objectPath)
        guard let kind = i.string else { throw DatasetError(file: path, key: objectPath, "not a string dataset") }
        let n = i.shape.reduce(1, *)
        if n == 0 { return [] }
        return try HDF5Lock.run {
            let did = try dataset(objectPath)
            switch kind {
            case .fixed(let size):
                let ftype = H5Dget_type(did)
                defer { H5Tclose(ftype) }
                var buf = [UInt8](repeating: 0, count: n * size)
                guard H5Dread(did, ftype, mrsh_H5S_ALL(), mrsh_H5S_ALL(), mrsh_H5P_DEFAULT(), &buf) >= 0 else {
                    throw DatasetError(file: path, key: objectPath, "read failed")
                }
                return (0..<n).map { decodeCut(buf[($0 * size)..<(($0 + 1) * size)]) }
            case .variable:
                let mtype = H5Tcopy(mrsh_H5T_C_S1())
                defer { H5Tclose(mtype) }
                H5Tset_size(mtype, mrsh_H5T_VARIABLE())
                H5Tset_cset(mtype, H5T_CSET_UTF8)
                var ptrs = [UnsafeMutablePointer<CChar>?](repeating: nil, count: n)
                guard H5Dread(did, mtype, mrsh_H5S_ALL(), mrsh_H5S_ALL(), mrsh_H5P_DEFAULT(), &ptrs) >= 0 else {
                    throw DatasetError(file: path, key: objectPath, "read failed")
                }
                let out = ptrs.map { p in p.map { String(cString: $0) }.map { decodeCut(Array($0.utf8)[...]) } ?? "" }
                let space = H5Dget_space(did)
                H5Dvlen_reclaim(mtype, space, mrsh_H5P_DEFAULT(), &ptrs)
                H5Sclose(space)
                return out
            }
        }
    }

    private func decodeCut(_ bytes: ArraySlice<UInt8>) -> String {
        let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
        return String(decoding: bytes[bytes.startIndex..<end], as: UTF8.self)
    }
}

// MARK: Writing

extension HDF5File {
    /// Creates a group (and missing parents, like h5py's `create_group("a/b")`).
    public func createGroup(_ group: String) throws {
        try HDF5Lock.run {
            var prefix = ""
            for part in group.split(separator: "/") {
                prefix += (prefix.isEmpty ? "" : "/") + part
                if H5Lexists(fid, prefix, mrsh_H5P_DEFAULT()) > 0 { continue }
                let gid = H5Gcreate2(fid, prefix, mrsh_H5P_DEFAULT(), mrsh_H5P_DEFAULT(), mrsh_H5P_DEFAULT())
                guard gid >= 0 else { throw DatasetError(file: path, key: prefix, "cannot create group") }
                H5Gclose(gid)
            }
        }
    }

    /// Creates a dataset; `maxShape` nil means fixed (contiguous), else chunked with nil = unlimited axes.
    private func create(_ objectPath: String, type: hid_t, shape: [Int], maxShape: [Int?]?) throws {
        var dims = shape.map { hsize_t($0) }
        let unlimited = mrsh_H5S_UNLIMITED()
        var maxDims = (maxShape ?? shape).map { $0.map { hsize_t($0) } ?? unlimited }
        let space = H5Screate_simple(Int32(shape.count), &dims, &maxDims)
        defer { H5Sclose(space) }
        let dcpl = H5Pcreate(mrsh_H5P_DATASET_CREATE())
        defer { H5Pclose(dcpl) }
        if let maxShape {
            let itemBytes = max(Int(H5Tget_size(type)), 1)
            let rowElems = maxShape.dropFirst().enumerated().map { i, m in m ?? max(shape[i + 1], 1) }.reduce(1, *)
            var chunk = [hsize_t(max(1, min(65_536 / max(rowElems * itemBytes, 1), 16_384)))]
            chunk += maxShape.dropFirst().enumerated().map { i, m in hsize_t(m ?? max(shape[i + 1], 1)) }
            H5Pset_chunk(dcpl, Int32(chunk.count), &chunk)
        }
        let did = H5Dcreate2(fid, objectPath, type, space, mrsh_H5P_DEFAULT(), dcpl, mrsh_H5P_DEFAULT())
        guard did >= 0 else { throw DatasetError(file: path, key: objectPath, "cannot create dataset") }
        datasetsCache(objectPath, did)
    }

    /// Creates a numeric dataset (see `create`).
    public func createDataset(_ objectPath: String, dtype: DType, shape: [Int], maxShape: [Int?]? = nil) throws {
        try HDF5Lock.run { try create(objectPath, type: nativeTypeFor(dtype), shape: shape, maxShape: maxShape) }
    }

    /// Creates a 1-d string dataset: fixed `S<n>` ASCII NULLPAD, or variable-length UTF-8.
    public func createStringDataset(_ objectPath: String, kind: HDF5StringKind, count: Int, maxCount: Int?? = .some(nil)) throws {
        try HDF5Lock.run {
            let type = stringType(kind)
            defer { H5Tclose(type) }
            let maxShape: [Int?]? = maxCount.map { [$0] }
            try create(objectPath, type: type, shape: [count], maxShape: maxShape)
        }
    }

    private func stringType(_ kind: HDF5StringKind) -> hid_t {
        let type = H5Tcopy(mrsh_H5T_C_S1())
        switch kind {
        case .fixed(let size):
            H5Tset_size(type, size)
            H5Tset_strpad(type, H5T_STR_NULLPAD)
            H5Tset_cset(type, H5T_CSET_ASCII)
        case .variable:
            H5Tset_size(type, mrsh_H5T_VARIABLE())
            H5Tset_cset(type, H5T_CSET_UTF8)
        }
        return type
    }

    /// Sets a dataset's extent (only within its max shape).
    public func setExtent(_ objectPath: String, _ shape: [Int]) throws {
        try HDF5Lock.run {
            let did = try openDataset(objectPath)
            var dims = shape.map { hsize_t($0) }
            guard H5Dset_extent(did, &dims) >= 0 else {
                throw DatasetError(file: path, key: objectPath, "cannot resize to \(shape)")
            }
        }
    }

    /// Writes `array` at rows `[start, start + rows)` of a numeric dataset.
    public func writeRows(_ objectPath: String, start: Int, _ array: BatchArray) throws {
        guard let rows = array.shape.first, rows > 0 else { return }
        try HDF5Lock.run {
            let did = try openDataset(objectPath)
            let fileSpace = H5Dget_space(did)
            defer { H5Sclose(fileSpace) }
            var offset = [hsize_t](repeating: 0, count: array.shape.count)
            offset[0] = hsize_t(start)
            var counts = array.shape.map { hsize_t($0) }
            H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &offset, nil, &counts, nil)
            let memSpace = H5Screate_simple(Int32(counts.count), &counts, nil)
            defer { H5Sclose(memSpace) }
            let status = array.bytes.withUnsafeBytes { buf in
                H5Dwrite(did, nativeTypeFor(array.dtype), memSpace, fileSpace, mrsh_H5P_DEFAULT(), buf.baseAddress)
            }
            guard status >= 0 else { throw DatasetError(file: path, key: objectPath, "write failed") }
        }
    }

    /// Writes strings at `[start, start + n)` of a 1-d string dataset of the given kind.
    public func writeStrings(_ objectPath: String, start: Int, _ strings: [String], kind: HDF5StringKind) throws {
        guard !strings.isEmpty else { return }
        try HDF5Lock.run {
            let did = try openDataset(objectPath)
            let type = stringType(kind)
            defer { H5Tclose(type) }
            let fileSpace = H5Dget_space(did)
            defer { H5Sclose(fileSpace) }
            var offset = [hsize_t(start)], counts = [hsize_t(strings.count)]
            H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &offset, nil, &counts, nil)
            let memSpace = H5Screate_simple(1, &counts, nil)
            defer { H5Sclose(memSpace) }
            var status: herr_t
            switch kind {
            case .fixed(let size):
                var buf = [UInt8](repeating: 0, count: size * strings.count)
                for (i, s) in strings.enumerated() {
                    for (j, b) in s.utf8.prefix(size).enumerated() { buf[i * size + j] = b }
                }
                status = H5Dwrite(did, type, memSpace, fileSpace, mrsh_H5P_DEFAULT(), &buf)
            case .variable:
                var ptrs: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
                defer { ptrs.forEach { free($0) } }
                status = H5Dwrite(did, type, memSpace, fileSpace, mrsh_H5P_DEFAULT(), &ptrs)
            }
            guard status >= 0 else { throw DatasetError(file: path, key: objectPath, "write failed") }
        }
    }

    /// Writes (or overwrites) an int64 attribute: a scalar if `scalar`, else a 1-d array.
    public func writeIntAttribute(_ objectPath: String, _ name: String, _ values: [Int64], scalar: Bool) throws {
        try HDF5Lock.run {
            let oid = H5Oopen(fid, objectPath, mrsh_H5P_DEFAULT())
            guard oid >= 0 else { throw DatasetError(file: path, key: objectPath, "missing object") }
            defer { H5Oclose(oid) }
            if H5Aexists(oid, name) > 0 { H5Adelete(oid, name) }
            var dims = [hsize_t(values.count)]
            let space = scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &dims, nil)
            defer { H5Sclose(space) }
            let aid = H5Acreate2(oid, name, mrsh_H5T_STD_I64LE(), space, mrsh_H5P_DEFAULT(), mrsh_H5P_DEFAULT())
            guard aid >= 0 else { throw DatasetError(file: path, key: "\(objectPath) attribute \(name)", "cannot create attribute") }
            defer { H5Aclose(aid) }
            var v = values
            guard H5Awrite(aid, mrsh_H5T_NATIVE_INT64(), &v) >= 0 else {
                throw DatasetError(file: path, key: "\(objectPath) attribute \(name)", "cannot write attribute")
            }
        }
    }

    /// Paths of every group and dataset below the root, depth first in name order.
    public func allObjects(under group: String = "/") throws -> [String] {
        var out: [String] = []
        for name in try members(ofGroup: group) {
            let full = group == "/" ? name : group + "/" + name
            out.append(full)
            if isGroup(full) { out += try allObjects(under: full) }
        }
        return out
    }
}
