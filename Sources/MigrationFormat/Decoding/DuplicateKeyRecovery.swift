import Yams

/// Lets a file with duplicate mapping keys be decoded anyway, so the duplicate is reported with its key
/// path and every other problem in the file is reported too.
///
/// Yams refuses to compose a mapping with duplicate keys and reports only the first occurrence. This
/// finds the second occurrence in the text and replaces the key's characters, in place, with the same
/// number of private-use characters (so every line and column stays the same); the decoder recognises
/// the renamed key by its position and reports it as a duplicate.
enum DuplicateKeyRecovery {
    /// A 1-based line and column.
    struct Position: Hashable {
        let line: Int
        let column: Int

        init(line: Int, column: Int) {
            self.line = line
            self.column = column
        }

        init(_ mark: Mark?) {
            self.init(line: mark?.line ?? 0, column: mark?.column ?? 0)
        }
    }

    /// One renamed duplicate: the original key and where it was first given.
    struct Site {
        let key: String
        let first: Position
    }

    /// The text with the duplicate occurrence of `key` (first given at `first`) renamed, and the position
    /// of the renamed occurrence; `nil` if the occurrence cannot be found with confidence.
    static func rename(
        key: String, first: Position, in scalars: [Unicode.Scalar], serial: Int
    ) -> (scalars: [Unicode.Scalar], position: Position)? {
        let lineStarts = lineStartOffsets(scalars)
        guard first.line >= 1, first.line <= lineStarts.count else { return nil }
        let firstOffset = lineStarts[first.line - 1] + first.column - 1
        guard firstOffset < scalars.count else { return nil }
        let quote: Unicode.Scalar? = (scalars[firstOffset] == "\"" || scalars[firstOffset] == "'")
            ? scalars[firstOffset] : nil
        let token = Array((quote.map { String($0) } ?? "") + key + (quote.map { String($0) } ?? "")).flatMap {
            $0.unicodeScalars
        }
        guard matches(token, at: firstOffset, in: scalars) else { return nil }

        let flow = flowDepth(upTo: firstOffset, in: scalars) > 0
        var depth = 0
        var offset = firstOffset + token.count
        var lineStart = true
        var inQuote: Unicode.Scalar?
        while offset < scalars.count {
            let character = scalars[offset]
            if let open = inQuote {
                if open == "\"" && character == "\\" {
                    offset += 2
                    continue
                }
                if character == open {
                    if open == "'" && offset + 1 < scalars.count && scalars[offset + 1] == "'" {
                        offset += 2
                        continue
                    }
                    inQuote = nil
                }
                offset += 1
                continue
            }
            if character == "\n" {
                lineStart = true
                offset += 1
                continue
            }
            if lineStart && character != " " && character != "\r" {
                lineStart = false
                let column = offset - lineStartOffset(of: offset, lineStarts: lineStarts) + 1
                if !flow && character != "#" {
                    // A line starting left of the key leaves the block mapping (a shallower key or a
                    // `- ` sibling element).
                    if column < first.column { return nil }
                    if column == first.column && matches(token, at: offset, in: scalars)
                        && followedByColon(offset + token.count, in: scalars)
                    {
                        return replace(at: offset, token: token, quoted: quote != nil, in: scalars, serial: serial,
                            lineStarts: lineStarts)
                    }
                }
            }
            let atTokenStart = isTokenStart(offset, in: scalars)
            if character == "#" && (offset == 0 || scalars[offset - 1] == " " || scalars[offset - 1] == "\t") {
                while offset < scalars.count && scalars[offset] != "\n" { offset += 1 }
                continue
            }
            let candidate =
                flow && depth == 0 && matches(token, at: offset, in: scalars)
                && followedByColon(offset + token.count, in: scalars) && precededByFlowSeparator(offset, scalars)
            if candidate {
                return replace(
                    at: offset, token: token, quoted: quote != nil, in: scalars, serial: serial,
                    lineStarts: lineStarts)
            }
            if (character == "\"" || character == "'") && (atTokenStart || flow) {
                inQuote = character
            } else if (character == "{" || character == "[") && (atTokenStart || flow || depth > 0) {
                depth += 1
            } else if (character == "}" || character == "]") && (flow || depth > 0) {
                depth -= 1
                if flow && depth < 0 { return nil }
            }
            offset += 1
        }
        return nil
    }

