// The rule catalog. Each rule's page is docs/lint-rules.md#<id>; keep the two in step.

extension LintRule {
    /// Every configurable rule, in documentation order.
    public static let all: [LintRule] = [
        requireConcurrentIndex, noConcurrentlyInTransaction, requireConcurrentReindex, requireConcurrentIndexDrop,
        noVolatileDefault, noAddNotNullWithoutDefault, noStoredGeneratedColumn, noAddSerialColumn,
        noColumnTypeChange, requireCheckForSetNotNull, requireNotValidForeignKey, requireNotValidCheck,
        requireUniqueUsingIndex, noRenameColumn, noRenameTable, noDropColumn, noDropTable, noTruncate,
        noVacuumFull, noCluster, noLockTable, noSetLoggedUnlogged, noEnumAddValueInTransaction,
        requireConcurrentRefresh, requireLockTimeout, requireWhereClause, preferJsonb, preferBigintPrimaryKey,
        preferTextOverVarchar, preferTimestamptz, requirePrimaryKey, noNestedTransaction,
    ]

    /// `CREATE INDEX` without `CONCURRENTLY` on an existing table.
    public static let requireConcurrentIndex = LintRule(
        id: "require-concurrent-index",
        title: "CREATE INDEX without CONCURRENTLY",
        defaultSeverity: .error,
        explanation: "CREATE INDEX takes a SHARE lock on the table for the whole build: every INSERT, UPDATE and DELETE waits until the index is built, which is minutes on a large table.",
        safeAlternative: "CREATE INDEX CONCURRENTLY, run outside a transaction block (it takes SHARE UPDATE EXCLUSIVE, which lets writes continue); if it fails, DROP INDEX CONCURRENTLY the INVALID index and retry."
    )

    /// `CONCURRENTLY` inside a transaction block.
    public static let noConcurrentlyInTransaction = LintRule(
        id: "no-concurrently-in-transaction",
        title: "CONCURRENTLY inside a transaction block",
        defaultSeverity: .error,
        explanation: "CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY and DETACH PARTITION CONCURRENTLY cannot run inside a transaction block: PostgreSQL rejects them (ERROR 25001), failing the migration.",
        safeAlternative: "Run the statement on its own, outside BEGIN … COMMIT (and tell the migration runner not to wrap the file in a transaction)."
    )

    /// `REINDEX` without `CONCURRENTLY`.
    public static let requireConcurrentReindex = LintRule(
        id: "require-concurrent-reindex",
        title: "REINDEX without CONCURRENTLY",
        defaultSeverity: .error,
        explanation: "REINDEX takes an ACCESS EXCLUSIVE lock on the index (blocking every query that would use it) and a SHARE lock on the table (blocking writes) for the whole rebuild.",
        safeAlternative: "REINDEX … CONCURRENTLY (PostgreSQL 12+), outside a transaction block."
    )

    /// `DROP INDEX` without `CONCURRENTLY`.
    public static let requireConcurrentIndexDrop = LintRule(
        id: "require-concurrent-index-drop",
        title: "DROP INDEX without CONCURRENTLY",
        defaultSeverity: .warning,
        explanation: "DROP INDEX takes an ACCESS EXCLUSIVE lock on the index's table; while it waits for that lock behind a long query, every other query on the table queues behind it.",
        safeAlternative: "DROP INDEX CONCURRENTLY, outside a transaction block (not possible for indexes on partitioned parents)."
    )

    /// `ADD COLUMN … DEFAULT` with a volatile expression.
    public static let noVolatileDefault = LintRule(
        id: "no-volatile-default",
        title: "ADD COLUMN with a volatile default",
        defaultSeverity: .error,
        explanation: "Since PostgreSQL 11 a non-volatile default (a constant, now(), current_timestamp) is stored in the catalog and the column is added instantly. A volatile default (random(), gen_random_uuid(), clock_timestamp(), nextval(), …) must be computed per row, so PostgreSQL rewrites the whole table under an ACCESS EXCLUSIVE lock. Before PostgreSQL 11 every non-null default rewrites.",
        safeAlternative: "Add the column without a default (or with a constant one), SET DEFAULT for new rows, backfill existing rows in batches, then add NOT NULL via a validated CHECK."
    )

