import Foundation
import LocalPostgres
import Migrations
import PostgresClient
import Testing

extension EngineIntegrationTests {
@Suite("operations combined in one version", .serialized)
struct CombinationLifecycleTests {
    /// Quoted identifiers, an index and a predicate on an added and on a renamed column, add and drop on one
    /// table (both trigger branches), through complete.
    @Test func addDropRenameAndIndexTogether() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 600)
        try await app.unsafeExecuteRaw("ALTER TABLE orders ADD COLUMN legacy text NOT NULL DEFAULT 'x'")
        let migration = """
            operations:
              - add_column:
                  table: orders
                  column:
                    name: isPaid
                    type: boolean
                  up: status = 'paid'
              - rename_column:
                  table: orders
                  from: total_cents
                  to: Amount Cents
              - drop_column:
                  table: orders
                  column: legacy
                  down: "'from-new-' || status"
              - create_index:
                  name: idx_orders_paid_amount
                  table: orders
                  columns:
                    - column: Amount Cents
                  predicate: isPaid AND "Amount Cents" > 0
            """
        try fixture.write("0001_combo.yaml", migration)
        _ = try await fixture.runner(batchSize: 77).start()
        #expect(try await fixture.scalar("SELECT pg_get_indexdef('idx_orders_paid_amount'::regclass)", as: String.self)
            == "CREATE INDEX idx_orders_paid_amount ON public.orders USING btree (total_cents) WHERE (\"_slipway_new_isPaid\" AND (total_cents > 0))")
        let old = try await fixture.client(version: nil)
        let new = try await fixture.client(version: "public_0001_combo")
        #expect(try await text(new, "SELECT count(*) FROM orders WHERE \"isPaid\" IS DISTINCT FROM (status = 'paid')") == "0")
        let oldID = try await text(old, "INSERT INTO orders (customer_id, status, total_cents, legacy) VALUES (1, 'paid', 5, 'old') RETURNING id")!
        #expect(try await lines(new, "SELECT \"isPaid\", \"Amount Cents\" FROM orders WHERE id = \(oldID)") == ["t|5"])
        let newID = try await text(new, "INSERT INTO orders (customer_id, status, \"Amount Cents\", \"isPaid\") VALUES (2, 'cancelled', 9, true) RETURNING id")!
        #expect(try await lines(old, "SELECT total_cents, legacy FROM orders WHERE id = \(newID)") == ["9|from-new-cancelled"])
        #expect(try await lines(new, "SELECT \"isPaid\" FROM orders WHERE id = \(newID)") == ["t"])
        _ = try await fixture.runner().complete()
        #expect(try await fixture.lines("SELECT \"isPaid\", \"Amount Cents\" FROM public.orders WHERE id IN (\(oldID), \(newID)) ORDER BY id") == ["t|5", "t|9"])
        #expect(try await fixture.scalar("SELECT count(*)::int8 FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attname IN ('legacy', 'total_cents') AND NOT attisdropped", as: Int.self) == 0)
        #expect(try await fixture.scalar("SELECT pg_get_indexdef('idx_orders_paid_amount'::regclass)", as: String.self)
            == "CREATE INDEX idx_orders_paid_amount ON public.orders USING btree (\"Amount Cents\") WHERE (\"isPaid\" AND (\"Amount Cents\" > 0))")
        let paidViaView = try await text(new, "SELECT count(*) FROM orders WHERE \"isPaid\"")
        #expect(try await text(app, "SELECT count(*) FROM orders WHERE \"isPaid\"") == paidViaView)
    }

    /// An empty table: the backfill finishes at once.
    @Test func emptyTable() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 0)
        try fixture.write("0001_fulfillment.yaml", fulfillmentMigration)
        let record = try await fixture.runner().start()
        #expect(record.phase == "active")
        _ = try await fixture.runner().complete()
        #expect(try await fixture.relationExists("public.idx_orders_fulfillment_status"))
    }

    /// `up` values that violate UNIQUE: start fails at the index build with a clear error, leaves no INVALID
    /// index behind, and rollback restores the schema.
    @Test func uniqueViolationByUpThenRollback() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 200)
        let before = try await fixture.schemaDump()
        try fixture.write(
            "0001_customer_ref.yaml",
            """
            operations:
              - add_column:
                  table: orders
                  column:
                    name: customer_ref
                    type: text
                    nullable: true
                    unique: true
                  up: "'c' || customer_id"
            """)
        let error = await #expect(throws: MigrationError.self) { try await fixture.runner().start() }
        #expect(error?.kind == .execution)
        #expect(error?.message.contains("orders_customer_ref_key") == true, "\(String(describing: error))")
        #expect(error?.origin?.contains("0001_customer_ref.yaml:2") == true, "\(String(describing: error))")
        #expect(try await fixture.relationExists("public.orders_customer_ref_key") == false)
        #expect(try await fixture.runner().status().current?.phase == "starting")
        _ = try await fixture.runner().rollback()
        #expect(try await fixture.schemaDump() == before)
    }

    /// `up` values that violate a CHECK: validation fails, rollback restores the schema.
    @Test func checkViolationByUpThenRollback() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 200)
        let before = try await fixture.schemaDump()
        try fixture.write(
            "0001_positive.yaml",
            """
            operations:
              - add_column:
                  table: orders
                  column:
                    name: net_cents
                    type: integer
                    nullable: true
                    check:
                      name: net_cents_positive
                      constraint: net_cents > 100
                  up: total_cents - 50
            """)
        let error = await #expect(throws: MigrationError.self) { try await fixture.runner().start() }
        #expect(error?.message.contains("net_cents_positive") == true, "\(String(describing: error))")
        #expect(error?.origin?.contains("0001_positive.yaml:2") == true, "\(String(describing: error))")
        _ = try await fixture.runner().rollback()
        #expect(try await fixture.schemaDump() == before)
    }

    /// complete blocked by a long transaction: fails with lockTimeout naming the blocker, state `completing`,
    /// then resume finishes it.
    @Test func blockedCompleteResumes() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 100)
        try fixture.write("0001_fulfillment.yaml", fulfillmentMigration)
        _ = try await fixture.runner().start()
        let blocker = try await fixture.client(version: nil)
        try await blocker.unsafeExecuteRaw("SET application_name = 'long-report'; BEGIN; SELECT count(*) FROM orders")
        var lock = LockSettings()
        lock.lockTimeoutMs = 50
        lock.maxAttempts = 2
        lock.backoffInitialMs = 10
        let error = await #expect(throws: MigrationError.self) { try await fixture.runner(lock: lock).complete() }
        #expect(error?.kind == .lockTimeout)
        #expect(error?.message.contains("long-report") == true, "\(String(describing: error))")
        let status = try await fixture.runner().status()
        #expect(status.current?.phase == "completing")
        #expect(status.current?.lastError != nil)
        try await blocker.unsafeExecuteRaw("ROLLBACK")
        let resumed = try await fixture.runner().resume()
        #expect(resumed.phase == "completed")
        #expect(try await fixture.scalar("SELECT attnotnull::text FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attname = 'fulfillment_status'", as: String.self) == "true")
    }
}

