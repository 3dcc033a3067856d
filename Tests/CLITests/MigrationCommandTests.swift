import Foundation
import LocalPostgres
import PostgresClient
import Testing

@Suite("slipway start/status/complete through the CLI")
struct MigrationCommandTests {
    @Test func startStatusVersionSchemaURLAndComplete() async throws {
        let db = try await ScratchDatabases.shared.make(label: "cli_lifecycle")
        let setup = try await PostgresConnection.connect(db.app)
        try await setup.unsafeExecuteRaw(
            "CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, status text NOT NULL); INSERT INTO orders (status) SELECT (ARRAY['paid','delivered'])[1 + g % 2] FROM generate_series(1, 500) g")
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }

        let created = try await CLI.run(["new", "orders_fulfillment", "--migrations-dir", directory])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(FileManager.default.fileExists(atPath: directory + "/0001_orders_fulfillment.yaml"))
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        try FileManager.default.removeItem(atPath: directory + "/0001_orders_fulfillment.yaml")
        try FileManager.default.copyItem(
            atPath: root + "/migrations/0001_orders_fulfillment_status.yaml",
            toPath: directory + "/0001_orders_fulfillment_status.yaml")

        let common = ["--url", db.appConnectionString, "--migrations-dir", directory]
        let start = try await CLI.run(["start", "--batch-size", "100"] + common)
        #expect(start.status == 0, "\(start.stdout)\n\(start.stderr)")
        #expect(start.stdout.contains("version 0001_orders_fulfillment_status is active"))

        let again = try await CLI.run(["start"] + common)
        #expect(again.status == 6 || again.status == 1, "\(again.stderr)")

        let status = try await CLI.run(["status", "--format", "json"] + common)
        #expect(status.status == 0, "\(status.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let migrations = try #require(json["migrations"] as? [String: Any])
        let current = try #require(migrations["current"] as? [String: Any])
        #expect(current["phase"] as? String == "active")
        let backfills = try #require(migrations["backfills"] as? [[String: Any]])
        #expect(backfills.first?["rowsDone"] as? Int == 500)

        let versionSchema = try await CLI.run(["version-schema"] + common)
        #expect(versionSchema.stdout == "public_0001_orders_fulfillment_status\n")
        let url = try await CLI.run(["url"] + common)
        #expect(url.stdout.contains("search_path=public_0001_orders_fulfillment_status,public"))

        let auditFile = directory + "/audit.jsonl"
        let complete = try await CLI.run(["complete", "--audit-log", auditFile] + common)
        #expect(complete.status == 0, "\(complete.stderr)")
        let auditLines = try String(contentsOfFile: auditFile, encoding: .utf8).split(separator: "\n")
        #expect(auditLines.count == 1)
        #expect(auditLines.first?.contains("\"command\":\"complete\"") == true)
        let audit = try await CLI.run(["audit", "--format", "json", "--url", db.appConnectionString])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [[String: Any]])
        // Newest first: complete, the refused second start (nothing to do), start.
        #expect(entries.map { $0["command"] as? String } == ["complete", "start", "start"])
        #expect(entries.map { $0["outcome"] as? String } == ["success", "failure", "success"])
        #expect(entries[2]["version"] as? String == "0001_orders_fulfillment_status")
        #expect(entries[0]["dbRole"] as? String == db.role)
        let history = try await CLI.run(["history", "--format", "json"] + common)
        #expect(history.stdout.contains("\"phase\" : \"completed\""))
        let column = try await setup.query(
            "SELECT count(*)::int8 AS n FROM orders WHERE fulfillment_status = CASE WHEN status = 'delivered' THEN 'completed' ELSE 'pending' END")
        #expect(try column[0].decode("n", as: Int.self) == 500)
    }

    @Test func invalidMigrationExits3AndChangesNothing() async throws {
        let db = try await ScratchDatabases.shared.make(label: "cli_invalid")
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "operations:\n  - drop_column:\n      table: missing_table\n      column: c\n".write(
            toFile: directory + "/0001_drop.yaml", atomically: true, encoding: .utf8)
        let result = try await CLI.run(["start", "--url", db.appConnectionString, "--migrations-dir", directory])
        #expect(result.status == 3)
        #expect(result.stderr.contains("0001_drop.yaml:2"))
        #expect(result.stderr.contains("table \"missing_table\" does not exist"))
        let check = try await PostgresConnection.connect(db.app)
        let versions = try await check.query("SELECT count(*)::int8 AS n FROM slipway.versions")
        #expect(try versions[0].decode("n", as: Int.self) == 0)
    }
}
