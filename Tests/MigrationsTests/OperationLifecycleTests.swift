import Foundation
import LocalPostgres
import Migrations
import PostgresClient
import Testing

// MARK: - Helpers shared by the lifecycle, safety and concurrency tests

/// Rows of the last result of `sql`, each as `a|b|c` (NULL shown as `∅`).
func lines(_ connection: PostgresConnection, _ sql: String) async throws -> [String] {
    guard let result = try await connection.unsafeExecuteRaw(sql).last else { return [] }
    return result.map { row in row.values.map { $0 ?? "∅" }.joined(separator: "|") }
}

/// The single value of `sql` as text (nil for NULL or no row).
func text(_ connection: PostgresConnection, _ sql: String) async throws -> String? {
    guard let result = try await connection.unsafeExecuteRaw(sql).last, let row = result.first else { return nil }
    return row.values.first ?? nil
}

extension EngineFixture {
    /// Creates `slipway_test_reader` (cluster-wide, idempotent) and grants it SELECT on `table`, so dumps include a grant.
    func grantReader(on table: String) async throws {
        let admin = try await PostgresConnection.connect(db.admin)
        try await admin.unsafeExecuteRaw(
            """
            DO $$ BEGIN
              IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'slipway_test_reader') THEN CREATE ROLE slipway_test_reader; END IF;
            EXCEPTION WHEN unique_violation OR duplicate_object THEN NULL;
            END $$
            """)
        await admin.close()
        let app = try await app()
        try await app.unsafeExecuteRaw("GRANT SELECT ON \(table) TO slipway_test_reader")
        await app.close()
    }

    /// A read-only look at a query as the admin.
    func lines(_ sql: String) async throws -> [String] {
        let connection = try await PostgresConnection.connect(db.admin)
        defer { Task { await connection.close() } }
        return try await MigrationsTests.lines(connection, sql)
    }

    func relationExists(_ qualified: String) async throws -> Bool {
        try await scalar("SELECT (to_regclass('\(qualified)') IS NOT NULL)::text", as: String.self) == "true"
    }

    func schemaExists(_ name: String) async throws -> Bool {
        try await scalar("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = '\(name)')::text", as: String.self) == "true"
    }

    /// Starts, lets `during` act as old and new clients, rolls back, and checks the schema is the one before
    /// start (normalised pg_dump, grants included) and that the state shows no active version.
    func startThenRollback(
        file: String, migration: String, during: (EngineFixture) async throws -> Void
    ) async throws {
        let before = try await schemaDump()
        try write(file, migration)
        let record = try await runner(batchSize: 100).start()
        #expect(record.phase == "active")
        try await during(self)
        let rolledBack = try await runner().rollback()
        #expect(rolledBack.phase == "rolled_back")
        let after = try await schemaDump()
        #expect(after == before, "schema after rollback differs:\n--- before\n\(before)\n--- after\n\(after)")
        let status = try await runner().status()
        #expect(status.current == nil)
        #expect(status.pending == [(file as NSString).deletingPathExtension])
        #expect(try await scalar("SELECT count(*)::int8 FROM pg_trigger WHERE NOT tgisinternal", as: Int.self) == 0)
    }
}

// MARK: - create_table

extension EngineIntegrationTests {
@Suite("create_table lifecycle", .serialized)
struct CreateTableLifecycleTests {
    static let migration = """
        operations:
          - create_table:
              name: customers
              columns:
                - name: id
                  type: bigserial
                  pk: true
                - name: name
                  type: text
                - name: email
                  type: text
                  nullable: true
                  unique: true
                - name: tier
                  type: text
                  default: "'basic'"
                  check:
                    name: customers_tier_known
                    constraint: tier IN ('basic', 'gold')
        """

    @Test func startThenComplete() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 50)
        try fixture.write("0001_customers.yaml", Self.migration)
        _ = try await fixture.runner().start()

