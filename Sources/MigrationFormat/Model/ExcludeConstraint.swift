/// The definition of an `EXCLUDE` constraint (`constraints[].exclude`).
///
/// File keys: `index_method`, `elements` (SQL), `predicate` (SQL). All optional.
public struct ExcludeConstraint: Sendable, Equatable, Hashable {
    /// The index method (`gist`, `btree`, …), as written.
    public var indexMethod: String?
    /// The exclusion elements as raw SQL, e.g. `room WITH =, during WITH &&`.
    public var elements: String?
    /// The `WHERE` predicate as raw SQL.
    public var predicate: String?

    /// Creates an exclusion definition.
    public init(indexMethod: String? = nil, elements: String? = nil, predicate: String? = nil) {
        self.indexMethod = indexMethod
        self.elements = elements
        self.predicate = predicate
    }
}
