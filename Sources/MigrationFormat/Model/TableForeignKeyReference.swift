/// The target of a multi-column foreign key (`constraints[].references`, `create_constraint.references`).
///
/// File keys: `table`\*, `columns`\*, `on_delete`, `on_update`, `on_delete_set_columns`, `match_type`.
public struct TableForeignKeyReference: Sendable, Equatable, Hashable {
    /// The referenced table.
    public var table: String
    /// The referenced columns, in order.
    public var columns: [String]
    /// `ON DELETE` action.
    public var onDelete: ForeignKeyAction?
    /// `ON UPDATE` action.
    public var onUpdate: ForeignKeyAction?
    /// The columns set by `ON DELETE SET NULL (…)` / `SET DEFAULT (…)` (empty when absent).
    public var onDeleteSetColumns: [String]
    /// `MATCH` type.
    public var matchType: ForeignKeyMatchType?

    /// Creates a reference.
    public init(
        table: String, columns: [String], onDelete: ForeignKeyAction? = nil, onUpdate: ForeignKeyAction? = nil,
        onDeleteSetColumns: [String] = [], matchType: ForeignKeyMatchType? = nil
    ) {
        self.table = table
        self.columns = columns
        self.onDelete = onDelete
        self.onUpdate = onUpdate
        self.onDeleteSetColumns = onDeleteSetColumns
        self.matchType = matchType
    }
}