@Suite("old clients between start steps", .serialized)
struct StepWindowLifecycleTests {
    /// An old client inserting right after the ADD COLUMN step commits (before the dual-write trigger exists)
    /// must not fail on the new column's NOT NULL check, and its row gets the `up` value from the backfill.
    @Test func oldInsertBetweenAddColumnAndTrigger() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 100)
        try fixture.write(
            "0001_code.yaml",
            """
            operations:
              - add_column:
                  table: orders
                  column:
                    name: code
                    type: text
                  up: "'c' || id"
            """)
        let psql = try PostgresBinaries.locate().path("psql")
        let logPath = fixture.directory + "/psql.log"
        let connection = fixture.db.appConnectionString
        let result = Flag()
        let runner = MigrationRunner(
            connection: fixture.db.app, migrationsDirectory: fixture.directory,
            events: { event in
                guard event.kind == "step-done", event.message.hasPrefix("add column code") else { return }
                // Synchronously, while the runner waits: an old client's insert.
                guard let pid = try? ChildProcess.spawn(
                    [psql, "-X", "-v", "ON_ERROR_STOP=1", "-d", connection, "-c", "INSERT INTO orders (customer_id, status) VALUES (4242, 'paid')"],
                    outputPath: logPath)
                else { return }
                if ChildProcess.waitForExitBlocking(pid, timeout: .seconds(30)) == 0 { result.set() }
            })
        _ = try await runner.start()
        let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "(no output)"
        #expect(result.isSet, "the old client's insert failed: \(log)")
        #expect(try await text(app, "SELECT count(*) FROM orders WHERE customer_id = 4242 AND _slipway_new_code = 'c' || id") == "1", "\(log)")
        #expect(try await text(app, "SELECT count(*) FROM orders WHERE _slipway_new_code IS DISTINCT FROM 'c' || id") == "0")
    }
}

