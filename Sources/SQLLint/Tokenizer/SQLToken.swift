/// One lexical token of PostgreSQL source.
public struct SQLToken: Sendable, Hashable {
    /// The quoting form of a string constant.
    public enum StringStyle: Sendable, Hashable {
        /// `'…'` (standard-conforming: backslash is an ordinary character).
        case standard
        /// `E'…'`, with C-style backslash escapes.
        case escape
        /// `U&'…'`, with Unicode escapes.
        case unicode
        /// `B'…'` bit string.
        case bit
        /// `X'…'` hexadecimal bit string.
        case hex
        /// `N'…'` national character string.
        case national
    }

    /// What kind of token this is.
    public enum Kind: Sendable, Hashable {
        /// An unquoted identifier or keyword; `value` is lower-cased (ASCII), as PostgreSQL folds it.
        case word
        /// A `"…"` or `U&"…"` identifier; `value` is the name with `""` collapsed, case preserved.
        case quotedIdentifier
        /// A string constant; `value` is its content with `''` collapsed (backslash escapes kept verbatim).
        case string(StringStyle)
        /// A `$tag$…$tag$` string; `value` is the body (the delimiters are in the source at `start`).
        case dollarString
        /// A numeric constant.
        case number
        /// A positional parameter such as `$1`.
        case parameter
        /// An operator such as `=`, `<>`, `||` or `->>`.
        case `operator`
        /// `(`
        case leftParen
        /// `)`
        case rightParen
        /// `[`
        case leftBracket
        /// `]`
        case rightBracket
        /// `,`
        case comma
        /// `;`
        case semicolon
        /// `.`
        case dot
        /// `:` (array slices, psql variables)
        case colon
        /// `::` (type cast)
        case doubleColon
        /// `-- …` up to the end of the line; `value` is the text after `--`.
        case lineComment
        /// `/* … */`, possibly nested; `value` is the text between the outermost delimiters.
        case blockComment
        /// A psql meta-command line such as `\set ON_ERROR_STOP on`; `value` is the whole line.
        case psqlMetaCommand
    }

    /// What kind of token this is.
    public var kind: Kind
    /// The normalised value (see ``Kind``).
    public var value: String
    /// Position of the token's first byte.
    public var start: SourcePosition
    /// Position just past the token's last byte.
    public var end: SourcePosition

    /// Creates a token.
    public init(kind: Kind, value: String, start: SourcePosition, end: SourcePosition) {
        self.kind = kind
        self.value = value
        self.start = start
        self.end = end
    }

    /// Whether this is a comment.
    public var isComment: Bool {
        switch kind {
        case .lineComment, .blockComment: true
        default: false
        }
    }

    /// Whether this is an unquoted word equal to `keyword` (which must be lower-case).
    @inlinable
    public func isWord(_ keyword: String) -> Bool {
        kind == .word && value == keyword
    }

    /// Whether this token can name something: an unquoted word or a quoted identifier.
    public var isIdentifier: Bool {
        kind == .word || kind == .quotedIdentifier
    }
}
