/// "Did you mean …?" for unknown keys: the closest known key by edit distance, if it is close enough.
enum KeySuggestion {
    /// The known key closest to `key`: within a third of the key's length in edits (at least 2), else one that
    /// starts with `key` or that `key` starts with; `nil` if none.
    static func closest(to key: String, in candidates: [String]) -> String? {
        let limit = max(2, key.count / 3)
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(key.lowercased(), candidate)
            if distance <= limit, distance < (best?.distance ?? Int.max) {
                best = (candidate, distance)
            }
        }
        if let best { return best.candidate }
        // A truncated or extended key (`max_header` for `max_header_length`, `section_title` for `section`).
        let lowered = key.lowercased()
        return candidates.first { candidate in
            min(candidate.count, lowered.count) >= 4 && (candidate.hasPrefix(lowered) || lowered.hasPrefix(candidate))
        }
    }

    /// Levenshtein distance (insertions, deletions and substitutions each cost 1).
    static func editDistance(_ lhs: String, _ rhs: String) -> Int {
        let left = Array(lhs)
        let right = Array(rhs)
        guard !left.isEmpty else { return right.count }
        guard !right.isEmpty else { return left.count }
        var previous = Array(0...right.count)
        var current = Array(repeating: 0, count: right.count + 1)
        for i in 1...left.count {
            current[0] = i
            for j in 1...right.count {
                let cost = left[i - 1] == right[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[right.count]
    }
}
