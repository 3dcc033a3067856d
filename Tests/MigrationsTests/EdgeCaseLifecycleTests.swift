import Foundation
import LocalPostgres
import Migrations
import PostgresClient
import Testing

extension EngineIntegrationTests {
@Suite("lifecycle edge cases", .serialized)
struct EdgeCaseLifecycleTests {
    /// Cancelling start in the middle of the backfill, then rollback: the schema is the one before start.
    @Test func rollbackOfAnInterruptedStart() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 2000)
        try await app.unsafeExecuteRaw("CREATE INDEX idx_orders_customer ON orders (customer_id)")
        let before = try await fixture.schemaDump()
        try fixture.write("0001_fulfillment.yaml", fulfillmentMigration)
        let runner = MigrationRunner(connection: fixture.db.app, migrationsDirectory: fixture.directory, batchSize: 20, batchPauseMs: 10)
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
        #expect(try await fixture.runner().status().current?.phase == "starting")
        let old = try await fixture.client(version: nil)
        try await old.unsafeExecuteRaw("INSERT INTO orders (customer_id, status) VALUES (4242, 'paid')")
        let rolledBack = try await fixture.runner().rollback()
        #expect(rolledBack.phase == "rolled_back")
        #expect(try await fixture.schemaDump() == before)
        #expect(try await text(admin, "SELECT count(*) FROM orders") == "2001")
        #expect(try await fixture.runner().status().pending == ["0001_fulfillment"])
        await admin.close()
    }

    /// A statement that fails at run time (an unknown type) leaves a known state that rollback cleans up.
    @Test func failedStepThenRollback() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 100)
        let before = try await fixture.schemaDump()
        try fixture.write(
            "0001_bad_type.yaml",
            """
            operations:
              - create_index:
                  name: idx_orders_customer
                  table: orders
                  columns:
                    - column: customer_id
              - add_column:
                  table: orders
                  column:
                    name: shipped_at
                    type: timestamp_with_no_zone
                    nullable: true
            """)
        let error = await #expect(throws: MigrationError.self) { try await fixture.runner().start() }
        #expect(error?.origin?.contains("0001_bad_type.yaml:7") == true, "\(String(describing: error))")
        #expect(error?.message.contains("timestamp_with_no_zone") == true, "\(String(describing: error))")
        #expect(error?.kind == .invalidMigration)
        // Refused before any DDL: nothing recorded, nothing changed.
        #expect(try await fixture.runner().status().current == nil)
        #expect(try await fixture.schemaDump() == before)
        #expect(try await fixture.runner().status().pending == ["0001_bad_type"])
    }

    /// A statement that fails at run time (raw SQL) leaves a known state that rollback cleans up.
    @Test func failedRawSQLThenRollback() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 100)
        let before = try await fixture.schemaDump()
        try fixture.write("0001_index.yaml", CreateIndexLifecycleTests.migration)
        try fixture.write(
            "0002_bad_sql.yaml",
            """
            operations:
              - sql:
                  up: ALTER TABLE orders ADD COLUMN note text; ALTER TABLE orders ADD CONSTRAINT c CHECK (nope > 0)
                  down: ALTER TABLE orders DROP COLUMN note
            """)
        let error = await #expect(throws: MigrationError.self) { try await fixture.runner().start() }
        #expect(error?.kind == .execution)
        #expect(error?.origin?.contains("0002_bad_sql.yaml:2") == true, "\(String(describing: error))")
        let status = try await fixture.runner().status()
        #expect(status.current?.phase == "starting")
        #expect(status.current?.lastError?.contains("nope") == true)
        // The failed statement's transaction left nothing behind.
        #expect(try await fixture.scalar("SELECT count(*)::int8 FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attname = 'note'", as: Int.self) == 0)
        _ = try await fixture.runner().rollback()
        #expect(try await fixture.schemaDump() == before)
        #expect(try await fixture.runner().status().pending == ["0001_index", "0002_bad_sql"])
    }

    /// A table without a primary key cannot be backfilled: refused before any DDL, naming the operation.
    /// A table without a key is walked by ctid page ranges (BackfillEngineTests covers the walk itself).
    @Test func backfillWithoutAKeyWalksTheHeap() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await app.unsafeExecuteRaw("CREATE TABLE events (kind text NOT NULL); INSERT INTO events SELECT 'k' || g FROM generate_series(1, 10) g")
        try fixture.write(
            "0001_events.yaml",
            """
            operations:
              - add_column:
                  table: events
                  column:
                    name: kind_upper
                    type: text
                    nullable: true
                  up: upper(kind)
            """)
        #expect(try await fixture.runner().start().phase == "active")
        #expect(try await app.query(
            "SELECT count(*)::int8 AS n FROM events WHERE _slipway_new_kind_upper IS DISTINCT FROM upper(kind)")[0].decode("n", as: Int.self) == 0)
    }

    /// Composite text/integer keys are walked correctly in batches.
    @Test func compositeKeyBackfill() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await app.unsafeExecuteRaw(
            """
            CREATE TABLE items (tenant int NOT NULL, code text NOT NULL, qty int NOT NULL, PRIMARY KEY (tenant, code));
            INSERT INTO items SELECT g % 7, 'c' || g, g FROM generate_series(1, 700) g;
            """)
        try fixture.write(
            "0001_double.yaml",
            """
            operations:
              - add_column:
                  table: items
                  column:
                    name: qty2
                    type: bigint
                  up: qty * 2
            """)
        _ = try await fixture.runner(batchSize: 37).start()
        #expect(try await text(app, "SELECT count(*) FROM items WHERE _slipway_new_qty2 IS DISTINCT FROM qty * 2") == "0")
        #expect(try await fixture.runner().status().backfills.first?.rowsDone == 700)
        _ = try await fixture.runner().complete()
        #expect(try await text(app, "SELECT sum(qty2) = 2 * sum(qty) FROM items") == "t")
    }

    /// Several files started together form one version named after the last; complete applies them all.
    @Test func severalFilesAsOneVersion() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 300)
        try fixture.write("0001_total_eur.yaml", AddColumnVariantLifecycleTests.nullableWithUp)
        try fixture.write("0002_rename.yaml", RenameColumnLifecycleTests.migration)
        let record = try await fixture.runner().start()
        #expect(record.versionSchema == "public_0002_rename")
        #expect(record.migrations == ["0001_total_eur", "0002_rename"])
        let new = try await fixture.client(version: "public_0002_rename")
        let old = try await fixture.client(version: nil)
        let id = try await text(old, "INSERT INTO orders (customer_id, status, total_cents) VALUES (1, 'paid', 1234) RETURNING id")!
        #expect(try await text(new, "SELECT amount_cents || '/' || total_eur FROM orders WHERE id = \(id)") == "1234/12.34")
        _ = try await fixture.runner().complete()
        #expect(try await fixture.lines("SELECT amount_cents, total_eur FROM public.orders WHERE id = \(id)") == ["1234|12.34"])
        #expect(try await fixture.runner().status().applied == ["0001_total_eur", "0002_rename"])
    }

    /// `migrate`: each pending file its own version, all but the last completed.
    @Test func migrateCompletesAllButTheLast() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 300)
        try fixture.write("0001_total_eur.yaml", AddColumnVariantLifecycleTests.nullableWithUp)
        try fixture.write("0002_rename.yaml", RenameColumnLifecycleTests.migration)
        let records = try await fixture.runner().migrate(completeLast: false)
        #expect(records.map(\.phase) == ["completed", "active"])
        #expect(try await fixture.lines("SELECT count(*) FROM public.orders WHERE total_eur IS DISTINCT FROM round(total_cents / 100.0, 2)") == ["0"])
        let new = try await fixture.client(version: "public_0002_rename")
        #expect(try await text(new, "SELECT count(*) FROM orders WHERE amount_cents IS NOT NULL") == "300")
        _ = try await fixture.runner().complete()
        #expect(try await fixture.schemaExists("public_0001_total_eur") == false)
        try fixture.write("0003_priority.yaml", AddColumnVariantLifecycleTests.notNullDefault)
        let last = try await fixture.runner().migrate(completeLast: true)
        #expect(last.map(\.phase) == ["completed"])
        #expect(try await fixture.scalar("SELECT attnotnull::text FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attname = 'priority'", as: String.self) == "true")
    }

    /// A client that keeps search_path = public but says `SET slipway.version` and schema-qualifies the view is
    /// recognised as a new-version writer.
    @Test func slipwayVersionSettingMarksNewWriters() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 50)
        try fixture.write("0001_fulfillment.yaml", fulfillmentMigration)
        _ = try await fixture.runner().start()
        let client = try await fixture.client(version: nil)
        try await client.unsafeExecuteRaw("SET slipway.version = 'public_0001_fulfillment'")
        let id = try await text(
            client, "INSERT INTO public_0001_fulfillment.orders (customer_id, status, fulfillment_status) VALUES (1, 'delivered', 'shipped') RETURNING id")!
        #expect(try await text(client, "SELECT fulfillment_status FROM public_0001_fulfillment.orders WHERE id = \(id)") == "shipped")
    }

    /// A drop_column after a completed version whose view still names the column.
    @Test func dropColumnAfterACompletedVersion() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 100)
        try fixture.write("0001_priority.yaml", AddColumnVariantLifecycleTests.notNullDefault)
        _ = try await fixture.runner().start()
        _ = try await fixture.runner().complete()
        let before = try await fixture.schemaDump()
        try fixture.write(
            "0002_drop_priority.yaml",
            """
            operations:
              - drop_column:
                  table: orders
                  column: priority
                  down: "7"
            """)
        _ = try await fixture.runner().start()
        let v1 = try await fixture.client(version: "public_0001_priority")
        let v2 = try await fixture.client(version: "public_0002_drop_priority")
        let id = try await text(v2, "INSERT INTO orders (customer_id, status) VALUES (1, 'paid') RETURNING id")!
        #expect(try await text(v1, "SELECT priority FROM orders WHERE id = \(id)") == "7")
        _ = try await fixture.runner().rollback()
        #expect(try await fixture.schemaDump() == before)
        _ = try await fixture.runner().start()
        _ = try await fixture.runner().complete()
        #expect(try await fixture.scalar("SELECT count(*)::int8 FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attname = 'priority' AND NOT attisdropped", as: Int.self) == 0)
        #expect(try await text(v2, "SELECT count(*) FROM orders") == "101")
    }
}

