import Foundation

/// RETURNN's `BytePairEncoding` vocabulary: subword-nmt BPE segmentation (formats.md §4.2), then
/// ids from the vocab file.
public final class BytePairEncoding: Vocabulary {
    public let encoder: BPEEncoder

    public init(vocabFile: String?, bpeFile: String, unknownLabel: LabelRef? = .label("UNK"), bosLabel: LabelRef? = nil,
                eosLabel: LabelRef? = nil, padLabel: LabelRef? = nil, seqPostfix: [Int] = []) throws {
        encoder = try BPEEncoder(codesFile: bpeFile)
        try super.init(vocabFile: vocabFile, unknownLabel: unknownLabel, bosLabel: bosLabel, eosLabel: eosLabel,
                       padLabel: padLabel, seqPostfix: seqPostfix)
        encoder.vocab = Set(labels)
    }

    public override func getSeq(_ sentence: String) throws -> [Int] {
        try getSeqIndices(encoder.segmentSentence(sentence)) + seqPostfix
    }
}

/// subword-nmt's `apply_bpe` as RETURNN's `StandardBytePairEncoder` runs it.
public final class BPEEncoder {
    /// `(0, 1)` or `(0, 2)` from a first line `#version: 0.2`.
    public let version: [Int]
    /// Merge pair → rank (0-based line number, first occurrence wins). Every line counts, also the version line.
    private var ranks: [Pair: Int] = [:]
    /// Merged string → pair, for undoing merges of out-of-vocabulary pieces.
    private var reverse: [String: Pair] = [:]
    /// The vocab's labels; pieces not in it are split again. Empty = no check.
    public var vocab: Set<String> = []
    private var cache: [String: [String]] = [:]

    struct Pair: Hashable {
        let left: String
        let right: String
    }

    public init(codesFile: String) throws {
        guard let data = FileManager.default.contents(atPath: codesFile) else {
            throw DatasetError(file: codesFile, key: "bpe_file", "cannot read BPE codes file")
        }
        let lines = pythonSplitLines(String(decoding: data, as: UTF8.self))
        if let first = lines.first, first.hasPrefix("#version:") {
            var v = pythonSplit(first).last ?? "0.1"
            while v.hasSuffix(".0") && v.contains(".") && v.split(separator: ".").count > 1 { v.removeLast(2) }
            version = v.split(separator: ".").compactMap { Int($0) }
        } else {
            version = [0, 1]
        }
        guard version == [0, 1] || version == [0, 2] else {
            throw DatasetError(file: codesFile, key: "bpe_file", "unsupported BPE codes version \(version)")
        }
        var lastLine: [Pair: Int] = [:]
        for (i, line) in lines.enumerated() {
            let parts = pythonSplit(line)
            guard parts.count == 2 else { continue }
            let p = Pair(left: parts[0], right: parts[1])
            if ranks[p] == nil { ranks[p] = i }
            lastLine[p] = i
        }
        // The original builds the reverse table iterating merges by descending last occurrence; later entries win.
        for (p, _) in lastLine.sorted(by: { $0.value > $1.value }) { reverse[p.left + p.right] = p }
    }

    /// Segments a whitespace-tokenized sentence; every piece but a word's last gets `@@`.
    public func segmentSentence(_ sentence: String) -> [String] {
        var out: [String] = []
        var foundCategory = false, skipCategory = false
        for word in pythonSplit(sentence) {
            let first = word.unicodeScalars.first!
            if first == "$" && word.unicodeScalars.count > 1 {
                foundCategory = true
                out.append(word)
            } else if foundCategory && first == "{" {
                skipCategory = true
                out.append(word)
            } else if skipCategory && first != "}" {
                out.append(word)
            } else {
                foundCategory = false
                skipCategory = false
                let pieces = encodeWord(word)
                out += pieces.dropLast().map { $0 + "@@" }
                out.append(pieces.last!)
            }
        }
        return out
    }

    /// Applies the merges to one word, lowest rank first, then checks the pieces against the vocab.
    func encodeWord(_ orig: String) -> [String] {
        if let hit = cache[orig] { return hit }
        let chars = orig.unicodeScalars.map { String($0) }
        var word = version == [0, 1] ? chars + ["</w>"] : Array(chars.dropLast()) + [chars.last! + "</w>"]
        if word.count < 2 { return [orig] }
        while word.count > 1 {
            var best: (Pair, Int)?
            for i in 0..<(word.count - 1) {
                let p = Pair(left: word[i], right: word[i + 1])
                if let r = ranks[p], best == nil || r < best!.1 { best = (p, r) }
            }
            guard let (pair, _) = best else { break }
            var merged: [String] = []
            var i = 0
            while i < word.count {
                if i < word.count - 1 && word[i] == pair.left && word[i + 1] == pair.right {
                    merged.append(pair.left + pair.right)
                    i += 2
                } else {
                    merged.append(word[i])
                    i += 1
                }
            }
            word = merged
        }
        if word.last == "</w>" {
            word.removeLast()
        } else if let last = word.last, last.hasSuffix("</w>") {
            word[word.count - 1] = last.replacingOccurrences(of: "</w>", with: "")
        }
        if !vocab.isEmpty { word = checkVocabAndSplit(word) }
        cache[orig] = word
        return word
    }

    private func checkVocabAndSplit(_ word: [String]) -> [String] {
        var out: [String] = []
        for piece in word.dropLast() {
            if vocab.contains(piece + "@@") { out.append(piece) } else { out += recursiveSplit(piece, final: false) }
        }
        let last = word.last!
        if vocab.contains(last) { out.append(last) } else { out += recursiveSplit(last, final: true) }
        return out
    }

    private func recursiveSplit(_ segment: String, final: Bool) -> [String] {
        var left: String, right: String
        if final {
            guard let p = reverse[segment + "</w>"] else { return [segment] }
            left = p.left
            right = String(p.right.dropLast(4))
        } else {
            guard let p = reverse[segment] else { return [segment] }
            left = p.left
            right = p.right
        }
        var out: [String] = []
        out += vocab.contains(left + "@@") ? [left] : recursiveSplit(left, final: false)
        if (final && vocab.contains(right)) || (!final && vocab.contains(right + "@@")) {
            out.append(right)
        } else {
            out += recursiveSplit(right, final: final)
        }
        return out
    }
}

extension BPEEncoder {
    /// Rank of a codes-file line such as `"n d</w>"`, or nil.
    public func rank(ofLine line: String) -> Int? {
        let parts = pythonSplit(line)
        guard parts.count == 2 else { return nil }
        return ranks[Pair(left: parts[0], right: parts[1])]
    }
}
