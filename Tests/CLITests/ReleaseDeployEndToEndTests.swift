import Foundation
import LocalPostgres
import PostgresClient
import Testing

/// Issue 12 end to end: two environments (two databases), a git repository with two releases cut by
/// `slipway release cut`, deploys to staging then production with backups recorded against the right release and
/// environment, a deliberately failing migration in the second release, a restore of the first release's backup
/// into a new database, and an audit log that holds every step.
@Suite("release → deploy → backup → restore, end to end")
struct ReleaseDeployEndToEndTests {
    private func git(_ repository: String, _ arguments: [String]) async throws {
        let output = try await ChildProcess.capture(
            ["/usr/bin/env", "git", "-C", repository, "-c", "user.name=Test", "-c", "user.email=test@example.invalid",
             "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"] + arguments)
        #expect(output.status == 0, "git \(arguments) failed: \(output.stderr)")
    }

    private func write(_ text: String, _ path: String) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    private func rows(_ connection: PostgresConnection, _ sql: String) async throws -> [String] {
        try await connection.query(PostgresQuery(sql)).map { try $0.decode("r", as: String.self) }
    }

    private func columns(_ connection: PostgresConnection) async throws -> [String] {
        try await rows(connection, "SELECT column_name AS r FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'orders' ORDER BY ordinal_position")
    }