@Suite("new clients between complete steps", .serialized)
struct CompleteWindowLifecycleTests {
    /// A new-version client inserting without a dropped NOT NULL column right after complete drops the
    /// dual-write trigger (which filled it from `down`) must not fail.
    @Test func newInsertBetweenTriggerDropAndColumnDrop() async throws {
        let fixture = try await EngineFixture.make()
        try await DropColumnLifecycleTests.createAccounts(fixture)
        try fixture.write("0001_drop_nickname.yaml", DropColumnLifecycleTests.migration)
        _ = try await fixture.runner().start()
        let psql = try PostgresBinaries.locate().path("psql")
        let logPath = fixture.directory + "/psql.log"
        let connection = fixture.db.appConnectionString
        let result = Flag()
        let runner = MigrationRunner(
            connection: fixture.db.app, migrationsDirectory: fixture.directory,
            events: { event in
                guard event.kind == "step-done", event.message.hasPrefix("drop dual-write trigger") else { return }
                guard let pid = try? ChildProcess.spawn(
                    [psql, "-X", "-v", "ON_ERROR_STOP=1", "-d", connection, "-c",
                     "SET search_path = public_0001_drop_nickname, public; INSERT INTO accounts (name) VALUES ('During Complete')"],
                    outputPath: logPath)
                else { return }
                if ChildProcess.waitForExitBlocking(pid, timeout: .seconds(30)) == 0 { result.set() }
            })
        _ = try await runner.complete()
        let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "(no output)"
        #expect(result.isSet, "the new client's insert failed: \(log)")
        #expect(try await fixture.lines("SELECT count(*) FROM accounts WHERE name = 'During Complete'") == ["1"])
    }
}

@Suite("old clients between rollback steps", .serialized)
struct RollbackWindowLifecycleTests {
    /// An old client inserting right after rollback drops the dual-write trigger (before the new column is
    /// dropped) must not fail on the new column's NOT NULL check.
    @Test func oldInsertBetweenTriggerDropAndColumnDrop() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 100)
        let before = try await fixture.schemaDump()
        try fixture.write(
            "0001_code.yaml",
            """
            operations:
              - add_column:
                  table: orders
                  column:
                    name: code
                    type: text
                    check:
                      name: code_not_empty
                      constraint: coalesce(code, '') <> ''
                  up: "'c' || id"
            """)
        _ = try await fixture.runner().start()
        let psql = try PostgresBinaries.locate().path("psql")
        let logPath = fixture.directory + "/psql.log"
        let connection = fixture.db.appConnectionString
        let result = Flag()
        let runner = MigrationRunner(
            connection: fixture.db.app, migrationsDirectory: fixture.directory,
            events: { event in
                guard event.kind == "step-done", event.message.hasPrefix("drop dual-write trigger") else { return }
                guard let pid = try? ChildProcess.spawn(
                    [psql, "-X", "-v", "ON_ERROR_STOP=1", "-d", connection, "-c", "INSERT INTO orders (customer_id, status) VALUES (4242, 'paid')"],
                    outputPath: logPath)
                else { return }
                if ChildProcess.waitForExitBlocking(pid, timeout: .seconds(30)) == 0 { result.set() }
            })
        _ = try await runner.rollback()
        let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "(no output)"
        #expect(result.isSet, "the old client's insert failed: \(log)")
        #expect(try await fixture.lines("SELECT count(*) FROM orders WHERE customer_id = 4242") == ["1"])
        #expect(try await fixture.schemaDump() == before)
    }
}

@Suite("backfill against application transactions", .serialized)
struct BackfillDeadlockLifecycleTests {
    /// An application transaction that locks a row the backfill batch needs and then a row the batch already
    /// holds: PostgreSQL aborts one side with a deadlock. If it picks the backfill, the batch is retried
    /// instead of failing the whole start.
    @Test func deadlockWithAnApplicationTransactionIsRetried() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 2000)
        try fixture.write("0001_fulfillment.yaml", ConcurrencyTests.migration)
        let psql = try PostgresBinaries.locate().path("psql")
        let logPath = fixture.directory + "/psql.log"
        let connection = fixture.db.appConnectionString
        let runner = MigrationRunner(
            connection: fixture.db.app, migrationsDirectory: fixture.directory, batchSize: 5000,
            events: { event in
                guard event.kind == "step-started", event.message.hasPrefix("backfill orders") else { return }
                _ = try? ChildProcess.spawn(
                    [psql, "-X", "-d", connection, "-c",
                     "BEGIN; UPDATE orders SET total_cents = total_cents + 1 WHERE id = 2000; SELECT pg_sleep(0.6); UPDATE orders SET total_cents = total_cents + 1 WHERE id = 1; COMMIT;"],
                    outputPath: logPath)
                usleep(300_000)
            })
        let record = try await runner.start()
        #expect(record.phase == "active")
        #expect(try await text(app, "SELECT count(*) FROM orders WHERE _slipway_new_fulfillment_status IS DISTINCT FROM CASE WHEN status = 'delivered' THEN 'completed' ELSE 'pending' END") == "0")
    }
}
}
