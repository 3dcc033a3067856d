/// A single-column foreign key declared on a column (`column.references`, `alter_column.references`).
///
/// File keys: `name`\*, `table`\*, `column`\*, `on_delete`, `on_update`, `match_type`, `deferrable`,
/// `initially_deferred`.
public struct ForeignKeyReference: Sendable, Equatable, Hashable {
    /// The constraint's name.
    public var name: String
    /// The referenced table.
    public var table: String
    /// The referenced column.
    public var column: String
    /// `ON DELETE` action; `nil` when absent (PostgreSQL's default is `NO ACTION`).
    public var onDelete: ForeignKeyAction?
    /// `ON UPDATE` action; `nil` when absent.
    public var onUpdate: ForeignKeyAction?
    /// `MATCH` type; `nil` when absent (PostgreSQL's default is `SIMPLE`).
    public var matchType: ForeignKeyMatchType?
    /// `DEFERRABLE`; `nil` when absent.
    public var deferrable: Bool?
    /// `INITIALLY DEFERRED`; `nil` when absent.
    public var initiallyDeferred: Bool?

    /// Creates a reference.
    public init(
        name: String, table: String, column: String,
        onDelete: ForeignKeyAction? = nil, onUpdate: ForeignKeyAction? = nil,
        matchType: ForeignKeyMatchType? = nil, deferrable: Bool? = nil, initiallyDeferred: Bool? = nil
    ) {
        self.name = name
        self.table = table
        self.column = column
        self.onDelete = onDelete
        self.onUpdate = onUpdate
        self.matchType = matchType
        self.deferrable = deferrable
        self.initiallyDeferred = initiallyDeferred
    }
}