        // The table exists physically and through the version schema.
        #expect(try await fixture.relationExists("public.customers"))
        #expect(try await fixture.relationExists("public_0001_customers.customers"))
        let new = try await fixture.client(version: "public_0001_customers")
        try await new.unsafeExecuteRaw("INSERT INTO customers (name, email) VALUES ('Ada', 'ada@example.com')")
        #expect(try await lines(new, "SELECT name, email, tier FROM customers") == ["Ada|ada@example.com|basic"])
        // Constraints apply through the view.
        await #expect(throws: PostgresError.self) {
            try await new.unsafeExecuteRaw("INSERT INTO customers (name, tier) VALUES ('Bob', 'platinum')")
        }
        await #expect(throws: PostgresError.self) {
            try await new.unsafeExecuteRaw("INSERT INTO customers (name, email) VALUES ('Eve', 'ada@example.com')")
        }
        // Old clients keep using orders, which the version schema also shows.
        let old = try await fixture.client(version: nil)
        try await old.unsafeExecuteRaw("INSERT INTO orders (customer_id, status) VALUES (1, 'paid')")
        #expect(try await text(new, "SELECT count(*) FROM orders") == "51")

        let completed = try await fixture.runner().complete()
        #expect(completed.phase == "completed")
        #expect(try await lines(new, "SELECT name, email, tier FROM customers") == ["Ada|ada@example.com|basic"])
        #expect(try await fixture.lines("SELECT name, email FROM public.customers") == ["Ada|ada@example.com"])
        #expect(try await fixture.runner().status().pending.isEmpty)
    }

    @Test func startThenRollback() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 50)
        try await fixture.grantReader(on: "orders")
        try await fixture.startThenRollback(file: "0001_customers.yaml", migration: Self.migration) { fixture in
            let new = try await fixture.client(version: "public_0001_customers")
            try await new.unsafeExecuteRaw("INSERT INTO customers (name) VALUES ('Ada')")
            let old = try await fixture.client(version: nil)
            try await old.unsafeExecuteRaw("INSERT INTO orders (customer_id, status) VALUES (4242, 'paid')")
        }
        #expect(try await fixture.relationExists("public.customers") == false)
        #expect(try await fixture.schemaExists("public_0001_customers") == false)
        #expect(try await fixture.lines("SELECT count(*) FROM orders") == ["51"])
        #expect(try await fixture.lines("SELECT status FROM orders WHERE customer_id = 4242") == ["paid"])
    }
}

// MARK: - add_column

@Suite("add_column lifecycle variants", .serialized)
struct AddColumnVariantLifecycleTests {
    static let nullableWithUp = """
        operations:
          - add_column:
              table: orders
              column:
                name: total_eur
                type: numeric(12,2)
                nullable: true
              up: total_cents / 100.0
        """

