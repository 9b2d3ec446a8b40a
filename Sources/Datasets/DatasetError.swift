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
    DidYouMean.loose(for: word, among: candidates)
}

/// " (did you mean 'x'?)" or "".
func didYouMean(_ word: String, in candidates: [String]) -> String {
    closestMatch(word, in: candidates).map { " (did you mean '\($0)'?)" } ?? ""
}
