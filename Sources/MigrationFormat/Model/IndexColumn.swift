/// One key column of an index (`create_index.columns[]`).
///
/// File keys: `column`\*, `collate`, `sort` (`ASC`/`DESC`), `nulls` (`FIRST`/`LAST`), `opclass`.
/// A bare string is accepted as shorthand for `{column: name}`.
public struct IndexColumn: Sendable, Equatable, Hashable {
    /// The column name, or an expression as raw SQL.
    public var column: String
    /// `COLLATE` name.
    public var collate: String?
    /// Sort direction.
    public var sort: IndexSortOrder?
    /// Where NULLs sort.
    public var nulls: IndexNullsOrder?
    /// Operator class.
    public var opclass: OperatorClass?

    /// Creates an index column.
    public init(
        column: String, collate: String? = nil, sort: IndexSortOrder? = nil, nulls: IndexNullsOrder? = nil,
        opclass: OperatorClass? = nil
    ) {
        self.column = column
        self.collate = collate
        self.sort = sort
        self.nulls = nulls
        self.opclass = opclass
    }
}
