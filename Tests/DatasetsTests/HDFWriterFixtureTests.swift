import Foundation
import XCTest
@testable import Datasets

/// Writes the fixtures' data with our writers and compares the files with the original's
/// `layout` sections, then reads them back.
final class HDFWriterFixtureTests: XCTestCase {
    /// (fixture file, its expected layout) for every HDF fixture file.
    private func layouts() throws -> [(path: String, layout: [String: Any])] {
        var out: [(String, [String: Any])] = []
        for c in try discoverFixtures(withKey: "layout") {
            let dir = c.url.deletingLastPathComponent()
            let layout = c.json["layout"] as! [String: Any]
            if layout["objects"] != nil {
                out.append((dir.appendingPathComponent((c.json["files"] as! [String])[0]).path, layout))
            } else {
                for (name, l) in layout { out.append((dir.appendingPathComponent(name).path, l as! [String: Any])) }
            }
        }
        XCTAssertFalse(out.isEmpty, "no layout fixtures")
        return out.sorted { $0.0 < $1.0 }
    }

    private func isSimpleLayout(_ layout: [String: Any]) -> Bool {
        let tags = (layout["objects"] as! [String: Any])["seqTags"] as! [String: Any]
        return (tags["h5type"] as! [String: Any])["variable_length"] as? Bool == true
    }

    private func tempPath(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mrsh-hdf-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let p = dir.appendingPathComponent(name).path
        try? FileManager.default.removeItem(atPath: p)
        return p
    }

    func testSimpleHDFWriterReproducesLayout() throws {
        for (path, layout) in try layouts() where isSimpleLayout(layout) {
            let source = try HDFDataset(files: [path])
            try source.initSeqOrder(epoch: 1)
            let rootLabels = try HDF5File.open(path).readStrings("labels")
            let out = tempPath(URL(fileURLWithPath: path).lastPathComponent)
            let sparseInputs = source.numOutputs["data"]?.ndim == 1
            let w = try SimpleHDFWriter(filename: out, dim: source.numInputs, labels: rootLabels.isEmpty ? nil : rootLabels,
                                        ndim: sparseInputs ? 1 : 2)
            for i in 0..<source.numSeqs {
                guard case .array(let x) = try source.getData(i, "data") else { return XCTFail() }
                let extra = try source.targetList.map { k -> (key: String, value: BatchArray) in
                    guard case .array(let a) = try source.getData(i, k) else { throw DatasetError("bad") }
                    return (k, BatchArray(dtype: a.dtype, shape: [1] + a.shape, bytes: a.bytes))
                }
                try w.insertBatch(inputs: BatchArray(dtype: x.dtype, shape: [1] + x.shape, bytes: x.bytes),
                                  seqLen: [x.shape[0]], seqTag: [try source.getTag(i)], extra: extra)
            }
            try w.close()
            try assertLayout(out, layout, path)
            try assertSameData(out, path)
        }
    }

    func testDumpReproducesLayout() throws {
        var checked = 0
        for (path, layout) in try layouts() where !isSimpleLayout(layout) {
            let out = tempPath("dump-" + URL(fileURLWithPath: path).lastPathComponent)
            try HDFDatasetWriter.dump(try HDFDataset(files: [path]), to: out)
            try assertLayout(out, layout, path)
            try assertSameData(out, path)
            checked += 1
        }
        if checked == 0 { throw XCTSkip("no HDFDatasetWriter layouts in this fixture set") }
    }

    func testHdfDumpFromOptions() throws {
        // HDFDatasetWriter (like the original) needs ASCII tags.
        guard let (path, _) = try layouts().first(where: { c in
            isSimpleLayout(c.layout) && ((try? HDFDataset(files: [c.path]).getAllTags()) ?? []).allSatisfy { $0.utf8.allSatisfy { $0 < 128 } }
        }) else { throw XCTSkip("no SimpleHDFWriter fixture with ASCII tags") }
        let out = tempPath("opts-dump.hdf")
        try hdfDump(options: ["class": "HDFDataset", "files": .list([.string(path)])], to: out)
        try assertSameData(out, path)
    }

