/// `rename_table`. File keys: `from`\*, `to`\*.
public struct RenameTableOperation: Sendable, Equatable, Hashable {
    /// The current table name.
    public var from: String
    /// The new table name.
    public var to: String

    /// Creates the operation.
    public init(from: String, to: String) {
        self.from = from
        self.to = to
    }
}