    /// `ADD COLUMN … NOT NULL` without a default.
    public static let noAddNotNullWithoutDefault = LintRule(
        id: "no-add-not-null-without-default",
        title: "ADD COLUMN NOT NULL without a default",
        defaultSeverity: .error,
        explanation: "Existing rows would get NULL in a NOT NULL column, so the statement fails on any non-empty table (ERROR 23502); and old application versions that do not know the column cannot insert rows.",
        safeAlternative: "Add the column nullable (or with a non-volatile DEFAULT), backfill, add CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT, then SET NOT NULL."
    )

    /// A `GENERATED ALWAYS AS (…) STORED` column added to an existing table.
    public static let noStoredGeneratedColumn = LintRule(
        id: "no-stored-generated-column",
        title: "Stored generated column added to an existing table",
        defaultSeverity: .error,
        explanation: "Adding a STORED generated column computes it for every row: a full table rewrite under an ACCESS EXCLUSIVE lock.",
        safeAlternative: "Add a plain nullable column, keep it up to date with a trigger, backfill in batches; or, on PostgreSQL 18+, use a VIRTUAL generated column."
    )

    /// A `serial` or identity column added to an existing table.
    public static let noAddSerialColumn = LintRule(
        id: "no-add-serial-column",
        title: "ADD COLUMN with serial or identity",
        defaultSeverity: .error,
        explanation: "A serial or GENERATED … AS IDENTITY column draws nextval() for every existing row: a full table rewrite under an ACCESS EXCLUSIVE lock.",
        safeAlternative: "Add a nullable bigint column, create the sequence and SET DEFAULT nextval(…) for new rows, backfill existing rows in batches, then add the identity or NOT NULL in a later step."
    )

    /// `ALTER COLUMN … TYPE`.
    public static let noColumnTypeChange = LintRule(
        id: "no-column-type-change",
        title: "Column type change",
        defaultSeverity: .error,
        explanation: "ALTER COLUMN … TYPE takes an ACCESS EXCLUSIVE lock and, unless the change is binary-coercible (varchar(n) → varchar(m > n) or text, numeric precision widening), rewrites the table and rebuilds its indexes; old clients also see the type change at once.",
        safeAlternative: "Add a new column of the new type, dual-write (trigger), backfill in batches, switch readers, drop the old column in the contract phase. If the change is binary-coercible, suppress this finding with a comment saying so."
    )

    /// `SET NOT NULL` without a validated `CHECK (col IS NOT NULL)`.
    public static let requireCheckForSetNotNull = LintRule(
        id: "require-check-for-set-not-null",
        title: "SET NOT NULL without a validated CHECK",
        defaultSeverity: .error,
        explanation: "ALTER COLUMN … SET NOT NULL scans the whole table to verify there are no NULLs while holding an ACCESS EXCLUSIVE lock, unless a validated CHECK (col IS NOT NULL) constraint already proves it (PostgreSQL 12+).",
        safeAlternative: "ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT c; then SET NOT NULL (no scan) and drop the check. PostgreSQL 18: ADD CONSTRAINT c NOT NULL col NOT VALID, then VALIDATE."
    )

    /// `FOREIGN KEY` added without `NOT VALID`.
    public static let requireNotValidForeignKey = LintRule(
        id: "require-not-valid-foreign-key",
        title: "FOREIGN KEY without NOT VALID",
        defaultSeverity: .error,
        explanation: "Adding a foreign key validates every existing row while holding SHARE ROW EXCLUSIVE locks on both the table and the referenced table, blocking writes to both for the whole scan.",
        safeAlternative: "ADD CONSTRAINT … FOREIGN KEY … NOT VALID (instant), then ALTER TABLE … VALIDATE CONSTRAINT … in a separate transaction (SHARE UPDATE EXCLUSIVE: writes continue)."
    )