    @Test func nullableWithUpThroughComplete() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 1000)
        try fixture.write("0001_total_eur.yaml", Self.nullableWithUp)
        _ = try await fixture.runner(batchSize: 64).start()

        // Backfill: every existing row computed from `up`.
        #expect(try await fixture.scalar(
            "SELECT count(*)::int8 FROM orders WHERE _slipway_new_total_eur IS DISTINCT FROM round(total_cents / 100.0, 2)", as: Int.self) == 0)
        let old = try await fixture.client(version: nil)
        let new = try await fixture.client(version: "public_0001_total_eur")
        // old → new
        let oldID = try await text(old, "INSERT INTO orders (customer_id, status, total_cents) VALUES (1, 'paid', 250) RETURNING id")!
        #expect(try await text(new, "SELECT total_eur FROM orders WHERE id = \(oldID)") == "2.50")
        try await old.unsafeExecuteRaw("UPDATE orders SET total_cents = 999 WHERE id = \(oldID)")
        #expect(try await text(new, "SELECT total_eur FROM orders WHERE id = \(oldID)") == "9.99")
        // new → old: the new client's value is kept; old clients do not see the column.
        let newID = try await text(new, "INSERT INTO orders (customer_id, status, total_eur) VALUES (2, 'paid', 12.34) RETURNING id")!
        #expect(try await text(new, "SELECT total_eur FROM orders WHERE id = \(newID)") == "12.34")
        try await new.unsafeExecuteRaw("UPDATE orders SET total_eur = 1.11 WHERE id = 1")
        #expect(try await text(new, "SELECT total_eur FROM orders WHERE id = 1") == "1.11")
        #expect(try await lines(old, "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'orders' AND column_name NOT LIKE '\\_slipway%' ORDER BY ordinal_position")
            == ["id", "customer_id", "status", "total_cents"])
        #expect(try await text(old, "SELECT customer_id FROM orders WHERE id = \(newID)") == "2")

        _ = try await fixture.runner().complete()
        #expect(try await fixture.lines("SELECT total_eur FROM public.orders WHERE id IN (1, \(oldID), \(newID)) ORDER BY id") == ["1.11", "9.99", "12.34"])
        #expect(try await fixture.scalar("SELECT attnotnull::text FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attname = 'total_eur'", as: String.self) == "false")
        #expect(try await text(new, "SELECT total_eur FROM orders WHERE id = \(newID)") == "12.34")
    }

    @Test func nullableWithUpThroughRollback() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 500)
        try await fixture.grantReader(on: "orders")
        try await fixture.startThenRollback(file: "0001_total_eur.yaml", migration: Self.nullableWithUp) { fixture in
            let old = try await fixture.client(version: nil)
            let new = try await fixture.client(version: "public_0001_total_eur")
            try await old.unsafeExecuteRaw("INSERT INTO orders (customer_id, status, total_cents) VALUES (4242, 'paid', 250)")
            try await old.unsafeExecuteRaw("UPDATE orders SET status = 'cancelled' WHERE id = 3")
            try await new.unsafeExecuteRaw("INSERT INTO orders (customer_id, status, total_eur) VALUES (4343, 'paid', 1.5)")
            try await new.unsafeExecuteRaw("UPDATE orders SET status = 'delivered' WHERE id = 4")
        }
        #expect(try await fixture.lines("SELECT customer_id, status, total_cents FROM orders WHERE customer_id IN (4242, 4343) ORDER BY 1")
            == ["4242|paid|250", "4343|paid|0"])
        #expect(try await fixture.lines("SELECT id, status FROM orders WHERE id IN (3, 4) ORDER BY id") == ["3|cancelled", "4|delivered"])
        #expect(try await fixture.lines("SELECT count(*) FROM orders") == ["502"])
    }

    static let notNullDefault = """
        operations:
          - add_column:
              table: orders
              column:
                name: priority
                type: integer
                default: "0"
        """

    @Test func notNullWithDefaultOnlyThroughComplete() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 300)
        try fixture.write("0001_priority.yaml", Self.notNullDefault)
        _ = try await fixture.runner().start()
        let old = try await fixture.client(version: nil)
        let new = try await fixture.client(version: "public_0001_priority")
        #expect(try await lines(new, "SELECT DISTINCT priority FROM orders") == ["0"])
        let oldID = try await text(old, "INSERT INTO orders (customer_id, status) VALUES (1, 'paid') RETURNING id")!
        #expect(try await text(new, "SELECT priority FROM orders WHERE id = \(oldID)") == "0")
        let newID = try await text(new, "INSERT INTO orders (customer_id, status, priority) VALUES (2, 'paid', 5) RETURNING id")!
        let defaulted = try await text(new, "INSERT INTO orders (customer_id, status) VALUES (3, 'paid') RETURNING priority")
        #expect(defaulted == "0")
        // NOT NULL is enforced for new writes already (validated check).
        let error = await #expect(throws: PostgresError.self) {
            try await new.unsafeExecuteRaw("UPDATE orders SET priority = NULL WHERE id = \(newID)")
        }
        #expect(error?.sqlState == .checkViolation)
        #expect(try await fixture.scalar("SELECT bool_and(convalidated)::text FROM pg_constraint WHERE conrelid = 'orders'::regclass AND contype = 'c'", as: String.self) == "true")

        _ = try await fixture.runner().complete()
        #expect(try await fixture.scalar("SELECT attnotnull::text FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attname = 'priority'", as: String.self) == "true")
        #expect(try await fixture.scalar("SELECT count(*)::int8 FROM pg_constraint WHERE conrelid = 'orders'::regclass AND contype = 'c'", as: Int.self) == 0)
        #expect(try await text(new, "SELECT priority FROM orders WHERE id = \(newID)") == "5")
        #expect(try await fixture.lines("SELECT count(*) FROM orders WHERE priority = 0") == ["302"])
    }

    @Test func notNullWithDefaultOnlyThroughRollback() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 300)
        try await fixture.startThenRollback(file: "0001_priority.yaml", migration: Self.notNullDefault) { fixture in
            let old = try await fixture.client(version: nil)
            try await old.unsafeExecuteRaw("INSERT INTO orders (customer_id, status) VALUES (4242, 'paid')")
            let new = try await fixture.client(version: "public_0001_priority")
            try await new.unsafeExecuteRaw("INSERT INTO orders (customer_id, status, priority) VALUES (4343, 'paid', 5)")
        }
        #expect(try await fixture.lines("SELECT customer_id FROM orders WHERE customer_id > 4000 ORDER BY 1") == ["4242", "4343"])
    }

    static let unique = """
        operations:
          - add_column:
              table: orders
              column:
                name: reference
                type: text
                nullable: true
                unique: true
              up: "'ord-' || id"
        """

    @Test func uniqueThroughComplete() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 400)
        try fixture.write("0001_reference.yaml", Self.unique)
        _ = try await fixture.runner(batchSize: 50).start()
        #expect(try await fixture.scalar("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'orders_reference_key'::regclass", as: String.self) == "true")
        let old = try await fixture.client(version: nil)
        let new = try await fixture.client(version: "public_0001_reference")
        #expect(try await text(new, "SELECT reference FROM orders WHERE id = 7") == "ord-7")
        let oldID = try await text(old, "INSERT INTO orders (customer_id, status) VALUES (1, 'paid') RETURNING id")!
        #expect(try await text(new, "SELECT reference FROM orders WHERE id = \(oldID)") == "ord-\(oldID)")
        // Uniqueness already applies to new writes.
        let duplicate = await #expect(throws: PostgresError.self) {
            try await new.unsafeExecuteRaw("INSERT INTO orders (customer_id, status, reference) VALUES (2, 'paid', 'ord-7')")
        }
        #expect(duplicate?.sqlState == .uniqueViolation)
        try await new.unsafeExecuteRaw("INSERT INTO orders (customer_id, status, reference) VALUES (2, 'paid', 'custom')")

        _ = try await fixture.runner().complete()
        #expect(try await fixture.lines("SELECT conname, contype FROM pg_constraint WHERE conrelid = 'orders'::regclass AND contype = 'u'") == ["orders_reference_key|u"])
        #expect(try await text(new, "SELECT count(*) FROM orders WHERE reference = 'custom'") == "1")
        await #expect(throws: PostgresError.self) {
            try await new.unsafeExecuteRaw("INSERT INTO orders (customer_id, status, reference) VALUES (2, 'paid', 'custom')")
        }
    }

    @Test func uniqueThroughRollback() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 400)
        try await fixture.grantReader(on: "orders")
        try await fixture.startThenRollback(file: "0001_reference.yaml", migration: Self.unique) { fixture in
            let old = try await fixture.client(version: nil)
            try await old.unsafeExecuteRaw("INSERT INTO orders (customer_id, status) VALUES (4242, 'paid')")
        }
        #expect(try await fixture.relationExists("public.orders_reference_key") == false)
        #expect(try await fixture.lines("SELECT count(*) FROM orders WHERE customer_id = 4242") == ["1"])
    }
}

