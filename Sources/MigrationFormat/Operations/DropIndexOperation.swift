/// `drop_index`: dropped concurrently at complete. File keys: `name`\*.
public struct DropIndexOperation: Sendable, Equatable, Hashable {
    /// The index.
    public var name: String

    /// Creates the operation.
    public init(name: String) {
        self.name = name
    }
}
