import Datasets
import Foundation
import XCTest

/// The zip reader against archives written by CPython's zipfile and the real fixtures.
final class ZipArchiveTests: XCTestCase {
    /// Python writes an archive of stored, deflated, empty, directory and non-ASCII members and
    /// dumps each member's bytes next to it; the reader must return the same names and bytes.
    private static let writeMixedArchive = """
    import sys, zipfile, os, random, json
    out = sys.argv[1]
    random.seed(7)
    members = {
        'plain.txt': b'hello zip\\n',
        'dir/deflated.bin': bytes(random.choice(b'abcde ') for _ in range(200000)),
        'dir/empty.txt': b'',
        'dir/random.bin': bytes(random.getrandbits(8) for _ in range(5000)),
        'unicodé/名前.txt': 'grüße'.encode(),
    }
    methods = {'plain.txt': zipfile.ZIP_STORED, 'dir/random.bin': zipfile.ZIP_STORED}
    with zipfile.ZipFile(os.path.join(out, 'mixed.zip'), 'w') as z:
        z.writestr(zipfile.ZipInfo('dir/'), b'')
        for name, data in members.items():
            z.writestr(name, data, compress_type=methods.get(name, zipfile.ZIP_DEFLATED))
        z.comment = b'archive comment'
    manifest = []
    with zipfile.ZipFile(os.path.join(out, 'mixed.zip')) as z:
        for i, info in enumerate(z.infolist()):
            open(os.path.join(out, '%d.bin' % i), 'wb').write(z.read(info))
            manifest.append({'name': info.filename, 'size': info.file_size, 'method': info.compress_type})
    json.dump(manifest, open(os.path.join(out, 'manifest.json'), 'w'))
    """

    func testMembersMatchPythonZipfile() throws {
        let dir = try ZipTestSupport.temporaryDirectory("mixed")
        defer { try? FileManager.default.removeItem(at: dir) }
        try ZipTestSupport.python(Self.writeMixedArchive, [dir.path])
        let archive = try ZipArchive(path: dir.appendingPathComponent("mixed.zip").path)
        let manifest = try XCTUnwrap(ZipTestSupport.json(dir.appendingPathComponent("manifest.json")) as? [[String: Any]])
        XCTAssertEqual(archive.names, manifest.map { $0["name"] as? String ?? "" })
        XCTAssertEqual(archive.names.count, 6)
        for (i, expected) in manifest.enumerated() {
            let entry = archive.entries[i]
            XCTAssertEqual(Int(entry.uncompressedSize), expected["size"] as? Int)
            XCTAssertEqual(Int(entry.method), expected["method"] as? Int)
            let bytes = try archive.read(entry.name)
            let reference = try Data(contentsOf: dir.appendingPathComponent("\(i).bin"))
            XCTAssertEqual(bytes, [UInt8](reference), entry.name)
        }
        XCTAssertTrue(archive.entry(named: "dir/")?.isDirectory ?? false)
        XCTAssertEqual(try archive.readText("unicodé/名前.txt"), "grüße")
        XCTAssertEqual(archive.entry(named: "dir/deflated.bin")?.method, 8)
    }

    /// More than 65535 members force python to write the ZIP64 end-of-central-directory records.
    func testZip64EndRecordFromPython() throws {
        let dir = try ZipTestSupport.temporaryDirectory("zip64")
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = """
        import sys, zipfile
        with zipfile.ZipFile(sys.argv[1], 'w', allowZip64=True) as z:
            for i in range(70000):
                z.writestr('m%d' % i, b'' if i % 1000 else str(i).encode())
        """
        let path = dir.appendingPathComponent("many.zip").path
        try ZipTestSupport.python(script, [path])
        let archive = try ZipArchive(path: path)
        XCTAssertEqual(archive.entries.count, 70000)
        XCTAssertEqual(archive.names.last, "m69999")
        XCTAssertEqual(try archive.readText("m69000"), "69000")
        XCTAssertEqual(try archive.read("m69001"), [])
    }

    /// A hand-built archive whose central entry keeps its sizes and offset in a ZIP64 extra field.
    func testZip64ExtraField() throws {
        let dir = try ZipTestSupport.temporaryDirectory("zip64extra")
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = """
        import sys, struct, zlib
        data = b'zip64 member payload'
        name = b'big.bin'
        crc = zlib.crc32(data)
        local = struct.pack('<IHHHHHIIIHH', 0x04034b50, 45, 0, 0, 0, 0, crc, len(data), len(data), len(name), 0) + name + data
        extra = struct.pack('<HHQQQ', 1, 24, len(data), len(data), 0)
        central = struct.pack('<IHHHHHHIIIHHHHHII', 0x02014b50, 45, 45, 0, 0, 0, 0, crc,
                              0xFFFFFFFF, 0xFFFFFFFF, len(name), len(extra), 0, 0, 0, 0, 0xFFFFFFFF) + name + extra
        cd_offset = len(local)
        eocd64_offset = cd_offset + len(central)
        eocd64 = struct.pack('<IQHHIIQQQQ', 0x06064b50, 44, 45, 45, 0, 0, 1, 1, len(central), cd_offset)
        locator = struct.pack('<IIQI', 0x07064b50, 0, eocd64_offset, 1)
        eocd = struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
        open(sys.argv[1], 'wb').write(local + central + eocd64 + locator + eocd)
        import zipfile
        assert zipfile.ZipFile(sys.argv[1]).read('big.bin') == data
        """
        let path = dir.appendingPathComponent("extra.zip").path
        try ZipTestSupport.python(script, [path])
        let archive = try ZipArchive(path: path)
        XCTAssertEqual(archive.names, ["big.bin"])
        XCTAssertEqual(try archive.readText("big.bin"), "zip64 member payload")
    }

    func testConcurrentReadsAgree() throws {
        let dir = try ZipTestSupport.temporaryDirectory("concurrent")
        defer { try? FileManager.default.removeItem(at: dir) }
        try ZipTestSupport.python(Self.writeMixedArchive, [dir.path])
        let archive = try ZipArchive(path: dir.appendingPathComponent("mixed.zip").path)
        let expected = try archive.read("dir/deflated.bin")
        let results = ResultBox(count: 16)
        DispatchQueue.concurrentPerform(iterations: 16) { i in
            results.set(i, (try? archive.read("dir/deflated.bin")) == expected)
        }
        XCTAssertEqual(results.values, Array(repeating: true, count: 16))
    }
}

/// Thread-safe result slots for the concurrency test.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var values: [Bool]
    init(count: Int) { values = Array(repeating: false, count: count) }
    func set(_ i: Int, _ value: Bool) { lock.lock(); values[i] = value; lock.unlock() }
}
