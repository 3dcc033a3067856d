/// An invalid lint configuration, e.g. a rule id in `[lint]` that does not exist.
public struct LintConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, machine-readable error code.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable, Hashable {
            case unknownRule = "unknown-rule"
            case invalidPostgresVersion = "invalid-postgres-version"
            case invalidSeverity = "invalid-severity"
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// `enable`, `disable` or `[lint.severity]` names a rule id that does not exist.
        public static let unknownRule = Code(.unknownRule)
        /// A `[lint.severity]` value or `fail_on` is not one of the accepted words.
        public static let invalidSeverity = Code(.invalidSeverity)
        /// `postgres_version` is not a plausible major version.
        public static let invalidPostgresVersion = Code(.invalidPostgresVersion)

        /// The kebab-case spelling.
        public var description: String { value.rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// What is wrong and what to do.
    public var message: String
    /// The offending rule ids, for `unknownRule`.
    public var ruleIDs: [String]

    /// Creates an error.
    public init(code: Code, message: String, ruleIDs: [String]) {
        self.code = code
        self.message = message
        self.ruleIDs = ruleIDs
    }

    /// The message.
    public var description: String { message }
}
