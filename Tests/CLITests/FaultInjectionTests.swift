import Foundation
import LocalPostgres
import PostgresClient
import Testing

/// `kill -9` of a real `slipway` runner at every phase boundary and at random points, and
/// `pg_terminate_backend` of its connections, while an old-version client keeps writing and keeps a ledger:
/// afterwards `status` tells the truth, and `resume` or `rollback` reaches a consistent end state with every
/// ledger row present and correct. Seven trials (one per fault) by default; with SLIPWAY_LONG_TESTS=1, eight
/// rounds of all seven (56 trials).
@Suite("fault injection: kill -9 and pg_terminate_backend at every phase boundary")
struct FaultInjectionTests {
    enum Fault: String, CaseIterable {
        /// After start's DDL (column, trigger), before the backfill's first statement.
        case beforeBackfill
        /// Between or during backfill batches, after a random delay.
        case midBackfill
        /// After the backfill finished, before the NOT NULL check is validated.
        case beforeValidation
        /// While `complete` runs its steps.
        case duringComplete
        /// While `rollback` runs its steps.
        case duringRollback
        /// At a random time after `start` was launched (anywhere: connecting, DDL, backfill, after).
        case randomPoint
        /// `pg_terminate_backend` of one of the runner's connections (session, backfill worker, lock monitor).
        case terminateBackend
    }

    static let rows = 4000
    static let migration = """
        operations:
          - add_column:
              table: orders
              column:
                name: fulfillment_status
                type: text
                nullable: false
                default: "'pending'"
              up: CASE WHEN status = 'delivered' THEN 'completed' ELSE 'pending' END
        """

    @Test func killAtEveryPhaseBoundaryAndAtRandomPoints() async throws {
        let long = ProcessInfo.processInfo.environment["SLIPWAY_LONG_TESTS"] == "1"
        let rounds = long ? 8 : 1
        let started = ContinuousClock.now
        var outcomes: [String: Int] = [:]
        var trial = 0
        for _ in 0..<rounds {
            for fault in Fault.allCases {
                let outcome = try await Self.trial(fault, index: trial)
                outcomes["\(fault.rawValue) → \(outcome)", default: 0] += 1
                trial += 1
            }
        }
        let elapsed = ContinuousClock.now - started
        print("fault injection: \(trial) trials in \(elapsed):")
        for (key, count) in outcomes.sorted(by: { $0.key < $1.key }) { print("  \(count)× \(key)") }
        #expect(trial >= (long ? 50 : 7))
    }

