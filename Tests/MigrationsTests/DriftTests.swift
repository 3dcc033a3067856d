import Foundation
import LocalPostgres
import Migrations
import PostgresClient
import Testing

/// The schema every drift test starts from (built by plain DDL, as an existing database would be).
private let baseSchema = """
    CREATE TABLE orders (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        customer_id bigint NOT NULL,
        status text NOT NULL,
        total_cents integer NOT NULL DEFAULT 0
    );
    CREATE INDEX idx_orders_customer ON orders (customer_id);
    CREATE TABLE customers (id bigint PRIMARY KEY, name text);
    CREATE FUNCTION touch_orders() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
    CREATE VIEW big_orders AS SELECT id, total_cents FROM orders WHERE total_cents > 10000;
    """

/// One hand-made change and the drift lines it must produce.
struct ManualChange: Sendable, CustomStringConvertible {
    var name: String
    /// SQL run as the application role; `{role}` is replaced by a role created for the test.
    var sql: String
    var expected: [String]
    var description: String { name }
}

private let manualChanges: [ManualChange] = [
    ManualChange(
        name: "add column", sql: "ALTER TABLE orders ADD COLUMN note text",
        expected: ["+ ALTER TABLE public.orders ADD COLUMN note text"]),
    ManualChange(
        name: "change type", sql: "ALTER TABLE orders ALTER COLUMN status TYPE varchar(20)",
        expected: ["~ ALTER TABLE public.orders ALTER COLUMN status TYPE character varying(20) -- was text"]),
    ManualChange(
        name: "drop index", sql: "DROP INDEX idx_orders_customer",
        expected: ["- DROP INDEX public.idx_orders_customer"]),
    ManualChange(
        name: "add constraint", sql: "ALTER TABLE orders ADD CONSTRAINT total_not_negative CHECK (total_cents >= 0) NOT VALID",
        expected: ["+ ALTER TABLE public.orders ADD CONSTRAINT total_not_negative CHECK ((total_cents >= 0)) NOT VALID"]),
    ManualChange(
        name: "change default", sql: "ALTER TABLE orders ALTER COLUMN total_cents SET DEFAULT 100",
        expected: ["~ ALTER TABLE public.orders ALTER COLUMN total_cents SET DEFAULT 100 -- was 0"]),
    ManualChange(
        name: "add comment", sql: "COMMENT ON TABLE orders IS 'customer''s orders'",
        expected: ["~ COMMENT ON TABLE public.orders IS 'customer''s orders'"]),
    ManualChange(
        name: "grant to a role", sql: "GRANT SELECT ON orders TO {role}",
        expected: ["+ GRANT SELECT ON public.orders TO {role}"]),
    ManualChange(
        name: "add trigger", sql: "CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch_orders()",
        expected: [
            "+ CREATE TRIGGER orders_touch BEFORE UPDATE ON public.orders FOR EACH ROW EXECUTE FUNCTION public.touch_orders()"
        ]),
    ManualChange(
        name: "create table", sql: "CREATE TABLE notes (id integer NOT NULL, body text DEFAULT ''::text)",
        // Columns are listed in name order (the snapshot is sorted; physical order is not compared).
        expected: ["+ CREATE TABLE public.notes (body text DEFAULT ''::text, id integer NOT NULL)"]),
    ManualChange(
        name: "drop table", sql: "DROP TABLE customers",
        expected: ["- DROP TABLE public.customers"]),
    ManualChange(
        name: "revoke a grant", sql: "REVOKE UPDATE ON orders FROM {role}",
        expected: ["- REVOKE UPDATE ON public.orders FROM {role}"]),
]

