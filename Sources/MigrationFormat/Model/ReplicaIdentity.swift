/// A table's replica identity (`set_replica_identity.identity`).
///
/// File keys: `type`\* (`DEFAULT`, `FULL`, `NOTHING`, `INDEX`), `index` (required when `type` is `INDEX`).
public struct ReplicaIdentity: Sendable, Equatable, Hashable {
    /// The replica identity kind.
    public var type: ReplicaIdentityType
    /// The index used with `INDEX`; may be given (and is ignored by PostgreSQL) for the other kinds.
    public var index: String?

    /// Creates a replica identity.
    public init(type: ReplicaIdentityType, index: String? = nil) {
        self.type = type
        self.index = index
    }
}
