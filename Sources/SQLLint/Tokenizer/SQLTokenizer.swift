/// A PostgreSQL tokenizer working over UTF-8 bytes.
///
/// Recognises every quoting and comment form of PostgreSQL's lexer: `'…'` with `''`, `E'…'` with
/// backslash escapes, `U&'…'`, `B'…'`, `X'…'`, `N'…'`, dollar quotes (`$$…$$`, `$fn$…$fn$`), quoted
/// identifiers (`"a""b"`, `U&"…"`), `--` line comments and nested `/* … */` block comments, plus
/// positional parameters, numbers, operators and psql meta-command lines.
public struct SQLTokenizer: Sendable {
    /// The outcome of tokenizing leniently: every token before the first error, and that error.
    public struct Output: Sendable {
        /// Tokens in source order, comments included.
        public var tokens: [SQLToken]
        /// The first malformed construct, if any; tokenizing stops there.
        public var error: SQLLintError?
    }

    /// Creates a tokenizer.
    public init() {}

    /// Tokenizes `sql`, comments included.
    ///
    /// - Throws: ``SQLLintError`` with code `unterminatedQuotedString`, `unterminatedQuotedIdentifier`,
    ///   `unterminatedDollarQuote`, `unterminatedBlockComment` or `emptyQuotedIdentifier`, positioned at the
    ///   opening delimiter. Unknown characters are not an error: they become operator tokens.
    public func tokenize(_ sql: String) throws(SQLLintError) -> [SQLToken] {
        let output = tokenizeLeniently(sql)
        if let error = output.error { throw error }
        return output.tokens
    }

    /// Tokenizes `sql`, returning the tokens before the first malformed construct and the error instead
    /// of throwing.
    public func tokenizeLeniently(_ sql: String) -> Output {
        var scanner = Scanner(bytes: Array(sql.utf8))
        scanner.run()
        return Output(tokens: scanner.tokens, error: scanner.error)
    }
}

// MARK: - Byte classes

private enum Byte {
    static let newline: UInt8 = 0x0A
    static let singleQuote: UInt8 = 0x27
    static let doubleQuote: UInt8 = 0x22
    static let dollar: UInt8 = 0x24
    static let backslash: UInt8 = 0x5C
    static let minus: UInt8 = 0x2D
    static let slash: UInt8 = 0x2F
    static let star: UInt8 = 0x2A
    static let ampersand: UInt8 = 0x26
    static let dot: UInt8 = 0x2E
    static let colon: UInt8 = 0x3A

    @inline(__always) static func isWhitespace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D || b == 0x0C || b == 0x0B
    }

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    @inline(__always) static func isIdentifierStart(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == 0x5F || b >= 0x80
    }

    @inline(__always) static func isIdentifierPart(_ b: UInt8) -> Bool {
        isIdentifierStart(b) || isDigit(b) || b == dollar
    }

    @inline(__always) static func isOperatorChar(_ b: UInt8) -> Bool {
        switch b {
        case 0x2B, 0x2D, 0x2A, 0x2F, 0x3C, 0x3E, 0x3D, 0x7E, 0x21, 0x40, 0x23, 0x25, 0x5E, 0x26, 0x7C, 0x60, 0x3F:
            true
        default:
            false
        }
    }

    @inline(__always) static func lowercased(_ b: UInt8) -> UInt8 {
        (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b
    }
}

// MARK: - Scanner

private struct Scanner {
    let bytes: [UInt8]
    var tokens: [SQLToken] = []
    var error: SQLLintError?
    var tracker = PositionTracker()

    init(bytes: [UInt8]) {
        self.bytes = bytes
        tokens.reserveCapacity(bytes.count / 5 + 8)
    }