@Suite("drift detection and baseline")
struct DriftTests {
    /// A scratch database with the base schema (built as the application role) and a role to grant to.
    private func prepared(_ label: String) async throws -> (db: ScratchDatabase, app: PostgresConnection, role: String) {
        let db = try await ScratchDatabases.shared.make(label: label)
        let role = "drift_reader_\(db.name)".lowercased()
        let admin = try await PostgresConnection.connect(db.admin)
        try await admin.unsafeExecuteRaw("DROP ROLE IF EXISTS \(PostgresIdentifier.quote(role)); CREATE ROLE \(PostgresIdentifier.quote(role))")
        await admin.close()
        let app = try await PostgresConnection.connect(db.app)
        try await app.unsafeExecuteRaw(baseSchema)
        try await app.unsafeExecuteRaw("GRANT UPDATE ON orders TO \(PostgresIdentifier.quote(role))")
        return (db, app, role)
    }

    @Test func snapshotIsDeterministic() async throws {
        let (_, app, _) = try await prepared("drift_deterministic")
        let first = try await SchemaSnapshot.read(schema: "public", connection: app)
        let second = try await SchemaSnapshot.read(schema: "public", connection: app)
        #expect(first == second)
        #expect(first.fingerprint == second.fingerprint)
        #expect(first.fingerprint.hasPrefix("sha256:"))
        #expect(try first.canonicalJSON() == second.canonicalJSON())
        // The session's search_path does not change the output of pg_get_* (names are always qualified).
        try await app.unsafeExecuteRaw("SET search_path = public")
        let third = try await SchemaSnapshot.read(schema: "public", connection: app)
        #expect(third.fingerprint == first.fingerprint)
        // … and it is left as it was.
        #expect(try await app.query("SELECT current_setting('search_path') AS p")[0].decode("p", as: String.self) == "public")
        // Inside the caller's transaction too.
        let inTransaction = try await app.transaction { tx in try await SchemaSnapshot.read(schema: "public", connection: tx) }
        #expect(inTransaction.fingerprint == first.fingerprint)

        #expect(first.tables.map(\.name) == ["customers", "orders"])
        let orders = try #require(first.tables.first { $0.name == "orders" })
        #expect(orders.columns.map(\.name) == ["customer_id", "id", "status", "total_cents"])
        #expect(orders.columns.first { $0.name == "id" }?.identity == "always")
        #expect(orders.columns.first { $0.name == "total_cents" }?.defaultExpression == "0")
        #expect(orders.indexes.map(\.name) == ["idx_orders_customer", "orders_pkey"])
        #expect(orders.constraints.map(\.type) == ["primary key"])
        #expect(first.views.map(\.name) == ["big_orders"])
        #expect(first.functions.map(\.signature) == ["touch_orders()"])
        // Identity sequences belong to their column.
        #expect(first.sequences.isEmpty)

        // The stored copy decodes to the same snapshot.
        let record = try await SnapshotStore().record(first, reason: .manual, version: nil, app)
        let loaded = try #require(try await SnapshotStore().latest(schema: "public", app))
        #expect(loaded.snapshot == first)
        #expect(loaded.fingerprint == record.fingerprint)
        #expect(loaded.reason == .manual)
    }

    @Test func noSnapshotThenBaselineThenNoDrift() async throws {
        let (_, app, _) = try await prepared("drift_untouched")
        let before = try await Drift.check(schema: "public", connection: app)
        #expect(before.status == .noSnapshot)
        #expect(before.text.contains("no snapshot recorded"))
        // A drift check creates nothing.
        #expect(try await app.query("SELECT to_regnamespace('slipway') IS NULL AS n")[0].decode("n", as: Bool.self))

        let summary = try await Baseline.record(schema: "public", version: "legacy-2026", connection: app)
        #expect(summary.counts.tables == 2)
        #expect(summary.counts.columns == 6)
        #expect(summary.counts.indexes == 3)
        #expect(summary.version == "legacy-2026")
        #expect(summary.text.contains("2 tables, 6 columns, 3 indexes"))

        let report = try await Drift.check(schema: "public", connection: app)
        #expect(report.status == .clean)
        #expect(report.items.isEmpty)
        #expect(!report.hasDrift)
        #expect(report.snapshot?.reason == .baseline)
        #expect(report.snapshot?.version == "legacy-2026")
        #expect(report.liveFingerprint == summary.fingerprint)
        #expect(report.text.hasPrefix("no drift in schema public"))

        // The report is Codable (the CLI's --format json).
        let encoded = try JSONEncoder().encode(report)
        #expect(try JSONDecoder().decode(DriftReport.self, from: encoded) == report)

        // No superuser was involved.
        #expect(try await app.query("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")[0].decode("rolsuper", as: Bool.self) == false)
    }

