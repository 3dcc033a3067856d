/// Read-only helpers over a statement's code tokens, for the rule analyzers.
struct TokenList {
    let tokens: [SQLToken]

    init(_ tokens: [SQLToken]) { self.tokens = tokens }

    var count: Int { tokens.count }

    subscript(index: Int) -> SQLToken { tokens[index] }

    /// The lower-cased word at `index`, or nil when out of range or not an unquoted word.
    @inline(__always)
    func word(_ index: Int) -> String? {
        guard index >= 0, index < tokens.count, tokens[index].kind == .word else { return nil }
        return tokens[index].value
    }

    @inline(__always)
    func isWord(_ index: Int, _ keyword: String) -> Bool {
        index >= 0 && index < tokens.count && tokens[index].kind == .word && tokens[index].value == keyword
    }

    /// Whether the words at `index…` are exactly `keywords`.
    func isWords(_ index: Int, _ keywords: [String]) -> Bool {
        var i = index
        for keyword in keywords {
            guard isWord(i, keyword) else { return false }
            i += 1
        }
        return true
    }

    func isKind(_ index: Int, _ kind: SQLToken.Kind) -> Bool {
        index >= 0 && index < tokens.count && tokens[index].kind == kind
    }

    /// Skips the words of `keywords` at `index` if they are all there.
    func skipping(_ keywords: [String], at index: Int) -> Int {
        isWords(index, keywords) ? index + keywords.count : index
    }

    /// A possibly schema-qualified name at `index`: its last component (the relation name, lower-cased when
    /// unquoted) and the index after it.
    func name(at index: Int) -> (name: String, next: Int)? {
        guard index < tokens.count, tokens[index].isIdentifier else { return nil }
        var name = tokens[index].value
        var i = index + 1
        while i + 1 < tokens.count, tokens[i].kind == .dot, tokens[i + 1].isIdentifier {
            name = tokens[i + 1].value
            i += 2
        }
        return (name, i)
    }

    /// Index of the matching close paren/bracket for the open one at `index` (or `end` when unbalanced).
    /// (`end` when the bracket is never closed: callers that step past the close must clamp to `end`.)
    func matchingClose(_ index: Int, end: Int) -> Int {
        var depth = 0
        var i = index
        while i < end {
            switch tokens[i].kind {
            case .leftParen, .leftBracket: depth += 1
            case .rightParen, .rightBracket:
                depth -= 1
                if depth == 0 { return i }
            default: break
            }
            i += 1
        }
        return end
    }

    /// Ranges between top-level commas in `start..<end`.
    func splitAtTopLevelCommas(_ start: Int, _ end: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var depth = 0
        var from = start
        var i = start
        while i < end {
            switch tokens[i].kind {
            case .leftParen, .leftBracket: depth += 1
            case .rightParen, .rightBracket: depth -= 1
            case .comma where depth == 0:
                if from < i { ranges.append(from..<i) }
                from = i + 1
            default: break
            }
            i += 1
        }
        if from < end { ranges.append(from..<end) }
        return ranges
    }

    /// The first top-level (paren depth 0 relative to `start`) occurrence of `keyword` in `start..<end`.
    func firstTopLevelWord(_ keyword: String, in range: Range<Int>) -> Int? {
        var depth = 0
        for i in range {
            switch tokens[i].kind {
            case .leftParen, .leftBracket: depth += 1
            case .rightParen, .rightBracket: depth -= 1
            case .word where depth == 0 && tokens[i].value == keyword: return i
            default: break
            }
        }
        return nil
    }

    /// Whether `keywords` occur consecutively at top level in `range`.
    func containsTopLevelWords(_ keywords: [String], in range: Range<Int>) -> Bool {
        var depth = 0
        for i in range {
            switch tokens[i].kind {
            case .leftParen, .leftBracket: depth += 1
            case .rightParen, .rightBracket: depth -= 1
            case .word where depth == 0 && isWords(i, keywords): return true
            default: break
            }
        }
        return false
    }

    /// The identifiers of a parenthesised name list `( a, b )` starting at `index`.
    func parenthesisedNames(at index: Int, end: Int) -> [String] {
        guard isKind(index, .leftParen) else { return [] }
        let close = matchingClose(index, end: end)
        var names: [String] = []
        for range in splitAtTopLevelCommas(index + 1, close) where tokens[range.lowerBound].isIdentifier {
            names.append(tokens[range.lowerBound].value)
        }
        return names
    }
}
