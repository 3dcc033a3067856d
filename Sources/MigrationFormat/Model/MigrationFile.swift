/// One decoded migration file.
///
/// Its ``name`` is the file's base name without extension; migrations apply in lexical order of name
/// (``MigrationFile`` is `Comparable` by name).
public struct MigrationFile: Sendable, Equatable, Hashable, Comparable {
    /// The syntax a migration file is written in, from its extension.
    public enum Format: String, Sendable, Hashable, Codable, CaseIterable {
        /// `.yaml` or `.yml`.
        case yaml
        /// `.json`.
        case json
        /// `.sql`: a raw-SQL migration (Slipway extension).
        case sql

        /// The format for a file extension (without dot, case-insensitive), or `nil` for other files.
        public init?(fileExtension: String) {
            switch fileExtension.lowercased() {
            case "yaml", "yml": self = .yaml
            case "json": self = .json
            case "sql": self = .sql
            default: return nil
            }
        }

        /// The extensions that make a file a migration file: `yaml`, `yml`, `json`, `sql`.
        public static let fileExtensions: [String] = ["yaml", "yml", "json", "sql"]
    }

    /// The migration's name: the file's base name without extension.
    public var name: String
    /// The file's path as given.
    public var path: String
    /// The syntax the file was written in.
    public var format: Format
    /// The operations in file order, each with its position.
    public var operations: [LocatedOperation]
    /// `version_schema`: the name used for the version schema instead of the migration name.
    public var versionSchema: String?
    /// Top-level `backfill` (Slipway extension): defaults for the operations of this migration.
    public var backfill: BackfillSettings?
    /// The file's text, exactly as read (for checksums and for mapping positions in SQL snippets).
    public var contents: String

    /// Creates a migration file value.
    public init(
        name: String, path: String, format: Format, operations: [LocatedOperation],
        versionSchema: String? = nil, backfill: BackfillSettings? = nil, contents: String
    ) {
        self.name = name
        self.path = path
        self.format = format
        self.operations = operations
        self.versionSchema = versionSchema
        self.backfill = backfill
        self.contents = contents
    }

    /// The name of the version schema this migration creates when it is the last of its version:
    /// `version_schema` if given, the migration name otherwise.
    public var versionName: String { versionSchema ?? name }

    /// The backfill settings in force for one operation: its own, falling back to the migration's.
    public func effectiveBackfill(for operation: LocatedOperation) -> BackfillSettings? {
        guard let own = operation.operation.backfill else { return backfill }
        return own.merged(over: backfill)
    }

    /// Orders by name (lexical), then by path.
    public static func < (lhs: MigrationFile, rhs: MigrationFile) -> Bool {
        (lhs.name, lhs.path) < (rhs.name, rhs.path)
    }
}
