/// Suggestions for misspelled keys and values ("did you mean …?").
enum Suggestion {
    /// The candidate closest to `word` if it is close enough to be a plausible misspelling.
    static func closest(to word: String, in candidates: [String]) -> String? {
        let lowered = word.lowercased()
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = levenshtein(lowered, candidate.lowercased())
            if distance < (best?.distance ?? Int.max) {
                best = (candidate, distance)
            }
        }
        guard let best else { return nil }
        let threshold = max(2, min(word.count, best.candidate.count) / 3)
        return best.distance <= threshold ? best.candidate : nil
    }

    /// Edit distance between two strings (insertions, deletions, substitutions), over characters.
    static func levenshtein(_ lhs: String, _ rhs: String) -> Int {
        let a = Array(lhs)
        let b = Array(rhs)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// A hint naming the closest candidate (if any) and listing all of them.
    static func hint(for word: String, candidates: [String], noun: String) -> String {
        let list = candidates.joined(separator: ", ")
        if let match = closest(to: word, in: candidates) {
            return "did you mean `\(match)`? valid \(noun): \(list)"
        }
        return "valid \(noun): \(list)"
    }
}
