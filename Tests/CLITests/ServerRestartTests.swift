import Foundation
import LocalPostgres
import PostgresClient
import Testing

/// A server crash (`pg_ctl stop -m immediate`, then start) in the middle of a backfill run by the real
/// `slipway` binary, while an old-version client keeps writing and keeps a ledger of every write the server
/// acknowledged. The runner must exit with a clear error and exit code 1, `slipway status` must show the
/// interrupted start with the progress committed before the crash, `slipway resume` must finish it, and
/// afterwards every acknowledged write is there with its new column right, and the backfill lost at most the
/// batch in flight (its cursor was committed with each batch).
///
/// Each test starts a cluster of its own (it is restarted): not the shared one of `ScratchDatabases`.
@Suite("server restart during a backfill, then status and resume", .serialized)
struct ServerRestartTests {
    static let originalRows = 40000

    @Test func crashOfTheServerMidBackfillThenResume() async throws {
        try await Self.trial(workers: 1)
    }

    @Test func crashOfTheServerMidBackfillWithTwoWorkersThenResume() async throws {
        try await Self.trial(workers: 2)
    }

    /// `restart(.fast)`: sessions are cut, committed data stays, a new postmaster serves the same socket, and
    /// `stop()` (the watchdog) still stops the restarted server and removes the directory.
    @Test func aFastRestartCutsSessionsKeepsDataAndStopStillCleansUp() async throws {
        let cluster = try await LocalPostgres.start()
        let session = try await PostgresConnection.connect(cluster.connection())
        try await session.unsafeExecuteRaw("CREATE TABLE kept (n int); INSERT INTO kept VALUES (1)")
        let pidFile = cluster.dataDirectory + "/postmaster.pid"
        let before = try String(contentsOfFile: pidFile, encoding: .utf8).split(separator: "\n").first
        try await cluster.restart(.fast)
        await #expect(throws: PostgresError.self) { try await session.query("SELECT 1 AS one") }
        await session.close()
        let after = try String(contentsOfFile: pidFile, encoding: .utf8).split(separator: "\n").first
        #expect(before != nil && after != nil && before != after)
        let again = try await PostgresConnection.connect(cluster.connection())
        #expect(try await again.query("SELECT count(*)::int8 AS n FROM kept")[0].decode("n", as: Int.self) == 1)
        await again.close()
        await cluster.stop()
        #expect(!FileManager.default.fileExists(atPath: cluster.baseDirectory))
        await #expect(throws: LocalPostgresError.self) { try await cluster.restart() }
    }