    /// `CHECK` added without `NOT VALID`.
    public static let requireNotValidCheck = LintRule(
        id: "require-not-valid-check",
        title: "CHECK constraint without NOT VALID",
        defaultSeverity: .error,
        explanation: "Adding a CHECK constraint scans the whole table to validate it while holding an ACCESS EXCLUSIVE lock.",
        safeAlternative: "ADD CONSTRAINT … CHECK (…) NOT VALID (instant), then VALIDATE CONSTRAINT … in a separate transaction (SHARE UPDATE EXCLUSIVE: reads and writes continue)."
    )

    /// `UNIQUE`, `PRIMARY KEY` or `EXCLUDE` constraint whose index is built under the table lock.
    public static let requireUniqueUsingIndex = LintRule(
        id: "require-unique-using-index",
        title: "UNIQUE / PRIMARY KEY / EXCLUDE built under the table lock",
        defaultSeverity: .error,
        explanation: "ADD UNIQUE, ADD PRIMARY KEY and ADD EXCLUDE build their index while holding an ACCESS EXCLUSIVE lock on the table: no reads or writes for the whole build. PRIMARY KEY on nullable columns also runs a SET NOT NULL scan.",
        safeAlternative: "CREATE UNIQUE INDEX CONCURRENTLY idx ON t (…); then ALTER TABLE t ADD CONSTRAINT c UNIQUE USING INDEX idx (or PRIMARY KEY USING INDEX idx, after establishing NOT NULL). EXCLUDE constraints have no such path: add them to new tables only."
    )

    /// Renaming a column.
    public static let noRenameColumn = LintRule(
        id: "no-rename-column",
        title: "Renaming a column",
        defaultSeverity: .error,
        explanation: "The rename is instant, but every running application version that uses the old name fails at once: during a rolling deploy the old and new versions run side by side.",
        safeAlternative: "Expand/contract: add the new column, dual-write and backfill, move readers, drop the old column in the contract phase (or expose the new name through Slipway's versioned schema views)."
    )

    /// Renaming a table.
    public static let noRenameTable = LintRule(
        id: "no-rename-table",
        title: "Renaming a table",
        defaultSeverity: .error,
        explanation: "The rename is instant, but every running application version that uses the old name fails at once.",
        safeAlternative: "Rename in the expand phase only behind a compatibility view with the old name (or a versioned schema view), and drop the view in the contract phase."
    )

    /// `DROP COLUMN` outside the contract phase.
    public static let noDropColumn = LintRule(
        id: "no-drop-column",
        title: "DROP COLUMN outside the contract phase",
        defaultSeverity: .error,
        explanation: "Old application versions still running during the rollout read and write the column and fail the moment it is gone; the data is lost for a rollback.",
        safeAlternative: "Stop using the column in the application first, then drop it in the contract phase (slipway complete), when no old version runs any more."
    )

    /// `DROP TABLE` outside the contract phase.
    public static let noDropTable = LintRule(
        id: "no-drop-table",
        title: "DROP TABLE outside the contract phase",
        defaultSeverity: .error,
        explanation: "Old application versions still running during the rollout fail the moment the table is gone, and DROP TABLE takes an ACCESS EXCLUSIVE lock; the data is lost for a rollback.",
        safeAlternative: "Stop using the table first, then drop it in the contract phase (slipway complete), after a backup."
    )

    /// `TRUNCATE`.
    public static let noTruncate = LintRule(
        id: "no-truncate",
        title: "TRUNCATE",
        defaultSeverity: .error,
        explanation: "TRUNCATE takes an ACCESS EXCLUSIVE lock and removes every row; it is not MVCC-safe for concurrent transactions.",
        safeAlternative: "Delete in batches (DELETE … WHERE id IN (SELECT … LIMIT n)) if the data must go, or drop the table in the contract phase."
    )