    @Test(arguments: manualChanges)
    func manualChangeIsReported(_ change: ManualChange) async throws {
        let (_, app, role) = try await prepared("drift_" + change.name)
        _ = try await Baseline.record(schema: "public", connection: app)
        try await app.unsafeExecuteRaw(change.sql.replacingOccurrences(of: "{role}", with: PostgresIdentifier.quote(role)))

        let report = try await Drift.check(schema: "public", connection: app)
        #expect(report.status == .drift)
        #expect(report.items.map(\.line) == change.expected.map { $0.replacingOccurrences(of: "{role}", with: role) })
        #expect(report.text.contains("\(change.expected.count) difference"))
        #expect(report.liveFingerprint != report.snapshot?.fingerprint)
    }

    @Test func itemsCarryKindTypeAndName() async throws {
        let (_, app, _) = try await prepared("drift_items")
        _ = try await Baseline.record(schema: "public", connection: app)
        try await app.unsafeExecuteRaw(
            """
            ALTER TABLE orders ADD COLUMN note text;
            DROP INDEX idx_orders_customer;
            ALTER TABLE orders ALTER COLUMN total_cents SET DEFAULT 5;
            """)
        let report = try await Drift.check(schema: "public", connection: app)
        let items = report.items
        let lines = report.text.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(
            lines.first?.range(
                of: #"^drift in schema public: 3 differences since snapshot #1 \(baseline, \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC by slipway_app\)$"#,
                options: .regularExpression) != nil, "\(report.text)")
        #expect(Array(lines.dropFirst()) == items.map(\.line))
        #expect(items.map(\.kind) == [.added, .changed, .removed])
        #expect(items.map(\.objectType) == ["column", "column", "index"])
        #expect(items.map(\.name) == ["public.orders.note", "public.orders.total_cents", "public.idx_orders_customer"])
    }

    @Test func slipwayArtefactsAreIgnored() async throws {
        let (_, app, _) = try await prepared("drift_artefacts")
        _ = try await Baseline.record(schema: "public", connection: app)
        // What a started migration leaves behind, made by hand: a transitional column, a dual-write trigger
        // and its function, a helper constraint and index, a version schema and the state schema.
        try await app.unsafeExecuteRaw(
            """
            ALTER TABLE orders ADD COLUMN _slipway_new_status varchar(20), ADD COLUMN _slipway_needs_backfill boolean;
            CREATE FUNCTION _slipway_dw_orders_0001() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
            CREATE TRIGGER _slipway_dw_orders_0001 BEFORE INSERT OR UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION _slipway_dw_orders_0001();
            ALTER TABLE orders ADD CONSTRAINT _slipway_nn_status CHECK (_slipway_new_status IS NOT NULL) NOT VALID;
            CREATE INDEX _slipway_idx_status ON orders (_slipway_new_status);
            CREATE SCHEMA public_0001_status;
            CREATE VIEW public_0001_status.orders AS SELECT id, _slipway_new_status AS status FROM public.orders;
            CREATE TABLE slipway.extra (id int);
            """)
        let report = try await Drift.check(schema: "public", connection: app)
        #expect(report.status == .clean, "\(report.text)")
    }

