import Foundation
import LocalPostgres
import PostgresClient
import Testing

@Suite("slipway repair and import through the CLI")
struct RepairCommandTests {
    /// A database with 0001 applied and completed, and a migrations directory holding 0001 and 0002.
    private func prepared(_ label: String) async throws -> (db: ScratchDatabase, app: PostgresConnection, directory: String, common: [String]) {
        let db = try await ScratchDatabases.shared.make(label: label)
        let app = try await PostgresConnection.connect(db.app)
        let directory = try CLI.temporaryDirectory()
        try "CREATE TABLE accounts (id bigint PRIMARY KEY, email text);\n".write(
            toFile: directory + "/0001_accounts.sql", atomically: true, encoding: .utf8)
        let common = ["--url", db.appConnectionString, "--migrations-dir", directory]
        let migrate = try await CLI.run(["migrate", "--complete"] + common)
        #expect(migrate.status == 0, "\(migrate.stdout)\n\(migrate.stderr)")
        try "operations:\n  - create_index:\n      name: accounts_email_idx\n      table: accounts\n      columns: [email]\n".write(
            toFile: directory + "/0002_email_idx.yaml", atomically: true, encoding: .utf8)
        return (db, app, directory, common)
    }

    private func rows(_ app: PostgresConnection, _ sql: String) async throws -> [String] {
        try await app.unsafeExecuteRaw(sql)[0].map { try $0.decode(at: 0, as: String.self) }
    }

    @Test func repairsAreAuditedWithTheirReasonAndMakeStatusConsistent() async throws {
        let (_, app, directory, common) = try await prepared("cli_repair")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let history = "SELECT name || ' ' || version FROM slipway.migrations ORDER BY name"
        let audit = "SELECT concat_ws(' | ', command, outcome, exit_code::text, version, arguments, error) FROM slipway.audit_log WHERE command LIKE 'repair%' ORDER BY id"

        // A dry run shows the change and records nothing, not even an audit entry.
        let dry = try await CLI.run(["repair", "mark-applied", directory + "/0002_email_idx.yaml", "--reason", "built by hand", "--dry-run"] + common)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.hasPrefix("dry run: would mark 0002_email_idx applied in schema public"))
        #expect(try await rows(app, history) == ["0001_accounts 0001_accounts"])
        #expect(try await rows(app, audit).isEmpty)

        try await app.unsafeExecuteRaw("CREATE INDEX accounts_email_idx ON accounts (email)")
        let marked = try await CLI.run(
            ["repair", "mark-applied", directory + "/0002_email_idx.yaml", "--reason", "index built by hand in incident 112"] + common)
        #expect(marked.status == 0, "\(marked.stderr)")
        #expect(marked.stdout.contains("marked 0002_email_idx applied in schema public"))
        #expect(marked.stdout.contains("reason: index built by hand in incident 112"))
        #expect(try await rows(app, history) == ["0001_accounts 0001_accounts", "0002_email_idx repair"])
        let entries = try await rows(app, audit)
        #expect(entries.count == 1)
        #expect(entries.first?.hasPrefix("repair mark-applied | success | 0 | 0002_email_idx | repair mark-applied ") == true, "\(entries)")
        #expect(entries.first?.contains("--reason index built by hand in incident 112") == true, "\(entries)")

        // An applied file edited afterwards: status reports the mismatch (exit 3) until the change is accepted.
        try "-- the accounts table\nCREATE TABLE accounts (id bigint PRIMARY KEY, email text);\n".write(
            toFile: directory + "/0001_accounts.sql", atomically: true, encoding: .utf8)
        let mismatch = try await CLI.run(["status"] + common)
        #expect(mismatch.status == 3)
        #expect(mismatch.stdout.contains("changed after apply: 0001_accounts (checksum mismatch)"))
        let accepted = try await CLI.run(["repair", "accept-checksum", "0001_accounts", "--reason", "comment added", "--format", "json"] + common)
        #expect(accepted.status == 0, "\(accepted.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(accepted.stdout.utf8)) as? [String: Any])
        #expect(json["action"] as? String == "accept-checksum")
        #expect(json["name"] as? String == "0001_accounts")
        #expect(json["reason"] as? String == "comment added")
        #expect((json["before"] as? [String: Any])?["checksum"] as? String != (json["after"] as? [String: Any])?["checksum"] as? String)
        let consistent = try await CLI.run(["status"] + common)
        #expect(consistent.status == 0, "\(consistent.stdout)")
        #expect(!consistent.stdout.contains("checksum mismatch"))

