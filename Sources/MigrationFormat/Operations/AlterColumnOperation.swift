/// `alter_column`: change a column while old and new clients both write it.
///
/// File keys: `table`\*, `column`\*, `up`, `down`, `backfill`, and at least one of `type`, `nullable`,
/// `unique`, `check`, `references`, `default` (tri-state), `comment` (tri-state).
public struct AlterColumnOperation: Sendable, Equatable, Hashable {
    /// The table.
    public var table: String
    /// The column.
    public var column: String
    /// SQL mapping old values to new ones.
    public var up: String?
    /// SQL mapping new values back to old ones.
    public var down: String?
    /// The new type.
    public var type: String?
    /// The new nullability.
    public var nullable: Bool?
    /// A UNIQUE constraint to add.
    public var unique: UniqueConstraint?
    /// A CHECK constraint to add.
    public var check: ColumnCheck?
    /// A foreign key to add.
    public var references: ForeignKeyReference?
    /// Default change: `nil` = unchanged, `.remove` = drop the default, `.set(sql)` = new default.
    public var `default`: FieldChange<String>?
    /// Comment change: `nil` = unchanged, `.remove` = remove the comment, `.set(text)` = new comment.
    public var comment: FieldChange<String>?
    /// Backfill settings for this operation (Slipway extension).
    public var backfill: BackfillSettings?

    /// A named UNIQUE constraint (`unique: {name}`).
    public struct UniqueConstraint: Sendable, Equatable, Hashable {
        /// The constraint's name.
        public var name: String

        /// Creates it.
        public init(name: String) {
            self.name = name
        }
    }

    /// Creates the operation.
    public init(
        table: String, column: String, up: String? = nil, down: String? = nil, type: String? = nil,
        nullable: Bool? = nil, unique: UniqueConstraint? = nil, check: ColumnCheck? = nil,
        references: ForeignKeyReference? = nil, default: FieldChange<String>? = nil,
        comment: FieldChange<String>? = nil, backfill: BackfillSettings? = nil
    ) {
        self.table = table
        self.column = column
        self.up = up
        self.down = down
        self.type = type
        self.nullable = nullable
        self.unique = unique
        self.check = check
        self.references = references
        self.default = `default`
        self.comment = comment
        self.backfill = backfill
    }
}
