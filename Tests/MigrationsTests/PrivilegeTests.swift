import Foundation
import LocalPostgres
import Migrations
import PostgresClient
import Testing

extension EngineIntegrationTests {

/// Least privilege through the version schema: a role sees through the views exactly what it may see in the
/// table (views run with the caller's privileges, `security_invoker`), table grants are carried to the views,
/// and nobody but the migration role can use the state schema.
@Suite("version schema privileges", .serialized)
struct VersionSchemaPrivilegeTests {
    @Test func rolesSeeExactlyWhatTheirTableGrantsAllow() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 20)
        let admin = try await PostgresConnection.connect(fixture.db.admin)
        defer { Task { await admin.close() } }
        try await admin.unsafeExecuteRaw(
            """
            DO $$ BEGIN
              IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'slipway_test_reader') THEN CREATE ROLE slipway_test_reader; END IF;
              IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'slipway_test_outsider') THEN CREATE ROLE slipway_test_outsider; END IF;
            EXCEPTION WHEN unique_violation OR duplicate_object THEN NULL;
            END $$
            """)
        try await app.unsafeExecuteRaw("GRANT SELECT ON orders TO slipway_test_reader")
        try fixture.write("0001_fulfillment.yaml", fulfillmentMigration)
        _ = try await fixture.runner().start()
        let view = "public_0001_fulfillment.orders"

        // The reader reads through the view, with the new column, and cannot write.
        #expect(try await MigrationsTests.lines(admin, "SELECT has_table_privilege('slipway_test_reader', '\(view)', 'SELECT')::text") == ["true"])
        try await admin.unsafeExecuteRaw("SET ROLE slipway_test_reader")
        #expect(try await MigrationsTests.lines(admin, "SELECT count(fulfillment_status) FROM \(view)") == ["20"])
        await #expect(throws: PostgresError.self) {
            try await admin.unsafeExecuteRaw("INSERT INTO \(view) (customer_id, status) VALUES (1, 'paid')")
        }
        try await admin.unsafeExecuteRaw("RESET ROLE")

        // The outsider has no grant on the table, so none on the view either, and cannot read through it.
        #expect(try await MigrationsTests.lines(admin, "SELECT has_table_privilege('slipway_test_outsider', '\(view)', 'SELECT')::text") == ["false"])
        try await admin.unsafeExecuteRaw("SET ROLE slipway_test_outsider")
        let denied = await #expect(throws: PostgresError.self) { try await admin.unsafeExecuteRaw("SELECT count(*) FROM \(view)") }
        #expect(denied?.sqlState == .insufficientPrivilege, "\(String(describing: denied))")
        try await admin.unsafeExecuteRaw("RESET ROLE")

        // Slipway's state is for the migration role only.
        for role in ["slipway_test_reader", "slipway_test_outsider"] {
            #expect(try await MigrationsTests.lines(admin, "SELECT has_schema_privilege('\(role)', 'slipway', 'USAGE')::text") == ["false"])
        }
        _ = try await fixture.runner().rollback()
    }
}
}
