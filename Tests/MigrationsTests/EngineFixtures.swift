import Foundation
import LocalPostgres
import Migrations
import PostgresClient
import Testing

/// A scratch database, a migrations directory and a runner for one test.
struct EngineFixture {
    let db: ScratchDatabase
    let directory: String
    let events = EventLog()

    static func make(_ label: String = #function) async throws -> EngineFixture {
        let db = try await ScratchDatabases.shared.make(label: label)
        let directory = NSTemporaryDirectory() + "slipway-engine-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return EngineFixture(db: db, directory: directory)
    }

    func write(_ name: String, _ contents: String) throws {
        try contents.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
    }

    func runner(lock: LockSettings = LockSettings(), batchSize: Int = 500, wait: Bool = false) -> MigrationRunner {
        let events = self.events
        return MigrationRunner(
            connection: db.app, schema: "public", migrationsDirectory: directory, lock: lock, batchSize: batchSize,
            waitForLock: wait, events: { events.append($0) })
    }

    func app() async throws -> PostgresConnection { try await PostgresConnection.connect(db.app) }

    /// A connection that speaks the given version (search_path = version schema).
    func client(version: String?) async throws -> PostgresConnection {
        let connection = try await PostgresConnection.connect(db.app)
        if let version { try await connection.unsafeExecuteRaw("SET search_path = \(PostgresIdentifier.quote(version)), public") }
        return connection
    }

    /// `pg_dump --schema-only` (without Slipway's own state schema), normalised (comments, SET lines and blank lines removed), grants included.
    func schemaDump() async throws -> String { try await dump(["--exclude-schema=slipway"]) }

    /// `pg_dump --schema-only --schema=public`, normalised like ``schemaDump()``: the tables as plain DDL would
    /// leave them, without the version schemas.
    func publicDump() async throws -> String { try await dump(["--schema=public"]) }

    /// `pg_dump --schema-only` with the given schema selection (`--schema=app`, `--exclude-schema=…`), normalised
    /// like ``schemaDump()``.
    func dump(_ selection: [String]) async throws -> String {
        let binaries = try PostgresBinaries.locate()
        let output = try await ChildProcess.capture(
            [binaries.path("pg_dump"), "--schema-only", "--no-owner"] + selection + ["--dbname", db.admin.connectionStringWithOverrides])
        #expect(output.status == 0, "pg_dump failed: \(output.stderr)")
        return output.stdout.split(separator: "\n").filter { line in
            !line.hasPrefix("--") && !line.hasPrefix("SET ") && !line.hasPrefix("\\restrict") && !line.hasPrefix("\\unrestrict") && !line.hasPrefix("SELECT pg_catalog.set_config")
                && !line.trimmingCharacters(in: .whitespaces).isEmpty
        }.joined(separator: "\n")
    }

    func scalar<T: PostgresDecodable>(_ sql: String, as type: T.Type = T.self) async throws -> T {
        let connection = try await PostgresConnection.connect(db.admin)
        defer { Task { await connection.close() } }
        return try await connection.unsafeExecuteRaw(sql)[0][0].decode(at: 0, as: T.self)
    }
}

final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [RunnerEvent] = []
    func append(_ event: RunnerEvent) { lock.withLock { events.append(event) } }
    var all: [RunnerEvent] { lock.withLock { events } }
}

/// The realistic table most tests migrate.
func createOrders(_ connection: PostgresConnection, rows: Int) async throws {
    try await connection.unsafeExecuteRaw(
        """
        CREATE TABLE orders (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            customer_id bigint NOT NULL,
            status text NOT NULL,
            total_cents integer NOT NULL DEFAULT 0
        );
        INSERT INTO orders (customer_id, status, total_cents)
        SELECT g % 97, (ARRAY['pending','paid','delivered','cancelled'])[1 + g % 4], g FROM generate_series(1, \(rows)) g;
        ANALYZE orders;
        """)
}

let fulfillmentMigration = """
    operations:
      - add_column:
          table: orders
          column:
            name: fulfillment_status
            type: varchar(50)
            nullable: false
            default: "'pending'"
            check:
              name: fulfillment_status_known
              constraint: fulfillment_status IN ('pending', 'packed', 'shipped', 'completed')
          up: CASE WHEN status = 'delivered' THEN 'completed' ELSE 'pending' END
      - create_index:
          name: idx_orders_fulfillment_status
          table: orders
          columns:
            - column: fulfillment_status
    """
