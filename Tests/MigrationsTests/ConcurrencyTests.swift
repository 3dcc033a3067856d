import Foundation
import LocalPostgres
import Migrations
import PostgresClient
import Testing

final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}

extension EngineIntegrationTests {
@Suite("concurrent clients and runners", .serialized)
struct ConcurrencyTests {
    static let migration = """
        operations:
          - add_column:
              table: orders
              column:
                name: fulfillment_status
                type: text
                default: "'pending'"
              up: CASE WHEN status = 'delivered' THEN 'completed' ELSE 'pending' END
        """

    /// Old and new clients write for the whole of `start`; afterwards old-client rows carry the `up` mapping
    /// and every value a new-version client wrote (also on rows the backfill had not reached) survived.
    @Test func oldAndNewClientsWriteDuringStart() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 3000)
        try fixture.write("0001_fulfillment.yaml", Self.migration)
        let done = Flag()
        let versionSchema = "public_0001_fulfillment"

        // Old client: updates ids 1…1500 and inserts, for the whole start.
        let oldWriter = Task { () -> Int in
            let old = try await fixture.client(version: nil)
            var writes = 0
            while !done.isSet {
                let id = Int.random(in: 1...1500)
                let status = ["pending", "paid", "delivered", "cancelled"].randomElement()!
                try await old.unsafeExecuteRaw("UPDATE orders SET status = '\(status)' WHERE id = \(id)")
                try await old.unsafeExecuteRaw("INSERT INTO orders (customer_id, status) VALUES (\(-id), '\(status)')")
                writes += 2
                try await Task.sleep(for: .milliseconds(3))
            }
            await old.close()
            return writes
        }
        // New client: as soon as the version schema exists, writes its own value on rows 2001…3000 (high ids
        // first, which the backfill reaches last) and inserts rows of its own.
        let newWriter = Task { () -> (written: [Int: String], aheadOfBackfill: Int) in
            let admin = try await PostgresConnection.connect(fixture.db.admin)
            while !done.isSet {
                let exists = try await text(admin, "SELECT count(*) FROM pg_namespace WHERE nspname = '\(versionSchema)'")
                if exists == "1" { break }
                try await Task.sleep(for: .milliseconds(5))
            }
            let new = try await fixture.client(version: versionSchema)
            var written: [Int: String] = [:]
            var ahead = 0
            var id = 3000
            while !done.isSet || written.count < 20 {
                guard id > 2000 else { break }
                let cursor = try await text(admin, "SELECT coalesce(max(cursor[1]::int8), 0) FROM slipway.backfills")
                let value = ["packed", "shipped"].randomElement()!
                try await new.unsafeExecuteRaw("UPDATE orders SET fulfillment_status = '\(value)' WHERE id = \(id)")
                if let cursor, let reached = Int(cursor), reached < id, !done.isSet { ahead += 1 }
                written[id] = value
                let inserted = try await text(
                    new, "INSERT INTO orders (customer_id, status, fulfillment_status) VALUES (\(id), 'delivered', 'packed') RETURNING id")!
                written[Int(inserted)!] = "packed"
                id -= 1
            }
            await new.close()
            await admin.close()
            return (written, ahead)
        }

        let record: StateStore.VersionRecord
        do {
            let runner = MigrationRunner(
                connection: fixture.db.app, migrationsDirectory: fixture.directory, batchSize: 25, batchPauseMs: 5)
            record = try await runner.start()
        } catch {
            done.set()
            _ = try? await oldWriter.value
            _ = try? await newWriter.value
            throw error
        }
        done.set()
        let oldWrites = try await oldWriter.value
        let (written, ahead) = try await newWriter.value
        #expect(record.phase == "active")
        #expect(oldWrites > 10)
        #expect(written.count >= 20)
        #expect(ahead > 0, "no new-version write happened ahead of the backfill; the test did not test anything")

        let admin = try await PostgresConnection.connect(fixture.db.admin)
        // Rows last written by old clients (and never by the new one) carry the `up` mapping.
        let ids = written.keys.map(String.init).joined(separator: ",")
        let wrong = try await lines(admin,
            """
            SELECT id, status, _slipway_new_fulfillment_status FROM orders WHERE id NOT IN (\(ids))
              AND _slipway_new_fulfillment_status IS DISTINCT FROM CASE WHEN status = 'delivered' THEN 'completed' ELSE 'pending' END
            LIMIT 5
            """)
        #expect(wrong.isEmpty)
        // Every value a new-version client wrote survived the backfill.
        let values = try await lines(admin, "SELECT id, _slipway_new_fulfillment_status FROM orders WHERE id IN (\(ids)) ORDER BY id")
        let expected = written.keys.sorted().map { "\($0)|\(written[$0]!)" }
        #expect(values == expected)
        #expect(try await text(admin, "SELECT count(*) FROM orders WHERE _slipway_needs_backfill") == "0")

