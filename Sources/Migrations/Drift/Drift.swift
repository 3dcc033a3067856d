import Foundation
import PostgresClient

/// The result of `slipway drift`: the live schema compared with the newest recorded snapshot.
public struct DriftReport: Sendable, Codable, Hashable {
    /// The overall outcome.
    public enum Status: String, Sendable, Codable, Hashable {
        /// The live schema matches the snapshot.
        case clean
        /// Differences were found (the CLI exits with code 5).
        case drift
        /// Nothing to compare with: no baseline and no completed migration recorded a snapshot.
        case noSnapshot = "no_snapshot"
    }

    /// The snapshot compared against.
    public struct SnapshotInfo: Sendable, Codable, Hashable {
        public var id: Int
        public var takenAt: Date
        public var reason: SnapshotStore.Reason
        public var version: String?
        public var actor: String
        public var fingerprint: String
    }

    public var schema: String
    public var status: Status
    /// The snapshot compared against (nil with ``Status/noSnapshot``).
    public var snapshot: SnapshotInfo?
    /// The fingerprint of the live schema.
    public var liveFingerprint: String
    /// Every difference, in a stable order.
    public var items: [DriftItem]
    /// A Slipway version of the schema that is started but not completed or rolled back: its expand changes
    /// are expected differences until `complete` records a new snapshot.
    public var activeVersion: String?

    /// Whether differences were found.
    public var hasDrift: Bool { status == .drift }

    /// The report for people.
    ///
    /// ```
    /// drift in schema public: 2 differences since snapshot #3 (complete of 0002_add_note, 2026-11-23 10:12:03 UTC by app)
    /// + ALTER TABLE public.orders ADD COLUMN note text
    /// - DROP INDEX public.idx_orders_status
    /// ```
    public var text: String {
        var lines: [String] = []
        switch status {
        case .noSnapshot:
            lines.append("no snapshot recorded for schema \(schema): run `slipway baseline` (or complete a migration) to record one")
        case .clean, .drift:
            guard let snapshot else { break }
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate, .withSpaceBetweenDateAndTime]
            let what = snapshot.version.map { "\(snapshot.reason.rawValue) of \($0)" } ?? snapshot.reason.rawValue
            let since = "snapshot #\(snapshot.id) (\(what), \(formatter.string(from: snapshot.takenAt)) UTC by \(snapshot.actor))"
            if items.isEmpty {
                lines.append("no drift in schema \(schema): the live schema matches \(since)")
            } else {
                lines.append("drift in schema \(schema): \(items.count) difference\(items.count == 1 ? "" : "s") since \(since)")
                lines += items.map(\.line)
            }
        }
        if let activeVersion {
            lines.append("note: version \(activeVersion) is started but not completed; its changes show as drift until it completes")
        }
        return lines.joined(separator: "\n")
    }
}

/// `slipway drift`.
public enum Drift {
    /// Compares the live catalog of `schema` with the newest snapshot recorded in `<stateSchema>.schema_snapshots`.
    ///
    /// Read-only: it creates nothing (not even the snapshots table). Needs no superuser and no event trigger.
    public static func check(schema: String, connection: PostgresConnection, stateSchema: String = "slipway") async throws -> DriftReport {
        let live = try await SchemaSnapshot.read(schema: schema, connection: connection)
        let active = try await activeVersion(schema: schema, connection: connection, stateSchema: stateSchema)
        guard let recorded = try await SnapshotStore(stateSchema: stateSchema).latest(schema: schema, connection) else {
            return DriftReport(
                schema: schema, status: .noSnapshot, snapshot: nil, liveFingerprint: live.fingerprint, items: [], activeVersion: active)
        }
        if recorded.snapshot.format > SchemaSnapshot.currentFormat {
            throw DriftError(
                "snapshot #\(recorded.id) of schema \(schema) has format \(recorded.snapshot.format), newer than this Slipway (\(SchemaSnapshot.currentFormat))",
                hint: "upgrade Slipway")
        }
        let items = SchemaDiff.compare(recorded: recorded.snapshot, live: live)
        return DriftReport(
            schema: schema, status: items.isEmpty ? .clean : .drift,
            snapshot: DriftReport.SnapshotInfo(
                id: recorded.id, takenAt: recorded.takenAt, reason: recorded.reason, version: recorded.version, actor: recorded.actor,
                fingerprint: recorded.fingerprint),
            liveFingerprint: live.fingerprint, items: items, activeVersion: active)
    }

    /// The name of a started but unfinished version of `schema`, if any.
    static func activeVersion(schema: String, connection: PostgresConnection, stateSchema: String) async throws -> String? {
        let table = PostgresIdentifier.quote(stateSchema) + ".versions"
        let exists = try await connection.query("SELECT to_regclass(\(table)) IS NOT NULL AS e")[0].decode("e", as: Bool.self)
        guard exists else { return nil }
        let rows = try await connection.query(
            """
            SELECT name FROM \(unsafeRaw: table)
            WHERE schema = \(schema) AND phase NOT IN ('completed', 'rolled_back') ORDER BY started_at DESC LIMIT 1
            """)
        return try rows.first?.decode("name", as: String.self)
    }
}
