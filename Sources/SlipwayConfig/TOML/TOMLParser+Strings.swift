extension TOMLParser {
    /// `"…"` with escapes.
    mutating func parseBasicString() throws(TOMLError) -> String {
        let start = position()
        advance()
        var out: [UInt8] = []
        while true {
            guard let byte = peek() else {
                throw TOMLError(.invalidString, "unterminated string (opened at \(start)): expected '\"'", at: position())
            }
            switch byte {
            case UInt8(ascii: "\""):
                advance()
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try parseEscape(into: &out)
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                throw TOMLError(.invalidString, "unterminated string (opened at \(start)): a single-line string cannot contain a newline; use \"\"\"…\"\"\" for multi-line text", at: position())
            default:
                if Self.isForbiddenControl(byte) {
                    throw TOMLError(.invalidString, "control character \(Self.describe(byte)) must be escaped in a string", at: position())
                }
                out.append(byte)
                advance()
            }
        }
    }

    /// `'…'`, no escapes.
    mutating func parseLiteralString() throws(TOMLError) -> String {
        let start = position()
        advance()
        let begin = index
        while true {
            guard let byte = peek() else {
                throw TOMLError(.invalidString, "unterminated literal string (opened at \(start)): expected \"'\"", at: position())
            }
            switch byte {
            case UInt8(ascii: "'"):
                let text = String(decoding: bytes[begin..<index], as: UTF8.self)
                advance()
                return text
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                throw TOMLError(.invalidString, "unterminated literal string (opened at \(start)): a single-line string cannot contain a newline; use '''…''' for multi-line text", at: position())
            default:
                if Self.isForbiddenControl(byte) {
                    throw TOMLError(.invalidString, "control character \(Self.describe(byte)) is not allowed in a literal string", at: position())
                }
                advance()
            }
        }
    }

    /// `"""…"""`: escapes, newlines, line-ending backslashes; a newline right after the opening quotes is dropped.
    mutating func parseMultilineBasicString() throws(TOMLError) -> String {
        let start = position()
        advance(); advance(); advance()
        skipNewlineAfterOpeningDelimiter()
        var out: [UInt8] = []
        while true {
            guard let byte = peek() else {
                throw TOMLError(.invalidString, "unterminated multi-line string (opened at \(start)): expected '\"\"\"'", at: position())
            }
            switch byte {
            case UInt8(ascii: "\""):
                if let closing = try closeMultiline(quote: byte) {
                    out.append(contentsOf: closing)
                    return String(decoding: out, as: UTF8.self)
                }
                out.append(byte)
                advance()
            case UInt8(ascii: "\\"):
                if try skipLineEndingBackslash() { continue }
                try parseEscape(into: &out)
            case UInt8(ascii: "\r") where peek(1) == UInt8(ascii: "\n"):
                advance(); advance()
                out.append(UInt8(ascii: "\n"))
            case UInt8(ascii: "\n"):
                advance()
                out.append(byte)
            default:
                if Self.isForbiddenControl(byte) {
                    throw TOMLError(.invalidString, "control character \(Self.describe(byte)) must be escaped in a string", at: position())
                }
                out.append(byte)
                advance()
            }
        }
    }

    /// `'''…'''`: raw text over several lines; a newline right after the opening quotes is dropped.
    mutating func parseMultilineLiteralString() throws(TOMLError) -> String {
        let start = position()
        advance(); advance(); advance()
        skipNewlineAfterOpeningDelimiter()
        var out: [UInt8] = []
        while true {
            guard let byte = peek() else {
                throw TOMLError(.invalidString, "unterminated multi-line literal string (opened at \(start)): expected \"'''\"", at: position())
            }
            switch byte {
            case UInt8(ascii: "'"):
                if let closing = try closeMultiline(quote: byte) {
                    out.append(contentsOf: closing)
                    return String(decoding: out, as: UTF8.self)
                }
                out.append(byte)
                advance()
            case UInt8(ascii: "\r") where peek(1) == UInt8(ascii: "\n"):
                advance(); advance()
                out.append(UInt8(ascii: "\n"))
            case UInt8(ascii: "\n"):
                advance()
                out.append(byte)
            default:
                if Self.isForbiddenControl(byte) {
                    throw TOMLError(.invalidString, "control character \(Self.describe(byte)) is not allowed in a literal string", at: position())
                }
                out.append(byte)
                advance()
            }
        }
    }

    mutating func skipNewlineAfterOpeningDelimiter() {
        if peek() == UInt8(ascii: "\n") {
            advance()
        } else if peek() == UInt8(ascii: "\r"), peek(1) == UInt8(ascii: "\n") {
            advance(); advance()
        }
    }

    /// At a quote inside a multi-line string: if three or more quotes follow, consumes them and returns the
    /// quotes that belong to the content (up to two may precede the closing delimiter); otherwise `nil`.
    mutating func closeMultiline(quote: UInt8) throws(TOMLError) -> [UInt8]? {
        var count = 0
        while peek(count) == quote { count += 1 }
        guard count >= 3 else { return nil }
        if count > 5 {
            throw TOMLError(.invalidString, "too many quotes: at most two quote characters may come right before the closing delimiter", at: position())
        }
        for _ in 0..<count { advance() }
        return Array(repeating: quote, count: count - 3)
    }

    /// A backslash followed by optional whitespace and a newline: skips it and all whitespace and newlines after.
    mutating func skipLineEndingBackslash() throws(TOMLError) -> Bool {
        var offset = 1
        while let byte = peek(offset), byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { offset += 1 }
        let isNewline = peek(offset) == UInt8(ascii: "\n")
            || (peek(offset) == UInt8(ascii: "\r") && peek(offset + 1) == UInt8(ascii: "\n"))
        guard isNewline else { return false }
        advance()
        while let byte = peek() {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"):
                advance()
            case UInt8(ascii: "\r") where peek(1) == UInt8(ascii: "\n"):
                advance()
            default:
                return true
            }
        }
        return true
    }

    /// Reads one escape sequence (the parser is at the backslash) and appends its UTF-8 bytes.
    mutating func parseEscape(into out: inout [UInt8]) throws(TOMLError) {
        let start = position()
        advance()
        guard let byte = peek() else {
            throw TOMLError(.invalidEscape, "unterminated escape sequence", at: start)
        }
        switch byte {
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let length = byte == UInt8(ascii: "u") ? 4 : 8
            var code: UInt32 = 0
            for offset in 1...length {
                guard let digit = peek(offset), let value = Self.hexValue(digit) else {
                    throw TOMLError(.invalidEscape, "\\\(Character(UnicodeScalar(byte))) needs exactly \(length) hexadecimal digits", at: start)
                }
                code = code &* 16 &+ UInt32(value)
            }
            guard let scalar = Unicode.Scalar(code) else {
                throw TOMLError(.invalidEscape, "escape \\\(Character(UnicodeScalar(byte)))\(String(code, radix: 16, uppercase: true)) is not a Unicode scalar value", at: start)
            }
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
            for _ in 0..<length { advance() }
        default:
            throw TOMLError(.invalidEscape, "invalid escape sequence '\\\(Self.describe(byte).trimmingQuotes)'; valid escapes are \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX", at: start)
        }
        advance()
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension String {
    /// `'x'` → `x` (for quoting an already-quoted character description).
    fileprivate var trimmingQuotes: String {
        count >= 3 && hasPrefix("'") && hasSuffix("'") ? String(dropFirst().dropLast()) : self
    }
}
