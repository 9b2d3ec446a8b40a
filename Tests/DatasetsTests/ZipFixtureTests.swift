import Datasets
import Foundation
import XCTest

/// The zip reader on the real fixtures: the OggZip corpus (E) and torch checkpoints (F).
final class ZipFixtureTests: XCTestCase {
    /// Each `E/<name>.expected.json` describes `E/<name>.zip` with its `<name>.txt` member.
    func testFixtureOggZipCorpus() throws {
        let folder = ZipTestSupport.fixturesRoot().appendingPathComponent("E")
        let cases = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".expected.json") }.map { String($0.dropLast(".expected.json".count)) }
        XCTAssertFalse(cases.isEmpty, "no E/*.expected.json in \(folder.path)")
        for name in cases { try checkCorpus(name) }
    }

    private func checkCorpus(_ name: String) throws {
        let expected = try XCTUnwrap(ZipTestSupport.json(try ZipTestSupport.fixture("E/\(name).expected.json")) as? [String: Any])
        let archive = try ZipArchive(path: try ZipTestSupport.fixture("E/\(name).zip").path)
        let members = try XCTUnwrap(expected["zip_members"] as? [[String: Any]])
        XCTAssertEqual(archive.names, members.map { $0["name"] as? String ?? "" })
        XCTAssertEqual(archive.entries.map { Int($0.method) }, members.map { $0["compress_type"] as? Int ?? -1 })
        XCTAssertEqual(archive.entries.map { Int($0.uncompressedSize) }, members.map { $0["size"] as? Int ?? -1 })
        XCTAssertEqual(try archive.readText("\(name).txt"), expected["txt_content"] as? String)
    }

    /// torch writes stored members with data descriptors and 64-byte-aligned data.
    func testFixtureTorchCheckpointMembers() throws {
        let expected = try XCTUnwrap(ZipTestSupport.json(try ZipTestSupport.fixture("F/F.expected.json")) as? [String: Any])
        let files = try XCTUnwrap(expected["files"] as? [String: [String: Any]])
        XCTAssertEqual(Set(files.keys), Set(expected["files_present"] as? [String] ?? []))
        for (fileName, info) in files {
            let archive = try ZipArchive(path: try ZipTestSupport.fixture("F/\(fileName)").path)
            let members = try XCTUnwrap(info["zip_members"] as? [[String: Any]])
            XCTAssertEqual(archive.names, members.map { $0["name"] as? String ?? "" }, fileName)
            for (entry, member) in zip(archive.entries, members) {
                XCTAssertEqual(try archive.read(entry).count, member["size"] as? Int, entry.name)
                XCTAssertEqual(entry.flags & 0x8, 0x8, "torch sets the data-descriptor bit")
            }
            let root = String(fileName.dropLast(3))
            XCTAssertEqual(try archive.readText("\(root)/version"), "3\n")
            XCTAssertEqual(try archive.readText("\(root)/byteorder"), "little")
        }
    }
}
