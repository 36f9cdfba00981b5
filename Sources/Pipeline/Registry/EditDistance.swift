/// Levenshtein distance, used to suggest the stage type or name a user probably meant.
public enum EditDistance {
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.lowercased()), b = Array(b.lowercased())
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// Candidates within a distance that scales with the name's length (a quarter of it,
    /// at least 2; 1 for names of up to 3 letters, where 2 edits reach almost anything), closest first and at most `limit` of them; ties keep the candidates' order.
    public static func nearest(to name: String, in candidates: [String], limit: Int = 3) -> [String] {
        let threshold = name.count <= 3 ? 1 : max(2, name.count / 4)
        return candidates
            .map { (candidate: $0, distance: distance(name, $0)) }
            .filter { $0.distance <= threshold && $0.candidate != name }
            .enumerated()
            .sorted { ($0.element.distance, $0.offset) < ($1.element.distance, $1.offset) }
            .prefix(limit)
            .map(\.element.candidate)
    }
}
