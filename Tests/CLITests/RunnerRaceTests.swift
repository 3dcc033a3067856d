import Foundation
import LocalPostgres
import PostgresClient
import Testing

/// Real `slipway` processes racing each other on one database.
@Suite("concurrent runners through the CLI")
struct RunnerRaceTests {
    /// Two `start`s launched at the same moment: one proceeds, the other exits 7 naming the holder.
    @Test func twoRunnersStartedAtOnceOneProceedsTheOtherIsRefused() async throws {
        let (db, app, directory, migrations) = try await KillResumeTests.ordersWithMigration(label: "race_two", rows: 20000)
        let url = db.appConnectionString
        let arguments = ["start", "--url", url, "--migrations-dir", migrations, "--batch-size", "200", "--batch-pause", "100"]
        let first = try spawnSlipway(arguments, outputPath: directory + "/a.out")
        let second = try spawnSlipway(arguments, outputPath: directory + "/b.out")
        let codes = [
            await ChildProcess.waitForExit(first, timeout: .seconds(120)), await ChildProcess.waitForExit(second, timeout: .seconds(120)),
        ]
        let outputs = [output(directory + "/a.out"), output(directory + "/b.out")]
        #expect(codes.compactMap { $0 }.sorted() == [0, 7], "\(codes) \(outputs)")
        if let refused = codes.firstIndex(of: 7) {
            let text = outputs[refused]
            #expect(text.contains("another Slipway runner holds the migration lock of schema \"public\": pid "), "\(text)")
            #expect(text.contains("application \"slipway start\""), "\(text)")
            #expect(text.contains("pass --wait"), "\(text)")
        }
        let status = try await KillResumeTests.status(url, migrations)
        #expect(status.migrations.current?.phase == "active")
        #expect(try await KillResumeTests.wrongRows(app) == 0)
        await app.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// `deploy` and `rollback --wait` racing: exactly one wins, the other fails with a clear message, and the
    /// database is in the winner's end state (completed, or rolled back).
    @Test func deployRacingRollbackEndsInOneConsistentState() async throws {
        let (db, app, directory, migrations) = try await KillResumeTests.ordersWithMigration(label: "race_deploy", rows: 20000)
        let url = db.appConnectionString
        let deploy = try spawnSlipway(
            ["deploy", "--url", url, "--migrations-dir", migrations, "--batch-size", "200", "--batch-pause", "100"],
            outputPath: directory + "/deploy.out")
        #expect(await waitForStatus(url, migrations) { ($0.migrations.backfills.first?.rowsDone ?? 0) > 0 }, "\(output(directory + "/deploy.out"))")
        // Paused, the deploy's start keeps the lock however slow this machine is.
        let pause = try await CLI.run(["backfill", "pause", "--url", url])
        #expect(pause.status == 0, "\(pause.stdout)\n\(pause.stderr)")
        // Without --wait: refused while the deploy's start holds the lock.
        let refused = try await CLI.run(["rollback", "--url", url, "--migrations-dir", migrations])
        #expect(refused.status == 7, "\(refused.stdout)\n\(refused.stderr)")
        #expect(refused.stderr.contains("another Slipway runner holds the migration lock"), "\(refused.stderr)")
        // With --wait: it takes the lock the moment the deploy lets go of it (between start and complete, or after).
        let resume = try await CLI.run(["backfill", "resume", "--url", url])
        #expect(resume.status == 0, "\(resume.stdout)\n\(resume.stderr)")
        let rollback = try await CLI.run(["rollback", "--wait", "--url", url, "--migrations-dir", migrations])
        let deployCode = await ChildProcess.waitForExit(deploy, timeout: .seconds(120))
        let deployText = output(directory + "/deploy.out")
        let columns = try await app.query(
            "SELECT string_agg(attname, ',' ORDER BY attnum) AS c FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attnum > 0 AND NOT attisdropped"
        )[0].decode("c", as: String.self)
        let status = try await KillResumeTests.status(url, migrations)
        if rollback.status == 0 {
            // The rollback won: the deploy's complete found nothing to complete, or found the rollback still
            // holding the lock.
            #expect(deployCode != 0, "\(deployText)")
            #expect(deployText.contains("no active migration to complete") || deployText.contains("holds the migration lock"), "\(deployText)")
            #expect(columns == "id,customer_id,status")
            #expect(status.migrations.current == nil && status.migrations.pending == ["0001_fulfillment"])
        } else {
            // The deploy won: the rollback found nothing to roll back.
            #expect(deployCode == 0, "\(deployText)")
            #expect(rollback.stderr.contains("no active migration to roll back"), "\(rollback.stderr)")
            #expect(columns == "id,customer_id,status,fulfillment_status")
            #expect(status.migrations.current?.phase == "completed")
        }
        await app.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// `plan` while a migration runs: the online plan refuses at once with a clear message (the next files
    /// can only start after the running version), without waiting for the runner and without any lock above
    /// ACCESS SHARE — it answers while another session holds EXCLUSIVE on the table, which conflicts with every
    /// stronger mode; `plan --offline` plans the next file; the runner is not disturbed and finishes.
    @Test func planWhileAMigrationRuns() async throws {
        let (db, app, directory, migrations) = try await KillResumeTests.ordersWithMigration(label: "race_plan", rows: 20000)
        let url = db.appConnectionString
        let start = try spawnSlipway(
            ["start", "--url", url, "--migrations-dir", migrations, "--batch-size", "200", "--batch-pause", "100"],
            outputPath: directory + "/start.out")
        #expect(await waitForStatus(url, migrations) { ($0.migrations.backfills.first?.rowsDone ?? 0) > 0 })
        let next = migrations + "/0002_customer_index.yaml"
        try """
            operations:
              - create_index:
                  name: idx_orders_customer
                  table: orders
                  columns:
                    - column: customer_id
            """.write(toFile: next, atomically: true, encoding: .utf8)
        let holder = try await PostgresConnection.connect(db.admin)
        try await holder.unsafeExecuteRaw("BEGIN; LOCK TABLE orders IN EXCLUSIVE MODE")
        let began = ContinuousClock.now
        let plan = try await CLI.run(["plan", "--url", url, "--migrations-dir", migrations], timeout: .seconds(60))
        let took = ContinuousClock.now - began
        try await holder.unsafeExecuteRaw("ROLLBACK")
        await holder.close()
        #expect(plan.status == 1, "\(plan.stdout)\n\(plan.stderr)")
        #expect(plan.stderr.contains("version 0001_fulfillment is starting; the plan would start after it"), "\(plan.stderr)")
        #expect(plan.stderr.contains("slipway plan --offline FILE"), "\(plan.stderr)")
        #expect(took < .seconds(20), "plan took \(took)")
        let offline = try await CLI.run(["plan", "--offline", "--migrations-dir", migrations, next])
        #expect(offline.status == 0, "\(offline.stdout)\n\(offline.stderr)")
        #expect(offline.stdout.contains("idx_orders_customer"), "\(offline.stdout.prefix(2000))")

        let code = await ChildProcess.waitForExit(start, timeout: .seconds(120))
        #expect(code == 0, "\(output(directory + "/start.out"))")
        let status = try await KillResumeTests.status(url, migrations)
        #expect(status.migrations.current?.phase == "active")
        #expect(status.migrations.pending == ["0002_customer_index"])
        #expect(try await KillResumeTests.wrongRows(app) == 0)
        await app.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