// MARK: - drop_column

@Suite("drop_column lifecycle", .serialized)
struct DropColumnLifecycleTests {
    static func createAccounts(_ fixture: EngineFixture) async throws {
        let app = try await fixture.app()
        try await app.unsafeExecuteRaw(
            """
            CREATE TABLE accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, nickname text NOT NULL);
            INSERT INTO accounts (name, nickname) SELECT 'Name' || g, 'nick' || g FROM generate_series(1, 200) g;
            """)
        await app.close()
    }

    static let migration = """
        operations:
          - drop_column:
              table: accounts
              column: nickname
              down: lower(name)
        """

    @Test func startThenComplete() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.createAccounts(fixture)
        try fixture.write("0001_drop_nickname.yaml", Self.migration)
        _ = try await fixture.runner().start()
        let old = try await fixture.client(version: nil)
        let new = try await fixture.client(version: "public_0001_drop_nickname")
        // The new version does not see the column; a new client inserts without it and old clients read `down`.
        #expect(try await lines(new, "SELECT * FROM accounts WHERE id = 1") == ["1|Name1"])
        let newID = try await text(new, "INSERT INTO accounts (name) VALUES ('Grace') RETURNING id")!
        #expect(try await text(old, "SELECT nickname FROM accounts WHERE id = \(newID)") == "grace")
        try await new.unsafeExecuteRaw("UPDATE accounts SET name = 'GRACE H' WHERE id = \(newID)")
        #expect(try await text(old, "SELECT nickname FROM accounts WHERE id = \(newID)") == "grace h")
        // Old clients still write the column; new clients see their rows.
        let oldID = try await text(old, "INSERT INTO accounts (name, nickname) VALUES ('Linus', 'penguin') RETURNING id")!
        #expect(try await text(old, "SELECT nickname FROM accounts WHERE id = \(oldID)") == "penguin")
        #expect(try await text(new, "SELECT name FROM accounts WHERE id = \(oldID)") == "Linus")
        #expect(try await text(old, "SELECT nickname FROM accounts WHERE id = 5") == "nick5")