    /// Attention weights with two dynamic axes, written like the original wrote A/A_attention.hdf
    /// (always the project's copy: this test needs exactly that file).
    func testMultiAxisInsertMatchesOriginal() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/A")
        let original = dir.appendingPathComponent("A_attention.hdf").path
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("A_attention.expected.json"))) as! [String: Any]
        let out = tempPath("attention.hdf")
        let w = try SimpleHDFWriter(filename: out, dim: nil, ndim: 2)
        for (b, lens) in [([3, 2], [4, 1]), ([2, 3], [2, 5])].enumerated() {
            let (t1, t2) = (lens.0.max()!, lens.1.max()!)
            var x = [Float](repeating: -1, count: 2 * t1 * t2)
            for i in 0..<2 {
                for a in 0..<lens.0[i] { for c in 0..<lens.1[i] { x[(i * t1 + a) * t2 + c] = Float(100 * (2 * b + i) + 10 * a + c) } }
            }
            try w.insertBatch(inputs: BatchArray(float32: x, shape: [2, t1, t2]), seqLens: [lens.0, lens.1],
                              seqTag: ["att-\(2 * b)", "att-\(2 * b + 1)"])
        }
        try w.close()
        try assertLayout(out, json["layout"] as! [String: Any], original)
        try assertSameData(out, original)
    }

    /// Both files give the same tags, keys and values through HDFDataset.
    private func assertSameData(_ a: String, _ b: String) throws {
        let x = try HDFDataset(files: [a]), y = try HDFDataset(files: [b])
        try x.initSeqOrder(epoch: 1)
        try y.initSeqOrder(epoch: 1)
        XCTAssertEqual(x.dataKeys, y.dataKeys)
        XCTAssertEqual(try x.getAllTags(), try y.getAllTags())
        for i in 0..<y.numSeqs {
            for k in y.dataKeys { XCTAssertEqual(try x.getData(i, k), try y.getData(i, k), "\(b) seq \(i) \(k)") }
        }
    }

    private func assertLayout(_ file: String, _ expected: [String: Any], _ name: String) throws {
        let f = try HDF5File.open(file)
        defer { f.close() }
        try assertAttrs(f, "/", expected["file_attrs"] as! [String: Any], "\(name) root")
        let objects = expected["objects"] as! [String: [String: Any]]
        XCTAssertEqual(try f.allObjects().sorted(), objects.keys.sorted(), "\(name): object list")
        for (objPath, exp) in objects where f.exists(objPath) {
            let where_ = "\(name) \(objPath)"
            try assertAttrs(f, objPath, exp["attrs"] as! [String: Any], where_)
            guard exp["kind"] as? String == "dataset" else { XCTAssertTrue(f.isGroup(objPath), where_); continue }
            let info = try f.info(objPath)
            XCTAssertEqual(info.shape, intList(exp["shape"]), where_)
            XCTAssertEqual(info.maxShape.map { $0 ?? -1 }, (exp["maxshape"] as! [Any]).map { ($0 as? NSNumber)?.intValue ?? -1 }, where_)
            XCTAssertEqual(info.chunked, exp["chunked"] as? Bool, where_)
            XCTAssertEqual(numpyDType(info), exp["numpy_dtype"] as? String, where_)
            assertH5Type(info, exp["h5type"] as! [String: Any], where_)
            if let values = exp["values"] {
                if info.string != nil {
                    XCTAssertEqual(try f.readStrings(objPath), values as? [String], where_)
                } else {
                    XCTAssertEqual(try f.readAll(objPath).doubles(), flatNumbers(values), where_)
                }
            }
        }
    }

    private func numpyDType(_ i: HDF5DatasetInfo) -> String {
        switch i.string {
        case .fixed(let n)?: return "|S\(n)"
        case .variable?: return "object"
        case nil: return i.dtype?.rawValue ?? "?"
        }
    }

    private func assertH5Type(_ i: HDF5DatasetInfo, _ t: [String: Any], _ where_: String) {
        XCTAssertEqual(i.typeClass, t["class"] as? String, where_)
        if i.string == .variable {
            XCTAssertEqual(t["variable_length"] as? Bool, true, where_)
        } else {
            XCTAssertEqual(i.typeSize, (t["size"] as! NSNumber).intValue, where_)
        }
        if let order = t["order"] as? String { XCTAssertEqual(i.littleEndian ? "LE" : "BE", order, where_) }
        if let signed = t["signed"] as? Bool { XCTAssertEqual(i.signed, signed, where_) }
        if let cset = t["cset"] as? String { XCTAssertEqual(i.utf8 ? "UTF8" : "ASCII", cset, where_) }
        if let pad = t["strpad"] as? String { XCTAssertEqual(i.strpad, pad, where_) }
    }

    private func assertAttrs(_ f: HDF5File, _ obj: String, _ expected: [String: Any], _ where_: String) throws {
        XCTAssertEqual(try f.attributeNames(obj).sorted(), expected.keys.sorted(), "\(where_) attribute names")
        for (name, e) in expected {
            let e = e as! [String: Any]
            guard let a = try? f.intAttribute(obj, name) else { XCTFail("\(where_) attr \(name) unreadable"); continue }
            XCTAssertEqual(a.shape, intList(e["shape"]), "\(where_) attr \(name)")
            XCTAssertEqual(a.values.map(Double.init), flatNumbers(e["value"]), "\(where_) attr \(name)")
            XCTAssertEqual(e["numpy_dtype"] as? String, "int64", "\(where_) attr \(name)")
        }
    }
}
