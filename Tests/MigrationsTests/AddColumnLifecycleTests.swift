import Foundation
import LocalPostgres
import Migrations
import PostgresClient
import Testing

@Suite("add_column through start, complete and rollback")
struct AddColumnLifecycleTests {
    @Test func startBackfillsAndBothVersionsWrite() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 3000)
        try fixture.write("0001_fulfillment.yaml", fulfillmentMigration)

        let record = try await fixture.runner().start()
        #expect(record.phase == "active")
        #expect(record.versionSchema == "public_0001_fulfillment")

        // Every existing row was backfilled from `status`.
        let wrong = try await fixture.scalar(
            """
            SELECT count(*)::int8 FROM orders WHERE "_slipway_new_fulfillment_status" IS DISTINCT FROM
              CASE WHEN status = 'delivered' THEN 'completed' ELSE 'pending' END
            """, as: Int.self)
        #expect(wrong == 0)
        #expect(try await fixture.scalar("SELECT count(*)::int8 FROM orders WHERE _slipway_needs_backfill", as: Int.self) == 0)
        // The check and not-null checks are validated; the index is valid.
        #expect(try await fixture.scalar("SELECT bool_and(convalidated)::text FROM pg_constraint WHERE conrelid = 'orders'::regclass AND contype = 'c'", as: String.self) == "true")
        #expect(try await fixture.scalar("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'idx_orders_fulfillment_status'::regclass", as: String.self) == "true")

        // An old client (base table, no version) inserting a delivered order gets the computed value.
        let old = try await fixture.client(version: nil)
        let oldID = try await old.query(
            "INSERT INTO orders (customer_id, status) VALUES (\(1), \("delivered")) RETURNING id")[0].decode("id", as: Int.self)
        // A new client writes the new column itself; the trigger must not overwrite it.
        let new = try await fixture.client(version: "public_0001_fulfillment")
        let newID = try await new.query(
            "INSERT INTO orders (customer_id, status, fulfillment_status) VALUES (\(2), \("delivered"), \("shipped")) RETURNING id"
        )[0].decode("id", as: Int.self)
        let seen = try await new.query("SELECT id, fulfillment_status FROM orders WHERE id IN (\(oldID), \(newID)) ORDER BY id")
        #expect(try seen.map { try $0.decode("fulfillment_status", as: String.self) } == ["completed", "shipped"])
        // Old clients do not see the new column at all.
        let oldColumns = try await old.query("SELECT * FROM orders LIMIT 1").columns
        #expect(!oldColumns.contains("fulfillment_status"))
        // The check constraint applies to new writes through the view.
        let bad = await #expect(throws: PostgresError.self) {
            try await new.query("UPDATE orders SET fulfillment_status = \("teleported") WHERE id = \(newID)")
        }
        #expect(bad?.sqlState == .checkViolation)

        // Complete: physical rename, NOT NULL, old helpers gone, new version keeps working.
        let completed = try await fixture.runner().complete()
        #expect(completed.phase == "completed")
        #expect(try await fixture.scalar("SELECT attnotnull::text FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attname = 'fulfillment_status'", as: String.self) == "true")
        #expect(try await fixture.scalar("SELECT count(*)::int8 FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attname LIKE '\\_slipway%' AND NOT attisdropped", as: Int.self) == 0)
        #expect(try await fixture.scalar("SELECT count(*)::int8 FROM pg_trigger WHERE tgrelid = 'orders'::regclass AND NOT tgisinternal", as: Int.self) == 0)
        let afterComplete = try await new.query("SELECT fulfillment_status FROM orders WHERE id = \(newID)")
        #expect(try afterComplete[0].decode("fulfillment_status", as: String.self) == "shipped")
    }

    @Test func rollbackRestoresTheSchemaAndKeepsOldClientRows() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 1200)
        let admin = try await PostgresConnection.connect(fixture.db.admin)
        try await admin.unsafeExecuteRaw(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'orders_reader') THEN CREATE ROLE orders_reader; END IF; END $$")
        try await app.unsafeExecuteRaw("GRANT SELECT ON orders TO orders_reader")
        let before = try await fixture.schemaDump()
        try fixture.write("0001_fulfillment.yaml", fulfillmentMigration)

        _ = try await fixture.runner().start()
        // Grants were copied to the view.
        #expect(try await fixture.scalar("SELECT has_table_privilege('orders_reader', 'public_0001_fulfillment.orders', 'SELECT')::text", as: String.self) == "true")
        let old = try await fixture.client(version: nil)
        try await old.query("INSERT INTO orders (customer_id, status) VALUES (\(7), \("paid"))")
        let rowsBefore = try await fixture.scalar("SELECT count(*)::int8 FROM orders", as: Int.self)

        let rolledBack = try await fixture.runner().rollback()
        #expect(rolledBack.phase == "rolled_back")
        let after = try await fixture.schemaDump()
        #expect(after == before)
        #expect(try await fixture.scalar("SELECT count(*)::int8 FROM orders", as: Int.self) == rowsBefore)
        #expect(try await fixture.scalar("SELECT count(*)::int8 FROM orders WHERE customer_id = 7 AND status = 'paid'", as: Int.self) >= 1)
        // The file is pending again and can be started anew.
        let status = try await fixture.runner().status()
        #expect(status.pending == ["0001_fulfillment"])
        _ = try await fixture.runner().start()
    }
}