        _ = try await fixture.runner().complete()
        #expect(try await fixture.scalar("SELECT count(*)::int8 FROM pg_attribute WHERE attrelid = 'accounts'::regclass AND attname = 'nickname' AND NOT attisdropped", as: Int.self) == 0)
        #expect(try await text(new, "SELECT name FROM accounts WHERE id = \(oldID)") == "Linus")
        try await new.unsafeExecuteRaw("INSERT INTO accounts (name) VALUES ('After')")
        #expect(try await fixture.lines("SELECT count(*) FROM accounts") == ["203"])
    }

    @Test func startThenRollback() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.createAccounts(fixture)
        try await fixture.grantReader(on: "accounts")
        try await fixture.startThenRollback(file: "0001_drop_nickname.yaml", migration: Self.migration) { fixture in
            let old = try await fixture.client(version: nil)
            try await old.unsafeExecuteRaw("INSERT INTO accounts (name, nickname) VALUES ('Linus', 'penguin')")
            let new = try await fixture.client(version: "public_0001_drop_nickname")
            try await new.unsafeExecuteRaw("INSERT INTO accounts (name) VALUES ('Grace')")
            // Table privileges were copied to the view.
            #expect(try await fixture.lines("SELECT has_table_privilege('slipway_test_reader', 'public_0001_drop_nickname.accounts', 'SELECT')") == ["t"])
        }
        #expect(try await fixture.lines("SELECT name, nickname FROM accounts WHERE id > 200 ORDER BY id") == ["Linus|penguin", "Grace|grace"])
        #expect(try await fixture.lines("SELECT nickname FROM accounts WHERE id = 5") == ["nick5"])
    }
}

// MARK: - rename_column

@Suite("rename_column lifecycle", .serialized)
struct RenameColumnLifecycleTests {
    static let migration = """
        operations:
          - rename_column:
              table: orders
              from: total_cents
              to: amount_cents
        """

