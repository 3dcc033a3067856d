/// `create_table`: a new table. File keys: `name`\*, `columns`\*, `comment`, `constraints`.
public struct CreateTableOperation: Sendable, Equatable, Hashable {
    /// The table's name.
    public var name: String
    /// Its columns, in order (at least one).
    public var columns: [Column]
    /// The table comment.
    public var comment: String?
    /// Table-level constraints (empty when absent).
    public var constraints: [TableConstraint]

    /// Creates the operation.
    public init(name: String, columns: [Column], comment: String? = nil, constraints: [TableConstraint] = []) {
        self.name = name
        self.columns = columns
        self.comment = comment
        self.constraints = constraints
    }
}
