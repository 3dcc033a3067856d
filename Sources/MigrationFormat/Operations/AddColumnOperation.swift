/// `add_column`: a new column. File keys: `table`\*, `column`\*, `up`, `backfill`.
public struct AddColumnOperation: Sendable, Equatable, Hashable {
    /// The table.
    public var table: String
    /// The new column.
    public var column: Column
    /// SQL computing the column for existing rows and rows old clients write.
    public var up: String?
    /// Backfill settings for this operation (Slipway extension).
    public var backfill: BackfillSettings?

    /// Creates the operation.
    public init(table: String, column: Column, up: String? = nil, backfill: BackfillSettings? = nil) {
        self.table = table
        self.column = column
        self.up = up
        self.backfill = backfill
    }
}