    static func trial(workers: Int) async throws {
        var options = LocalPostgres.Options()
        // Crash-safe commits (fsync stays off: the operating system does not crash, only PostgreSQL).
        options.settings["synchronous_commit"] = "on"
        let cluster = try await LocalPostgres.start(options)
        defer { Task { await cluster.stop() } }
        let admin = try await PostgresConnection.connect(cluster.connection())
        try await admin.unsafeExecuteRaw("CREATE ROLE slipway_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE")
        try await admin.unsafeExecuteRaw("CREATE DATABASE restart_test")
        try await admin.unsafeExecuteRaw("GRANT CONNECT, CREATE, TEMPORARY ON DATABASE restart_test TO slipway_app")
        await admin.close()
        let owner = try await PostgresConnection.connect(cluster.connection(database: "restart_test"))
        try await owner.unsafeExecuteRaw("GRANT USAGE, CREATE ON SCHEMA public TO slipway_app")
        await owner.close()
        let appConfiguration = cluster.connection(database: "restart_test", user: "slipway_app")
        let url = appConfiguration.connectionStringWithOverrides
        let app = try await PostgresConnection.connect(appConfiguration)
        try await app.unsafeExecuteRaw(
            """
            CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id bigint NOT NULL, status text NOT NULL);
            INSERT INTO orders (customer_id, status) SELECT g % 97, (ARRAY['pending','paid','delivered','cancelled'])[1 + g % 4]
            FROM generate_series(1, \(originalRows)) g;
            ANALYZE orders;
            """)
        await app.close()
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let migrations = directory + "/migrations"
        try FileManager.default.createDirectory(atPath: migrations, withIntermediateDirectories: true)
        try """
            operations:
              - add_column:
                  table: orders
                  column:
                    name: fulfillment_status
                    type: text
                    default: "'pending'"
                  up: CASE WHEN status = 'delivered' THEN 'completed' ELSE 'pending' END
            """.write(toFile: migrations + "/0001_fulfillment.yaml", atomically: true, encoding: .utf8)

        // The old-version writer, reconnecting across the restart.
        let ledger = WriteLedger()
        let writer = Task { await ledger.write(appConfiguration, rows: originalRows) }

        // The runner: small fixed batches, so the crash lands in the middle.
        let startOutput = directory + "/start.out"
        let pid = try ChildProcess.spawn(
            [CLI.binary, "start", "--url", url, "--migrations-dir", migrations, "--batch-size", "200", "--batch-pause", "30",
             "--workers", String(workers)],
            outputPath: startOutput, environment: KillResumeTests.environment())
        var seenBeforeCrash = 0
        for _ in 0..<300 {
            if let done = (try? await KillResumeTests.status(url, migrations))?.migrations.backfills.first?.rowsDone, done >= 3000 {
                seenBeforeCrash = done
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        guard seenBeforeCrash > 0 else {
            ChildProcess.killGroup(pid)
            ledger.stop()
            _ = await writer.value
            let output = (try? String(contentsOfFile: startOutput, encoding: .utf8)) ?? ""
            Issue.record("the backfill never showed progress; start printed:\n\(output)")
            return
        }

        // The crash: every server process quits at once; then crash recovery on start.
        try await cluster.restart(.immediate)

        // The runner ends by itself, with a clear error and exit code 1 — no hang, no crash.
        let exit = await ChildProcess.waitForExit(pid, timeout: .seconds(60))
        if exit == nil { ChildProcess.killGroup(pid) }
        let output = (try? String(contentsOfFile: startOutput, encoding: .utf8)) ?? ""
        try #require(exit != nil, "slipway start did not exit after the server restart:\n\(output)")
        #expect(exit == 1, "exit \(exit ?? -1):\n\(output)")
        #expect(output.contains("error: ") && output.contains("lost the connection to the server during the backfill"), "\(output)")
        #expect(output.contains("`slipway resume` continues from the last committed batch"), "\(output)")

        // status (another process) shows the interrupted start and the progress committed before the crash.
        let interrupted = try await KillResumeTests.status(url, migrations)
        #expect(interrupted.migrations.current?.phase == "starting")
        let backfill = try #require(interrupted.migrations.backfills.first)
        #expect(backfill.status == "running")
        #expect(backfill.rowsDone >= seenBeforeCrash && backfill.rowsDone < originalRows,
                "rows done after the crash: \(backfill.rowsDone), seen committed before it: \(seenBeforeCrash)")
        let text = try await CLI.run(["status", "--url", url, "--migrations-dir", migrations])
        #expect(text.stdout.contains("interrupted") && text.stdout.contains("running"), "\(text.stdout)")

        // The cursor was committed with its batch: behind every cursor no row is left marked, ahead of it no
        // row was backfilled (the batch in flight was rolled back) except by the writer's own updates.
        let check = try await PostgresConnection.connect(appConfiguration)
        let ranges = try await Self.ranges(check)
        #expect(ranges.count == workers)
        for range in ranges {
            let inRange = "id <= \(originalRows) AND id >= coalesce($1, 0) AND id < coalesce($2, 9223372036854775807)"
            let behind = try await check.query(PostgresQuery(
                "SELECT count(*)::int8 AS n FROM orders WHERE \(inRange) AND id <= coalesce($3, 0) AND _slipway_needs_backfill",
                parameters: [range.lower, range.upper, range.cursor]))[0].decode("n", as: Int.self)
            #expect(behind == 0, "range \(range): \(behind) rows behind the cursor still marked")
            let unmarkedAhead = try await check.query(PostgresQuery(
                "SELECT id FROM orders WHERE \(inRange) AND id > coalesce($3, 0) AND NOT _slipway_needs_backfill",
                parameters: [range.lower, range.upper, range.cursor])).map { try $0.decode("id", as: Int.self) }
            // Read after the query: every update the writer sent before it is in the list.
            let writerUpdated = Set(ledger.updatedIDs)
            let ahead = unmarkedAhead.filter { !writerUpdated.contains($0) }
            #expect(ahead.isEmpty, "range \(range): rows ahead of the cursor backfilled but not committed with it: \(ahead.prefix(20))")
        }

        // resume finishes it (the crash released the advisory lock: no --wait needed).
        let resumed = try await CLI.run(["resume", "--url", url, "--migrations-dir", migrations])
        #expect(resumed.status == 0, "\(resumed.stdout)\n\(resumed.stderr)")
        #expect(resumed.stdout.contains("resuming the backfill of orders after"), "\(resumed.stdout)")
        ledger.stop()
        let writes = await writer.value
        #expect(writes.acknowledged > 0 && writes.failedAcrossRestart > 0,
                "the writer should have written before and after the crash and seen it: \(writes)")

        let active = try await KillResumeTests.status(url, migrations)
        #expect(active.migrations.current?.phase == "active")
        #expect(active.migrations.backfills.first?.status == "done")
        #expect(try await KillResumeTests.wrongRows(check) == 0)
        // Every write the server acknowledged is there, with its new column right.
        let entries = ledger.entries
        let wrongLedger = try await check.query(
            """
            SELECT count(*)::int8 AS n FROM unnest(\(entries.map { String($0.key) })::text[], \(entries.map(\.value))::text[]) AS l(id, status)
            LEFT JOIN orders o ON o.id = l.id::int8
            WHERE o.id IS NULL OR o.status <> l.status
               OR o._slipway_new_fulfillment_status IS DISTINCT FROM CASE WHEN l.status = 'delivered' THEN 'completed' ELSE 'pending' END
            """)[0].decode("n", as: Int.self)
        #expect(!entries.isEmpty && wrongLedger == 0, "\(wrongLedger) of \(entries.count) ledger rows wrong or missing")
        // The backfill counted each original row at most once across the crash, and skipped only rows the
        // writer had already written: nothing committed was lost, nothing was done twice.
        let done = try await check.query("SELECT rows_done FROM slipway.backfills")[0].decode("rows_done", as: Int.self)
        let writerTouched = Set(ledger.updatedIDs.filter { $0 <= originalRows }).count
        #expect(done <= originalRows && done >= originalRows - writerTouched,
                "rows done \(done), original rows \(originalRows), rows the writer updated \(writerTouched)")
        await check.close()
    }

    struct Range: CustomStringConvertible {
        var lower: Int?
        var upper: Int?
        var cursor: Int?
        var description: String { "[\(lower.map(String.init) ?? "-∞"), \(upper.map(String.init) ?? "∞")) cursor \(cursor.map(String.init) ?? "none")" }
    }

    /// The worker ranges and their cursors (one open range with the `backfills` cursor for a single worker).
    static func ranges(_ connection: PostgresConnection) async throws -> [Range] {
        func first(_ values: [String]?) -> Int? { values?.first.flatMap { Int($0) } }
        let rows = try await connection.query("SELECT lower_bound, upper_bound, cursor FROM slipway.backfill_ranges ORDER BY worker")
        if rows.isEmpty {
            let cursor = try await connection.query("SELECT cursor FROM slipway.backfills")[0].decode("cursor", as: [String]?.self)
            return [Range(lower: nil, upper: nil, cursor: first(cursor))]
        }
        return try rows.map {
            Range(
                lower: first(try $0.decode("lower_bound", as: [String]?.self)),
                upper: first(try $0.decode("upper_bound", as: [String]?.self)),
                cursor: first(try $0.decode("cursor", as: [String]?.self)))
        }
    }
}

