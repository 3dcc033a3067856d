/// `set_replica_identity`: applied at start. File keys: `table`\*, `identity`\*.
public struct SetReplicaIdentityOperation: Sendable, Equatable, Hashable {
    /// The table.
    public var table: String
    /// The new replica identity.
    public var identity: ReplicaIdentity

    /// Creates the operation.
    public init(table: String, identity: ReplicaIdentity) {
        self.table = table
        self.identity = identity
    }
}