@Suite("dual-write trigger semantics", .serialized)
struct TriggerSemanticsLifecycleTests {
    /// An `up` that reads another table with an unqualified column that both tables have (`id`): it means the
    /// other table's column, as in SQL (and as the pre-DDL check understood it).
    @Test func upReadingAnotherTableResolvesNamesLikeSQL() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 200)
        try await app.unsafeExecuteRaw(
            """
            CREATE TABLE customers (id bigint PRIMARY KEY, status text NOT NULL);
            INSERT INTO customers SELECT g, CASE WHEN g % 2 = 0 THEN 'gold' ELSE 'basic' END FROM generate_series(0, 96) g;
            """)
        try fixture.write(
            "0001_tier.yaml",
            """
            operations:
              - add_column:
                  table: orders
                  column:
                    name: customer_tier
                    type: text
                    nullable: true
                  up: (SELECT status FROM customers WHERE id = customer_id)
            """)
        _ = try await fixture.runner(batchSize: 50).start()
        #expect(try await text(app,
            "SELECT count(*) FROM orders o WHERE _slipway_new_customer_tier IS DISTINCT FROM (SELECT c.status FROM customers c WHERE c.id = o.customer_id)") == "0")
        let old = try await fixture.client(version: nil)
        let id = try await text(old, "INSERT INTO orders (customer_id, status) VALUES (2, 'paid') RETURNING id")!
        let new = try await fixture.client(version: "public_0001_tier")
        #expect(try await text(new, "SELECT customer_tier FROM orders WHERE id = \(id)") == "gold")
    }

    /// A new-version client that updates another column of a row the backfill has not reached yet: the row
    /// still gets its `up` value (the new client did not write the new column).
    @Test func newClientUpdateOfAnotherColumnBeforeTheBackfill() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 2000)
        try fixture.write("0001_fulfillment.yaml", ConcurrencyTests.migration)
        let runner = MigrationRunner(connection: fixture.db.app, migrationsDirectory: fixture.directory, batchSize: 20, batchPauseMs: 20)
        let running = Task { try await runner.start() }
        let admin = try await PostgresConnection.connect(fixture.db.admin)
        for _ in 0..<1000 {
            if try await text(admin, "SELECT count(*) FROM pg_namespace WHERE nspname = 'public_0001_fulfillment'") == "1" { break }
            try await Task.sleep(for: .milliseconds(5))
        }
        let new = try await fixture.client(version: "public_0001_fulfillment")
        // Rows 1901…2000 are far ahead of the backfill; all set to delivered by the new version.
        let cursor = try await text(admin, "SELECT coalesce(max(cursor[1]::int8), 0) FROM slipway.backfills") ?? "0"
        try await new.unsafeExecuteRaw("UPDATE orders SET status = 'delivered' WHERE id > 1900")
        _ = try await running.value
        #expect(Int(cursor) ?? 0 < 1900, "the backfill was already at \(cursor)")
        #expect(try await text(admin, "SELECT string_agg(DISTINCT _slipway_new_fulfillment_status, ',') FROM orders WHERE id > 1900") == "completed")
        // A new client that writes the new column itself keeps its value, also before the backfill.
        await admin.close()
    }
}

