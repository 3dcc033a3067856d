import Foundation
import LocalPostgres
import PostgresClient
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Each way a deploy can go wrong before DDL stops it with a clear error and leaves the schema as it was; the
/// health gate (after start) refuses complete; hanging checks are killed at the timeout.
@Suite("slipway deploy failure modes")
struct DeployFailureModeTests {
    /// A project directory with one migration (adds `orders.note`) and a slipway.toml for `staging`.
    struct Project {
        var db: ScratchDatabase
        var directory: String
        var setup: PostgresConnection

        var arguments: [String] {
            ["deploy", "--env", "staging", "--config", directory + "/slipway.toml", "--migrations-dir", directory + "/migrations"]
        }
        var env: [String: String] { ["STAGING_DATABASE_URL": db.appConnectionString] }

        /// The public columns and the number of versions ever started.
        func shape() async throws -> (columns: String, versions: Int) {
            let columns = try await setup.query(
                """
                SELECT coalesce(string_agg(table_name || '.' || column_name, ',' ORDER BY table_name, column_name), '') AS c
                FROM information_schema.columns WHERE table_schema = 'public'
                """)[0].decode("c", as: String.self)
            let hasVersions = try await setup.query("SELECT to_regclass('slipway.versions') IS NOT NULL AS e")[0].decode("e", as: Bool.self)
            let versions = hasVersions
                ? try await setup.query("SELECT count(*)::int8 AS n FROM slipway.versions")[0].decode("n", as: Int.self) : 0
            return (columns, versions)
        }

        func expectUnchanged(_ before: (columns: String, versions: Int), _ result: ChildProcess.Output) async throws {
            let after = try await shape()
            #expect(after.columns == before.columns, "the schema changed: \(result.stdout)\n\(result.stderr)")
            #expect(after.columns.contains("orders.status") && !after.columns.contains("orders.note"))
            #expect(after.versions == 0, "a version was started")
        }
    }