    mutating func run() {
        let count = bytes.count
        var i = 0
        var atLineStart = true
        while i < count {
            let b = bytes[i]
            if Byte.isWhitespace(b) {
                if b == Byte.newline { atLineStart = true }
                i += 1
                continue
            }
            let lineStart = atLineStart
            atLineStart = false
            let next: UInt8 = i + 1 < count ? bytes[i + 1] : 0
            switch b {
            case Byte.minus where next == Byte.minus:
                var j = i + 2
                while j < count && bytes[j] != Byte.newline { j += 1 }
                emit(.lineComment, from: i, to: j, value: text(i + 2, j))
                i = j
            case Byte.slash where next == Byte.star:
                guard let end = scanBlockComment(from: i) else { return }
                emit(.blockComment, from: i, to: end, value: text(i + 2, end - 2))
                i = end
            case Byte.singleQuote:
                guard let end = scanQuoted(from: i, quoteAt: i, style: .standard) else { return }
                i = end
            case Byte.doubleQuote:
                guard let end = scanQuotedIdentifier(from: i, quoteAt: i) else { return }
                i = end
            case Byte.dollar:
                i = scanDollar(from: i)
                if error != nil { return }
            case Byte.backslash where lineStart:
                var j = i
                while j < count && bytes[j] != Byte.newline { j += 1 }
                emit(.psqlMetaCommand, from: i, to: j, value: text(i, j))
                i = j
            case 0x28: emit(.leftParen, from: i, to: i + 1, value: "("); i += 1
            case 0x29: emit(.rightParen, from: i, to: i + 1, value: ")"); i += 1
            case 0x5B: emit(.leftBracket, from: i, to: i + 1, value: "["); i += 1
            case 0x5D: emit(.rightBracket, from: i, to: i + 1, value: "]"); i += 1
            case 0x2C: emit(.comma, from: i, to: i + 1, value: ","); i += 1
            case 0x3B: emit(.semicolon, from: i, to: i + 1, value: ";"); i += 1
            case Byte.colon:
                if next == Byte.colon {
                    emit(.doubleColon, from: i, to: i + 2, value: "::"); i += 2
                } else {
                    emit(.colon, from: i, to: i + 1, value: ":"); i += 1
                }
            case Byte.dot where !Byte.isDigit(next):
                emit(.dot, from: i, to: i + 1, value: "."); i += 1
            default:
                if Byte.isDigit(b) || b == Byte.dot {
                    var j = i + 1
                    while j < count {
                        let c = bytes[j]
                        if Byte.isDigit(c) || Byte.isIdentifierStart(c) || c == Byte.dot {
                            j += 1
                        } else if (c == 0x2B || c == Byte.minus), j > i, bytes[j - 1] | 0x20 == 0x65,
                            !(bytes[i] == 0x30 && i + 1 < count && bytes[i + 1] | 0x20 == 0x78) {
                            j += 1  // exponent sign, 1e-5
                        } else {
                            break
                        }
                    }
                    emit(.number, from: i, to: j, value: text(i, j))
                    i = j
                } else if Byte.isIdentifierStart(b) {
                    guard let end = scanWordOrPrefixedString(from: i) else { return }
                    i = end
                } else if Byte.isOperatorChar(b) {
                    var j = i + 1
                    while j < count && Byte.isOperatorChar(bytes[j]) {
                        let c = bytes[j]
                        let d: UInt8 = j + 1 < count ? bytes[j + 1] : 0
                        if (c == Byte.minus && d == Byte.minus) || (c == Byte.slash && d == Byte.star) { break }
                        j += 1
                    }
                    emit(.operator, from: i, to: j, value: text(i, j))
                    i = j
                } else {
                    // Any other byte (stray control character, `\` mid-line, `}`): keep it as an operator
                    // token so positions stay exact; the parser never matches it.
                    emit(.operator, from: i, to: i + 1, value: text(i, i + 1))
                    i += 1
                }
            }
        }
    }

    // MARK: Emission

    @inline(__always)
    mutating func emit(_ kind: SQLToken.Kind, from start: Int, to end: Int, value: String) {
        let startPosition = tracker.position(at: start, in: bytes)
        let endPosition = tracker.position(at: end, in: bytes)
        tokens.append(SQLToken(kind: kind, value: value, start: startPosition, end: endPosition))
    }

    mutating func fail(_ code: SQLLintError.Code, at offset: Int, _ what: String) {
        let position = tracker.position(at: offset, in: bytes)
        error = SQLLintError(
            code: code,
            message: "\(what) starting at line \(position.line), column \(position.column) is never closed",
            position: position
        )
    }