    @Test func startThenComplete() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 200)
        try fixture.write("0001_rename.yaml", Self.migration)
        _ = try await fixture.runner().start()
        let old = try await fixture.client(version: nil)
        let new = try await fixture.client(version: "public_0001_rename")
        let oldID = try await text(old, "INSERT INTO orders (customer_id, status, total_cents) VALUES (1, 'paid', 777) RETURNING id")!
        #expect(try await text(new, "SELECT amount_cents FROM orders WHERE id = \(oldID)") == "777")
        let newID = try await text(new, "INSERT INTO orders (customer_id, status, amount_cents) VALUES (1, 'paid', 888) RETURNING id")!
        #expect(try await text(old, "SELECT total_cents FROM orders WHERE id = \(newID)") == "888")
        try await new.unsafeExecuteRaw("UPDATE orders SET amount_cents = 1 WHERE id = \(oldID)")
        #expect(try await text(old, "SELECT total_cents FROM orders WHERE id = \(oldID)") == "1")
        await #expect(throws: PostgresError.self) { try await new.unsafeExecuteRaw("SELECT total_cents FROM orders LIMIT 1") }

        _ = try await fixture.runner().complete()
        #expect(try await fixture.lines("SELECT amount_cents FROM public.orders WHERE id IN (\(oldID), \(newID)) ORDER BY id") == ["1", "888"])
        #expect(try await text(new, "SELECT amount_cents FROM orders WHERE id = \(newID)") == "888")
        try await new.unsafeExecuteRaw("INSERT INTO orders (customer_id, status, amount_cents) VALUES (1, 'paid', 5)")
    }

    @Test func startThenRollback() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 200)
        try await fixture.grantReader(on: "orders")
        try await fixture.startThenRollback(file: "0001_rename.yaml", migration: Self.migration) { fixture in
            let old = try await fixture.client(version: nil)
            try await old.unsafeExecuteRaw("INSERT INTO orders (customer_id, status, total_cents) VALUES (4242, 'paid', 777)")
            let new = try await fixture.client(version: "public_0001_rename")
            try await new.unsafeExecuteRaw("INSERT INTO orders (customer_id, status, amount_cents) VALUES (4343, 'paid', 888)")
        }
        #expect(try await fixture.lines("SELECT customer_id, total_cents FROM orders WHERE customer_id > 4000 ORDER BY 1") == ["4242|777", "4343|888"])
    }
}

// MARK: - create_index

@Suite("create_index lifecycle", .serialized)
struct CreateIndexLifecycleTests {
    static let migration = """
        operations:
          - create_index:
              name: idx_orders_customer_paid
              table: orders
              columns:
                - column: customer_id
                - column: total_cents
                  sort: DESC
              predicate: status = 'paid'
        """

    @Test func startThenComplete() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 500)
        try fixture.write("0001_index.yaml", Self.migration)
        _ = try await fixture.runner().start()
        #expect(try await fixture.scalar("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'idx_orders_customer_paid'::regclass", as: String.self) == "true")
        #expect(try await fixture.scalar("SELECT pg_get_indexdef('idx_orders_customer_paid'::regclass)", as: String.self)
            == "CREATE INDEX idx_orders_customer_paid ON public.orders USING btree (customer_id, total_cents DESC) WHERE (status = 'paid'::text)")
        let new = try await fixture.client(version: "public_0001_index")
        try await new.unsafeExecuteRaw("INSERT INTO orders (customer_id, status) VALUES (1, 'paid')")
        _ = try await fixture.runner().complete()
        #expect(try await fixture.relationExists("public.idx_orders_customer_paid"))
    }

    @Test func startThenRollback() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 500)
        try await fixture.startThenRollback(file: "0001_index.yaml", migration: Self.migration) { fixture in
            let old = try await fixture.client(version: nil)
            try await old.unsafeExecuteRaw("INSERT INTO orders (customer_id, status) VALUES (4242, 'paid')")
        }
        #expect(try await fixture.relationExists("public.idx_orders_customer_paid") == false)
        #expect(try await fixture.lines("SELECT count(*) FROM orders WHERE customer_id = 4242") == ["1"])
    }
}

// MARK: - sql

@Suite("sql lifecycle", .serialized)
struct SQLLifecycleTests {
    static let withDown = """
        operations:
          - sql:
              up: CREATE TABLE audit_log (id bigserial PRIMARY KEY, message text NOT NULL); CREATE INDEX audit_log_message ON audit_log (message)
              down: DROP TABLE audit_log
        """
    static let onComplete = """
        operations:
          - sql:
              up: COMMENT ON TABLE orders IS 'completed by slipway'
              onComplete: true
        """

