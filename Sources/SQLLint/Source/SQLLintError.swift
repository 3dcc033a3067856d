/// An error in SQL input that prevents it from being tokenized: an unterminated quote, dollar quote,
/// quoted identifier or block comment, or an empty quoted identifier.
///
/// Shaped like NIO's `FileSystemError`: a stable `code`, a human-readable `message` that names what is
/// wrong and what to do, and the `position` (of the opening delimiter) in the input.
public struct SQLLintError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, machine-readable error code.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable, Hashable {
            case unterminatedQuotedString = "unterminated-quoted-string"
            case unterminatedQuotedIdentifier = "unterminated-quoted-identifier"
            case unterminatedDollarQuote = "unterminated-dollar-quote"
            case unterminatedBlockComment = "unterminated-block-comment"
            case emptyQuotedIdentifier = "empty-quoted-identifier"
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// A `'…'`, `E'…'`, `U&'…'`, `B'…'`, `X'…'` or `N'…'` string has no closing quote.
        public static let unterminatedQuotedString = Code(.unterminatedQuotedString)
        /// A `"…"` identifier has no closing quote.
        public static let unterminatedQuotedIdentifier = Code(.unterminatedQuotedIdentifier)
        /// A `$tag$…` string has no closing `$tag$`.
        public static let unterminatedDollarQuote = Code(.unterminatedDollarQuote)
        /// A `/* … */` comment (possibly nested) is not closed.
        public static let unterminatedBlockComment = Code(.unterminatedBlockComment)
        /// `""` is not a valid identifier in PostgreSQL.
        public static let emptyQuotedIdentifier = Code(.emptyQuotedIdentifier)

        /// The kebab-case spelling, e.g. `unterminated-quoted-string`.
        public var description: String { value.rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// One sentence: what is wrong, where it starts, and what to do.
    public var message: String
    /// Position of the opening delimiter of the malformed construct.
    public var position: SourcePosition

    /// Creates an error.
    public init(code: Code, message: String, position: SourcePosition) {
        self.code = code
        self.message = message
        self.position = position
    }

    /// `line:column: message`.
    public var description: String { "\(position.line):\(position.column): \(message)" }
}
