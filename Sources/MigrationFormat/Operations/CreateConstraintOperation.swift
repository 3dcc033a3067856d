/// `create_constraint`: a (multi-column) constraint added without blocking.
///
/// File keys: `table`\*, `name`\*, `type`\* (`unique`, `check`, `foreign_key`, `primary_key`), `columns`,
/// `check`, `no_inherit`, `references`, `index_parameters`, `up`\* and `down`\* (maps column → SQL),
/// `backfill`.
public struct CreateConstraintOperation: Sendable, Equatable, Hashable {
    /// The table.
    public var table: String
    /// The constraint's name.
    public var name: String
    /// The kind (never `exclude`).
    public var type: ConstraintType
    /// The constrained columns (empty when absent).
    public var columns: [String]
    /// The CHECK expression as raw SQL.
    public var check: String?
    /// `NO INHERIT` (default `false`).
    public var noInherit: Bool
    /// The foreign key target.
    public var references: TableForeignKeyReference?
    /// Parameters of the backing index.
    public var indexParameters: IndexParameters?
    /// Per column, SQL fixing existing or old-client values that would violate the constraint.
    public var up: [String: String]
    /// Per column, SQL mapping new values back for old clients.
    public var down: [String: String]
    /// Backfill settings for this operation (Slipway extension).
    public var backfill: BackfillSettings?

    /// Creates the operation.
    public init(
        table: String, name: String, type: ConstraintType, columns: [String] = [], check: String? = nil,
        noInherit: Bool = false, references: TableForeignKeyReference? = nil,
        indexParameters: IndexParameters? = nil, up: [String: String], down: [String: String],
        backfill: BackfillSettings? = nil
    ) {
        self.table = table
        self.name = name
        self.type = type
        self.columns = columns
        self.check = check
        self.noInherit = noInherit
        self.references = references
        self.indexParameters = indexParameters
        self.up = up
        self.down = down
        self.backfill = backfill
    }
}
