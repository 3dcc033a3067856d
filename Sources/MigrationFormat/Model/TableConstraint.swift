/// A table-level constraint (`create_table.constraints[]`).
///
/// File keys: `name`\*, `type`\*, `columns`, `deferrable`, `initially_deferred`, `nulls_not_distinct`,
/// `no_inherit`, `check` (SQL), `references`, `exclude`, `index_parameters`.
public struct TableConstraint: Sendable, Equatable, Hashable {
    /// The constraint's name.
    public var name: String
    /// The kind of constraint.
    public var type: ConstraintType
    /// The constrained columns (empty when absent).
    public var columns: [String]
    /// `DEFERRABLE` (default `false`).
    public var deferrable: Bool
    /// `INITIALLY DEFERRED` (default `false`).
    public var initiallyDeferred: Bool
    /// `NULLS NOT DISTINCT` for unique constraints (default `false`).
    public var nullsNotDistinct: Bool
    /// `NO INHERIT` for check constraints (default `false`).
    public var noInherit: Bool
    /// The CHECK expression as raw SQL.
    public var check: String?
    /// The foreign key target for `foreign_key` constraints.
    public var references: TableForeignKeyReference?
    /// The exclusion definition for `exclude` constraints.
    public var exclude: ExcludeConstraint?
    /// Index parameters for constraints backed by an index.
    public var indexParameters: IndexParameters?

    /// Creates a table constraint.
    public init(
        name: String, type: ConstraintType, columns: [String] = [], deferrable: Bool = false,
        initiallyDeferred: Bool = false, nullsNotDistinct: Bool = false, noInherit: Bool = false,
        check: String? = nil, references: TableForeignKeyReference? = nil, exclude: ExcludeConstraint? = nil,
        indexParameters: IndexParameters? = nil
    ) {
        self.name = name
        self.type = type
        self.columns = columns
        self.deferrable = deferrable
        self.initiallyDeferred = initiallyDeferred
        self.nullsNotDistinct = nullsNotDistinct
        self.noInherit = noInherit
        self.check = check
        self.references = references
        self.exclude = exclude
        self.indexParameters = indexParameters
    }
}
