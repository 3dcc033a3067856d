import Foundation
import LocalPostgres
import Migrations
import PostgresClient
import Testing

private let accountsSQL = "CREATE TABLE accounts (id bigint PRIMARY KEY, email text);\n"
private let emailIndexYAML = "operations:\n  - create_index:\n      name: accounts_email_idx\n      table: accounts\n      columns: [email]\n"
private let nicknameYAML = "operations:\n  - add_column:\n      table: accounts\n      column:\n        name: nickname\n        type: text\n        nullable: true\n"

/// The recorded history of `public`: name, version and checksum of every row.
private func history(_ fixture: EngineFixture) async throws -> [String] {
    let app = try await fixture.app()
    defer { Task { await app.close() } }
    return try await app.query(
        "SELECT name || ' ' || version || ' ' || checksum AS row FROM slipway.migrations WHERE schema = 'public' ORDER BY name"
    ).map { try $0.decode("row", as: String.self) }
}

@Suite("repairing history")
struct RepairTests {
    @Test func markAppliedRecordsAHandAppliedFileAndMigrateContinuesAfterIt() async throws {
        let fixture = try await EngineFixture.make()
        try fixture.write("0001_accounts.sql", accountsSQL)
        _ = try await fixture.runner().migrate(completeLast: true)
        // During an incident the index of 0002 was built by hand, before its file was merged.
        let app = try await fixture.app()
        try await app.unsafeExecuteRaw("CREATE INDEX accounts_email_idx ON accounts (email)")
        try fixture.write("0002_email_idx.yaml", emailIndexYAML)
        try fixture.write("0003_nickname.yaml", nicknameYAML)
        let repair = HistoryRepair(connection: fixture.db.app, migrationsDirectory: fixture.directory)

        let dry = try await repair.run(
            .markApplied, target: fixture.directory + "/0002_email_idx.yaml", reason: "index built by hand in incident 112", dryRun: true)
        #expect(dry.name == "0002_email_idx")
        #expect(dry.before == nil)
        #expect(dry.after?.checksum == MigrationRunner.checksum(emailIndexYAML))
        #expect(dry.text.hasPrefix("dry run: would mark 0002_email_idx applied"))
        #expect(try await history(fixture).count == 1)

        let report = try await repair.run(.markApplied, target: "0002_email_idx", reason: "  index built by hand in incident 112 ")
        #expect(report.after?.version == "repair")
        #expect(report.reason == "index built by hand in incident 112")
        #expect(try await history(fixture).contains("0002_email_idx repair \(MigrationRunner.checksum(emailIndexYAML))"))
        let status = try await fixture.runner().status()
        #expect(status.applied == ["0001_accounts", "0002_email_idx"])
        #expect(status.pending == ["0003_nickname"])
        #expect(status.checksumMismatches.isEmpty)
        // migrate continues with 0003 only (the index is not built again).
        let records = try await fixture.runner().migrate(completeLast: true)
        #expect(records.map(\.migrations) == [["0003_nickname"]])
        #expect(
            try await fixture.scalar(
                "SELECT count(*)::int8 FROM pg_attribute WHERE attrelid = 'accounts'::regclass AND attname = 'nickname'", as: Int.self) == 1)
    }

    @Test func acceptChecksumEndsTheMismatchThatStatusAndStartReport() async throws {
        let fixture = try await EngineFixture.make()
        try fixture.write("0001_accounts.sql", accountsSQL)
        _ = try await fixture.runner().migrate(completeLast: true)
        let edited = "-- accounts of the shop (comment fixed after apply)\n" + accountsSQL
        try fixture.write("0001_accounts.sql", edited)
        try fixture.write("0002_email_idx.yaml", emailIndexYAML)
        #expect(try await fixture.runner().status().checksumMismatches == ["0001_accounts"])
        let refused = await #expect(throws: MigrationError.self) { try await fixture.runner().start() }
        #expect(refused?.kind == .history)

        let report = try await HistoryRepair(connection: fixture.db.app, migrationsDirectory: fixture.directory)
            .run(.acceptChecksum, target: "0001_accounts.sql", reason: "comment typo")
        #expect(report.before?.checksum == MigrationRunner.checksum(accountsSQL))
        #expect(report.after?.checksum == MigrationRunner.checksum(edited))
        #expect(report.after?.version == report.before?.version)
        let status = try await fixture.runner().status()
        #expect(status.checksumMismatches.isEmpty)
        #expect(status.pending == ["0002_email_idx"])
        let record = try await fixture.runner().start()
        #expect(record.migrations == ["0002_email_idx"])
        try await fixture.runner().complete()
        // The recorded body is the accepted contents.
        let app = try await fixture.app()
        #expect(try await app.query("SELECT body FROM slipway.migrations WHERE name = '0001_accounts'")[0].decode("body", as: String.self) == edited)
    }

    @Test func markNotAppliedMakesTheLastMigrationPendingAgain() async throws {
        let fixture = try await EngineFixture.make()
        try fixture.write("0001_accounts.sql", accountsSQL)
        try fixture.write("0002_email_idx.yaml", emailIndexYAML)
        _ = try await fixture.runner().migrate(completeLast: true)
        // The index was lost (a restore from before it); the history still says applied.
        let app = try await fixture.app()
        try await app.unsafeExecuteRaw("DROP INDEX accounts_email_idx")
        let repair = HistoryRepair(connection: fixture.db.app, migrationsDirectory: fixture.directory)
        let before = try await history(fixture)

        // Not the last one: history stays linear.
        let early = await #expect(throws: MigrationError.self) {
            try await repair.run(.markNotApplied, target: "0001_accounts", reason: "restore")
        }
        #expect(early?.kind == .history)
        #expect(early?.message.contains("0002_email_idx was applied after 0001_accounts") == true)
        #expect(try await history(fixture) == before)

        let report = try await repair.run(.markNotApplied, target: "0002_email_idx", reason: "restored from the 02:00 backup")
        #expect(report.before != nil)
        #expect(report.after == nil)
        #expect(report.text.contains("it is pending again"))
        let status = try await fixture.runner().status()
        #expect(status.applied == ["0001_accounts"])
        #expect(status.pending == ["0002_email_idx"])
        _ = try await fixture.runner().migrate(completeLast: true)
        #expect(try await fixture.scalar("SELECT to_regclass('public.accounts_email_idx') IS NOT NULL", as: Bool.self))
    }

    @Test func badInputIsRefusedAndRecordsNothing() async throws {
        let fixture = try await EngineFixture.make()
        try fixture.write("0001_accounts.sql", accountsSQL)
        try fixture.write("0002_email_idx.yaml", emailIndexYAML)
        try fixture.write("0003_nickname.yaml", nicknameYAML)
        try await fixture.runner().start(files: ["0001_accounts"])
        try await fixture.runner().complete()
        let repair = HistoryRepair(connection: fixture.db.app, migrationsDirectory: fixture.directory)
        let before = try await history(fixture)

        func refused(
            _ action: HistoryRepair.Action, _ target: String, reason: String = "because", _ kind: MigrationError.Kind, _ text: String
        ) async {
            let error = await #expect(throws: MigrationError.self, "\(action) \(target)") {
                try await repair.run(action, target: target, reason: reason)
            }
            #expect(error?.kind == kind, "\(action) \(target): \(String(describing: error))")
            #expect(error?.message.contains(text) == true, "\(action) \(target): \(error?.message ?? "")")
        }
        await refused(.markApplied, "0002_email_idx", reason: "  \n", .invalidMigration, "a reason is required")
        await refused(.markApplied, "0009_missing.yaml", .invalidMigration, "no migration file named 0009_missing")
        await refused(.markApplied, "0001_accounts", .nothingToDo, "already recorded as applied")
        await refused(.markApplied, "0003_nickname", .history, "0002_email_idx is pending and sorts before 0003_nickname")
        await refused(.markNotApplied, "0002_email_idx", .invalidMigration, "0002_email_idx is not recorded as applied")
        await refused(.markNotApplied, "nonsense", .invalidMigration, "nonsense is not recorded as applied")
        await refused(.acceptChecksum, "0001_accounts", .nothingToDo, "already matches")
        await refused(.acceptChecksum, "0002_email_idx", .invalidMigration, "not recorded as applied")
        #expect(try await history(fixture) == before)

        // Another runner holds the schema's migration lock.
        let holder = try await fixture.app()
        try await holder.unsafeExecuteRaw("SELECT pg_advisory_lock(hashtextextended('slipway:slipway:public', 0))")
        await refused(.markApplied, "0002_email_idx", .busy, "another Slipway runner holds the migration lock")
        try await holder.unsafeExecuteRaw("SELECT pg_advisory_unlock(hashtextextended('slipway:slipway:public', 0))")
        #expect(try await history(fixture) == before)

        // A version in progress: repair waits for complete or rollback.
        try await fixture.runner().start(files: ["0002_email_idx"])
        let during = try await history(fixture)
        await refused(.markApplied, "0003_nickname", .wrongPhase, "repair refuses while a migration is in progress")
        await refused(.markNotApplied, "0002_email_idx", .wrongPhase, "is active")
        #expect(try await history(fixture) == during)
        try await fixture.runner().rollback()
        #expect(try await history(fixture) == before)
    }

    @Test func migrationNamesFromPathsKeepDotsThatAreNotExtensions() {
        #expect(HistoryRepair.migrationName("migrations/0001_accounts.sql") == "0001_accounts")
        #expect(HistoryRepair.migrationName("V1.1__init") == "V1.1__init")
        #expect(HistoryRepair.migrationName("alembic:ae1027a6acf") == "alembic:ae1027a6acf")
        #expect(HistoryRepair.migrationName("x/0002_a.YAML") == "0002_a")
    }
}
