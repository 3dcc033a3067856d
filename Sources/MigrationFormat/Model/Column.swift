/// A column definition (`create_table.columns[]`, `add_column.column`).
///
/// File keys: `name`\*, `type`\*, `nullable` (default **false**), `pk`, `unique`, `default` (SQL),
/// `comment`, `check`, `references`, `generated`.
public struct Column: Sendable, Equatable, Hashable {
    /// The column's name.
    public var name: String
    /// The column's type as SQL (`varchar(50)`, `timestamptz`, …).
    public var type: String
    /// Whether the column accepts NULL. Defaults to `false` when the file does not say.
    public var nullable: Bool
    /// Whether the file gave `nullable` explicitly (useful for lint hints and round-tripping).
    public var nullableIsExplicit: Bool
    /// Part of the primary key (default `false`).
    public var pk: Bool
    /// Has a single-column UNIQUE constraint (default `false`).
    public var unique: Bool
    /// The default as raw SQL, or `nil` for none. A YAML scalar such as `0` or `true` is kept as its text.
    public var `default`: String?
    /// The column comment.
    public var comment: String?
    /// A CHECK constraint on the column.
    public var check: ColumnCheck?
    /// A foreign key on the column.
    public var references: ForeignKeyReference?
    /// A generated expression or identity.
    public var generated: GeneratedColumn?

    /// Creates a column.
    public init(
        name: String, type: String, nullable: Bool = false, nullableIsExplicit: Bool = false,
        pk: Bool = false, unique: Bool = false, default: String? = nil, comment: String? = nil,
        check: ColumnCheck? = nil, references: ForeignKeyReference? = nil, generated: GeneratedColumn? = nil
    ) {
        self.name = name
        self.type = type
        self.nullable = nullable
        self.nullableIsExplicit = nullableIsExplicit
        self.pk = pk
        self.unique = unique
        self.default = `default`
        self.comment = comment
        self.check = check
        self.references = references
        self.generated = generated
    }
}