        // The last migration is forgotten, then the audit log lists all three repairs.
        let forgotten = try await CLI.run(["repair", "mark-not-applied", "0002_email_idx", "--reason", "index lost in restore"] + common)
        #expect(forgotten.status == 0, "\(forgotten.stderr)")
        #expect(try await rows(app, history) == ["0001_accounts 0001_accounts"])
        let log = try await CLI.run(["audit", "--format", "json", "--url", common[1]])
        #expect(log.status == 0)
        #expect(log.stdout.contains("repair mark-not-applied"))
        #expect(try await rows(app, audit).count == 3)
    }

    @Test func badRepairInputChangesNothing() async throws {
        let (_, app, directory, common) = try await prepared("cli_repair_bad")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let state = "SELECT concat_ws(' ', name, version, checksum) FROM slipway.migrations ORDER BY name"
        let before = try await rows(app, state)
        let audit = "SELECT concat_ws(' | ', command, outcome, exit_code::text, error) FROM slipway.audit_log WHERE command LIKE 'repair%' ORDER BY id"

        // No reason, or an empty one: a usage error before anything connects.
        let missing = try await CLI.run(["repair", "mark-applied", "0002_email_idx"] + common)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("--reason"), "\(missing.stderr)")
        let blank = try await CLI.run(["repair", "mark-applied", "0002_email_idx", "--reason", "  "] + common)
        #expect(blank.status == 2)
        #expect(blank.stderr.contains("--reason must not be empty"), "\(blank.stderr)")
        #expect(try await rows(app, audit).isEmpty)

        // Unknown names: exit 3, a failure entry in the audit log, history unchanged.
        let unknown = try await CLI.run(["repair", "mark-not-applied", "0009_nothing", "--reason", "typo"] + common)
        #expect(unknown.status == 3)
        #expect(unknown.stderr.contains("0009_nothing is not recorded as applied in schema \"public\""), "\(unknown.stderr)")
        let noFile = try await CLI.run(["repair", "mark-applied", "0009_nothing.yaml", "--reason", "typo"] + common)
        #expect(noFile.status == 3)
        #expect(noFile.stderr.contains("no migration file named 0009_nothing"), "\(noFile.stderr)")
        // Already applied: nothing to do.
        let already = try await CLI.run(["repair", "mark-applied", "0001_accounts", "--reason", "twice"] + common)
        #expect(already.status == 6, "\(already.stderr)")
        // Another runner holds the migration lock: busy.
        try await app.unsafeExecuteRaw("SELECT pg_advisory_lock(hashtextextended('slipway:slipway:public', 0))")
        let busy = try await CLI.run(["repair", "mark-applied", "0002_email_idx", "--reason", "incident"] + common)
        #expect(busy.status == 7, "\(busy.stderr)")
        #expect(busy.stderr.contains("another Slipway runner holds the migration lock"), "\(busy.stderr)")
        try await app.unsafeExecuteRaw("SELECT pg_advisory_unlock(hashtextextended('slipway:slipway:public', 0))")

        #expect(try await rows(app, state) == before)
        let entries = try await rows(app, audit)
        #expect(entries.count == 4, "\(entries)")
        #expect(entries.allSatisfy { $0.contains(" | failure | ") }, "\(entries)")
        #expect(entries.first?.hasPrefix("repair mark-not-applied | failure | 3 | 0009_nothing is not recorded") == true, "\(entries)")
    }

    @Test func helpListsTheRepairActionsAndTheMandatoryReason() async throws {
        let help = try await CLI.run(["repair", "--help"])
        #expect(help.status == 0)
        for action in ["mark-applied", "mark-not-applied", "accept-checksum"] { #expect(help.stdout.contains(action)) }
        let actionHelp = try await CLI.run(["repair", "accept-checksum", "--help"])
        #expect(actionHelp.stdout.contains("--reason <text>"))
        #expect(actionHelp.stdout.contains("--dry-run"))
        let root = try await CLI.run(["--help"])
        #expect(root.stdout.contains("repair"))
        let importHelp = try await CLI.run(["import", "--help"])
        #expect(importHelp.stdout.contains("--from-schema <schema>"))
    }

    @Test func importSaysWhatItReadAndRefusesAnUnknownLayout() async throws {
        let db = try await ScratchDatabases.shared.make(label: "cli_import")
        let app = try await PostgresConnection.connect(db.app)
        let url = ["--url", db.appConnectionString, "--migrations-dir", "/nonexistent"]
        try await app.unsafeExecuteRaw("CREATE TABLE schema_migrations (version character varying NOT NULL PRIMARY KEY)")
        let refused = try await CLI.run(["import", "golang-migrate"] + url)
        #expect(refused.status == 3)
        #expect(refused.stderr.contains("public.schema_migrations does not have a golang-migrate layout Slipway knows"), "\(refused.stderr)")
        // Nothing recorded; the refused attempt is in the audit log.
        #expect(try await rows(app, "SELECT count(*)::text FROM slipway.migrations") == ["0"])

        try await app.unsafeExecuteRaw(
            "DROP TABLE schema_migrations; CREATE TABLE schema_migrations (version bigint not null primary key, dirty boolean not null); INSERT INTO schema_migrations VALUES (7, false)")
        let dry = try await CLI.run(["import", "golang-migrate", "--dry-run"] + url)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.hasPrefix("read 1 migration(s) from public.schema_migrations (golang-migrate v3 or later) at version 7 (dry run: nothing recorded)"), "\(dry.stdout)")
        let imported = try await CLI.run(["import", "golang-migrate"] + url)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try await rows(app, "SELECT name || ' ' || version FROM slipway.migrations") == ["7 import:golang-migrate"])
        #expect(try await rows(app, "SELECT command || ' ' || outcome FROM slipway.audit_log ORDER BY id") == [
            "import golang-migrate failure", "import golang-migrate success",
        ])
    }
}
