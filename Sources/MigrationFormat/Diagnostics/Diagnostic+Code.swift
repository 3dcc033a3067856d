extension Diagnostic {
    /// The kind of a diagnostic: a stable identifier (`unknown_key`, `missing_field`, …) that tools and
    /// tests can match on, independent of the message wording.
    public struct Code: Sendable, Hashable, Codable, CustomStringConvertible {
        private enum Value: String, Sendable, Hashable, Codable {
            case syntax = "syntax"
            case unreadable = "unreadable"
            case emptyFile = "empty_file"
            case unknownKey = "unknown_key"
            case duplicateKey = "duplicate_key"
            case missingField = "missing_field"
            case wrongType = "wrong_type"
            case invalidValue = "invalid_value"
            case unknownOperation = "unknown_operation"
            case operationShape = "operation_shape"
            case topLevelName = "top_level_name"
            case conflictingFields = "conflicting_fields"
            case rawSQLNotAlone = "raw_sql_not_alone"
            case emptyOperations = "empty_operations"
            case duplicateMigrationName = "duplicate_migration_name"
        }

        private let value: Value

        private init(_ value: Value) {
            self.value = value
        }

        /// The file is not well-formed YAML/JSON (position from the parser).
        public static let syntax = Code(.syntax)
        /// The file or directory could not be read, or is not UTF-8.
        public static let unreadable = Code(.unreadable)
        /// The file holds no document, or a `.sql` file holds no SQL.
        public static let emptyFile = Code(.emptyFile)
        /// A key that the format does not define at this place.
        public static let unknownKey = Code(.unknownKey)
        /// The same key twice in one mapping.
        public static let duplicateKey = Code(.duplicateKey)
        /// A required field is absent (or `null`).
        public static let missingField = Code(.missingField)
        /// A value of the wrong type (mapping for a string, string for a bool, …).
        public static let wrongType = Code(.wrongType)
        /// A value outside its allowed set or range (unknown FK action, negative batch size, …).
        public static let invalidValue = Code(.invalidValue)
        /// An operation key that is not an operation kind.
        public static let unknownOperation = Code(.unknownOperation)
        /// An element of `operations` that is not an object with exactly one key.
        public static let operationShape = Code(.operationShape)
        /// A top-level `name` key (the name comes from the file name).
        public static let topLevelName = Code(.topLevelName)
        /// Fields that cannot be combined (e.g. `sql.onComplete` with `sql.down`), or none of a required set.
        public static let conflictingFields = Code(.conflictingFields)
        /// A raw-SQL operation without `onComplete` that is not the only operation of its migration.
        public static let rawSQLNotAlone = Code(.rawSQLNotAlone)
        /// `operations` is empty.
        public static let emptyOperations = Code(.emptyOperations)
        /// Two files in the directory give the same migration name.
        public static let duplicateMigrationName = Code(.duplicateMigrationName)

        /// The stable identifier, e.g. `unknown_key`.
        public var description: String { value.rawValue }

        /// Encodes as the stable identifier string.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(value.rawValue)
        }

        /// Decodes from the stable identifier string.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            let raw = try container.decode(String.self)
            guard let value = Value(rawValue: raw) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "unknown diagnostic code \(raw)")
            }
            self.value = value
        }
    }
}