    @Test func withDownThroughComplete() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 10)
        try fixture.write("0001_audit.yaml", Self.withDown)
        _ = try await fixture.runner().start()
        #expect(try await fixture.relationExists("public.audit_log"))
        let new = try await fixture.client(version: "public_0001_audit")
        try await new.unsafeExecuteRaw("INSERT INTO audit_log (message) VALUES ('hello')")
        _ = try await fixture.runner().complete()
        #expect(try await fixture.lines("SELECT message FROM public.audit_log") == ["hello"])
    }

    @Test func withDownThroughRollback() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 10)
        try await fixture.startThenRollback(file: "0001_audit.yaml", migration: Self.withDown) { fixture in
            #expect(try await fixture.relationExists("public.audit_log"))
            let old = try await fixture.client(version: nil)
            try await old.unsafeExecuteRaw("INSERT INTO orders (customer_id, status) VALUES (4242, 'paid')")
        }
        #expect(try await fixture.relationExists("public.audit_log") == false)
        #expect(try await fixture.lines("SELECT count(*) FROM orders WHERE customer_id = 4242") == ["1"])
    }

    @Test func onCompleteRunsOnlyAtComplete() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 10)
        try fixture.write("0001_comment.yaml", Self.onComplete)
        _ = try await fixture.runner().start()
        #expect(try await fixture.lines("SELECT obj_description('orders'::regclass, 'pg_class')") == ["∅"])
        _ = try await fixture.runner().complete()
        #expect(try await fixture.lines("SELECT obj_description('orders'::regclass, 'pg_class')") == ["completed by slipway"])
    }

    @Test func onCompleteThroughRollback() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 10)
        try await fixture.startThenRollback(file: "0001_comment.yaml", migration: Self.onComplete) { _ in }
        #expect(try await fixture.lines("SELECT obj_description('orders'::regclass, 'pg_class')") == ["∅"])
    }
}

// MARK: - Several versions in a row

@Suite("versions in sequence", .serialized)
struct SequenceLifecycleTests {
    /// A second version after a completed one: the previous version schema stays usable until the second
    /// completes, rollback of the second keeps the first's schema, and complete drops it.
    @Test func secondVersionRollbackKeepsTheFirstAndCompleteDropsIt() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 300)
        try fixture.write("0001_total_eur.yaml", AddColumnVariantLifecycleTests.nullableWithUp)
        _ = try await fixture.runner().start()
        _ = try await fixture.runner().complete()
        let before = try await fixture.schemaDump()
        try fixture.write("0002_rename.yaml", RenameColumnLifecycleTests.migration)
        _ = try await fixture.runner().start()
        let v1 = try await fixture.client(version: "public_0001_total_eur")
        let v2 = try await fixture.client(version: "public_0002_rename")
        let id = try await text(v1, "INSERT INTO orders (customer_id, status, total_cents, total_eur) VALUES (1, 'paid', 100, 1.00) RETURNING id")!
        #expect(try await text(v2, "SELECT amount_cents || '/' || total_eur FROM orders WHERE id = \(id)") == "100/1.00")
        _ = try await fixture.runner().rollback()
        #expect(try await fixture.schemaDump() == before)
        _ = try await fixture.runner().start()
        _ = try await fixture.runner().complete()
        #expect(try await fixture.schemaExists("public_0001_total_eur") == false)
        #expect(try await fixture.schemaExists("public_0002_rename"))
        #expect(try await fixture.runner().history().map(\.phase) == ["completed", "rolled_back", "completed"])
    }
}
}

/// The engine's integration tests (every `*LifecycleTests`, safety and concurrency suite) run one at a time:
/// each creates databases, runs pg_dump and drives the server, and in parallel they starve the timing-sensitive
/// lock tests running next to them on small machines.
@Suite(.serialized) struct EngineIntegrationTests {}
