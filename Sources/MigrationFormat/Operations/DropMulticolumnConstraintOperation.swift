/// `drop_multicolumn_constraint`: removes a multi-column constraint.
///
/// File keys: `table`\*, `name`\*, `down`\* and `up` (maps column → SQL), `backfill`.
public struct DropMulticolumnConstraintOperation: Sendable, Equatable, Hashable {
    /// The table.
    public var table: String
    /// The constraint.
    public var name: String
    /// Per column, SQL for values old clients write (empty when absent).
    public var up: [String: String]
    /// Per column, SQL for values new clients write.
    public var down: [String: String]
    /// Backfill settings for this operation (Slipway extension).
    public var backfill: BackfillSettings?

    /// Creates the operation.
    public init(
        table: String, name: String, up: [String: String] = [:], down: [String: String],
        backfill: BackfillSettings? = nil
    ) {
        self.table = table
        self.name = name
        self.up = up
        self.down = down
        self.backfill = backfill
    }
}
