/// One operation of a migration: exactly one of the operation kinds of the file format.
public enum Operation: Sendable, Equatable, Hashable {
    /// `create_table`.
    case createTable(CreateTableOperation)
    /// `add_column`.
    case addColumn(AddColumnOperation)
    /// `drop_column`.
    case dropColumn(DropColumnOperation)
    /// `rename_column`.
    case renameColumn(RenameColumnOperation)
    /// `rename_table`.
    case renameTable(RenameTableOperation)
    /// `drop_table`.
    case dropTable(DropTableOperation)
    /// `alter_column`.
    case alterColumn(AlterColumnOperation)
    /// `create_index`.
    case createIndex(CreateIndexOperation)
    /// `drop_index`.
    case dropIndex(DropIndexOperation)
    /// `create_constraint`.
    case createConstraint(CreateConstraintOperation)
    /// `drop_constraint`.
    case dropConstraint(DropConstraintOperation)
    /// `drop_multicolumn_constraint`.
    case dropMulticolumnConstraint(DropMulticolumnConstraintOperation)
    /// `rename_constraint`.
    case renameConstraint(RenameConstraintOperation)
    /// `set_replica_identity`.
    case setReplicaIdentity(SetReplicaIdentityOperation)
    /// `sql`.
    case sql(RawSQLOperation)

    /// The operation's kind (its key in the file).
    public var kind: OperationKind {
        switch self {
        case .createTable: .createTable
        case .addColumn: .addColumn
        case .dropColumn: .dropColumn
        case .renameColumn: .renameColumn
        case .renameTable: .renameTable
        case .dropTable: .dropTable
        case .alterColumn: .alterColumn
        case .createIndex: .createIndex
        case .dropIndex: .dropIndex
        case .createConstraint: .createConstraint
        case .dropConstraint: .dropConstraint
        case .dropMulticolumnConstraint: .dropMulticolumnConstraint
        case .renameConstraint: .renameConstraint
        case .setReplicaIdentity: .setReplicaIdentity
        case .sql: .sql
        }
    }

    /// The operation's own backfill settings (Slipway extension), for the kinds that backfill.
    public var backfill: BackfillSettings? {
        switch self {
        case let .addColumn(op): op.backfill
        case let .alterColumn(op): op.backfill
        case let .dropColumn(op): op.backfill
        case let .createConstraint(op): op.backfill
        case let .dropConstraint(op): op.backfill
        case let .dropMulticolumnConstraint(op): op.backfill
        default: nil
        }
    }
}
