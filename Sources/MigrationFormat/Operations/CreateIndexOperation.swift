/// `create_index`: always built concurrently.
///
/// File keys: `name`\*, `table`\*, `columns`\*, `method`, `unique`, `predicate`, `storage_parameters`.
public struct CreateIndexOperation: Sendable, Equatable, Hashable {
    /// The index name.
    public var name: String
    /// The table.
    public var table: String
    /// The key columns, in order (at least one).
    public var columns: [IndexColumn]
    /// The access method; `nil` when absent (btree).
    public var method: IndexMethod?
    /// A unique index (default `false`).
    public var unique: Bool
    /// Partial-index predicate as raw SQL.
    public var predicate: String?
    /// `WITH (…)` storage parameters as raw SQL.
    public var storageParameters: String?

    /// Creates the operation.
    public init(
        name: String, table: String, columns: [IndexColumn], method: IndexMethod? = nil, unique: Bool = false,
        predicate: String? = nil, storageParameters: String? = nil
    ) {
        self.name = name
        self.table = table
        self.columns = columns
        self.method = method
        self.unique = unique
        self.predicate = predicate
        self.storageParameters = storageParameters
    }
}
