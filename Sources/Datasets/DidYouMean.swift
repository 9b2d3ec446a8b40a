/// "Did you mean" hints for misspelled names (Levenshtein distance, as starlark-go suggests),
/// shared by the datasets' and the engine's error messages.
public enum DidYouMean {
    /// The closest candidate by case-insensitive distance within max(2, name.count / 3), or nil
    /// (the datasets' looser rule: option and key names are often abbreviated or re-cased).
    public static func loose(for name: String, among candidates: [String]) -> String? {
        let lowered = name.lowercased()
        let scored = candidates.map { ($0, distance(lowered, $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        return best.1 <= Swift.max(2, lowered.count / 3) ? best.0 : nil
    }

    /// The closest candidate within distance max(1, name.count / 4), or nil.
    public static func suggestion(for name: String, among candidates: [String]) -> String? {
        let limit = max(1, name.count / 4)
        var best: (String, Int)?
        for candidate in candidates where candidate != name {
            let d = distance(name, candidate)
            if d <= limit, d < (best?.1 ?? Int.max) { best = (candidate, d) }
        }
        return best?.0
    }

    /// Levenshtein edit distance over Unicode scalars.
    public static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }
}