    private func project(label: String, toml: String, migration: String? = nil, rows: Int = 200) async throws -> Project {
        let db = try await ScratchDatabases.shared.make(label: label)
        let setup = try await PostgresConnection.connect(db.app)
        try await setup.unsafeExecuteRaw(
            """
            CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, status text NOT NULL, payload text);
            INSERT INTO orders (status, payload) SELECT 'paid', md5(g::text) || md5((g * 7)::text) FROM generate_series(1, \(rows)) g
            """)
        let directory = try CLI.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory + "/migrations", withIntermediateDirectories: true)
        try (migration ?? """
            operations:
              - add_column:
                  table: orders
                  column:
                    name: note
                    type: text
                    nullable: true
                  up: "'imported'"
            """).write(toFile: directory + "/migrations/0001_note.yaml", atomically: true, encoding: .utf8)
        try toml.replacingOccurrences(of: "$DIR", with: directory)
            .write(toFile: directory + "/slipway.toml", atomically: true, encoding: .utf8)
        return Project(db: db, directory: directory, setup: setup)
    }

    private static let staging = """

        [environments.staging]
        url_env = "STAGING_DATABASE_URL"
        backup_required = true
        """

    @Test func aFailingBackupCommandStopsBeforeDDL() async throws {
        let project = try await project(label: "fail_cmd", toml: """
            [backup]
            mode = "command"
            directory = "$DIR/backups"
            command = "echo 'upload refused: bucket is read-only' >&2; exit 3"
            """ + Self.staging)
        defer { try? FileManager.default.removeItem(atPath: project.directory) }
        let before = try await project.shape()
        let result = try await CLI.run(project.arguments, env: project.env)
        #expect(result.status == 1, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stderr.contains("the backup failed, nothing was changed"), "\(result.stderr)")
        #expect(result.stderr.contains("upload refused"), "\(result.stderr)")
        #expect(result.stdout.contains("backup: failed"))
        try await project.expectUnchanged(before, result)
        // Recorded as a failed backup and a failed deploy step.
        let steps = try await project.setup.query("SELECT command, outcome FROM slipway.audit_log ORDER BY id")
        let pairs = try steps.map { "\(try $0.decode("command", as: String.self))=\(try $0.decode("outcome", as: String.self))" }
        #expect(pairs == ["deploy:backup=failure", "deploy=failure"], "\(pairs)")
    }

    @Test func anUnwritableBackupDirectoryStopsBeforeDDL() async throws {
        // A directory below a regular file cannot be created, not even by root.
        let project = try await project(label: "fail_dir", toml: """
            [backup]
            directory = "$DIR/not-a-directory/backups"
            """ + Self.staging)
        defer { try? FileManager.default.removeItem(atPath: project.directory) }
        try "a file\n".write(toFile: project.directory + "/not-a-directory", atomically: true, encoding: .utf8)
        let before = try await project.shape()
        let result = try await CLI.run(project.arguments, env: project.env)
        #expect(result.status != 0)
        #expect(result.stderr.contains("the backup failed, nothing was changed"), "\(result.stderr)")
        #expect(result.stderr.contains("not-a-directory"), "\(result.stderr)")
        try await project.expectUnchanged(before, result)
    }

    @Test func aFullDiskOnASizeLimitedTmpfsStopsBeforeDDL() async throws {
        let project = try await project(label: "fail_tmpfs", toml: """
            [backup]
            directory = "$DIR/small"
            """ + Self.staging, rows: 20_000)
        defer { try? FileManager.default.removeItem(atPath: project.directory) }
        let mountPoint = project.directory + "/small"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let mount = try await ChildProcess.capture(["/usr/bin/env", "mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mountPoint])
        guard mount.status == 0 else {
            print("skipped aFullDiskOnASizeLimitedTmpfsStopsBeforeDDL: mounting a tmpfs is not permitted here (\(mount.stderr.trimmingCharacters(in: .whitespacesAndNewlines)))")
            return
        }
        defer { _ = umount2(mountPoint, Int32(MNT_DETACH)) }
        let before = try await project.shape()
        let result = try await CLI.run(project.arguments, env: project.env)
        #expect(result.status != 0)
        #expect(result.stderr.contains("the backup failed, nothing was changed"), "\(result.stderr)")
        #expect(result.stderr.contains("No space left on device") || result.stderr.contains("full"), "\(result.stderr)")
        #expect(result.stderr.contains("disk full"), "the hint should say the disk is full: \(result.stderr)")
        try await project.expectUnchanged(before, result)
        // The partial archive was removed.
        let left = try FileManager.default.contentsOfDirectory(atPath: mountPoint).filter { $0.hasSuffix(".dump") || $0.contains("partial") }
        #expect(left.isEmpty, "\(left)")
    }

    @Test func aFileSizeLimitOnPgDumpStopsBeforeDDL() async throws {
        // RLIMIT_FSIZE (ulimit -f) simulates a full disk anywhere, without privileges.
        let binaries = try PostgresBinaries.locate()
        let project = try await project(label: "fail_fsize", toml: """
            [backup]
            directory = "$DIR/backups"
            pg_dump_path = "$DIR/limited/pg_dump"
            """ + Self.staging, rows: 2_000)
        defer { try? FileManager.default.removeItem(atPath: project.directory) }
        let limited = project.directory + "/limited"
        try FileManager.default.createDirectory(atPath: limited, withIntermediateDirectories: true)
        // 16 blocks of 512 bytes: pg_dump's writes past 8 KiB fail with EFBIG ("File too large").
        try "#!/bin/sh\ntrap '' XFSZ\nulimit -f 16\nexec '\(binaries.path("pg_dump"))' \"$@\"\n"
            .write(toFile: limited + "/pg_dump", atomically: true, encoding: .utf8)
        chmod(limited + "/pg_dump", 0o755)
        // A script just written can fail to start for a moment (ETXTBSY: a process forked meanwhile by a parallel
        // test inherited the descriptor it was written through); wait until it runs.
        for _ in 0..<40 {
            if (try? await ChildProcess.capture([limited + "/pg_dump", "--version"]))?.status == 0 { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        try FileManager.default.createSymbolicLink(atPath: limited + "/pg_restore", withDestinationPath: binaries.path("pg_restore"))
        let before = try await project.shape()
        let result = try await CLI.run(project.arguments, env: project.env)
        #expect(result.status != 0)
        #expect(result.stderr.contains("the backup failed, nothing was changed"), "\(result.stderr)")
        #expect(result.stderr.contains("File too large"), "\(result.stderr)")
        #expect(result.stderr.contains("disk full"), "the hint should say the disk is full: \(result.stderr)")
        try await project.expectUnchanged(before, result)
    }

    @Test func aFailingPlanGateStopsBeforeTheBackupAndDDL() async throws {
        let project = try await project(label: "fail_plan", toml: """
            [backup]
            directory = "$DIR/backups"

            [environments.staging]
            url_env = "STAGING_DATABASE_URL"
            plan_gate = "error"
            """, migration: "operations:\n  - sql:\n      up: CREATE INDEX orders_status_idx ON orders (status)\n      down: DROP INDEX orders_status_idx\n")
        defer { try? FileManager.default.removeItem(atPath: project.directory) }
        let before = try await project.shape()
        let result = try await CLI.run(project.arguments, env: project.env)
        #expect(result.status == 5, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stderr.contains("the plan gate (error) failed, nothing was changed"), "\(result.stderr)")
        #expect(result.stderr.contains("require-concurrent-index"), "\(result.stderr)")
        try await project.expectUnchanged(before, result)
        let indexes = try await project.setup.query("SELECT count(*)::int8 AS n FROM pg_indexes WHERE indexname = 'orders_status_idx'")
        #expect(try indexes[0].decode("n", as: Int.self) == 0)
        // No backup was taken either: the gate comes first.
        #expect(!FileManager.default.fileExists(atPath: project.directory + "/backups"))
    }

    @Test func aFailingHealthQueryLeavesTheVersionActiveAndCompleteIsRefused() async throws {
        // The query reads the new column through the version schema: every row has note = 'imported', so the
        // "no imported rows" check fails.
        let project = try await project(label: "fail_query", toml: """
            [backup]
            mode = "none"

            [environments.staging]
            url_env = "STAGING_DATABASE_URL"
            health_query = "SELECT count(*) = 0 FROM orders WHERE note = 'imported'"
            health_timeout = "10s"
            """)
        defer { try? FileManager.default.removeItem(atPath: project.directory) }
        let result = try await CLI.run(project.arguments, env: project.env)
        #expect(result.status == 5, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stderr.contains("the health query returned 'f'"), "\(result.stderr)")
        #expect(result.stderr.contains("stays active"), "\(result.stderr)")
        #expect(result.stderr.contains("left: health-gate, complete"), "\(result.stderr)")
        let phase = try await project.setup.query("SELECT phase FROM slipway.versions")
        #expect(try phase[0].decode("phase", as: String.self) == "active")

        let complete = try await CLI.run(
            ["complete", "--env", "staging", "--config", project.directory + "/slipway.toml", "--migrations-dir", project.directory + "/migrations"],
            env: project.env)
        #expect(complete.status == 5, "\(complete.stdout)\n\(complete.stderr)")
        #expect(complete.stderr.contains("complete refused"), "\(complete.stderr)")
        let still = try await project.setup.query("SELECT phase FROM slipway.versions")
        #expect(try still[0].decode("phase", as: String.self) == "active")
        let audit = try await project.setup.query("SELECT command, outcome FROM slipway.audit_log WHERE command = 'complete'")
        #expect(try audit.map { try $0.decode("outcome", as: String.self) } == ["failure"])
    }

    /// Deploys with a health gate that hangs and a 2 s timeout; checks the deploy failed with `message` soon
    /// after, that the gate step took about the timeout, and that the version stays active.
    private func deployWithHangingGate(label: String, gate: String, message: String) async throws -> Project {
        let project = try await project(label: label, toml: """
            [backup]
            mode = "none"

            [environments.staging]
            url_env = "STAGING_DATABASE_URL"
            \(gate)
            health_timeout = "2s"
            """)
        let start = ContinuousClock.now
        let result = try await CLI.run(project.arguments, env: project.env, timeout: .seconds(90))
        let elapsed = ContinuousClock.now - start
        #expect(result.status == 5, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(elapsed < .seconds(40), "took \(elapsed)")
        // The gate itself took about the timeout (recorded as the deploy:health-gate step).
        let gateRows = try await project.setup.query(
            "SELECT extract(epoch FROM finished_at - started_at)::float8 AS s FROM slipway.audit_log WHERE command = 'deploy:health-gate'")
        let seconds = try gateRows[0].decode("s", as: Double.self)
        #expect(seconds >= 1.9 && seconds < 8, "the health gate took \(seconds) s")
        let phase = try await project.setup.query("SELECT phase FROM slipway.versions")
        #expect(try phase[0].decode("phase", as: String.self) == "active")
        return project
    }

    @Test func aHangingHealthCommandIsKilledWithItsBackgroundJobsAtTheTimeout() async throws {
        let project = try await deployWithHangingGate(
            label: "hang_cmd", gate: "health_check = \"sleep 120 & echo $! > '$DIR/background.pid'; wait\"",
            message: "did not finish within 2s and was killed")
        defer { try? FileManager.default.removeItem(atPath: project.directory) }
        // The backgrounded sleep died with the shell (its process group was killed).
        let pidText = try String(contentsOfFile: project.directory + "/background.pid", encoding: .utf8)
        let pid = try #require(Int32(pidText.trimmingCharacters(in: .whitespacesAndNewlines)))
        var alive = true
        for _ in 0..<50 {
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            let state = stat.split(separator: ")").last?.split(separator: " ").first
            if stat.isEmpty || state == "Z" || !stat.contains("(sleep)") { alive = false; break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(!alive, "the background sleep \(pid) survived the timeout")
    }

    @Test func aHangingHealthQueryIsCancelledAtTheTimeout() async throws {
        let project = try await deployWithHangingGate(
            label: "hang_query", gate: "health_query = \"SELECT pg_sleep(120) IS NOT NULL\"",
            message: "did not finish within 2s and was cancelled")
        defer { try? FileManager.default.removeItem(atPath: project.directory) }
        // Nothing is left running on the server.
        let sleeping = try await project.setup.query(
            "SELECT count(*)::int8 AS n FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(120)%' AND state = 'active'")
        #expect(try sleeping[0].decode("n", as: Int.self) == 0)
    }
}
