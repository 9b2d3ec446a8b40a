/// An error a user can cause through data: names the file and the key or sequence it concerns.
public struct DatasetError: Error, CustomStringConvertible, Equatable {
    /// The file (or dataset name) the error concerns, if any.
    public var file: String?
    /// The data key, option key or sequence it concerns, if any.
    public var key: String?
    public var message: String

    public init(file: String? = nil, key: String? = nil, _ message: String) {
        self.file = file
        self.key = key
        self.message = message
    }

    public var description: String {
        var parts: [String] = []
        if let file { parts.append(file) }
        if let key { parts.append("'\(key)'") }
        return parts.isEmpty ? message : parts.joined(separator: ": ") + ": " + message
    }
}

/// Levenshtein-closest candidate within a small distance, for "did you mean" hints.
func closestMatch(_ word: String, in candidates: [String]) -> String? {
    func distance(_ a: [Character], _ b: [Character]) -> Int {
        var prev = Array(0...b.count)
        for (i, ca) in a.enumerated() {
            var cur = [i + 1] + [Int](repeating: 0, count: b.count)
            for (j, cb) in b.enumerated() {
                cur[j + 1] = Swift.min(prev[j + 1] + 1, cur[j] + 1, prev[j] + (ca == cb ? 0 : 1))
            }
            prev = cur
        }
        return prev[b.count]
    }
    let w = Array(word.lowercased())
    let scored = candidates.map { ($0, distance(w, Array($0.lowercased()))) }
    guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
    return best.1 <= Swift.max(2, w.count / 3) ? best.0 : nil
}

/// " (did you mean 'x'?)" or "".
func didYouMean(_ word: String, in candidates: [String]) -> String {
    closestMatch(word, in: candidates).map { " (did you mean '\($0)'?)" } ?? ""
}