    func text(_ start: Int, _ end: Int) -> String {
        guard start < end else { return "" }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    func lowercasedText(_ start: Int, _ end: Int) -> String {
        String(unsafeUninitializedCapacity: end - start) { buffer in
            var k = 0
            for index in start..<end {
                buffer[k] = Byte.lowercased(bytes[index])
                k += 1
            }
            return k
        }
    }

    /// Text between `start` and `end` with every doubled `quote` collapsed to one.
    func collapsingDoubled(_ quote: UInt8, _ start: Int, _ end: Int, doubled: Bool) -> String {
        guard doubled else { return text(start, end) }
        var out: [UInt8] = []
        out.reserveCapacity(end - start)
        var k = start
        while k < end {
            out.append(bytes[k])
            if bytes[k] == quote && k + 1 < end && bytes[k + 1] == quote { k += 2 } else { k += 1 }
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: Scanners

    /// Returns the offset after the comment, or nil (and sets `error`) when it is not closed.
    mutating func scanBlockComment(from start: Int) -> Int? {
        let count = bytes.count
        var depth = 1
        var j = start + 2
        while j < count {
            let c = bytes[j]
            if c == Byte.star && j + 1 < count && bytes[j + 1] == Byte.slash {
                depth -= 1
                j += 2
                if depth == 0 { return j }
            } else if c == Byte.slash && j + 1 < count && bytes[j + 1] == Byte.star {
                depth += 1
                j += 2
            } else {
                j += 1
            }
        }
        fail(.unterminatedBlockComment, at: start, "block comment")
        return nil
    }

    /// Scans a single-quoted string whose opening quote is at `quoteAt` and whose token starts at `start`.
    mutating func scanQuoted(from start: Int, quoteAt: Int, style: SQLToken.StringStyle) -> Int? {
        let count = bytes.count
        let backslashEscapes = style == .escape
        var doubled = false
        var j = quoteAt + 1
        while j < count {
            let c = bytes[j]
            if c == Byte.singleQuote {
                if j + 1 < count && bytes[j + 1] == Byte.singleQuote {
                    doubled = true
                    j += 2
                    continue
                }
                let value = collapsingDoubled(Byte.singleQuote, quoteAt + 1, j, doubled: doubled)
                emit(.string(style), from: start, to: j + 1, value: value)
                return j + 1
            }
            if backslashEscapes && c == Byte.backslash {
                j += 2
                continue
            }
            j += 1
        }
        fail(.unterminatedQuotedString, at: start, "quoted string")
        return nil
    }

    mutating func scanQuotedIdentifier(from start: Int, quoteAt: Int) -> Int? {
        let count = bytes.count
        var doubled = false
        var j = quoteAt + 1
        while j < count {
            if bytes[j] == Byte.doubleQuote {
                if j + 1 < count && bytes[j + 1] == Byte.doubleQuote {
                    doubled = true
                    j += 2
                    continue
                }
                if j == quoteAt + 1 {
                    let position = tracker.position(at: start, in: bytes)
                    error = SQLLintError(
                        code: .emptyQuotedIdentifier,
                        message: "zero-length quoted identifier \"\" at line \(position.line), column \(position.column); name the object",
                        position: position
                    )
                    return nil
                }
                let value = collapsingDoubled(Byte.doubleQuote, quoteAt + 1, j, doubled: doubled)
                emit(.quotedIdentifier, from: start, to: j + 1, value: value)
                return j + 1
            }
            j += 1
        }
        fail(.unterminatedQuotedIdentifier, at: start, "quoted identifier")
        return nil
    }

    /// `$1`, `$tag$…$tag$`, `$$…$$`, or a stray `$`.
    mutating func scanDollar(from start: Int) -> Int {
        let count = bytes.count
        var j = start + 1
        if j < count && Byte.isDigit(bytes[j]) {
            while j < count && Byte.isDigit(bytes[j]) { j += 1 }
            emit(.parameter, from: start, to: j, value: text(start, j))
            return j
        }
        if j < count && Byte.isIdentifierStart(bytes[j]) {
            while j < count && (Byte.isIdentifierStart(bytes[j]) || Byte.isDigit(bytes[j])) { j += 1 }
        }
        guard j < count && bytes[j] == Byte.dollar else {
            emit(.operator, from: start, to: start + 1, value: "$")
            return start + 1
        }
        // Opening delimiter is bytes[start...j].
        let delimiterLength = j - start + 1
        let bodyStart = j + 1
        var k = bodyStart
        while k < count {
            if bytes[k] == Byte.dollar && k + delimiterLength <= count {
                var matches = true
                var m = 1
                while m < delimiterLength {
                    if bytes[k + m] != bytes[start + m] { matches = false; break }
                    m += 1
                }
                if matches {
                    let end = k + delimiterLength
                    emit(.dollarString, from: start, to: end, value: text(bodyStart, k))
                    return end
                }
            }
            k += 1
        }
        let tag = text(start, j + 1)
        let position = tracker.position(at: start, in: bytes)
        error = SQLLintError(
            code: .unterminatedDollarQuote,
            message: "dollar-quoted string \(tag) starting at line \(position.line), column \(position.column) is never closed; add the closing \(tag)",
            position: position
        )
        return count
    }

    /// A word, or a string with a one-letter prefix (`E'`, `B'`, `X'`, `N'`, `U&'`, `U&"`).
    mutating func scanWordOrPrefixedString(from start: Int) -> Int? {
        let count = bytes.count
        let b = Byte.lowercased(bytes[start])
        let next: UInt8 = start + 1 < count ? bytes[start + 1] : 0
        if next == Byte.singleQuote {
            let style: SQLToken.StringStyle? = switch b {
            case 0x65: .escape
            case 0x62: .bit
            case 0x78: .hex
            case 0x6E: .national
            default: nil
            }
            if let style { return scanQuoted(from: start, quoteAt: start + 1, style: style) }
        }
        if b == 0x75 && next == Byte.ampersand && start + 2 < count {
            if bytes[start + 2] == Byte.singleQuote { return scanQuoted(from: start, quoteAt: start + 2, style: .unicode) }
            if bytes[start + 2] == Byte.doubleQuote { return scanQuotedIdentifier(from: start, quoteAt: start + 2) }
        }
        var j = start + 1
        while j < count && Byte.isIdentifierPart(bytes[j]) { j += 1 }
        emit(.word, from: start, to: j, value: lowercasedText(start, j))
        return j
    }
}
