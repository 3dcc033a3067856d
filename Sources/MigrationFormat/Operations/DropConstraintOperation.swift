/// `drop_constraint` (legacy single-column form).
///
/// File keys: `table`\*, `name`\*, `up`\*, `down`\*, `column` (accepted for compatibility with files
/// written for older tools), `backfill`.
public struct DropConstraintOperation: Sendable, Equatable, Hashable {
    /// The table.
    public var table: String
    /// The constraint.
    public var name: String
    /// The constrained column, when the file names it.
    public var column: String?
    /// SQL for values written by old clients.
    public var up: String
    /// SQL for values written by new clients.
    public var down: String
    /// Backfill settings for this operation (Slipway extension).
    public var backfill: BackfillSettings?

    /// Creates the operation.
    public init(
        table: String, name: String, column: String? = nil, up: String, down: String,
        backfill: BackfillSettings? = nil
    ) {
        self.table = table
        self.name = name
        self.column = column
        self.up = up
        self.down = down
        self.backfill = backfill
    }
}