    @Test func realMigrationArtefactsAreIgnoredAndCompleteRecordsASnapshot() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 50)
        _ = try await Baseline.record(schema: "public", connection: app)
        try fixture.write("0001_fulfillment.yaml", fulfillmentMigration)
        _ = try await fixture.runner().start()

        // While active: the migration's own objects show up (they are real schema changes), Slipway's
        // transitional objects and the version schema do not, and the report names the active version.
        let active = try await Drift.check(schema: "public", connection: app)
        #expect(active.activeVersion == "0001_fulfillment")
        #expect(active.text.contains("version 0001_fulfillment is started"))
        // The check and the index are the migration's own (they name the transitional column until complete);
        // the transitional column, the dual-write trigger and function, the version schema are not listed.
        #expect(active.items.map(\.name) == ["public.orders.fulfillment_status_known", "public.idx_orders_fulfillment_status"])
        for item in active.items {
            #expect(!item.name.contains("_slipway_"), "\(item.line)")
            #expect(!item.ddl.contains("public_0001"), "\(item.line)")
        }

        // Completing records the new shape (the engine will call this hook itself).
        _ = try await fixture.runner().complete()
        let record = try await SnapshotStore.recordAfterComplete(schema: "public", version: "0001_fulfillment", connection: app)
        #expect(record.reason == .complete)
        let after = try await Drift.check(schema: "public", connection: app)
        #expect(after.status == .clean, "\(after.text)")
        #expect(after.activeVersion == nil)
        #expect(after.snapshot?.version == "0001_fulfillment")
        #expect(after.text.contains("complete of 0001_fulfillment"))
        // The completed column is part of the snapshot.
        #expect(record.snapshot.tables.first { $0.name == "orders" }?.columns.contains { $0.name == "fulfillment_status" } == true)

        // A later hand-made change is drift against that snapshot.
        try await app.unsafeExecuteRaw("ALTER TABLE orders ALTER COLUMN fulfillment_status SET DEFAULT 'packed'")
        let drifted = try await Drift.check(schema: "public", connection: app)
        #expect(drifted.items.map(\.line) == [
            "~ ALTER TABLE public.orders ALTER COLUMN fulfillment_status SET DEFAULT 'packed'::character varying -- was 'pending'::character varying"
        ])
    }

    @Test func baselineRefusedWhenMigrationsAreRecordedUnlessForced() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 10)
        try fixture.write("0001_fulfillment.yaml", fulfillmentMigration)
        _ = try await fixture.runner().migrate(completeLast: true)

        let error = await #expect(throws: DriftError.self) {
            try await Baseline.record(schema: "public", connection: app)
        }
        #expect(error?.message.contains("1 Slipway migration recorded (latest 0001_fulfillment)") == true, "\(String(describing: error))")
        #expect(error?.hint?.contains("--force") == true)
        // The refused baseline recorded nothing: the newest snapshot is still the one `complete` took.
        #expect(try await SnapshotStore().latest(schema: "public", app)?.reason == .complete)

        let forced = try await Baseline.record(schema: "public", version: "rebaseline", force: true, connection: app)
        #expect(forced.migrationsAlreadyRecorded == 1)
        #expect(try await Drift.check(schema: "public", connection: app).status == .clean)
        // The engine's own state prepare still works on a schema that holds the snapshots table.
        try await StateStore().prepare(app)
    }

    @Test func baselineBeforeAnyStateThenStateStorePreparesNormally() async throws {
        let (_, app, _) = try await prepared("drift_state_order")
        _ = try await Baseline.record(schema: "public", connection: app)
        // The snapshots table exists but StateStore's tables do not: prepare must create them.
        try await StateStore().prepare(app)
        #expect(try await app.query("SELECT to_regclass('slipway.state_version') IS NOT NULL AS e")[0].decode("e", as: Bool.self))
        #expect(try await Drift.check(schema: "public", connection: app).status == .clean)
    }

    @Test func unknownSchemaIsAClearError() async throws {
        let (_, app, _) = try await prepared("drift_unknown")
        await #expect(throws: DriftError.self) { try await Drift.check(schema: "nope", connection: app) }
    }
}
