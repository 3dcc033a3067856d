import Foundation
import PostgresClient

/// Slipway's state in the database: schema `slipway` (configurable), versioned and upgraded by the tool.
///
/// Tables: `versions` (one row per started version: phase, step cursor, the persisted plan, actor, timings,
/// last error), `migrations` (applied files with checksum and body), `backfills` (key cursor and counters,
/// committed with each batch), `audit_log` (every mutating command), `state_version`.
///
/// Layout versions: 1 — versions, migrations, backfills; 2 — adds audit_log; 3 — live backfill control
/// (`paused`, `requested_batch_size`, `target_batch_ms` on backfills); 4 — the production backfill:
/// `relfilenode`, `max_page` (the ctid walk's bound and the file node it was taken from), `max_key` (the key
/// walk's bound: the largest key at start), `workers`,
/// `retries`, `throttled_ms`, `wal_start`, `rate`, `throttle` (live progress) on backfills, and
/// `backfill_ranges` (one key or page range per parallel worker, each with its own cursor). Every upgrade is
/// additive (`ADD COLUMN IF NOT EXISTS`, `CREATE TABLE IF NOT EXISTS`), so an older layout — even one with a
/// backfill in flight — is upgraded in place by ``prepare(_:)``.
public struct StateStore: Sendable {
    /// The newest layout this build knows.
    public static let currentVersion = 4

    public var stateSchema: String
    public init(stateSchema: String = "slipway") { self.stateSchema = stateSchema }

    var q: String { PostgresIdentifier.quote(stateSchema) }

    /// Creates or upgrades the state schema (idempotent; serialised by a transaction-level advisory lock).
    public func prepare(_ connection: PostgresConnection) async throws {
        // The schema may exist without Slipway's tables (a backup or audit entry created it first).
        let exists = try await connection.query(
            "SELECT to_regclass(\(q + ".state_version")) IS NOT NULL AS e")[0].decode("e", as: Bool.self)
        if exists {
            let version = try await connection.query(
                "SELECT coalesce(max(version), 0)::int8 AS v FROM \(unsafeRaw: q).state_version")[0].decode("v", as: Int.self)
            if version > Self.currentVersion {
                throw MigrationError(
                    .history,
                    "the state schema \"\(stateSchema)\" has layout version \(version), newer than this Slipway (\(Self.currentVersion))",
                    hint: "upgrade Slipway")
            }
            if version == Self.currentVersion { return }
        }
        try await connection.transaction { tx in
            try await tx.unsafeExecuteRaw("SELECT pg_advisory_xact_lock(hashtextextended('slipway:state', 0))")
            try await tx.unsafeExecuteRaw(
                """
                CREATE SCHEMA IF NOT EXISTS \(q);
                CREATE TABLE IF NOT EXISTS \(q).state_version (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
                CREATE TABLE IF NOT EXISTS \(q).versions (
                    schema text NOT NULL,
                    name text NOT NULL,
                    version_schema text NOT NULL,
                    previous_version_schema text,
                    phase text NOT NULL,
                    cursor int NOT NULL DEFAULT 0,
                    plan jsonb NOT NULL,
                    migrations text[] NOT NULL,
                    started_at timestamptz NOT NULL DEFAULT now(),
                    updated_at timestamptz NOT NULL DEFAULT now(),
                    completed_at timestamptz,
                    actor text NOT NULL DEFAULT current_user,
                    os_user text,
                    host text,
                    release text,
                    last_error text,
                    rollback_from int,
                    PRIMARY KEY (schema, name, started_at)
                );
                CREATE TABLE IF NOT EXISTS \(q).migrations (
                    schema text NOT NULL,
                    name text NOT NULL,
                    version text NOT NULL,
                    checksum text NOT NULL,
                    body text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (schema, name)
                );
                CREATE TABLE IF NOT EXISTS \(q).backfills (
                    schema text NOT NULL,
                    version text NOT NULL,
                    table_name text NOT NULL,
                    cursor text[],
                    rows_done bigint NOT NULL DEFAULT 0,
                    rows_estimated bigint,
                    batches bigint NOT NULL DEFAULT 0,
                    batch_size int NOT NULL,
                    status text NOT NULL DEFAULT 'running',
                    started_at timestamptz NOT NULL DEFAULT now(),
                    updated_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (schema, version, table_name)
                );
                CREATE TABLE IF NOT EXISTS \(q).audit_log (
                    id bigserial PRIMARY KEY,
                    command text NOT NULL,
                    arguments text NOT NULL DEFAULT '',
                    schema text,
                    environment text,
                    release text,
                    version text,
                    outcome text NOT NULL,
                    exit_code int NOT NULL,
                    error text,
                    db_role text NOT NULL DEFAULT current_user,
                    os_user text,
                    host text,
                    client_addr text DEFAULT inet_client_addr()::text,
                    slipway_version text,
                    started_at timestamptz NOT NULL,
                    finished_at timestamptz NOT NULL DEFAULT now(),
                    duration_ms double precision
                );
                ALTER TABLE \(q).backfills ADD COLUMN IF NOT EXISTS paused boolean NOT NULL DEFAULT false;
                ALTER TABLE \(q).backfills ADD COLUMN IF NOT EXISTS requested_batch_size int;
                ALTER TABLE \(q).backfills ADD COLUMN IF NOT EXISTS target_batch_ms int;
                ALTER TABLE \(q).backfills ADD COLUMN IF NOT EXISTS relfilenode oid;
                ALTER TABLE \(q).backfills ADD COLUMN IF NOT EXISTS max_page bigint;
                ALTER TABLE \(q).backfills ADD COLUMN IF NOT EXISTS max_key text[];
                ALTER TABLE \(q).backfills ADD COLUMN IF NOT EXISTS workers int NOT NULL DEFAULT 1;
                ALTER TABLE \(q).backfills ADD COLUMN IF NOT EXISTS retries bigint NOT NULL DEFAULT 0;
                ALTER TABLE \(q).backfills ADD COLUMN IF NOT EXISTS throttled_ms bigint NOT NULL DEFAULT 0;
                ALTER TABLE \(q).backfills ADD COLUMN IF NOT EXISTS wal_start pg_lsn;
                ALTER TABLE \(q).backfills ADD COLUMN IF NOT EXISTS rate double precision;
                ALTER TABLE \(q).backfills ADD COLUMN IF NOT EXISTS throttle text;
                CREATE TABLE IF NOT EXISTS \(q).backfill_ranges (
                    schema text NOT NULL,
                    version text NOT NULL,
                    table_name text NOT NULL,
                    worker int NOT NULL,
                    lower_bound text[],
                    upper_bound text[],
                    cursor text[],
                    rows_done bigint NOT NULL DEFAULT 0,
                    batches bigint NOT NULL DEFAULT 0,
                    status text NOT NULL DEFAULT 'running',
                    updated_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (schema, version, table_name, worker)
                );
                INSERT INTO \(q).state_version (version) VALUES (\(Self.currentVersion)) ON CONFLICT DO NOTHING;
                """)
        }
    }

