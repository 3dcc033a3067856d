/// `drop_column`: hidden from the new version at start, dropped at complete.
/// File keys: `table`\*, `column`\*, `down`, `backfill`.
public struct DropColumnOperation: Sendable, Equatable, Hashable {
    /// The table.
    public var table: String
    /// The column to drop.
    public var column: String
    /// SQL filling the column for rows new clients write.
    public var down: String?
    /// Backfill settings for this operation (Slipway extension).
    public var backfill: BackfillSettings?

    /// Creates the operation.
    public init(table: String, column: String, down: String? = nil, backfill: BackfillSettings? = nil) {
        self.table = table
        self.column = column
        self.down = down
        self.backfill = backfill
    }
}
