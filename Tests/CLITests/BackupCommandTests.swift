import Foundation
import LocalPostgres
import PostgresClient
import Testing

@Suite("slipway backup and deploy with a backup")
struct BackupCommandTests {
    @Test func createListVerifyRestoreAndRefuseTheSource() async throws {
        let source = try await ScratchDatabases.shared.make(label: "backup_src")
        let target = try await ScratchDatabases.shared.make(label: "backup_dst")
        let setup = try await PostgresConnection.connect(source.app)
        try await setup.unsafeExecuteRaw("CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items SELECT g, 'n' || g FROM generate_series(1, 250) g")
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "[backup]\ndirectory = \"\(directory)/backups\"\n".write(toFile: directory + "/slipway.toml", atomically: true, encoding: .utf8)
        let common = ["--url", source.appConnectionString, "--config", directory + "/slipway.toml"]

        let created = try await CLI.run(["backup", "create", "--release", "v1.4.0"] + common)
        #expect(created.status == 0, "\(created.stdout)\n\(created.stderr)")
        #expect(created.stdout.contains("verified: yes"))
        let list = try await CLI.run(["backup", "list", "--format", "json"] + common)
        let records = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(records.count == 1)
        #expect(records.first?["release"] as? String == "v1.4.0")
        let verify = try await CLI.run(["backup", "verify", "--release", "v1.4.0"] + common)
        #expect(verify.status == 0, "\(verify.stderr)")

        let restore = try await CLI.run(["backup", "restore", "--release", "v1.4.0", "--to", target.appConnectionString] + common)
        #expect(restore.status == 0, "\(restore.stderr)")
        let check = try await PostgresConnection.connect(target.app)
        #expect(try await check.query("SELECT count(*)::int8 AS n FROM items")[0].decode("n", as: Int.self) == 250)

        let onto = try await CLI.run(["backup", "restore", "--release", "v1.4.0", "--to", source.appConnectionString] + common)
        #expect(onto.status != 0)
        #expect(onto.stderr.contains("refusing to restore") && onto.stderr.contains("--force"), "\(onto.stderr)")
    }

    @Test func deployTakesAVerifiedBackupBeforeAnyDDL() async throws {
        let db = try await ScratchDatabases.shared.make(label: "deploy_backup")
        let setup = try await PostgresConnection.connect(db.app)
        try await setup.unsafeExecuteRaw("CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, status text NOT NULL); INSERT INTO orders (status) VALUES ('paid')")
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/migrations", withIntermediateDirectories: true)
        try "operations:\n  - add_column:\n      table: orders\n      column:\n        name: note\n        type: text\n        nullable: true\n".write(
            toFile: directory + "/migrations/0001_note.yaml", atomically: true, encoding: .utf8)
        try """
            [backup]
            directory = "\(directory)/backups"

            [environments.production]
            url_env = "PROD_URL"
            """.write(toFile: directory + "/slipway.toml", atomically: true, encoding: .utf8)
        let result = try await CLI.run(
            ["deploy", "--env", "production", "--config", directory + "/slipway.toml", "--migrations-dir", directory + "/migrations"],
            env: ["PROD_URL": db.appConnectionString])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("backup: ok"))
        let backups = try await setup.query("SELECT status, environment, finished_at FROM slipway.backups")
        #expect(backups.count == 1)
        #expect(try backups[0].decode("status", as: String.self) == "ok")
        #expect(try backups[0].decode("environment", as: String?.self) == "production")
        let order = try await setup.query(
            "SELECT (SELECT finished_at FROM slipway.backups) < (SELECT started_at FROM slipway.versions) AS before")
        #expect(try order[0].decode("before", as: Bool.self))
    }
}