    /// A version row.
    public struct VersionRecord: Sendable, Codable, Hashable {
        public var schema: String
        public var name: String
        public var versionSchema: String
        public var previousVersionSchema: String?
        /// `starting`, `active`, `completing`, `completed`, `rolling_back`, `rolled_back`.
        public var phase: String
        public var cursor: Int
        public var plan: VersionPlan
        public var migrations: [String]
        public var startedAt: Date
        public var updatedAt: Date
        public var completedAt: Date?
        public var actor: String
        public var osUser: String?
        public var host: String?
        public var lastError: String?
        /// The start cursor a rollback began from.
        public var rollbackFrom: Int?
    }

    /// The newest version of `schema` that is not rolled back (the active one, or the last completed).
    public func currentVersion(schema: String, _ connection: PostgresConnection) async throws -> VersionRecord? {
        try await versions(schema: schema, connection, where: "phase <> 'rolled_back'", limit: 1).first
    }

    /// Every version of `schema`, newest first.
    public func versions(
        schema: String, _ connection: PostgresConnection, where filter: String = "true", limit: Int = 1000
    ) async throws -> [VersionRecord] {
        let rows = try await connection.query(
            """
            SELECT schema, name, version_schema, previous_version_schema, phase, cursor::int8 AS cursor, plan::text AS plan,
                   migrations, started_at, updated_at, completed_at, actor, os_user, host, last_error,
                   rollback_from::int8 AS rollback_from
            FROM \(unsafeRaw: q).versions WHERE schema = \(schema) AND \(unsafeRaw: filter)
            ORDER BY started_at DESC LIMIT \(limit)
            """)
        let decoder = JSONDecoder()
        return try rows.map { row in
            let planText: String = try row.decode("plan")
            let plan = try decoder.decode(VersionPlan.self, from: Data(planText.utf8))
            return VersionRecord(
                schema: try row.decode("schema"), name: try row.decode("name"), versionSchema: try row.decode("version_schema"),
                previousVersionSchema: try row.decode("previous_version_schema", as: String?.self), phase: try row.decode("phase"),
                cursor: try row.decode("cursor"), plan: plan, migrations: try row.decode("migrations"),
                startedAt: try row.decode("started_at"), updatedAt: try row.decode("updated_at"),
                completedAt: try row.decode("completed_at", as: Date?.self), actor: try row.decode("actor"),
                osUser: try row.decode("os_user", as: String?.self), host: try row.decode("host", as: String?.self),
                lastError: try row.decode("last_error", as: String?.self),
                rollbackFrom: try row.decode("rollback_from", as: Int?.self))
        }
    }

