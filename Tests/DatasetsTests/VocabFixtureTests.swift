import Foundation
import XCTest
@testable import Datasets

/// Vocabulary, BPE and CharacterTargets against the V fixtures (`*.expected.json` with a `bpe` section).
final class VocabFixtureTests: XCTestCase {
    private func cases() throws -> [(url: URL, json: [String: Any])] {
        let found = try discoverFixtures(withKey: "bpe")
        XCTAssertFalse(found.isEmpty, "no vocab fixtures")
        return found
    }

    func testBytePairEncoding() throws {
        for c in try cases() {
            let dir = c.url.deletingLastPathComponent()
            let b = c.json["bpe"] as! [String: Any]
            let bpe = try BytePairEncoding(vocabFile: dir.appendingPathComponent(b["vocab_file"] as! String).path,
                                           bpeFile: dir.appendingPathComponent(b["codes_file"] as! String).path,
                                           unknownLabel: .label("<unk>"))
            XCTAssertEqual(bpe.numLabels, (b["num_labels"] as! NSNumber).intValue)
            XCTAssertEqual(bpe.encoder.version, intList(b["bpe_file_version"]))
            XCTAssertEqual(try bpe.label(of: 0), b["label_of_id_0"] as? String)
            for (line, rank) in b["merge_rank_examples"] as! [String: Int] {
                XCTAssertEqual(bpe.encoder.rank(ofLine: line), rank, line)
            }
            for r in b["results"] as! [[String: Any]] {
                let sentence = r["sentence"] as! String
                XCTAssertEqual(bpe.encoder.segmentSentence(sentence), r["segments"] as! [String], sentence)
                let ids = try bpe.getSeq(sentence)
                XCTAssertEqual(ids, intList(r["ids"]), sentence)
                XCTAssertEqual(try ids.map { try bpe.label(of: $0) }, r["labels"] as! [String], sentence)
            }
        }
    }

    func testWordVocabularies() throws {
        for c in try cases() {
            let dir = c.url.deletingLastPathComponent()
            for (file, w) in c.json["word_vocab"] as! [String: [String: Any]] {
                let v = try Vocabulary.create(options: ["vocab_file": .string(dir.appendingPathComponent(file).path),
                                                        "unknown_label": "<unk>", "eos_label": "</s>"])
                XCTAssertEqual(v.numLabels, (w["num_labels"] as! NSNumber).intValue, file)
                XCTAssertEqual(v.labels, w["labels"] as! [String], file)
                XCTAssertEqual(v.unknownLabelId, (w["unknown_label_id"] as! NSNumber).intValue, file)
                XCTAssertEqual(v.eosLabelId, (w["eos_label_id"] as! NSNumber).intValue, file)
                for s in w["sequences"] as! [[String: Any]] {
                    let ids = try v.getSeq(s["sentence"] as! String)
                    XCTAssertEqual(ids, intList(s["ids"]), file)
                    XCTAssertEqual(try v.getSeqLabels(ids), s["labels_back"] as? String, file)
                }
            }
        }
    }

    func testCharacterTargets() throws {
        for c in try cases() {
            let ct = c.json["character_targets"] as! [String: Any]
            let v = try Vocabulary.create(options: ["class": "CharacterTargets",
                                                    "labels": .list((ct["labels"] as! [String]).map { .string($0) }),
                                                    "unknown_label": .string(ct["unknown_label"] as! String)])
            XCTAssertEqual(v.unknownLabelId, (ct["unknown_label_id"] as! NSNumber).intValue)
            for s in ct["sequences"] as! [[String: Any]] {
                XCTAssertEqual(try v.getSeq(s["sentence"] as! String), intList(s["ids"]), s["sentence"] as! String)
            }
        }
    }

    func testVocabularyRules() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mrsh-vocab-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let shared = dir.appendingPathComponent("shared.vocab").path
        try "{\n'<s>': 0,\n'</s>': 0,\n'<unk>': 1,\n'k@@': 2,\n}\n".write(toFile: shared, atomically: true, encoding: .utf8)
        let v = try Vocabulary(vocabFile: shared, unknownLabel: .label("<unk>"))
        XCTAssertEqual(v.labels, ["<s>", "<unk>", "k@@"], "for a shared index the last label in sorted order wins")
        XCTAssertThrowsError(try Vocabulary(vocabFile: shared), "default unknown label UNK must exist") { e in
            XCTAssertTrue("\(e)".contains("UNK"))
        }
        let gap = dir.appendingPathComponent("gap.vocab").path
        try "{'a': 0, 'b': 2}".write(toFile: gap, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Vocabulary(vocabFile: gap, unknownLabel: nil))
        let lines = dir.appendingPathComponent("crlf.vocab").path
        try "a\r\nb\rc\n".write(toFile: lines, atomically: true, encoding: .utf8)
        XCTAssertEqual(try Vocabulary(vocabFile: lines, unknownLabel: nil).labels, ["a", "b", "c"])
        XCTAssertEqual(try Utf8ByteTargets().getSeq("ä"), [195, 164])
    }
}