    /// One trial: a fresh database, the writer, the fault, the checks, the recovery. Returns
    /// "<phase after the fault> → <end phase>".
    static func trial(_ fault: Fault, index: Int) async throws -> String {
        let (db, app, directory, migrations) = try await KillResumeTests.ordersWithMigration(
            label: "fault_\(index)", rows: rows, migration: migration)
        let admin = try await PostgresConnection.connect(db.admin)
        let url = db.appConnectionString
        let common = ["--url", url, "--migrations-dir", migrations]
        let slow = ["--batch-size", "100", "--batch-pause", "15"]
        let log = directory + "/fault.out"
        let writer = try await LedgerWriter.start(db.app, originalRows: rows)
        let context = "trial \(index) (\(fault.rawValue))"

        var expected: Set<String?>
        switch fault {
        case .beforeBackfill:
            // The state schema first (a start with nothing pending creates it and exits 6), then hold its
            // backfills table so the backfill's first write waits, right after the DDL.
            let empty = directory + "/empty"
            try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
            let nothing = try await CLI.run(["start", "--url", url, "--migrations-dir", empty])
            #expect(nothing.status == 6, "\(context): \(nothing.stderr)")
            try await admin.unsafeExecuteRaw("BEGIN; LOCK TABLE slipway.backfills IN EXCLUSIVE MODE")
            let pid = try spawnSlipway(["start"] + common + slow, outputPath: log)
            let waiting = await waitFor(app, "slipway start")
            let status = try await KillResumeTests.status(url, migrations)
            #expect(waiting, "\(context): the backfill never waited: \(output(log))")
            #expect(status.migrations.current?.nextStep?.hasPrefix("backfill orders") == true, "\(context): \(String(describing: status.migrations.current))")
            await kill9(pid)
            try await admin.unsafeExecuteRaw("ROLLBACK")
            expected = ["starting"]
        case .midBackfill:
            let pid = try spawnSlipway(["start"] + common + slow, outputPath: log)
            let progressed = await waitForStatus(url, migrations) { ($0.migrations.backfills.first?.rowsDone ?? 0) > 0 }
            #expect(progressed, "\(context): \(output(log))")
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...300)))
            await kill9(pid)
            expected = ["starting"]
        case .beforeValidation:
            let pid = try spawnSlipway(["start"] + common + slow + ["--lock-timeout", "20000"], outputPath: log)
            let progressed = await waitForStatus(url, migrations) { ($0.migrations.backfills.first?.rowsDone ?? 0) > 0 }
            #expect(progressed, "\(context): \(output(log))")
            // SHARE UPDATE EXCLUSIVE: batches and the writer go on, VALIDATE CONSTRAINT waits.
            try await admin.unsafeExecuteRaw("BEGIN; LOCK TABLE orders IN SHARE UPDATE EXCLUSIVE MODE")
            let reached = await waitForStatus(url, migrations, timeout: .seconds(60)) {
                $0.migrations.backfills.first?.status == "done" && $0.migrations.current?.nextStep?.hasPrefix("validate") == true
            }
            #expect(reached, "\(context): never reached the validation: \(output(log))")
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...200)))
            await kill9(pid)
            try await admin.unsafeExecuteRaw("ROLLBACK")
            expected = ["starting"]
        case .duringComplete, .duringRollback:
            let started = try await CLI.run(["start"] + common)
            #expect(started.status == 0, "\(context): \(started.stderr)")
            #expect(try await KillResumeTests.wrongRows(app) == 0, "\(context)")
            // A reader holds ACCESS SHARE: the ACCESS EXCLUSIVE steps wait (20 s lock timeout) and are killed waiting.
            try await admin.unsafeExecuteRaw("BEGIN; SELECT count(*) FROM orders")
            let command = fault == .duringComplete ? "complete" : "rollback"
            let phase = fault == .duringComplete ? "completing" : "rolling_back"
            let pid = try spawnSlipway([command] + common + ["--lock-timeout", "20000"], outputPath: log)
            let reached = await waitForStatus(url, migrations) { $0.migrations.current?.phase == phase }
            #expect(reached, "\(context): \(output(log))")
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...300)))
            await kill9(pid)
            try await admin.unsafeExecuteRaw("ROLLBACK")
            expected = [phase]
        case .randomPoint:
            let pid = try spawnSlipway(["start"] + common + slow + ["--workers", "2"], outputPath: log)
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...2500)))
            await kill9(pid)
            expected = [nil, "starting", "active"]
        case .terminateBackend:
            let pid = try spawnSlipway(["start"] + common + slow + ["--workers", "2"], outputPath: log)
            _ = await waitForStatus(url, migrations) { ($0.migrations.backfills.first?.rowsDone ?? 0) > 0 }
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...300)))
            let terminated = try await admin.query(
                """
                SELECT application_name, pg_terminate_backend(pid) AS ok FROM pg_stat_activity
                WHERE datname = current_database() AND application_name LIKE 'slipway %' AND application_name <> 'slipway status'
                ORDER BY random() LIMIT 1
                """)
            let code = await ChildProcess.waitForExit(pid, timeout: .seconds(60))
            if code == nil { await kill9(pid) }
            #expect(code != nil, "\(context): the runner did not exit after its connection was terminated: \(output(log))")
            if let name = try terminated.first?.decode("application_name", as: String.self), code != 0 {
                #expect(!output(log).isEmpty, "\(context): terminated \(name), but the runner said nothing")
            }
            expected = ["starting", "active"]
        }

        // status tells the truth.
        let status = try await KillResumeTests.status(url, migrations)
        let phase = status.migrations.current?.phase
        #expect(expected.contains(phase), "\(context): status says \(String(describing: phase)); run printed:\n\(output(log))")
        if status.migrations.backfills.first?.status == "done" {
            #expect(try await KillResumeTests.wrongRows(app) == 0, "\(context): the backfill is marked done but rows are not")
        }
        if phase == "starting" {
            let text = try await CLI.run(["status"] + common)
            #expect(text.stdout.contains("starting"), "\(context): \(text.stdout)")
        }

        // Recovery: resume, or (every other interrupted start) rollback; then complete an active version.
        var end = phase ?? "none"
        func run(_ arguments: [String]) async throws {
            let result = try await CLI.run(arguments + common)
            #expect(result.status == 0, "\(context): slipway \(arguments.joined(separator: " ")): \(result.stdout)\n\(result.stderr)")
            // A rolled-back version is no longer current: its file is pending again.
            let after = try await KillResumeTests.status(url, migrations).migrations
            end = after.current?.phase ?? (after.pending == ["0001_fulfillment"] ? "rolled_back" : "none")
        }
        switch phase {
        case nil: try await run(["start", "--wait"])
        case "starting" where index % 2 == 1: try await run(["rollback", "--wait"])
        case "starting", "completing", "rolling_back": try await run(["resume", "--wait"])
        default: break
        }
        if end == "active" {
            #expect(try await KillResumeTests.wrongRows(app) == 0, "\(context): rows wrong after resume")
            try await run(["complete", "--wait"])
        }
        await writer.stop()
        #expect(["completed", "rolled_back"].contains(end), "\(context): ended \(end)")

        // A consistent end state: the final columns only, no triggers, no version schema, and the ledger.
        let columns = try await app.query(
            "SELECT string_agg(attname, ',' ORDER BY attnum) AS c FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attnum > 0 AND NOT attisdropped"
        )[0].decode("c", as: String.self)
        #expect(columns == (end == "completed" ? "id,customer_id,status,fulfillment_status" : "id,customer_id,status"), "\(context): \(columns)")
        #expect(try await app.query(
            "SELECT count(*)::int8 AS n FROM pg_trigger WHERE tgrelid = 'orders'::regclass AND NOT tgisinternal")[0].decode("n", as: Int.self) == 0)
        // The completed version's schema stays (new clients use it); a rolled-back one is gone.
        #expect(try await app.query(
            "SELECT count(*)::int8 AS n FROM pg_namespace WHERE nspname LIKE 'public\\_0001%'")[0].decode("n", as: Int.self)
            == (end == "completed" ? 1 : 0), "\(context)")
        if end == "completed" {
            #expect(try await app.query(
                "SELECT count(*)::int8 AS n FROM orders WHERE fulfillment_status IS NULL")[0].decode("n", as: Int.self) == 0)
        }
        #expect(writer.errors.isEmpty, "\(context): \(writer.errors.prefix(3))")
        #expect(try await writer.verify(app, originalRows: rows) == [], "\(context)")
        await app.close()
        await admin.close()
        try? FileManager.default.removeItem(atPath: directory)
        try? await ScratchDatabases.shared.drop(db)
        return "\(phase ?? "none") → \(end)"
    }

    static func kill9(_ pid: pid_t) async {
        kill(pid, SIGKILL)
        _ = await ChildProcess.waitForExit(pid, timeout: .seconds(10))
    }

    /// Waits until a session with this application name waits for a lock (`observer` must not be inside a
    /// transaction: pg_stat_activity is a snapshot per transaction).
    static func waitFor(_ observer: PostgresConnection, _ application: String) async -> Bool {
        for _ in 0..<600 {
            if let waiting = try? await observer.query(
                """
                SELECT count(*)::int8 AS n FROM pg_stat_activity
                WHERE datname = current_database() AND application_name = \(application) AND wait_event_type = 'Lock'
                """)[0].decode("n", as: Int.self), waiting > 0
            {
                return true
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}
