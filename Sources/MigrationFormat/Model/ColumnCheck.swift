/// A named CHECK constraint on one column (`column.check`, `alter_column.check`).
///
/// File keys: `name`\*, `constraint`\* (SQL), `no_inherit`.
public struct ColumnCheck: Sendable, Equatable, Hashable {
    /// The constraint's name.
    public var name: String
    /// The boolean SQL expression, as written.
    public var constraint: String
    /// `NO INHERIT` (default `false`).
    public var noInherit: Bool

    /// Creates a check.
    public init(name: String, constraint: String, noInherit: Bool = false) {
        self.name = name
        self.constraint = constraint
        self.noInherit = noInherit
    }
}
