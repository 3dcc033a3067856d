import Foundation
import PostgresClient

/// A failure of baseline, snapshot or drift handling.
public struct DriftError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    /// What to do about it.
    public var hint: String?

    public init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }

    public var description: String { message }
}

/// Recorded schema snapshots, in table `<state>.schema_snapshots` (created on first use).
///
/// Rows: `id`, `schema`, `taken_at`, `reason` (`baseline`, `complete` or `manual`), `version` (nullable),
/// `fingerprint`, `snapshot` (jsonb), `actor` (the database role). Only this table is created here; the rest of
/// the state schema belongs to ``StateStore``, whose `prepare` still runs in full when it finds the schema
/// without its `state_version` table.
public struct SnapshotStore: Sendable {
    /// Why a snapshot was taken.
    public enum Reason: String, Sendable, Codable, Hashable {
        /// `slipway baseline`: the starting point of an existing database.
        case baseline
        /// After a migration version completed.
        case complete
        /// Taken on request.
        case manual
    }

    /// A stored snapshot with its metadata.
    public struct Record: Sendable, Codable, Hashable {
        public var id: Int
        public var schema: String
        public var takenAt: Date
        public var reason: Reason
        public var version: String?
        public var fingerprint: String
        public var actor: String
        public var snapshot: SchemaSnapshot
    }

    /// The state schema (default `slipway`).
    public var stateSchema: String

    public init(stateSchema: String = "slipway") { self.stateSchema = stateSchema }

    private var table: String { PostgresIdentifier.quote(stateSchema) + ".schema_snapshots" }

    /// Creates the state schema (if needed) and the snapshots table (idempotent, serialised by an advisory lock).
    public func prepare(_ connection: PostgresConnection) async throws {
        let exists = try await connection.query("SELECT to_regclass(\(table)) IS NOT NULL AS e")[0].decode("e", as: Bool.self)
        if exists { return }
        let schema = PostgresIdentifier.quote(stateSchema)
        let table = self.table
        let sql = """
            SELECT pg_advisory_xact_lock(hashtextextended('slipway:schema_snapshots', 0));
            CREATE SCHEMA IF NOT EXISTS \(schema);
            CREATE TABLE IF NOT EXISTS \(table) (
                id bigserial PRIMARY KEY,
                schema text NOT NULL,
                taken_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                reason text NOT NULL CHECK (reason IN ('baseline', 'complete', 'manual')),
                version text,
                fingerprint text NOT NULL,
                snapshot jsonb NOT NULL,
                actor text NOT NULL DEFAULT current_user
            );
            CREATE INDEX IF NOT EXISTS schema_snapshots_schema_id ON \(table) (schema, id DESC);
            """
        if await connection.inTransaction {
            try await connection.unsafeExecuteRaw(sql)
        } else {
            try await connection.transaction { tx in try await tx.unsafeExecuteRaw(sql) }
        }
    }

    /// Stores `snapshot` and returns the stored record.
    @discardableResult
    public func record(
        _ snapshot: SchemaSnapshot, reason: Reason, version: String?, _ connection: PostgresConnection
    ) async throws -> Record {
        try await prepare(connection)
        let json = String(decoding: try snapshot.canonicalJSON(), as: UTF8.self)
        let fingerprint = snapshot.fingerprint
        let row = try await connection.query(
            """
            INSERT INTO \(unsafeRaw: table) (schema, reason, version, fingerprint, snapshot)
            VALUES (\(snapshot.schema), \(reason.rawValue), \(version), \(fingerprint), \(json)::jsonb)
            RETURNING id, taken_at, actor
            """)[0]
        return Record(
            id: try row.decode("id"), schema: snapshot.schema, takenAt: try row.decode("taken_at"), reason: reason,
            version: version, fingerprint: fingerprint, actor: try row.decode("actor"), snapshot: snapshot)
    }

    /// The newest snapshot of `schema`, or nil when none was recorded (or the table does not exist yet).
    public func latest(schema: String, _ connection: PostgresConnection) async throws -> Record? {
        try await list(schema: schema, connection, limit: 1).first
    }

    /// Snapshots of `schema`, newest first.
    public func list(schema: String, _ connection: PostgresConnection, limit: Int = 100) async throws -> [Record] {
        let exists = try await connection.query("SELECT to_regclass(\(table)) IS NOT NULL AS e")[0].decode("e", as: Bool.self)
        guard exists else { return [] }
        let rows = try await connection.query(
            """
            SELECT id, schema, taken_at, reason, version, fingerprint, actor, snapshot::text AS snapshot
            FROM \(unsafeRaw: table) WHERE schema = \(schema) ORDER BY id DESC LIMIT \(limit)
            """)
        let decoder = JSONDecoder()
        return try rows.map { row in
            let reasonText: String = try row.decode("reason")
            let snapshotText: String = try row.decode("snapshot")
            return Record(
                id: try row.decode("id"), schema: try row.decode("schema"), takenAt: try row.decode("taken_at"),
                reason: Reason(rawValue: reasonText) ?? .manual, version: try row.decode("version", as: String?.self),
                fingerprint: try row.decode("fingerprint"), actor: try row.decode("actor"),
                snapshot: try decoder.decode(SchemaSnapshot.self, from: Data(snapshotText.utf8)))
        }
    }

    /// Reads `schema` and records it with reason `complete`: the engine calls this after a version completed,
    /// so the next `slipway drift` compares against the schema as that migration left it.
    @discardableResult
    public static func recordAfterComplete(
        schema: String, version: String, connection: PostgresConnection, stateSchema: String = "slipway"
    ) async throws -> Record {
        let snapshot = try await SchemaSnapshot.read(schema: schema, connection: connection)
        return try await SnapshotStore(stateSchema: stateSchema).record(snapshot, reason: .complete, version: version, connection)
    }

    /// Reads `schema` and records it with reason `manual`.
    @discardableResult
    public static func recordManual(
        schema: String, version: String? = nil, connection: PostgresConnection, stateSchema: String = "slipway"
    ) async throws -> Record {
        let snapshot = try await SchemaSnapshot.read(schema: schema, connection: connection)
        return try await SnapshotStore(stateSchema: stateSchema).record(snapshot, reason: .manual, version: version, connection)
    }
}