    @Test func twoReleasesToTwoEnvironmentsWithBackupsAFailureARestoreAndTheAuditLog() async throws {
        let staging = try await ScratchDatabases.shared.make(label: "e2e_staging")
        let production = try await ScratchDatabases.shared.make(label: "e2e_production")
        let restored = try await ScratchDatabases.shared.make(label: "e2e_restored")
        let repository = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: repository) }
        let backups = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: backups) }

        // The application's existing table, in both environments (production has more rows).
        var sessions: [String: PostgresConnection] = [:]
        for (name, db, count) in [("staging", staging, 120), ("production", production, 400)] {
            let session = try await PostgresConnection.connect(db.app)
            try await session.unsafeExecuteRaw(
                """
                CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, status text NOT NULL, total numeric(10,2) NOT NULL);
                INSERT INTO orders (status, total) SELECT CASE WHEN g % 3 = 0 THEN 'shipped' ELSE 'paid' END, g * 1.25
                FROM generate_series(1, \(count)) g
                """)
            sessions[name] = session
        }
        let stagingSession = try #require(sessions["staging"])
        let productionSession = try #require(sessions["production"])
        let env = ["STAGING_DATABASE_URL": staging.appConnectionString, "PRODUCTION_DATABASE_URL": production.appConnectionString]

        // The repository: configuration, then release 1.0.0 with one migration.
        try write(
            """
            [release]
            first_version = "1.0.0"

            [backup]
            directory = "\(backups)"

            [environments.staging]
            url_env = "STAGING_DATABASE_URL"
            backup_required = true
            plan_gate = "error"
            health_query = "SELECT count(*) = 0 FROM orders WHERE note IS NULL"
            health_timeout = "10s"

            [environments.production]
            url_env = "PRODUCTION_DATABASE_URL"
            """, repository + "/slipway.toml")
        try write("backups/\n", repository + "/.gitignore")
        try await git(repository, ["init", "-q", "-b", "main"])
        try await git(repository, ["add", "."])
        try await git(repository, ["commit", "-q", "-m", "chore: configure slipway"])
        try write(
            "operations:\n  - add_column:\n      table: orders\n      column:\n        name: note\n        type: text\n        nullable: true\n      up: \"'imported'\"\n",
            repository + "/migrations/0001_order_note.yaml")
        try await git(repository, ["add", "."])
        try await git(repository, ["commit", "-q", "-m", "feat: order notes"])
        let cut1 = try await CLI.run(["release", "cut", "--repo", repository])
        #expect(cut1.status == 0, "\(cut1.stdout)\n\(cut1.stderr)")
        #expect(FileManager.default.fileExists(atPath: repository + "/migrations/releases/1.0.0.json"))

        // What production holds before 1.0.0 touches it: the restore must bring back exactly this.
        let productionBefore = try await rows(productionSession, "SELECT id || ':' || status || ':' || total AS r FROM orders ORDER BY id")
        #expect(productionBefore.count == 400)

        // Production deploys from an "image": the migrations and slipway.toml copied without any git history.
        let image = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: image) }
        try FileManager.default.copyItem(atPath: repository + "/migrations", toPath: image + "/migrations")
        try FileManager.default.copyItem(atPath: repository + "/slipway.toml", toPath: image + "/slipway.toml")
        #expect(!FileManager.default.fileExists(atPath: image + "/.git"))

        // Deploy 1.0.0 to staging, then production (with JSON audit lines on stderr).
        for name in ["staging", "production"] {
            let deploy = try await CLI.run(
                ["deploy", "--env", name, "--release", "1.0.0", "--log-format", "json"], env: env,
                directory: name == "production" ? image : repository)
            #expect(deploy.status == 0, "\(name): \(deploy.stdout)\n\(deploy.stderr)")
            #expect(deploy.stdout.contains("manifest: ok") && deploy.stdout.contains("backup: ok") && deploy.stdout.contains("complete: ok"), "\(deploy.stdout)")
            let lines = deploy.stderr.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
            #expect(lines.map { $0["command"] as? String ?? "" }.contains("deploy:backup"), "\(deploy.stderr)")
            #expect(lines.allSatisfy { $0["dbRole"] as? String == staging.role && $0["environment"] as? String == name && $0["release"] as? String == "1.0.0" }, "\(deploy.stderr)")
        }
        #expect(try await columns(stagingSession) == ["id", "status", "total", "note"])
        #expect(try await columns(productionSession) == ["id", "status", "total", "note"])
        #expect(try await rows(productionSession, "SELECT count(*)::text AS r FROM orders WHERE note = 'imported'") == ["400"])

        // A rerun of the same release has nothing left to do: the files are already applied.
        let again = try await CLI.run(["deploy", "--env", "staging", "--release", "v1.0.0"], env: env, directory: repository)
        #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
        #expect(again.stdout.contains("1 already applied (skipped)") && again.stdout.contains("already deployed"), "\(again.stdout)")

        // Production keeps taking orders after 1.0.0.
        try await productionSession.unsafeExecuteRaw("INSERT INTO orders (status, total, note) VALUES ('paid', 99.99, 'after 1.0.0')")

        // Release 1.1.0: a good migration and a deliberately failing one.
        try write(
            "operations:\n  - add_column:\n      table: orders\n      column:\n        name: priority\n        type: integer\n        nullable: true\n      up: \"0\"\n",
            repository + "/migrations/0002_order_priority.yaml")
        try write(
            "operations:\n  - sql:\n      up: ALTER TABLE no_such_table ADD COLUMN broken integer\n      down: ALTER TABLE no_such_table DROP COLUMN broken\n",
            repository + "/migrations/0003_broken.yaml")
        try await git(repository, ["add", "."])
        try await git(repository, ["commit", "-q", "-m", "feat: order priority"])
        let cut2 = try await CLI.run(["release", "cut", "--repo", repository])
        #expect(cut2.status == 0, "\(cut2.stdout)\n\(cut2.stderr)")
        let manifest = try String(contentsOfFile: repository + "/migrations/releases/1.1.0.json", encoding: .utf8)
        #expect(manifest.contains("0002_order_priority.yaml") && manifest.contains("0003_broken.yaml") && !manifest.contains("0001"))

        // A database that never got 1.0.0 must take it first: the deploy refuses before anything else and says so.
        let fresh = try await ScratchDatabases.shared.make(label: "e2e_fresh")
        let freshSession = try await PostgresConnection.connect(fresh.app)
        try await freshSession.unsafeExecuteRaw("CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, status text NOT NULL, total numeric(10,2) NOT NULL)")
        // (Started from another directory: the manifest is found next to the migrations.)
        let elsewhere = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: elsewhere) }
        let skipping = try await CLI.run(
            ["deploy", "--url", fresh.appConnectionString, "--release", "1.1.0", "--migrations-dir", repository + "/migrations",
             "--config", repository + "/slipway.toml"],
            directory: elsewhere)
        #expect(skipping.status == 3, "\(skipping.stdout)\n\(skipping.stderr)")
        #expect(skipping.stderr.contains("migrations of an earlier release are not deployed yet: 0001_order_note (release 1.0.0)"), "\(skipping.stderr)")
        #expect(skipping.stderr.contains("next: slipway deploy --release 1.0.0"), "\(skipping.stderr)")
        #expect(try await columns(freshSession) == ["id", "status", "total"])
        #expect(try await rows(freshSession, "SELECT (to_regclass('slipway.backups') IS NULL)::text AS r") == ["true"])

        let failed = try await CLI.run(["deploy", "--env", "staging", "--release", "1.1.0"], env: env, directory: repository)
        #expect(failed.status != 0, "\(failed.stdout)\n\(failed.stderr)")
        #expect(failed.stdout.contains("backup: ok") && failed.stdout.contains("start: failed"), "\(failed.stdout)")
        #expect(failed.stderr.contains("no_such_table"), "\(failed.stderr)")
        #expect(failed.stderr.contains("left: start, health-gate, complete"), "\(failed.stderr)")
        #expect(failed.stderr.contains("slipway deploy --env staging --release 1.1.0"), "\(failed.stderr)")
        // The schema is consistent: the old shape is intact and usable, and whatever the failed start left is
        // either nothing or a version that can be rolled back to exactly that shape.
        #expect(try await rows(stagingSession, "SELECT count(*)::text AS r FROM orders WHERE note = 'imported'") == ["120"])
        let rollback = try await CLI.run(["rollback", "--env", "staging"], env: env, directory: repository)
        let phases = try await rows(stagingSession, "SELECT name || '=' || phase AS r FROM slipway.versions ORDER BY started_at")
        #expect(phases.first?.hasSuffix("=completed") == true && !phases.contains { $0.hasSuffix("=active") || $0.hasSuffix("=starting") },
                "\(phases); rollback: \(rollback.stdout)\n\(rollback.stderr)")
        #expect(try await columns(stagingSession) == ["id", "status", "total", "note"])
        let status = try await CLI.run(["status", "--env", "staging", "--format", "json"], env: env, directory: repository)
        #expect(status.stdout.contains("0002_order_priority") && status.stdout.contains("0003_broken"), "\(status.stdout)")

        // Backups: one per deploy that reached the backup step, each against its release and environment.
        let list = try await CLI.run(["backup", "list", "--env", "staging", "--format", "json"], env: env, directory: repository)
        #expect(list.status == 0, "\(list.stderr)")
        let stagingBackups = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(stagingBackups.map { $0["release"] as? String ?? "" }.sorted() == ["1.0.0", "1.1.0"], "\(list.stdout)")
        #expect(stagingBackups.allSatisfy { $0["environment"] as? String == "staging" && $0["verified"] as? Bool == true })
        let productionList = try await CLI.run(
            ["backup", "list", "--env", "production", "--release", "v1.0.0", "--format", "json"], env: env, directory: repository)
        let productionBackups = try #require(try JSONSerialization.jsonObject(with: Data(productionList.stdout.utf8)) as? [[String: Any]])
        #expect(productionBackups.count == 1 && productionBackups.first?["environment"] as? String == "production", "\(productionList.stdout)")

        // "Restore what production had before 1.0.0" into a new database: every row, every value.
        let restore = try await CLI.run(
            ["backup", "restore", "--env", "production", "--release", "v1.0.0", "--to", restored.appConnectionString],
            env: env, directory: repository)
        #expect(restore.status == 0, "\(restore.stdout)\n\(restore.stderr)")
        let check = try await PostgresConnection.connect(restored.app)
        #expect(try await columns(check) == ["id", "status", "total"])
        #expect(try await rows(check, "SELECT id || ':' || status || ':' || total AS r FROM orders ORDER BY id") == productionBefore)
        // Production itself was not touched by the restore.
        #expect(try await rows(productionSession, "SELECT count(*)::text AS r FROM orders") == ["401"])

        // The audit log holds every step, against release and environment.
        let audit = try await CLI.run(["history", "--audit", "--env", "staging", "--limit", "200", "--format", "json"], env: env, directory: repository)
        #expect(audit.status == 0, "\(audit.stderr)")
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [[String: Any]])
        func steps(_ release: String) -> [String] {
            entries.reversed().filter { $0["release"] as? String == release && $0["environment"] as? String == "staging" }
                .map { "\($0["command"] as? String ?? "")=\($0["outcome"] as? String ?? "")" }
        }
        #expect(steps("1.0.0") == [
            "deploy:manifest=success", "deploy:plan-gate=success", "deploy:backup=success", "deploy:start=success",
            "deploy:health-gate=success", "deploy:complete=success", "deploy=success",
        ], "\(steps("1.0.0"))")
        #expect(steps("v1.0.0") == ["deploy:manifest=success", "deploy:start=skipped", "deploy=success"], "\(steps("v1.0.0"))")
        #expect(steps("1.1.0") == [
            "deploy:manifest=success", "deploy:plan-gate=success", "deploy:backup=success", "deploy:start=failure", "deploy=failure",
        ], "\(steps("1.1.0"))")
        #expect(entries.contains { $0["command"] as? String == "rollback" })
        #expect(entries.allSatisfy { $0["dbRole"] as? String == staging.role })
        let productionAudit = try await productionSession.query(
            "SELECT command FROM slipway.audit_log WHERE command = 'backup restore' AND release = 'v1.0.0' AND outcome = 'success'")
        #expect(productionAudit.count == 1)
        let text = try await CLI.run(["history", "--audit", "--env", "production"], env: env, directory: repository)
        #expect(text.stdout.contains("deploy:backup  success") && text.stdout.contains("release 1.0.0"), "\(text.stdout)")
    }

}