/// An old-version client's inserts and updates, and the ledger of the ones the server acknowledged.
final class WriteLedger: @unchecked Sendable {
    struct Totals: Sendable, CustomStringConvertible {
        var acknowledged = 0
        var failedAcrossRestart = 0
        var description: String { "\(acknowledged) acknowledged, \(failedAcrossRestart) failed across the restart" }
    }

    private let lock = NSLock()
    private var stopped = false
    /// id → the status last acknowledged.
    private var acknowledged: [Int: String] = [:]
    /// ids whose last write failed (it may or may not have committed).
    private var inDoubt: Set<Int> = []
    private var updated: [Int] = []

    func stop() { lock.withLock { stopped = true } }
    var isStopped: Bool { lock.withLock { stopped } }
    /// The acknowledged writes whose outcome is certain.
    var entries: [Int: String] { lock.withLock { acknowledged.filter { !inDoubt.contains($0.key) } } }
    /// Every row an update was sent for (acknowledged or not).
    var updatedIDs: [Int] { lock.withLock { updated } }

    func write(_ configuration: ConnectionConfiguration, rows: Int) async -> Totals {
        var totals = Totals()
        var connection: PostgresConnection?
        var round = 0
        while !isStopped {
            guard let session = connection else {
                connection = try? await PostgresConnection.connect(configuration.with("application_name", "old client"))
                if connection == nil { try? await Task.sleep(for: .milliseconds(100)) }
                continue
            }
            round += 1
            let status = ["pending", "paid", "delivered", "cancelled"][round % 4]
            let target = 1 + (round * 7919) % rows
            var failed = false
            if let id = try? await session.query(
                "INSERT INTO orders (customer_id, status) VALUES (\(round % 97), \(status)) RETURNING id")[0].decode("id", as: Int.self) {
                lock.withLock { acknowledged[id] = status }
                totals.acknowledged += 1
            } else {
                failed = true
            }
            if !failed {
                let next = ["delivered", "cancelled", "paid"][round % 3]
                lock.withLock { updated.append(target) }
                do {
                    try await session.query("UPDATE orders SET status = \(next) WHERE id = \(target)")
                    lock.withLock {
                        acknowledged[target] = next
                        inDoubt.remove(target)
                    }
                    totals.acknowledged += 1
                } catch {
                    lock.withLock { _ = inDoubt.insert(target) }
                    failed = true
                }
            }
            if failed {
                totals.failedAcrossRestart += 1
                await session.close()
                connection = nil
                continue
            }
            try? await Task.sleep(for: .milliseconds(5))
        }
        await connection?.close()
        return totals
    }
}