    private static func replace(
        at offset: Int, token: [Unicode.Scalar], quoted: Bool, in scalars: [Unicode.Scalar], serial: Int,
        lineStarts: [Int]
    ) -> (scalars: [Unicode.Scalar], position: Position)? {
        var result = scalars
        let start = quoted ? offset + 1 : offset
        let length = quoted ? token.count - 2 : token.count
        guard length > 0, let marker = Unicode.Scalar(0xE000 + UInt32(serial % 0x1000)),
            let filler = Unicode.Scalar(0xF8FF)
        else { return nil }
        result[start] = marker
        for index in (start + 1)..<(start + length) { result[index] = filler }
        let lineStart = lineStartOffset(of: offset, lineStarts: lineStarts)
        let line = (lineStarts.lastIndex { $0 <= offset } ?? 0) + 1
        return (result, Position(line: line, column: offset - lineStart + 1))
    }

    private static func lineStartOffsets(_ scalars: [Unicode.Scalar]) -> [Int] {
        var starts = [0]
        for (index, scalar) in scalars.enumerated() where scalar == "\n" {
            starts.append(index + 1)
        }
        return starts
    }

    private static func lineStartOffset(of offset: Int, lineStarts: [Int]) -> Int {
        lineStarts.last { $0 <= offset } ?? 0
    }

    private static func matches(_ token: [Unicode.Scalar], at offset: Int, in scalars: [Unicode.Scalar]) -> Bool {
        guard offset + token.count <= scalars.count else { return false }
        for (index, scalar) in token.enumerated() where scalars[offset + index] != scalar {
            return false
        }
        return true
    }

    private static func followedByColon(_ offset: Int, in scalars: [Unicode.Scalar]) -> Bool {
        var index = offset
        while index < scalars.count && (scalars[index] == " " || scalars[index] == "\t") { index += 1 }
        return index < scalars.count && scalars[index] == ":"
    }

    private static func precededByFlowSeparator(_ offset: Int, _ scalars: [Unicode.Scalar]) -> Bool {
        var index = offset - 1
        while index >= 0 && [" ", "\t", "\n", "\r"].contains(scalars[index]) { index -= 1 }
        return index >= 0 && (scalars[index] == "," || scalars[index] == "{")
    }

    /// Whether a quote or bracket at `offset` would start a YAML token (not sit inside a plain scalar).
    private static func isTokenStart(_ offset: Int, in scalars: [Unicode.Scalar]) -> Bool {
        guard offset > 0 else { return true }
        let previous = scalars[offset - 1]
        if ["\n", "[", "{", ","].contains(previous) { return true }
        guard previous == " " || previous == "\t" else { return false }
        var index = offset - 1
        while index >= 0 && (scalars[index] == " " || scalars[index] == "\t") { index -= 1 }
        return index < 0 || [":", "-", "?", "\n", "[", "{", ","].contains(scalars[index])
    }

    /// Flow nesting depth at `offset`, counting brackets outside quotes and comments from the start.
    private static func flowDepth(upTo end: Int, in scalars: [Unicode.Scalar]) -> Int {
        var depth = 0
        var offset = 0
        var inQuote: Unicode.Scalar?
        while offset < end {
            let character = scalars[offset]
            if let open = inQuote {
                if open == "\"" && character == "\\" {
                    offset += 2
                    continue
                }
                if character == open { inQuote = nil }
                offset += 1
                continue
            }
            if character == "#" && (offset == 0 || scalars[offset - 1] == " " || scalars[offset - 1] == "\n") {
                while offset < end && scalars[offset] != "\n" { offset += 1 }
                continue
            }
            let structural = depth > 0 || isTokenStart(offset, in: scalars)
            if (character == "\"" || character == "'") && structural {
                inQuote = character
            } else if (character == "{" || character == "[") && structural {
                depth += 1
            } else if (character == "}" || character == "]") && depth > 0 {
                depth -= 1
            }
            offset += 1
        }
        return depth
    }
}