    /// `VACUUM FULL`.
    public static let noVacuumFull = LintRule(
        id: "no-vacuum-full",
        title: "VACUUM FULL",
        defaultSeverity: .error,
        explanation: "VACUUM FULL rewrites the whole table under an ACCESS EXCLUSIVE lock: no reads or writes until it finishes.",
        safeAlternative: "Plain VACUUM (no exclusive lock); to reclaim space online use pg_repack or pg_squeeze."
    )

    /// `CLUSTER`.
    public static let noCluster = LintRule(
        id: "no-cluster",
        title: "CLUSTER",
        defaultSeverity: .error,
        explanation: "CLUSTER rewrites the table in index order under an ACCESS EXCLUSIVE lock.",
        safeAlternative: "pg_repack --order-by, which reorders online; or accept the physical order."
    )

    /// `LOCK TABLE` in a mode that blocks application traffic.
    public static let noLockTable = LintRule(
        id: "no-lock-table",
        title: "LOCK TABLE",
        defaultSeverity: .error,
        explanation: "An explicit LOCK in SHARE mode or stronger (the default is ACCESS EXCLUSIVE) blocks application writes, or reads too, until the transaction ends, and queues everything behind it while waiting.",
        safeAlternative: "Let each statement take the lock it needs, in short transactions with lock_timeout; if a lock is truly needed, use the weakest mode and keep the transaction short."
    )

    /// `ALTER TABLE … SET LOGGED` / `SET UNLOGGED`.
    public static let noSetLoggedUnlogged = LintRule(
        id: "no-set-logged-unlogged",
        title: "SET LOGGED / SET UNLOGGED",
        defaultSeverity: .error,
        explanation: "Changing a table between logged and unlogged rewrites it (and, for SET LOGGED, writes it all to WAL) under an ACCESS EXCLUSIVE lock.",
        safeAlternative: "Create the table with the right persistence, or make the change in a maintenance window."
    )

    /// `ALTER TYPE … ADD VALUE` inside a transaction block.
    public static let noEnumAddValueInTransaction = LintRule(
        id: "no-enum-add-value-in-transaction",
        title: "ALTER TYPE … ADD VALUE inside a transaction block",
        defaultSeverity: .error,
        explanation: "Before PostgreSQL 12, ALTER TYPE … ADD VALUE cannot run inside a transaction block (ERROR 25001); from 12 on it can, but the new value cannot be used until the transaction commits (ERROR 55P04).",
        safeAlternative: "Run ALTER TYPE … ADD VALUE on its own, outside BEGIN … COMMIT, before the statements that use the value. Set the PostgreSQL version in the configuration (12+) to silence this rule where it does not apply."
    )

    /// `REFRESH MATERIALIZED VIEW` without `CONCURRENTLY`.
    public static let requireConcurrentRefresh = LintRule(
        id: "require-concurrent-refresh",
        title: "REFRESH MATERIALIZED VIEW without CONCURRENTLY",
        defaultSeverity: .warning,
        explanation: "A plain refresh takes an ACCESS EXCLUSIVE lock on the materialized view: every query reading it waits for the whole refresh.",
        safeAlternative: "REFRESH MATERIALIZED VIEW CONCURRENTLY (needs a unique index on the view)."
    )

    /// Lock-taking DDL with no `lock_timeout` set before it.
    public static let requireLockTimeout = LintRule(
        id: "require-lock-timeout",
        title: "Lock-taking DDL without lock_timeout",
        defaultSeverity: .warning,
        explanation: "DDL waits for its lock behind any long-running query, and every query on the table queues behind the waiting DDL: a harmless ALTER TABLE can stall the site. lock_timeout bounds that wait.",
        safeAlternative: "SET lock_timeout = '5s' (or SET LOCAL inside the transaction) before the first lock-taking statement, and retry on 55P03 lock_not_available; Slipway's runner does this for its own operations."
    )

    /// `UPDATE` or `DELETE` without `WHERE`.
    public static let requireWhereClause = LintRule(
        id: "require-where-clause",
        title: "UPDATE or DELETE without WHERE",
        defaultSeverity: .warning,
        explanation: "An UPDATE or DELETE of a whole existing table in one statement locks every row for the whole run, bloats the table and holds back vacuum; in a migration it is usually an unbatched backfill.",
        safeAlternative: "Batch it by key range (WHERE id BETWEEN … AND …) in separate transactions, or use Slipway's backfill engine."
    )