/// BPE codes without a version line (v0.1), `$` categories and `{...}` skips, recursive splits of
/// out-of-vocabulary pieces: segmentations printed by the original `BytePairEncoding`.
final class BPEVersion01Tests: XCTestCase {
    func testSegmentationMatchesOriginal() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mrsh-bpe-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let codes = dir.appendingPathComponent("v01.codes").path, vocabFile = dir.appendingPathComponent("v01.vocab").path
        try "l o\nlo w\nlow e\nlowe r</w>\ne r</w>\nn e\nne w\nh e\nhe l\nhel lo</w>\nl o</w>\n".write(toFile: codes, atomically: true, encoding: .utf8)
        let labels = ["<s>", "<unk>", "low", "lowe@@", "lower", "er", "n@@", "ne@@", "new", "w@@", "w", "hel@@", "lo", "l@@", "o",
                      "h@@", "e@@", "e", "r", "$x", "{", "}", "a", "b", "c", "x@@"]
        try ("{\n" + labels.enumerated().map { "'\($1)': \($0),\n" }.joined() + "}\n").write(toFile: vocabFile, atomically: true, encoding: .utf8)
        let bpe = try BytePairEncoding(vocabFile: vocabFile, bpeFile: codes, unknownLabel: .label("<unk>"))
        XCTAssertEqual(bpe.encoder.version, [0, 1])
        let expected: [(String, [String], [Int])] = [
            ("lower newer hello low", ["lowe@@", "r", "ne@@", "w@@", "e@@", "r", "hel@@", "lo", "low"], [3, 18, 7, 9, 16, 18, 11, 12, 2]),
            ("lowest", ["lowe@@", "s@@", "t"], [3, 1, 1]),
            ("$x { a lower b } c lower", ["$x", "{", "a", "lower", "b", "}", "c", "lowe@@", "r"], [19, 20, 22, 4, 23, 21, 24, 3, 18]),
            ("x", ["x"], [1]),
            ("newx helo", ["ne@@", "w@@", "x", "h@@", "e@@", "lo"], [7, 9, 1, 15, 16, 12]),
            ("$ lo", ["$", "lo"], [1, 12]),
        ]
        for (sentence, segments, ids) in expected {
            XCTAssertEqual(bpe.encoder.segmentSentence(sentence), segments, sentence)
            XCTAssertEqual(try bpe.getSeq(sentence), ids, sentence)
        }
    }
}

/// Label references by index, `seq_postfix`, CharacterTargets from a file, Utf8ByteTargets, and
/// unknown words without an unknown label: as printed by the original.
final class VocabularyOptionTests: XCTestCase {
    func testOptionsMatchOriginal() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("v-\(getpid()).lines").path
        try "a\nb\nc\n<unk>\n</s>\n".write(toFile: file, atomically: true, encoding: .utf8)
        let v = try Vocabulary.create(options: ["vocab_file": .string(file), "unknown_label": 3, "eos_label": "</s>", "seq_postfix": [4]])
        XCTAssertEqual(v.numLabels, 5)
        XCTAssertEqual(v.unknownLabelId, 3)
        XCTAssertEqual(v.eosLabelId, 4)
        XCTAssertEqual(try v.getSeq("a x  c"), [0, 3, 2, 4])
        XCTAssertEqual(try v.getSeqLabels([0, 2, 4]), "a c </s>")
        let c = try Vocabulary.create(options: ["class": "CharacterTargets", "vocab_file": .string(file), "unknown_label": "<unk>"])
        XCTAssertEqual(try c.getSeq("ab d"), [0, 1, 3, 3])
        XCTAssertEqual(try c.getSeqLabels([0, 1, 2]), "abc")
        let u = try Vocabulary.create(options: ["class": "Utf8ByteTargets", "seq_postfix": [0]])
        XCTAssertEqual(try u.getSeq("aé"), [97, 195, 169, 0])
        XCTAssertEqual(try u.getSeqLabels([97, 195, 169]), "aé")
        let strict = try Vocabulary.create(options: ["vocab_file": .string(file), "unknown_label": nil])
        XCTAssertThrowsError(try strict.getSeq("zz")) { e in XCTAssertTrue("\(e)".contains("zz"), "\(e)") }
        XCTAssertThrowsError(try Vocabulary.create(options: ["vocab_file": .string(file), "unkown_label": "<unk>"])) { e in
            XCTAssertTrue("\(e)".contains("did you mean 'unknown_label'"), "\(e)")
        }
    }
}