        // Both directions after start: new sees what old writes, and the new value is kept on update by new.
        let old = try await fixture.client(version: nil)
        let new = try await fixture.client(version: versionSchema)
        try await old.unsafeExecuteRaw("UPDATE orders SET status = 'delivered' WHERE id = 1")
        #expect(try await text(new, "SELECT fulfillment_status FROM orders WHERE id = 1") == "completed")
        _ = try await fixture.runner().complete()
        #expect(try await lines(admin, "SELECT id, fulfillment_status FROM orders WHERE id IN (\(ids)) ORDER BY id") == expected)
        await admin.close()
    }

    /// A second runner is refused while one holds the lock, naming the holder; with `waitForLock` it waits.
    @Test func secondRunnerIsRefusedThenWaits() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 2000)
        try fixture.write("0001_fulfillment.yaml", Self.migration)
        let first = MigrationRunner(
            connection: fixture.db.app, migrationsDirectory: fixture.directory, batchSize: 20, batchPauseMs: 40)
        let running = Task { try await first.start() }

        // Wait until the first runner holds the lock.
        let admin = try await PostgresConnection.connect(fixture.db.admin)
        var holderPID: String?
        for _ in 0..<1000 {
            // Once the backfill has made progress, the first runner surely holds the session lock.
            if try await text(admin, "SELECT to_regclass('slipway.backfills') IS NOT NULL") == "t",
                let done = try await text(admin, "SELECT coalesce(max(rows_done), 0) FROM slipway.backfills"), Int(done) ?? 0 > 0
            {
                holderPID = try await text(
                    admin,
                    "SELECT a.pid FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = 'slipway start' AND a.datname = current_database()")
                break
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        let pid = try #require(holderPID)
        // Stall the first runner's backfill (it keeps the migration lock while it retries the batch).
        let stall = try await PostgresConnection.connect(fixture.db.admin)
        try await stall.unsafeExecuteRaw("BEGIN; LOCK TABLE orders IN EXCLUSIVE MODE")

        let refused = await #expect(throws: MigrationError.self) { try await fixture.runner().start() }
        #expect(refused?.kind == .busy)
        #expect(refused?.message.contains("pid \(pid)") == true, "\(String(describing: refused))")
        #expect(refused?.message.contains("slipway start") == true, "\(String(describing: refused))")
        let refusedComplete = await #expect(throws: MigrationError.self) { try await fixture.runner().complete() }
        #expect(refusedComplete?.kind == .busy)
        // Status does not need the lock and shows progress.
        #expect(try await fixture.runner().status().current?.phase == "starting")

        // With waitForLock, complete waits for the first runner and then completes its version.
        let waiting = Task { try await fixture.runner(wait: true).complete() }
        for _ in 0..<500 where !fixture.events.all.contains(where: { $0.kind == "lock-wait" }) {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(
            fixture.events.all.contains { $0.kind == "lock-wait" && $0.message.contains("pid \(pid)") },
            "\(fixture.events.all.map { "\($0.kind): \($0.message)" })")
        try await stall.unsafeExecuteRaw("COMMIT")
        await stall.close()
        let waited = try await waiting.value
        #expect(waited.phase == "completed")
        let started = try await running.value
        #expect(started.phase == "active")
        #expect(try await text(admin, "SELECT count(*) FROM orders WHERE fulfillment_status IS DISTINCT FROM CASE WHEN status = 'delivered' THEN 'completed' ELSE 'pending' END") == "0")
        // And a waiting start after that reports there is nothing to do.
        let nothing = await #expect(throws: MigrationError.self) { try await fixture.runner(wait: true).start() }
        #expect(nothing?.kind == .nothingToDo)
        await admin.close()
    }

    /// An interrupted start (the runner's task cancelled mid-backfill) is shown by status and finished by resume.
    @Test func cancelledStartResumes() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 2000)
        try fixture.write("0001_fulfillment.yaml", Self.migration)
        let runner = MigrationRunner(
            connection: fixture.db.app, migrationsDirectory: fixture.directory, batchSize: 20, batchPauseMs: 10)
        let running = Task { try await runner.start() }
        let admin = try await PostgresConnection.connect(fixture.db.admin)
        for _ in 0..<500 {
            if try await text(admin, "SELECT to_regclass('slipway.backfills') IS NOT NULL") == "t",
                let done = try await text(admin, "SELECT coalesce(max(rows_done), 0) FROM slipway.backfills"), Int(done) ?? 0 > 100
            {
                break
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        running.cancel()
        _ = try? await running.value
        let status = try await fixture.runner().status()
        #expect(status.current?.phase == "starting")
        let progress = try #require(status.backfills.first)
        #expect(progress.rowsDone > 0 && progress.rowsDone < 2000)
        let resumed = try await fixture.runner().resume()
        #expect(resumed.phase == "active")
        #expect(try await text(admin, "SELECT count(*) FROM orders WHERE _slipway_new_fulfillment_status IS DISTINCT FROM CASE WHEN status = 'delivered' THEN 'completed' ELSE 'pending' END") == "0")
        #expect(try await fixture.runner().status().backfills.first?.rowsDone == 2000)
        await admin.close()
    }
}
}
