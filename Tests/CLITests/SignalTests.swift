import Foundation
import LocalPostgres
import PostgresClient
import Testing

/// SIGINT and SIGTERM sent to a real `slipway start` mid-backfill while an old-version client keeps writing.
@Suite("SIGINT/SIGTERM stop a run cleanly")
struct SignalTests {
    /// The first signal: the batch in flight commits, the lock is released, the run says where it stopped
    /// and what to run next, and exits 130 (SIGINT) or 143 (SIGTERM); `resume` and `complete` then finish
    /// with every ledger row right.
    @Test(arguments: [SIGINT, SIGTERM])
    func signalStopsAfterTheBatchAndResumeFinishes(_ signalNumber: Int32) async throws {
        let rows = 20000
        let (db, app, directory, migrations) = try await KillResumeTests.ordersWithMigration(label: "signal", rows: rows)
        let url = db.appConnectionString
        let writer = try await LedgerWriter.start(db.app, originalRows: rows)
        let log = directory + "/start.out"
        let pid = try spawnSlipway(
            ["start", "--url", url, "--migrations-dir", migrations, "--batch-size", "200", "--batch-pause", "100"], outputPath: log)
        let progressed = await waitForStatus(url, migrations) { ($0.migrations.backfills.first?.rowsDone ?? 0) > 0 }
        kill(pid, signalNumber)
        let code = await ChildProcess.waitForExit(pid, timeout: .seconds(30))
        let text = output(log)
        #expect(progressed, "no progress: \(text)")
        #expect(code == 128 + signalNumber, "exit \(String(describing: code)): \(text)")
        let name = signalNumber == SIGINT ? "SIGINT" : "SIGTERM"
        #expect(text.contains("\(name): stopping after the step or batch in flight commits"), "\(text)")
        #expect(text.contains("interrupted by \(name) between two batches of the backfill of orders"), "\(text)")
        #expect(text.contains("version 0001_fulfillment is starting"), "\(text)")
        #expect(text.contains("the migration lock is released"), "\(text)")
        #expect(text.contains("next: `slipway resume` to continue, or `slipway rollback` to undo"), "\(text)")

        // status tells the truth: starting, the backfill part-way, its last error says why it stopped.
        let status = try await KillResumeTests.status(url, migrations)
        #expect(status.migrations.current?.phase == "starting")
        let done = status.migrations.backfills.first?.rowsDone ?? 0
        #expect(done > 0 && done < rows, "rows done: \(done)")
        let textStatus = try await CLI.run(["status", "--url", url, "--migrations-dir", migrations])
        #expect(textStatus.stdout.contains("starting"), "\(textStatus.stdout)")
        // The audit log records the exit code.
        let audit = try await app.query(
            "SELECT exit_code::int8 AS c FROM slipway.audit_log WHERE command = 'start' ORDER BY id DESC LIMIT 1")
        #expect(try audit.first?.decode("c", as: Int.self) == Int(128 + signalNumber))

        // The lock is free: resume without --wait proceeds at once, then complete.
        let resumed = try await CLI.run(["resume", "--url", url, "--migrations-dir", migrations])
        #expect(resumed.status == 0, "\(resumed.stdout)\n\(resumed.stderr)")
        #expect(resumed.stdout.contains("resuming the backfill of orders"), "\(resumed.stdout)")
        // The writer stops before complete: afterwards old clients no longer exist (their writes would not
        // maintain the new column any more).
        await writer.stop()
        #expect(try await KillResumeTests.wrongRows(app) == 0)
        let completed = try await CLI.run(["complete", "--url", url, "--migrations-dir", migrations])
        #expect(completed.status == 0, "\(completed.stdout)\n\(completed.stderr)")
        #expect(writer.errors.isEmpty, "\(writer.errors.prefix(3))")
        #expect(try await writer.verify(app, originalRows: rows) == [])
        #expect(try await app.query(
            """
            SELECT count(*)::int8 AS n FROM orders
            WHERE fulfillment_status IS DISTINCT FROM CASE WHEN status = 'delivered' THEN 'completed' ELSE 'pending' END
            """)[0].decode("n", as: Int.self) == 0)
        await app.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A batch stuck behind a lock: after the grace period the statement is cancelled (`PQcancel`), the
    /// transaction rolls back, and the run exits 143 well before its 30 s lock timeout.
    @Test func aStuckStatementIsCancelledAfterTheGracePeriod() async throws {
        let rows = 5000
        let (db, app, directory, migrations) = try await KillResumeTests.ordersWithMigration(label: "signal_stuck", rows: rows)
        let url = db.appConnectionString
        let log = directory + "/start.out"
        let pid = try spawnSlipway(
            ["start", "--url", url, "--migrations-dir", migrations, "--batch-size", "100", "--batch-pause", "100",
             "--lock-timeout", "30000"], outputPath: log)
        #expect(await waitForStatus(url, migrations) { ($0.migrations.backfills.first?.rowsDone ?? 0) > 0 }, "\(output(log))")
        let blocker = try await PostgresConnection.connect(db.admin)
        try await blocker.unsafeExecuteRaw("BEGIN; LOCK TABLE orders IN EXCLUSIVE MODE")
        try await Task.sleep(for: .milliseconds(400))  // the next batch is now waiting for the lock
        let sent = ContinuousClock.now
        kill(pid, SIGTERM)
        let code = await ChildProcess.waitForExit(pid, timeout: .seconds(25))
        let elapsed = ContinuousClock.now - sent
        let text = output(log)
        #expect(code == 143, "exit \(String(describing: code)): \(text)")
        #expect(elapsed < .seconds(15), "took \(elapsed)")
        #expect(text.contains("interrupted by SIGTERM after cancelling the statement in flight"), "\(text)")
        try await blocker.unsafeExecuteRaw("ROLLBACK")
        await blocker.close()
        let status = try await KillResumeTests.status(url, migrations)
        #expect(status.migrations.current?.phase == "starting")
        let resumed = try await CLI.run(["resume", "--url", url, "--migrations-dir", migrations])
        #expect(resumed.status == 0, "\(resumed.stdout)\n\(resumed.stderr)")
        #expect(try await KillResumeTests.wrongRows(app) == 0)
        await app.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// `deploy` stops the same way: exit 143 on SIGTERM, and the next step names the deploy rerun too; a rerun
    /// continues the interrupted start and completes.
    @Test func deployStopsCleanlyOnSigterm() async throws {
        let (db, app, directory, migrations) = try await KillResumeTests.ordersWithMigration(label: "signal_deploy", rows: 20000)
        let url = db.appConnectionString
        let log = directory + "/deploy.out"
        let arguments = ["deploy", "--url", url, "--migrations-dir", migrations, "--batch-size", "200", "--batch-pause", "100"]
        let pid = try spawnSlipway(arguments, outputPath: log)
        #expect(await waitForStatus(url, migrations) { ($0.migrations.backfills.first?.rowsDone ?? 0) > 0 }, "\(output(log))")
        kill(pid, SIGTERM)
        let code = await ChildProcess.waitForExit(pid, timeout: .seconds(30))
        let text = output(log)
        #expect(code == 143, "exit \(String(describing: code)): \(text)")
        #expect(text.contains("interrupted by SIGTERM between two batches of the backfill of orders"), "\(text)")
        #expect(text.contains("(or rerun the same `slipway deploy` command)"), "\(text)")
        #expect(try await KillResumeTests.status(url, migrations).migrations.current?.phase == "starting")
        let rerun = try await CLI.run(Array(arguments.prefix(5)), directory: directory)
        #expect(rerun.status == 0, "\(rerun.stdout)\n\(rerun.stderr)")
        #expect(try await KillResumeTests.status(url, migrations).migrations.current?.phase == "completed")
        await app.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A second signal exits at once (130), and the state is still consistent: resume finishes.
    @Test func aSecondSignalExitsAtOnce() async throws {
        let rows = 20000
        let (db, app, directory, migrations) = try await KillResumeTests.ordersWithMigration(label: "signal_twice", rows: rows)
        let url = db.appConnectionString
        let log = directory + "/start.out"
        let pid = try spawnSlipway(
            ["start", "--url", url, "--migrations-dir", migrations, "--batch-size", "200", "--batch-pause", "200",
             "--workers", "2"], outputPath: log)
        #expect(await waitForStatus(url, migrations) { ($0.migrations.backfills.first?.rowsDone ?? 0) > 0 }, "\(output(log))")
        kill(pid, SIGINT)
        kill(pid, SIGINT)
        let code = await ChildProcess.waitForExit(pid, timeout: .seconds(20))
        let text = output(log)
        #expect(code == 130, "exit \(String(describing: code)): \(text)")
        let status = try await KillResumeTests.status(url, migrations)
        #expect(["starting", "active"].contains(status.migrations.current?.phase ?? ""))
        if status.migrations.current?.phase == "starting" {
            let resumed = try await CLI.run(["resume", "--wait", "--url", url, "--migrations-dir", migrations])
            #expect(resumed.status == 0, "\(resumed.stdout)\n\(resumed.stderr)")
        }
        #expect(try await KillResumeTests.wrongRows(app) == 0)
        await app.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
