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

    @Test func documentedFlagsWorkReleasesMatchWithOrWithoutVAndMutationsAreAudited() async throws {
        let source = try await ScratchDatabases.shared.make(label: "backup_flags")
        let target = try await ScratchDatabases.shared.make(label: "backup_flags_dst")
        let setup = try await PostgresConnection.connect(source.app)
        try await setup.unsafeExecuteRaw("CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items SELECT g, 'n' || g FROM generate_series(1, 40) g")
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "[backup]\ndirectory = \"\(directory)/default\"\n".write(toFile: directory + "/slipway.toml", atomically: true, encoding: .utf8)
        let common = ["--url", source.appConnectionString, "--config", directory + "/slipway.toml"]

        // --dir overrides [backup] directory; SLIPWAY_LOG_FORMAT=json writes the audit entry to stderr.
        let created = try await CLI.run(
            ["backup", "create", "--release", "1.4.0", "--dir", directory + "/elsewhere"] + common, env: ["SLIPWAY_LOG_FORMAT": "json"])
        #expect(created.status == 0, "\(created.stdout)\n\(created.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory + "/elsewhere")
        #expect(files.count == 1 && files[0].hasSuffix(".dump"), "\(files)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/default"))
        let line = try #require(created.stderr.split(separator: "\n").last)
        let entry = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(entry["command"] as? String == "backup create")
        #expect(entry["release"] as? String == "1.4.0")
        #expect(entry["dbRole"] as? String == source.role)
        #expect(entry["outcome"] as? String == "success")

        // v1.4.0 and 1.4.0 are the same release.
        let list = try await CLI.run(["backup", "list", "--release", "v1.4.0", "--format", "json"] + common)
        let records = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(records.count == 1, "\(list.stdout)")
        let id = try #require(records.first?["id"] as? Int)
        let verify = try await CLI.run(["backup", "verify", "\(id)"] + common)
        #expect(verify.status == 0, "\(verify.stderr)")
        let restore = try await CLI.run(
            ["backup", "restore", "--release", "v1.4.0", "--to", target.appConnectionString, "--no-privileges"] + common)
        #expect(restore.status == 0, "\(restore.stderr)")
        let check = try await PostgresConnection.connect(target.app)
        #expect(try await check.query("SELECT count(*)::int8 AS n FROM items")[0].decode("n", as: Int.self) == 40)

        // Retention flags on the command line.
        let second = try await CLI.run(["backup", "create", "--release", "1.5.0"] + common)
        #expect(second.status == 0, "\(second.stderr)")
        // Both rules must agree to delete: keep the newest one, and nothing older than about 0.1 s.
        let prune = try await CLI.run(["backup", "prune", "--keep-last", "1", "--keep-days", "0.000001", "--format", "json"] + common)
        #expect(prune.status == 0, "\(prune.stderr)")
        let pruned = try #require(try JSONSerialization.jsonObject(with: Data(prune.stdout.utf8)) as? [String: Any])
        #expect((pruned["pruned"] as? [Any])?.count == 1, "\(prune.stdout)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/elsewhere/" + files[0]))

        let audit = try await setup.query("SELECT command || '=' || outcome AS c FROM slipway.audit_log ORDER BY id")
        #expect(try audit.map { try $0.decode("c", as: String.self) } == [
            "backup create=success", "backup restore=success", "backup create=success", "backup prune=success",
        ])

        // A bad SLIPWAY_LOG_FORMAT is a usage error, not silently ignored.
        let bad = try await CLI.run(["backup", "prune", "--keep-last", "1"] + common, env: ["SLIPWAY_LOG_FORMAT": "xml"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("SLIPWAY_LOG_FORMAT must be text or json"), "\(bad.stderr)")
    }
}
