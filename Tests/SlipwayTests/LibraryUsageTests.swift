import Foundation
import LocalPostgres
import Slipway
import Testing

/// The example of docs/library.md, run for real: a server applying pending migrations at start-up.
@Suite("Using Slipway as a library")
struct LibraryUsageTests {
    @Test func applyPendingMigrationsAtStartUp() async throws {
        let db = try await ScratchDatabases.shared.make(label: "library")
        let setup = try await PostgresConnection.connect(db.app)
        try await setup.unsafeExecuteRaw(
            "CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, status text NOT NULL); INSERT INTO orders (status) VALUES ('delivered'), ('paid')")
        let directory = NSTemporaryDirectory() + "slipway-library-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Demo.sampleMigration.write(toFile: directory + "/" + Demo.sampleMigrationFile, atomically: true, encoding: .utf8)

        // --- the documented example ---
        let runner = MigrationRunner(
            connection: db.app,  // or ConnectionConfiguration.fromEnvironment() for DATABASE_URL
            schema: "public",
            migrationsDirectory: directory,
            events: { event in print("slipway:", event.message) })
        let status = try await runner.status()
        if !status.pending.isEmpty {
            _ = try await runner.migrate(completeLast: true)
        }
        // --- end of example ---

        let after = try await runner.status()
        #expect(after.pending.isEmpty)
        #expect(after.current?.phase == "completed")
        let rows = try await setup.query("SELECT status, fulfillment_status FROM orders ORDER BY id")
        #expect(try rows.map { try $0.decode("fulfillment_status", as: String.self) } == ["completed", "pending"])
    }
}
