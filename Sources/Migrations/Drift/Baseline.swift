import Foundation
import PostgresClient

/// `slipway baseline`: records the current schema of an existing database as Slipway's starting point.
public enum Baseline {
    /// What a baseline recorded.
    public struct Summary: Sendable, Codable, Hashable {
        /// The snapshot's id in `<state>.schema_snapshots`.
        public var id: Int
        public var schema: String
        /// The version name given (`slipway baseline VERSION`), if any.
        public var version: String?
        public var takenAt: Date
        public var actor: String
        public var fingerprint: String
        public var counts: SchemaSnapshot.Counts
        /// Slipway migrations already recorded for the schema (non-zero only with `force`).
        public var migrationsAlreadyRecorded: Int

        /// One line for people, e.g. `baseline of public recorded: 3 tables, 12 columns, 4 indexes (sha256:…)`.
        public var text: String {
            let version = version.map { " as version \($0)" } ?? ""
            return "baseline of \(schema)\(version) recorded: \(counts.tables) tables, \(counts.columns) columns, "
                + "\(counts.indexes) indexes, \(counts.constraints) constraints, \(counts.views) views, "
                + "\(counts.sequences) sequences, \(counts.functions) functions (\(fingerprint))"
        }
    }

    /// Records `schema` as it is now (reason `baseline`).
    ///
    /// - Parameters:
    ///   - version: an optional name for the starting point (e.g. the last migration the other tool applied).
    ///   - force: record even when Slipway migrations are already recorded for the schema.
    /// - Throws: ``DriftError`` when migrations are recorded and `force` is false (nothing is written), or
    ///   the schema does not exist.
    public static func record(
        schema: String, version: String? = nil, force: Bool = false, connection: PostgresConnection, stateSchema: String = "slipway"
    ) async throws -> Summary {
        let recorded = try await recordedMigrations(schema: schema, connection: connection, stateSchema: stateSchema)
        if recorded.count > 0 && !force {
            let latest = recorded.latest.map { " (latest \($0))" } ?? ""
            throw DriftError(
                "schema \"\(schema)\" already has \(recorded.count) Slipway migration\(recorded.count == 1 ? "" : "s") recorded\(latest); a baseline is for a database Slipway has not migrated yet",
                hint: "use `slipway drift` to compare with the last recorded snapshot, or --force to record a new baseline anyway")
        }
        let snapshot = try await SchemaSnapshot.read(schema: schema, connection: connection)
        let record = try await SnapshotStore(stateSchema: stateSchema).record(snapshot, reason: .baseline, version: version, connection)
        return Summary(
            id: record.id, schema: schema, version: version, takenAt: record.takenAt, actor: record.actor,
            fingerprint: record.fingerprint, counts: snapshot.counts, migrationsAlreadyRecorded: recorded.count)
    }

    /// Rows in `<state>.migrations` for `schema` (0 when the table does not exist).
    static func recordedMigrations(
        schema: String, connection: PostgresConnection, stateSchema: String
    ) async throws -> (count: Int, latest: String?) {
        let table = PostgresIdentifier.quote(stateSchema) + ".migrations"
        let exists = try await connection.query("SELECT to_regclass(\(table)) IS NOT NULL AS e")[0].decode("e", as: Bool.self)
        guard exists else { return (0, nil) }
        let row = try await connection.query(
            "SELECT count(*)::int8 AS n, max(name) AS latest FROM \(unsafeRaw: table) WHERE schema = \(schema)")[0]
        return (try row.decode("n"), try row.decode("latest", as: String?.self))
    }
}
