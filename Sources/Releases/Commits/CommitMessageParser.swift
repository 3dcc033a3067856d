/// The Conventional Commits 1.0.0 grammar, hand-written for speed (tens of thousands of commits per run).
public enum CommitMessageParser {
    /// A parsed header line `type(scope)!: description`.
    public struct Header: Sendable, Hashable {
        /// The type as written (not lower-cased).
        public var type: String
        /// The scope, if any.
        public var scope: String?
        /// True when `!` precedes the colon.
        public var breaking: Bool
        /// The description (leading spaces removed).
        public var description: String
    }

    /// Why a header is not a Conventional Commits header.
    public enum HeaderProblem: Error, Sendable, Hashable, CustomStringConvertible {
        /// The message or header is empty.
        case empty
        /// The header does not start with a type (letters).
        case missingType
        /// `(` opened a scope that never closes, or the scope contains a newline or parenthesis.
        case unterminatedScope
        /// `()` with nothing inside.
        case emptyScope
        /// No `:` after type, scope and `!`.
        case missingColon
        /// `:` not followed by a space.
        case missingSpaceAfterColon
        /// Nothing after `: `.
        case emptyDescription

        /// A sentence explaining the problem.
        public var description: String {
            switch self {
            case .empty: return "the message is empty"
            case .missingType:
                return "the header must start with a type such as 'feat' or 'fix' (letters, digits, '-')"
            case .unterminatedScope: return "the scope is not closed with ')' (or contains '(' or a newline)"
            case .emptyScope: return "the scope '()' is empty; remove the parentheses or name a scope"
            case .missingColon: return "expected ':' after the type, scope and optional '!'"
            case .missingSpaceAfterColon: return "expected a space after ':'"
            case .emptyDescription: return "the description after ': ' is empty"
            }
        }
    }

