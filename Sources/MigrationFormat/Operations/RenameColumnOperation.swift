/// `rename_column`. File keys: `table`\*, `from`\*, `to`\*.
public struct RenameColumnOperation: Sendable, Equatable, Hashable {
    /// The table.
    public var table: String
    /// The current column name.
    public var from: String
    /// The new column name.
    public var to: String

    /// Creates the operation.
    public init(table: String, from: String, to: String) {
        self.table = table
        self.from = from
        self.to = to
    }
}