@Suite("a target schema other than public", .serialized)
struct OtherSchemaLifecycleTests {
    @Test func startCompleteAndRollbackInSchemaApp() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await app.unsafeExecuteRaw(
            """
            CREATE SCHEMA shop;
            CREATE TABLE shop.orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id bigint NOT NULL, status text NOT NULL, total_cents integer NOT NULL DEFAULT 0);
            INSERT INTO shop.orders (customer_id, status, total_cents) SELECT g % 97, (ARRAY['pending','paid','delivered','cancelled'])[1 + g % 4], g FROM generate_series(1, 500) g;
            CREATE TABLE public.orders (id int PRIMARY KEY);
            """)
        let before = try await fixture.schemaDump()
        try fixture.write("0001_fulfillment.yaml", fulfillmentMigration)
        func runner() -> MigrationRunner {
            MigrationRunner(connection: fixture.db.app, schema: "shop", migrationsDirectory: fixture.directory, batchSize: 60)
        }
        let record = try await runner().start()
        #expect(record.versionSchema == "shop_0001_fulfillment")
        #expect(try await text(app, "SELECT count(*) FROM shop.orders WHERE _slipway_new_fulfillment_status IS DISTINCT FROM CASE WHEN status = 'delivered' THEN 'completed' ELSE 'pending' END") == "0")
        // public is untouched, and the public schema's status knows nothing.
        #expect(try await fixture.runner().status().current == nil)
        let old = try await PostgresConnection.connect(fixture.db.app)
        try await old.unsafeExecuteRaw("SET search_path = shop")
        let new = try await PostgresConnection.connect(fixture.db.app)
        try await new.unsafeExecuteRaw("SET search_path = shop_0001_fulfillment, shop")
        let oldID = try await text(old, "INSERT INTO orders (customer_id, status) VALUES (1, 'delivered') RETURNING id")!
        #expect(try await text(new, "SELECT fulfillment_status FROM orders WHERE id = \(oldID)") == "completed")
        let newID = try await text(new, "INSERT INTO orders (customer_id, status, fulfillment_status) VALUES (1, 'delivered', 'shipped') RETURNING id")!
        #expect(try await text(new, "SELECT fulfillment_status FROM orders WHERE id = \(newID)") == "shipped")
        _ = try await runner().rollback()
        #expect(try await fixture.schemaDump() == before)
        _ = try await runner().start()
        _ = try await runner().complete()
        #expect(try await text(app, "SELECT count(*) FROM shop.orders WHERE fulfillment_status IS DISTINCT FROM CASE WHEN status = 'delivered' THEN 'completed' ELSE 'pending' END") == "0")
        #expect(try await text(app, "SELECT count(*) FROM shop.orders") == "502")
        #expect(try await fixture.relationExists("shop.idx_orders_fulfillment_status"))
    }
}
}
