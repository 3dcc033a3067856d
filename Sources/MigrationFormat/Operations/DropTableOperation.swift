/// `drop_table`: soft-deleted at start, dropped at complete. File keys: `name`\*.
public struct DropTableOperation: Sendable, Equatable, Hashable {
    /// The table.
    public var name: String

    /// Creates the operation.
    public init(name: String) {
        self.name = name
    }
}
