/// `rename_constraint`: renamed at complete. File keys: `table`\*, `from`\*, `to`\*.
public struct RenameConstraintOperation: Sendable, Equatable, Hashable {
    /// The table.
    public var table: String
    /// The current name.
    public var from: String
    /// The new name.
    public var to: String

    /// Creates the operation.
    public init(table: String, from: String, to: String) {
        self.table = table
        self.from = from
        self.to = to
    }
}