    /// Applied migrations of `schema` (name → checksum), in apply order.
    public func appliedMigrations(schema: String, _ connection: PostgresConnection) async throws -> [(name: String, checksum: String)] {
        let rows = try await connection.query(
            "SELECT name, checksum FROM \(unsafeRaw: q).migrations WHERE schema = \(schema) ORDER BY name")
        return try rows.map { (try $0.decode("name"), try $0.decode("checksum")) }
    }

    /// Records a new version in phase `starting` with its plan and files.
    public func recordStart(
        plan: VersionPlan, checksums: [(name: String, checksum: String, body: String)], _ connection: PostgresConnection
    ) async throws -> Date {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let planJSON = String(decoding: try encoder.encode(plan), as: UTF8.self)
        let osUser = ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.environment["LOGNAME"]
        let host = ProcessInfo.processInfo.hostName
        let q = self.q
        return try await connection.transaction { tx in
            let row = try await tx.query(
                """
                INSERT INTO \(unsafeRaw: q).versions (schema, name, version_schema, previous_version_schema, phase, plan, migrations, os_user, host)
                VALUES (\(plan.schema), \(plan.version), \(plan.versionSchema), \(plan.previousVersionSchema), 'starting', \(planJSON)::jsonb,
                        \(plan.migrations)::text[], \(osUser), \(host))
                RETURNING started_at
                """)
            for file in checksums {
                try await tx.query(
                    """
                    INSERT INTO \(unsafeRaw: q).migrations (schema, name, version, checksum, body)
                    VALUES (\(plan.schema), \(file.name), \(plan.version), \(file.checksum), \(file.body))
                    """)
            }
            return try row[0].decode("started_at", as: Date.self)
        }
    }

    /// The SQL that advances a version's cursor (run inside the step's own transaction, so a step and its
    /// cursor commit together).
    func advanceSQL(_ record: VersionRecord, phase: String, cursor: Int) -> PostgresQuery {
        """
        UPDATE \(unsafeRaw: q).versions SET phase = \(phase), cursor = \(cursor), updated_at = now(), last_error = NULL
        WHERE schema = \(record.schema) AND name = \(record.name) AND started_at = \(record.startedAt)
        """
    }

    /// Sets phase and cursor outside a step.
    func setPhase(_ record: VersionRecord, phase: String, cursor: Int, completed: Bool = false, _ connection: PostgresConnection) async throws {
        try await connection.query(
            """
            UPDATE \(unsafeRaw: q).versions SET phase = \(phase), cursor = \(cursor), updated_at = now(),
                   completed_at = CASE WHEN \(completed) THEN now() ELSE completed_at END
            WHERE schema = \(record.schema) AND name = \(record.name) AND started_at = \(record.startedAt)
            """)
    }

    /// Enters `rolling_back`, remembering how far start got.
    func beginRollback(_ record: VersionRecord, from startCursor: Int, _ connection: PostgresConnection) async throws {
        try await connection.query(
            """
            UPDATE \(unsafeRaw: q).versions SET phase = 'rolling_back', cursor = 0, rollback_from = \(startCursor), updated_at = now()
            WHERE schema = \(record.schema) AND name = \(record.name) AND started_at = \(record.startedAt)
            """)
    }

    /// Records the last error of a version (shown by `status`).
    func recordError(_ record: VersionRecord, _ message: String, _ connection: PostgresConnection) async {
        _ = try? await connection.query(
            """
            UPDATE \(unsafeRaw: q).versions SET last_error = \(message), updated_at = now()
            WHERE schema = \(record.schema) AND name = \(record.name) AND started_at = \(record.startedAt)
            """)
    }

    /// Forgets the files of a rolled-back version (they become pending again).
    func forgetMigrations(_ record: VersionRecord, _ connection: PostgresConnection) async throws {
        try await connection.query(
            "DELETE FROM \(unsafeRaw: q).migrations WHERE schema = \(record.schema) AND version = \(record.name)")
        try await connection.query(
            "DELETE FROM \(unsafeRaw: q).backfills WHERE schema = \(record.schema) AND version = \(record.name)")
        try await connection.query(
            "DELETE FROM \(unsafeRaw: q).backfill_ranges WHERE schema = \(record.schema) AND version = \(record.name)")
    }
}
