/// A TOML syntax or structure error, with the position where it was found.
///
/// The parser stops at the first error: after a syntax error the rest of the document cannot be read reliably.
public struct TOMLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of error this is; stable for tests and tools, independent of the message wording.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable, Hashable {
            case invalidSyntax = "invalid syntax"
            case invalidEncoding = "invalid UTF-8"
            case invalidString = "invalid string"
            case invalidEscape = "invalid escape"
            case invalidNumber = "invalid number"
            case invalidDateTime = "invalid date-time"
            case duplicateKey = "duplicate key"
            case tableRedefined = "table redefined"
            case nestingTooDeep = "nesting too deep"
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// Anything that does not follow the TOML grammar (a missing `=`, a stray character, an unterminated array).
        public static let invalidSyntax = Code(.invalidSyntax)
        /// The bytes are not valid UTF-8.
        public static let invalidEncoding = Code(.invalidEncoding)
        /// An unterminated string, a newline or control character inside a string.
        public static let invalidString = Code(.invalidString)
        /// An unknown escape sequence or a `\u`/`\U` escape that is not a Unicode scalar value.
        public static let invalidEscape = Code(.invalidEscape)
        /// A malformed or out-of-range integer or float.
        public static let invalidNumber = Code(.invalidNumber)
        /// A malformed or out-of-range date, time or date-time.
        public static let invalidDateTime = Code(.invalidDateTime)
        /// A key assigned twice in the same table.
        public static let duplicateKey = Code(.duplicateKey)
        /// A table defined twice, or a key that is already a value/array being used as a table (or the reverse).
        public static let tableRedefined = Code(.tableRedefined)
        /// Arrays or inline tables nested deeper than the parser allows.
        public static let nestingTooDeep = Code(.nestingTooDeep)

        public var description: String { value.rawValue }
    }

    /// What kind of error this is.
    public var code: Code
    /// A one-line explanation, without the position.
    public var message: String
    /// Where the error was found.
    public var position: SourcePosition

    /// Creates an error.
    public init(_ code: Code, _ message: String, at position: SourcePosition) {
        self.code = code
        self.message = message
        self.position = position
    }

    /// `LINE:COLUMN: message`.
    public var description: String { "\(position): \(message)" }
}
