/// An operation together with where it was written.
public struct LocatedOperation: Sendable, Equatable, Hashable {
    /// The decoded operation.
    public var operation: Operation
    /// The position of the operation's kind key (e.g. `add_column`) in the file.
    public var location: SourceLocation
    /// The key path of the operation, e.g. `operations[2].add_column`.
    public var keyPath: String
    /// Where the SQL snippets of a `sql` operation start in the file, keyed by field (`up`, `down`),
    /// so positions inside the snippet (lint findings) can be mapped back to file positions.
    /// Empty for other operation kinds.
    public var snippets: [String: SQLSnippetSource]

    /// Creates a located operation.
    public init(
        operation: Operation, location: SourceLocation, keyPath: String,
        snippets: [String: SQLSnippetSource] = [:]
    ) {
        self.operation = operation
        self.location = location
        self.keyPath = keyPath
        self.snippets = snippets
    }
}
