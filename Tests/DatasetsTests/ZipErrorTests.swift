import Datasets
import Foundation
import XCTest

/// Damaged, truncated and foreign files give `ZipError`s that name the archive and member.
final class ZipErrorTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = try ZipTestSupport.temporaryDirectory("errors")
        let script = """
        import sys, zipfile
        with zipfile.ZipFile(sys.argv[1] + '/ok.zip', 'w') as z:
            z.writestr('stored.txt', b'0123456789' * 10, compress_type=zipfile.ZIP_STORED)
            z.writestr('packed.txt', b'abcdefgh' * 1000, compress_type=zipfile.ZIP_DEFLATED)
        """
        try ZipTestSupport.python(script, [dir.path])
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private func okBytes() throws -> [UInt8] { [UInt8](try Data(contentsOf: dir.appendingPathComponent("ok.zip"))) }

    private func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// Offset of the first occurrence of `needle` in `haystack`.
    private func find(_ needle: String, in haystack: [UInt8]) -> Int {
        let n = Array(needle.utf8)
        return (0...(haystack.count - n.count)).first { Array(haystack[$0..<($0 + n.count)]) == n } ?? -1
    }

    func testMissingMemberNamesArchiveAndMember() throws {
        let path = dir.appendingPathComponent("ok.zip").path
        let archive = try ZipArchive(path: path)
        XCTAssertThrowsError(try archive.read("nope.txt")) { error in
            XCTAssertEqual(error as? ZipError, .missingMember(path: path, member: "nope.txt"))
            XCTAssertTrue("\(error)".contains("ok.zip") && "\(error)".contains("nope.txt"))
        }
    }

    func testMissingFileAndForeignFile() throws {
        let missing = dir.appendingPathComponent("absent.zip").path
        XCTAssertThrowsError(try ZipArchive(path: missing)) { error in
            guard case .cannotOpen(let path, _)? = error as? ZipError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, missing)
        }
        let text = try write(Array("just some text, not an archive".utf8), "text.zip")
        XCTAssertThrowsError(try ZipArchive(path: text)) { error in
            XCTAssertEqual(error as? ZipError, .notAZip(path: text))
        }
        let empty = try write([], "empty.zip")
        XCTAssertThrowsError(try ZipArchive(path: empty)) { XCTAssertEqual($0 as? ZipError, .notAZip(path: empty)) }
    }

    func testFlippedStoredByteFailsCRC() throws {
        var bytes = try okBytes()
        bytes[find("0123456789", in: bytes) + 3] ^= 0x01
        let path = try write(bytes, "flipped.zip")
        let archive = try ZipArchive(path: path)
        XCTAssertThrowsError(try archive.read("stored.txt")) { error in
            guard case .crcMismatch(let p, let member, _, _)? = error as? ZipError else { return XCTFail("\(error)") }
            XCTAssertEqual(p, path)
            XCTAssertEqual(member, "stored.txt")
        }
        XCTAssertEqual(try archive.read("packed.txt").count, 8000, "other members stay readable")
    }

    func testDamagedDeflateDataIsReported() throws {
        var bytes = try okBytes()
        let start = find("packed.txt", in: bytes) + "packed.txt".utf8.count
        for i in 0..<8 { bytes[start + 2 + i] = 0xFF }
        let path = try write(bytes, "damaged.zip")
        let archive = try ZipArchive(path: path)
        XCTAssertThrowsError(try archive.read("packed.txt")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains(path) && text.contains("packed.txt"), text)
            switch error as? ZipError {
            case .corrupt?, .crcMismatch?: break
            default: XCTFail("unexpected \(error)")
            }
        }
    }

    /// Keeping only the tail of the file leaves a directory that points before the file's start.
    func testTruncatedFrontIsReported() throws {
        let bytes = try okBytes()
        let path = try write(Array(bytes[(bytes.count - 120)...]), "tail.zip")
        XCTAssertThrowsError(try ZipArchive(path: path).read("packed.txt")) { error in
            XCTAssertTrue("\(error)".contains(path), "\(error)")
            switch error as? ZipError {
            case .truncated?, .corrupt?: break
            default: XCTFail("unexpected \(error)")
            }
        }
    }

    /// A file cut inside the central directory loses its end record.
    func testCutFileIsNotAZip() throws {
        let bytes = try okBytes()
        let path = try write(Array(bytes[..<(bytes.count - 30)]), "cut.zip")
        XCTAssertThrowsError(try ZipArchive(path: path)) { XCTAssertEqual($0 as? ZipError, .notAZip(path: path)) }
    }
}