    /// `json` column type.
    public static let preferJsonb = LintRule(
        id: "prefer-jsonb",
        title: "json instead of jsonb",
        defaultSeverity: .warning,
        explanation: "json stores the raw text: it has no equality operator (breaking DISTINCT, GROUP BY, UNION and unique indexes), cannot be GIN-indexed and is reparsed on every access.",
        safeAlternative: "Use jsonb."
    )

    /// Integer primary key.
    public static let preferBigintPrimaryKey = LintRule(
        id: "prefer-bigint-primary-key",
        title: "Integer primary key",
        defaultSeverity: .warning,
        explanation: "An int/int4/serial (or smallint) key runs out at 2,147,483,647; widening it later is a full table rewrite of the table and of every referencing foreign key column.",
        safeAlternative: "bigint GENERATED ALWAYS AS IDENTITY (or bigint/bigserial, or uuid)."
    )

    /// `varchar(n)`.
    public static let preferTextOverVarchar = LintRule(
        id: "prefer-text-over-varchar",
        title: "varchar(n) instead of text with a CHECK",
        defaultSeverity: .warning,
        explanation: "varchar(n) is no faster than text, and lowering its limit later is a table rewrite under ACCESS EXCLUSIVE; a CHECK constraint can be replaced online (NOT VALID + VALIDATE).",
        safeAlternative: "text with CHECK (char_length(col) <= n), or plain text."
    )

    /// `timestamp` without time zone.
    public static let preferTimestamptz = LintRule(
        id: "prefer-timestamptz",
        title: "timestamp without time zone",
        defaultSeverity: .warning,
        explanation: "timestamp without time zone stores wall-clock time with no zone: values change meaning with the session TimeZone and around daylight-saving transitions; converting later is a table rewrite.",
        safeAlternative: "timestamptz (timestamp with time zone), which stores an absolute instant."
    )

    /// `CREATE TABLE` without a primary key.
    public static let requirePrimaryKey = LintRule(
        id: "require-primary-key",
        title: "CREATE TABLE without a primary key",
        defaultSeverity: .warning,
        explanation: "A table without a primary key cannot be replicated logically for UPDATE/DELETE (REPLICA IDENTITY), cannot be backfilled by key, and adding a key later is a locking index build.",
        safeAlternative: "Declare a primary key in CREATE TABLE, e.g. id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY."
    )

    /// `BEGIN` inside a transaction block, or `COMMIT` outside one.
    public static let noNestedTransaction = LintRule(
        id: "no-nested-transaction",
        title: "Nested or unmatched transaction control",
        defaultSeverity: .warning,
        explanation: "PostgreSQL has no nested transactions: a BEGIN inside a block only warns, and the first COMMIT ends the outer block, so later statements run outside the transaction the author expected.",
        safeAlternative: "Use SAVEPOINT / RELEASE SAVEPOINT inside a block; pair every BEGIN with one COMMIT."
    )

    // MARK: Built-in diagnostics (not configurable)

    /// Malformed SQL: unterminated quote, dollar quote, quoted identifier or block comment.
    public static let syntaxError = LintRule(
        id: "syntax-error",
        title: "Malformed SQL",
        defaultSeverity: .error,
        explanation: "The text cannot be tokenized, so PostgreSQL would reject it, and nothing after this point was linted.",
        safeAlternative: "Close the quote, dollar quote or comment that starts here."
    )

    /// A suppression comment names a rule that does not exist.
    public static let unknownRuleInSuppression = LintRule(
        id: "unknown-rule-in-suppression",
        title: "Unknown rule in a suppression comment",
        defaultSeverity: .warning,
        explanation: "A slipway-lint: ignore comment names a rule id that does not exist, so it suppresses nothing (a typo hides nothing, but also protects nothing).",
        safeAlternative: "Use an id listed in docs/lint-rules.md."
    )
}