    /// Parses one header line.
    public static func parseHeader(_ line: Substring) -> Result<Header, HeaderProblem> {
        let bytes = Array(line.utf8)
        if bytes.isEmpty || bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return .failure(.empty) }
        var index = 0
        func isLetter(_ byte: UInt8) -> Bool { (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) }
        func isTypeByte(_ byte: UInt8) -> Bool {
            isLetter(byte) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x5F
        }
        guard isLetter(bytes[0]) else { return .failure(.missingType) }
        while index < bytes.count && isTypeByte(bytes[index]) { index += 1 }
        let type = String(decoding: bytes[0..<index], as: UTF8.self)
        var scope: String?
        if index < bytes.count && bytes[index] == 0x28 {  // (
            let start = index + 1
            var end = start
            while end < bytes.count && bytes[end] != 0x29 {
                if bytes[end] == 0x28 { return .failure(.unterminatedScope) }
                end += 1
            }
            guard end < bytes.count else { return .failure(.unterminatedScope) }
            let text = String(decoding: bytes[start..<end], as: UTF8.self).trimmingWhitespace()
            guard !text.isEmpty else { return .failure(.emptyScope) }
            scope = text
            index = end + 1
        }
        var breaking = false
        if index < bytes.count && bytes[index] == 0x21 {  // !
            breaking = true
            index += 1
        }
        guard index < bytes.count && bytes[index] == 0x3A else { return .failure(.missingColon) }
        index += 1
        guard index < bytes.count && (bytes[index] == 0x20 || bytes[index] == 0x09) else {
            return index >= bytes.count ? .failure(.emptyDescription) : .failure(.missingSpaceAfterColon)
        }
        let description = String(decoding: bytes[index...], as: UTF8.self).trimmingWhitespace()
        guard !description.isEmpty else { return .failure(.emptyDescription) }
        return .success(Header(type: type, scope: scope, breaking: breaking, description: description))
    }

    /// True when `message` starts with `fixup! `, `squash! ` or `amend! ` (autosquash commits).
    public static func isAutosquash(_ message: Substring) -> Bool {
        message.hasPrefix("fixup!") || message.hasPrefix("squash!") || message.hasPrefix("amend!")
    }

    /// Parses a full message; `nil` when the header is neither conventional nor a git `Revert "…"` subject.
    public static func parse(_ message: String) -> ConventionalCommit? {
        let lines = splitLines(message)
        guard let first = lines.firstIndex(where: { !$0.allSatisfy(\.isWhitespace) }) else { return nil }
        let headerLine = lines[first]
        let rest = Array(lines[(first + 1)...])
        let (body, footers) = parseBodyAndFooters(rest)
        let revertedHash = findRevertedHash(body: body, footers: footers)

        if let inner = gitRevertSubject(headerLine) {
            return ConventionalCommit(
                type: "revert", scope: nil, hasBreakingMarker: false, description: "Revert \"\(inner)\"",
                body: body, footers: footers, revertedHash: revertedHash, revertedHeader: inner)
        }
        guard case .success(let header) = parseHeader(headerLine) else { return nil }
        let type = header.type.lowercased()
        var revertedHeader: String?
        if type == "revert" {
            var text = Substring(header.description)
            if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { text = text.dropFirst().dropLast() }
            revertedHeader = String(text)
        }
        return ConventionalCommit(
            type: type, scope: header.scope, hasBreakingMarker: header.breaking, description: header.description,
            body: body, footers: footers, revertedHash: type == "revert" ? revertedHash : nil,
            revertedHeader: revertedHeader)
    }

    /// `Revert "feat: x"` → `feat: x` (git's default revert subject).
    static func gitRevertSubject(_ line: Substring) -> String? {
        guard line.hasPrefix("Revert \""), line.count > 9 else { return nil }
        var text = line.dropFirst(8)
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        guard text.hasSuffix("\""), text.count >= 2 else { return nil }
        return String(text.dropLast())
    }

    static func findRevertedHash(body: String?, footers: [CommitFooter]) -> String? {
        let marker = "This reverts commit "
        for text in [body ?? ""] + footers.map(\.value) {
            guard let range = text.range(of: marker) else { continue }
            let hash = text[range.upperBound...].prefix(while: { $0.isHexDigit })
            if hash.count >= 4 { return hash.lowercased() }
        }
        return nil
    }

    static func splitLines(_ message: String) -> [Substring] {
        message.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map { line in
            line.hasSuffix("\r") ? line.dropLast() : line
        }
    }

    /// `Token: value`, `Token #value`, `BREAKING CHANGE: value` → (token, separator, value).
    static func footerStart(_ line: Substring) -> (String, String, String)? {
        if line.hasPrefix("BREAKING CHANGE: ") || line.hasPrefix("BREAKING CHANGE #") {
            let separator = String(line.dropFirst(15).prefix(2))
            return ("BREAKING CHANGE", separator, String(line.dropFirst(17)))
        }
        let bytes = line.utf8
        var index = bytes.startIndex
        guard index != bytes.endIndex else { return nil }
        func isTokenByte(_ byte: UInt8) -> Bool {
            (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x2D
        }
        guard isTokenByte(bytes[index]), bytes[index] != 0x2D else { return nil }
        while index != bytes.endIndex && isTokenByte(bytes[index]) { index = bytes.index(after: index) }
        let token = String(line[line.startIndex..<index])
        let after = line[index...]
        let separator: String
        if after.hasPrefix(": ") {
            separator = ": "
        } else if after.hasPrefix(" #") {
            separator = " #"
        } else {
            return nil
        }
        let value = after.dropFirst(2)
        guard !value.allSatisfy(\.isWhitespace) else { return nil }
        return (token, separator, String(value))
    }

    /// Splits the lines after the header into a body and footers. The footer block is the earliest paragraph
    /// starting with a footer such that every later paragraph also starts with one, except that a
    /// `BREAKING CHANGE` value may run on over several paragraphs.
    static func parseBodyAndFooters(_ lines: [Substring]) -> (String?, [CommitFooter]) {
        // Paragraph start indexes (first non-blank line after a blank line).
        var paragraphStarts: [Int] = []
        var previousBlank = true
        for (index, line) in lines.enumerated() {
            let blank = line.allSatisfy(\.isWhitespace)
            if !blank && previousBlank { paragraphStarts.append(index) }
            previousBlank = blank
        }
        var footerStartLine: Int?
        candidates: for (position, start) in paragraphStarts.enumerated() {
            guard let first = footerStart(lines[start]) else { continue }
            var currentIsBreaking = first.0 == "BREAKING CHANGE" || first.0 == "BREAKING-CHANGE"
            for later in paragraphStarts[(position + 1)...] {
                if let next = footerStart(lines[later]) {
                    currentIsBreaking = next.0 == "BREAKING CHANGE" || next.0 == "BREAKING-CHANGE"
                } else if !currentIsBreaking {
                    continue candidates
                }
            }
            footerStartLine = start
            break
        }
        let bodyLines = lines[0..<(footerStartLine ?? lines.count)]
        let bodyText = joinTrimmingBlankEdges(bodyLines)
        var footers: [CommitFooter] = []
        if let footerStartLine {
            var current: (String, String, [Substring])?
            func flush() {
                if let (token, separator, valueLines) = current {
                    footers.append(
                        CommitFooter(token: token, separator: separator, value: joinTrimmingBlankEdges(valueLines[...])))
                }
            }
            for line in lines[footerStartLine...] {
                if let start = footerStart(line) {
                    flush()
                    current = (start.0, start.1, [Substring(start.2)])
                } else {
                    current?.2.append(line)
                }
            }
            flush()
        }
        return (bodyText.isEmpty ? nil : bodyText, footers)
    }

    static func joinTrimmingBlankEdges(_ lines: ArraySlice<Substring>) -> String {
        var slice = lines
        while let first = slice.first, first.allSatisfy(\.isWhitespace) { slice = slice.dropFirst() }
        while let last = slice.last, last.allSatisfy(\.isWhitespace) { slice = slice.dropLast() }
        return slice.joined(separator: "\n")
    }
}
