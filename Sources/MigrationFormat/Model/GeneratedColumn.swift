/// How a column's value is generated (`column.generated`): a stored expression or an identity.
///
/// File form: `generated: {expression: SQL}` or
/// `generated: {identity: {user_specified_values: ALWAYS|BY DEFAULT, sequence_options: SQL}}`.
public enum GeneratedColumn: Sendable, Equatable, Hashable {
    /// `GENERATED ALWAYS AS (expression) STORED`.
    case expression(String)
    /// `GENERATED … AS IDENTITY`.
    case identity(IdentityOptions)

    /// The options of an identity column.
    public struct IdentityOptions: Sendable, Equatable, Hashable {
        /// `ALWAYS` or `BY DEFAULT`; `nil` when absent.
        public var userSpecifiedValues: IdentityGeneration?
        /// Sequence options as raw SQL (e.g. `START WITH 1000 INCREMENT BY 10`); `nil` when absent.
        public var sequenceOptions: String?

        /// Creates identity options.
        public init(userSpecifiedValues: IdentityGeneration? = nil, sequenceOptions: String? = nil) {
            self.userSpecifiedValues = userSpecifiedValues
            self.sequenceOptions = sequenceOptions
        }
    }

    /// Whether user-supplied values override the identity sequence.
    public enum IdentityGeneration: String, ExternalSpelling, Codable {
        /// `ALWAYS`.
        case always = "ALWAYS"
        /// `BY DEFAULT`.
        case byDefault = "BY DEFAULT"
    }
}
