/// A tag and the commit it points to (peeled for annotated tags).
public struct GitTag: Sendable, Hashable, Codable {
    /// The tag name without `refs/tags/` (`v1.2.0`).
    public var name: String
    /// The commit the tag points to.
    public var commit: String
    /// True for an annotated (or signed) tag, false for a lightweight one.
    public var isAnnotated: Bool

    /// Creates a tag value.
    public init(name: String, commit: String, isAnnotated: Bool) {
        self.name = name
        self.commit = commit
        self.isAnnotated = isAnnotated
    }
}
