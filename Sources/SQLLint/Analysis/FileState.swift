/// What the analyzer has learned from earlier statements of the same text.
struct FileState {
    /// Tables (and materialized views) created earlier in the text, by unqualified name.
    var createdTables: Set<String> = []
    /// Indexes created earlier in the text.
    var createdIndexes: Set<String> = []
    /// A session-level `SET lock_timeout` is in force.
    var sessionLockTimeout = false
    /// A `SET LOCAL lock_timeout` is in force (until the transaction block ends).
    var localLockTimeout = false
    /// `require-lock-timeout` already reported (it is reported once per text).
    var lockTimeoutReported = false
    /// Whether an explicit transaction block is open (for `no-nested-transaction`).
    var explicitBlockOpen = false
    /// `CHECK (col IS NOT NULL) NOT VALID` constraints by name, not validated yet: (table, column).
    var pendingNotNullChecks: [String: (table: String, column: String)] = [:]
    /// `table.column` pairs proven NOT NULL by a validated CHECK.
    var validatedNotNull: Set<String> = []
    /// Tables created without a primary key: the name token position and statement, reported at the end
    /// unless a later ALTER TABLE adds one.
    var tablesWithoutPrimaryKey: [String: (statementIndex: Int, position: SourcePosition)] = [:]
    /// Column types of tables created in the text: table → column → type name.
    var columnTypes: [String: [String: String]] = [:]
}
