import Foundation
import LocalPostgres
import PostgresClient
import Testing

@Suite("slipway plan --offline and --rehearse")
struct PlanCommandTests {
    static let customers = """
        operations:
          - create_table:
              name: customers
              columns:
                - name: id
                  type: bigint
                  pk: true
                - name: name
                  type: text
        """
    static let tier = """
        operations:
          - add_column:
              table: customers
              up: "'basic'"
              column:
                name: tier
                type: text
                nullable: false
                default: "'basic'"
          - create_index:
              name: idx_customers_name
              table: customers
              columns: [name]
        """

    func migrations() throws -> String {
        let directory = try CLI.temporaryDirectory()
        try Self.customers.write(toFile: directory + "/0001_customers.yaml", atomically: true, encoding: .utf8)
        try Self.tier.write(toFile: directory + "/0002_tier.yaml", atomically: true, encoding: .utf8)
        return directory
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func offlineNeedsNoDatabase() async throws {
        let directory = try migrations()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // No URL at all, and libpq pointed nowhere: offline never connects.
        let text = try await CLI.run(["plan", "--offline", "--migrations-dir", directory, "0002_tier"], env: ["PGHOST": "/nonexistent"])
        #expect(text.status == 0, "\(text.stdout)\n\(text.stderr)")
        #expect(text.stdout.contains("Offline: planned from the migration files alone; sizes and row counts unknown"))
        #expect(text.stdout.contains("taken as applied: 1 earlier file(s), through 0001_customers"))
        #expect(text.stdout.contains("lock: SHARE UPDATE EXCLUSIVE on public.customers"))
        #expect(text.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 || !$0.hasPrefix("   sql:") })

        let result = try await CLI.run(["plan", "--offline", "--migrations-dir", directory, "--format", "json", "0002_tier"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try json(result.stdout)
        #expect(report["source"] as? String == "offline")
        #expect(report["appliedOffline"] as? [String] == ["0001_customers"])
        #expect(report["unknown"] as? [String] == [])
        #expect(report["previousVersionSchema"] as? String == "public_0001_customers")
        let phases = try #require(report["phases"] as? [[String: Any]])
        let start = try #require(phases.first?["steps"] as? [[String: Any]])
        #expect(start.allSatisfy { $0["estimatedRows"] == nil && $0["tableBytes"] == nil })

        // Everything pending, as on an empty database: the table of 0002 is created by 0001 in the same version.
        let all = try await CLI.run(["plan", "--offline", "--migrations-dir", directory, "--format", "markdown"])
        #expect(all.status == 0, "\(all.stdout)\n\(all.stderr)")
        #expect(all.stdout.contains("*Planned offline from the migration files alone: sizes and row counts unknown.*"))
    }

    @Test func offlineSaysWhatItDoesNotKnow() async throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.tier.write(toFile: directory + "/0001_tier.yaml", atomically: true, encoding: .utf8)
        let result = try await CLI.run(["plan", "--offline", "--migrations-dir", directory, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try json(result.stdout)
        #expect((report["unknown"] as? [String])?.contains("customers") == true)
        let findings = try #require(report["findings"] as? [[String: Any]])
        #expect(findings.contains { $0["rule"] as? String == "plan-offline-unknown" && $0["severity"] as? String == "info" })
        // Info findings do not fail a CI gate.
        let gated = try await CLI.run(["plan", "--offline", "--migrations-dir", directory, "--fail-on", "warning"])
        #expect(gated.status == 0, "\(gated.stdout)")
        // A file that does not exist: invalid input, nothing planned.
        let missing = try await CLI.run(["plan", "--offline", "--migrations-dir", directory, "0009_nope"])
        #expect(missing.status == 3, "\(missing.stdout)\n\(missing.stderr)")
        #expect(missing.stderr.contains("no migration file named 0009_nope"))
    }

    /// `--rehearse` on a throwaway cluster made from `pg_dump --schema-only` of the live database: every
    /// predicted lock is confirmed, and the live database is not changed.
    @Test func rehearseOnAThrowawayCopyOfTheLiveDatabase() async throws {
        let db = try await ScratchDatabases.shared.make(label: "cli_rehearse")
        let app = try await PostgresConnection.connect(db.app)
        try await app.unsafeExecuteRaw(
            "CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL); INSERT INTO customers SELECT g, 'c' || g FROM generate_series(1, 500) g; ANALYZE customers")
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.tier.write(toFile: directory + "/0001_tier.yaml", atomically: true, encoding: .utf8)
        let result = try await CLI.run(
            ["plan", "--rehearse", "--url", db.appConnectionString, "--migrations-dir", directory, "--format", "json", "--fail-on", "error"])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let report = try json(result.stdout)
        let rehearsal = try #require(report["rehearsal"] as? [String: Any])
        #expect((rehearsal["server"] as? String)?.hasPrefix("throwaway local cluster") == true)
        #expect((rehearsal["copy"] as? String)?.hasPrefix("pg_dump --schema-only") == true)
        #expect(rehearsal["differences"] as? [String] == [])
        let checks = try #require(rehearsal["checks"] as? [[String: Any]])
        #expect(checks.filter { $0["status"] as? String == "match" }.count >= 5)
        #expect(checks.contains { ($0["statement"] as? String)?.contains("CREATE INDEX CONCURRENTLY") == true && $0["status"] as? String == "match" })
        // The live database saw nothing: no state schema, no version schema, no new column.
        let check = try await PostgresConnection.connect(db.admin)
        let schemas = try await check.query("SELECT count(*)::int8 AS n FROM pg_namespace WHERE nspname IN ('slipway', 'public_0001_tier', '_slipway_rehearsal')")
        #expect(try schemas[0].decode("n", as: Int.self) == 0)
        let columns = try await check.query("SELECT count(*)::int8 AS n FROM pg_attribute WHERE attrelid = 'customers'::regclass AND attname LIKE '%tier%'")
        #expect(try columns[0].decode("n", as: Int.self) == 0)

        let text = try await CLI.run(["plan", "--rehearse", "--url", db.appConnectionString, "--migrations-dir", directory])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("REHEARSAL on a throwaway local cluster"))
        #expect(text.stdout.contains(" match"))
    }

    /// `--shadow-url`: the rehearsal rebuilds the shadow database's copy; an offline rehearsal applies the
    /// earlier files from empty.
    @Test func rehearseOfflineOnAShadowDatabase() async throws {
        let shadow = try await ScratchDatabases.shared.make(label: "cli_shadow")
        let directory = try migrations()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try await CLI.run(
            ["plan", "--offline", "--rehearse", "--shadow-url", shadow.admin.connectionStringWithOverrides, "--migrations-dir", directory,
             "--format", "json", "0002_tier"])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let rehearsal = try #require(try json(result.stdout)["rehearsal"] as? [String: Any])
        #expect((rehearsal["server"] as? String)?.hasPrefix("shadow database") == true)
        #expect((rehearsal["copy"] as? String)?.contains("1 earlier migration file(s) applied") == true)
        #expect(rehearsal["differences"] as? [String] == [])
        // Run it again: the shadow copy is rebuilt, not stacked on the previous one.
        let again = try await CLI.run(
            ["plan", "--offline", "--rehearse", "--shadow-url", shadow.admin.connectionStringWithOverrides, "--migrations-dir", directory, "0002_tier"])
        #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
    }
}
