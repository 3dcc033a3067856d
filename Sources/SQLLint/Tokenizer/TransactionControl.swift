/// A statement that opens or closes an explicit transaction block.
public enum TransactionControl: String, Sendable, Hashable {
    /// `BEGIN` or `START TRANSACTION`.
    case begin
    /// `COMMIT`, `END` or `PREPARE TRANSACTION`.
    case commit
    /// `ROLLBACK` or `ABORT` (not `ROLLBACK TO SAVEPOINT`).
    case rollback
}
