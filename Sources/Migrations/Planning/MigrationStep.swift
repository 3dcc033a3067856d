/// One step of a version's start, complete or rollback, persisted in the state schema so an interrupted
/// run resumes exactly where it stopped.
public struct MigrationStep: Sendable, Codable, Hashable {
    /// What the step does and how it runs.
    public enum Action: Sendable, Codable, Hashable {
        /// Statements run together in one short transaction under `SET LOCAL lock_timeout` (and
        /// `statement_timeout` when `accessExclusive`), retried on lock timeouts.
        case transaction(statements: [String], accessExclusive: Bool)
        /// One statement that cannot run in a transaction block (`CREATE INDEX CONCURRENTLY`), with
        /// session-level timeouts. `index` names the index it builds, so an INVALID leftover can be dropped.
        case concurrent(statement: String, index: QualifiedName?)
        /// SQL written by the user (`sql` operations), run in one transaction under `lock_timeout`.
        case userSQL(String)
        /// Creates the version schema with one view per table (built from the catalog at run time).
        case createVersionSchema(VersionSchemaSpec)
        /// Creates or replaces a table's dual-write trigger (built from the catalog at run time).
        case installTrigger(TriggerSpec)
        /// Batched backfill of a table.
        case backfill(BackfillSpec)
    }

    /// What the step does, for people (`add column fulfillment_status to orders`).
    public var summary: String
    public var action: Action
    /// Where the step comes from: `migrations/0001_x.yaml:7 operations[0].add_column`.
    public var origin: String?
    /// Steps that undo this one (idempotent), run by rollback in reverse order.
    public var undo: [MigrationStep]
    /// For `userSQL` undo steps: only run if the original step completed.
    public var undoOnlyIfCompleted: Bool

    public init(
        _ summary: String, _ action: Action, origin: String? = nil, undo: [MigrationStep] = [],
        undoOnlyIfCompleted: Bool = false
    ) {
        self.summary = summary
        self.action = action
        self.origin = origin
        self.undo = undo
        self.undoOnlyIfCompleted = undoOnlyIfCompleted
    }
}

/// `"schema"."name"` as two parts.
public struct QualifiedName: Sendable, Codable, Hashable, CustomStringConvertible {
    public var schema: String
    public var name: String
    public init(_ schema: String, _ name: String) {
        self.schema = schema
        self.name = name
    }
    public var description: String { "\(schema).\(name)" }
}

/// How the version schema's views map logical names to physical columns.
public struct VersionSchemaSpec: Sendable, Codable, Hashable {
    /// The target schema holding the tables.
    public var schema: String
    /// The version schema to create (`public_0001_add_status`).
    public var versionSchema: String
    /// Per table: physical column → logical name, for renamed columns.
    public var renames: [String: [String: String]]
    /// Per table: physical columns hidden from the new version (dropped columns).
    public var hidden: [String: [String]]
    /// Tables hidden from the new version (dropped tables).
    public var hiddenTables: [String]
    /// Per table: physical → logical for columns added by this version (`_slipway_new_x` → `x`).
    public var added: [String: [String: String]]
    /// Physical table → its name in the new version (`rename_table`); the view takes the new name.
    /// Optional so plans persisted by earlier builds still decode.
    public var renamedTables: [String: String]? = nil
    /// Per table: physical column → the physical column that replaces it in the new version, in its place
    /// (alter_column copies: `price` → `_slipway_new_price`). Optional so earlier plans still decode.
    public var replaced: [String: [String: String]]? = nil
}

/// A table's dual-write trigger for one version.
public struct TriggerSpec: Sendable, Codable, Hashable {
    public var schema: String
    public var table: String
    public var versionSchema: String
    /// The trigger function's name (in the target schema).
    public var functionName: String
    public var triggerName: String
    /// Columns added by this version: physical name and the `up` expression computing it for old clients.
    public var added: [ComputedColumn]
    /// Columns hidden from the new version: physical name and the `down` expression filling it for new clients.
    public var dropped: [ComputedColumn]
    /// Physical → logical names visible to the new version (renames), for the new-version branch.
    public var renames: [String: String]
    /// Physical columns the new version does not see (besides `dropped`).
    public var hiddenFromNew: [String]
    /// Whether the table has the `_slipway_needs_backfill` marker column.
    public var marksRows: Bool
}

/// A column computed by a dual-write trigger.
public struct ComputedColumn: Sendable, Codable, Hashable {
    public var physical: String
    public var logical: String
    public var expression: String?
    /// Compute only on INSERT, for rows the backfill has not reached, and when a column the expression reads
    /// changed (alter_column copies): an UPDATE that leaves the source alone keeps the copy as it is, so a
    /// foreign key action on the copy (`ON DELETE SET NULL`) is not undone. Nil for earlier plans: always.
    public var onlyWhenSourcesChange: Bool? = nil

    public init(physical: String, logical: String, expression: String?, onlyWhenSourcesChange: Bool? = nil) {
        self.physical = physical
        self.logical = logical
        self.expression = expression
        self.onlyWhenSourcesChange = onlyWhenSourcesChange
    }
}

/// One table's backfill.
public struct BackfillSpec: Sendable, Codable, Hashable {
    public var schema: String
    public var table: String
    /// The key walked in order (primary key or UNIQUE NOT NULL key).
    public var key: [String]
    /// The key columns' types (`bigint`, `uuid`…), for casting the saved cursor.
    public var keyTypes: [String]
    public var batchSize: Int
    /// Pause between batches, milliseconds.
    public var pauseMs: Int
    /// Target duration of one batch, milliseconds: the batch size adapts toward it (0 = fixed size).
    public var targetBatchMs: Int?
    /// Bounds of the adaptive batch size.
    public var minBatchSize: Int?
    public var maxBatchSize: Int?
    /// The migration file's `backfill:` overrides of the run's settings (nil: the run's).
    public var workers: Int? = nil
    public var vacuumEveryBatches: Int? = nil
    public var maxReplicaLagMs: Int? = nil

    /// No key: the backfill walks the heap by ctid page ranges.
    public var usesCtid: Bool { key.isEmpty }
}
