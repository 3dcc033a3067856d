/// The operation kinds, with raw values as spelled in files.
public enum OperationKind: String, CaseIterable, Sendable, Hashable, Codable {
    /// `create_table`.
    case createTable = "create_table"
    /// `add_column`.
    case addColumn = "add_column"
    /// `drop_column`.
    case dropColumn = "drop_column"
    /// `rename_column`.
    case renameColumn = "rename_column"
    /// `rename_table`.
    case renameTable = "rename_table"
    /// `drop_table`.
    case dropTable = "drop_table"
    /// `alter_column`.
    case alterColumn = "alter_column"
    /// `create_index`.
    case createIndex = "create_index"
    /// `drop_index`.
    case dropIndex = "drop_index"
    /// `create_constraint`.
    case createConstraint = "create_constraint"
    /// `drop_constraint`.
    case dropConstraint = "drop_constraint"
    /// `drop_multicolumn_constraint`.
    case dropMulticolumnConstraint = "drop_multicolumn_constraint"
    /// `rename_constraint`.
    case renameConstraint = "rename_constraint"
    /// `set_replica_identity`.
    case setReplicaIdentity = "set_replica_identity"
    /// `sql`.
    case sql

    /// Whether an operation of this kind may carry a `backfill` object (Slipway extension).
    public var acceptsBackfillSettings: Bool {
        switch self {
        case .addColumn, .alterColumn, .dropColumn, .createConstraint, .dropConstraint,
            .dropMulticolumnConstraint:
            true
        default:
            false
        }
    }
}
