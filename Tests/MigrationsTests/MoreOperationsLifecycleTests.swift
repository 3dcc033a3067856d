import Foundation
import LocalPostgres
import Migrations
import PostgresClient
import Testing

extension EngineFixture {
    /// Starts `migration` as `file` and expects it refused before any DDL, with `messageContains` in the message.
    func expectRefusedBeforeDDL(
        file: String, migration: String, messageContains: String,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) async throws {
        let before = try await schemaDump()
        try write(file, migration)
        let error = await #expect(throws: MigrationError.self, sourceLocation: sourceLocation) { try await runner().start() }
        #expect(error?.kind == .invalidMigration, "\(String(describing: error))", sourceLocation: sourceLocation)
        #expect(error?.message.contains(messageContains) == true, "message was \(error?.message ?? "")", sourceLocation: sourceLocation)
        #expect(try await schemaDump() == before, "the schema changed", sourceLocation: sourceLocation)
        #expect(try await runner().status().current == nil, sourceLocation: sourceLocation)
        try FileManager.default.removeItem(atPath: directory + "/" + file)
    }

    func attribute(_ table: String, _ column: String, _ field: String) async throws -> String? {
        try await lines("SELECT \(field)::text FROM pg_attribute WHERE attrelid = '\(table)'::regclass AND attname = '\(column)'").first
    }
}

extension EngineIntegrationTests {

// MARK: - drop_index

@Suite("drop_index lifecycle", .serialized)
struct DropIndexLifecycleTests {
    static let migration = """
        operations:
          - drop_index:
              name: idx_orders_customer
        """

    static func prepare(_ fixture: EngineFixture) async throws {
        let app = try await fixture.app()
        try await createOrders(app, rows: 300)
        try await app.unsafeExecuteRaw("CREATE INDEX idx_orders_customer ON orders (customer_id)")
        await app.close()
    }

    @Test func startThenComplete() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.prepare(fixture)
        try fixture.write("0001_drop_idx.yaml", Self.migration)
        _ = try await fixture.runner().start()
        // Kept while old clients run.
        #expect(try await fixture.relationExists("public.idx_orders_customer"))
        let old = try await fixture.client(version: nil)
        let new = try await fixture.client(version: "public_0001_drop_idx")
        try await old.unsafeExecuteRaw("INSERT INTO orders (customer_id, status) VALUES (4242, 'paid')")
        try await new.unsafeExecuteRaw("INSERT INTO orders (customer_id, status) VALUES (4343, 'paid')")
        #expect(try await text(new, "SELECT count(*) FROM orders WHERE customer_id IN (4242, 4343)") == "2")

        _ = try await fixture.runner().complete()
        #expect(try await fixture.relationExists("public.idx_orders_customer") == false)
        #expect(try await fixture.lines("SELECT count(*) FROM orders") == ["302"])
        #expect(try await text(new, "SELECT count(*) FROM orders WHERE customer_id = 4242") == "1")
    }

    @Test func startThenRollback() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.prepare(fixture)
        try await fixture.grantReader(on: "orders")
        try await fixture.startThenRollback(file: "0001_drop_idx.yaml", migration: Self.migration) { fixture in
            let old = try await fixture.client(version: nil)
            try await old.unsafeExecuteRaw("INSERT INTO orders (customer_id, status) VALUES (4242, 'paid')")
            let new = try await fixture.client(version: "public_0001_drop_idx")
            try await new.unsafeExecuteRaw("INSERT INTO orders (customer_id, status) VALUES (4343, 'paid')")
        }
        #expect(try await fixture.relationExists("public.idx_orders_customer"))
        #expect(try await fixture.lines("SELECT count(*) FROM orders WHERE customer_id IN (4242, 4343)") == ["2"])
    }

    @Test func refusals() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.prepare(fixture)
        try await fixture.expectRefusedBeforeDDL(
            file: "0001_pkey.yaml", migration: "operations:\n  - drop_index:\n      name: orders_pkey\n", messageContains: "backs a constraint")
        try await fixture.expectRefusedBeforeDDL(
            file: "0001_missing.yaml", migration: "operations:\n  - drop_index:\n      name: nope\n", messageContains: "does not exist")
    }

    @Test func planShowsTheLock() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.prepare(fixture)
        try fixture.write("0001_drop_idx.yaml", Self.migration)
        let plan = try await fixture.runner().plan().plan
        #expect(plan.start.allSatisfy { !$0.summary.contains("drop index") })
        let step = try #require(plan.complete.first { $0.summary.contains("drop index idx_orders_customer") })
        let impact = StepImpact.of(step, schema: "public")
        #expect(impact.locks.map(\.mode) == ["SHARE UPDATE EXCLUSIVE"])
        #expect(impact.locks.allSatisfy { !$0.blocksWrites })
    }
}

// MARK: - rename_table

@Suite("rename_table lifecycle", .serialized)
struct RenameTableLifecycleTests {
    static let migration = """
        operations:
          - rename_table:
              from: orders
              to: purchases
        """

    @Test func startThenComplete() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 200)
        try fixture.write("0001_rename_orders.yaml", Self.migration)
        _ = try await fixture.runner().start()
        #expect(try await fixture.relationExists("public.orders"))
        #expect(try await fixture.relationExists("public.purchases") == false)
        #expect(try await fixture.relationExists("public_0001_rename_orders.purchases"))
        #expect(try await fixture.relationExists("public_0001_rename_orders.orders") == false)
        let old = try await fixture.client(version: nil)
        let new = try await fixture.client(version: "public_0001_rename_orders")
        // old → new and new → old through the same physical table.
        let oldID = try await text(old, "INSERT INTO orders (customer_id, status, total_cents) VALUES (1, 'paid', 777) RETURNING id")!
        #expect(try await text(new, "SELECT total_cents FROM purchases WHERE id = \(oldID)") == "777")
        let newID = try await text(new, "INSERT INTO purchases (customer_id, status, total_cents) VALUES (2, 'paid', 888) RETURNING id")!
        #expect(try await text(old, "SELECT total_cents FROM orders WHERE id = \(newID)") == "888")
        try await new.unsafeExecuteRaw("UPDATE purchases SET total_cents = 1 WHERE id = \(oldID)")
        #expect(try await text(old, "SELECT total_cents FROM orders WHERE id = \(oldID)") == "1")
        // Defaults of the table apply through the view.
        #expect(try await text(new, "INSERT INTO purchases (customer_id, status) VALUES (3, 'paid') RETURNING total_cents") == "0")

        _ = try await fixture.runner().complete()
        #expect(try await fixture.relationExists("public.orders") == false)
        #expect(try await fixture.relationExists("public.purchases"))
        #expect(try await fixture.lines("SELECT count(*) FROM public.purchases") == ["203"])
        #expect(try await text(new, "SELECT total_cents FROM purchases WHERE id = \(newID)") == "888")
        try await new.unsafeExecuteRaw("INSERT INTO purchases (customer_id, status) VALUES (4, 'paid')")
        // Constraint and index names stay as plain DDL leaves them.
        #expect(try await fixture.lines("SELECT conname FROM pg_constraint WHERE conrelid = 'purchases'::regclass AND contype = 'p'") == ["orders_pkey"])
    }

    @Test func startThenRollback() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 200)
        try await fixture.grantReader(on: "orders")
        try await fixture.startThenRollback(file: "0001_rename_orders.yaml", migration: Self.migration) { fixture in
            let old = try await fixture.client(version: nil)
            try await old.unsafeExecuteRaw("INSERT INTO orders (customer_id, status) VALUES (4242, 'paid')")
            let new = try await fixture.client(version: "public_0001_rename_orders")
            try await new.unsafeExecuteRaw("INSERT INTO purchases (customer_id, status) VALUES (4343, 'paid')")
            #expect(try await fixture.lines("SELECT has_table_privilege('slipway_test_reader', 'public_0001_rename_orders.purchases', 'SELECT')") == ["t"])
        }
        #expect(try await fixture.relationExists("public.purchases") == false)
        #expect(try await fixture.lines("SELECT customer_id FROM orders WHERE customer_id > 4000 ORDER BY 1") == ["4242", "4343"])
        #expect(try await fixture.lines("SELECT count(*) FROM orders") == ["202"])
    }

    @Test func refusals() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 10)
        try await app.unsafeExecuteRaw("CREATE TABLE purchases (id int)")
        try await fixture.expectRefusedBeforeDDL(
            file: "0001_clash.yaml", migration: Self.migration, messageContains: "\"purchases\" already exists")
        try await fixture.expectRefusedBeforeDDL(
            file: "0001_then.yaml",
            migration: """
                operations:
                  - rename_table:
                      from: orders
                      to: sales
                  - drop_column:
                      table: sales
                      column: status
                """, messageContains: "renamed earlier in this version")
    }
}

// MARK: - drop_table

@Suite("drop_table lifecycle", .serialized)
struct DropTableLifecycleTests {
    static let migration = """
        operations:
          - drop_table:
              name: accounts
        """

    static func prepare(_ fixture: EngineFixture) async throws {
        let app = try await fixture.app()
        try await createOrders(app, rows: 50)
        try await app.unsafeExecuteRaw(
            """
            CREATE TABLE accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);
            INSERT INTO accounts (name) SELECT 'Name' || g FROM generate_series(1, 100) g;
            """)
        await app.close()
    }

    @Test func startThenComplete() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.prepare(fixture)
        try fixture.write("0001_drop_accounts.yaml", Self.migration)
        _ = try await fixture.runner().start()
        // Hidden from the new version, still there for old clients.
        #expect(try await fixture.relationExists("public_0001_drop_accounts.accounts") == false)
        #expect(try await fixture.relationExists("public_0001_drop_accounts.orders"))
        let old = try await fixture.client(version: nil)
        try await old.unsafeExecuteRaw("INSERT INTO accounts (name) VALUES ('Linus')")
        #expect(try await text(old, "SELECT count(*) FROM accounts") == "101")
        let new = try await fixture.client(version: "public_0001_drop_accounts")
        try await new.unsafeExecuteRaw("INSERT INTO orders (customer_id, status) VALUES (1, 'paid')")

        _ = try await fixture.runner().complete()
        #expect(try await fixture.relationExists("public.accounts") == false)
        #expect(try await fixture.relationExists("public.accounts_id_seq") == false)
        #expect(try await text(new, "SELECT count(*) FROM orders") == "51")
    }

    @Test func startThenRollback() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.prepare(fixture)
        try await fixture.grantReader(on: "accounts")
        try await fixture.startThenRollback(file: "0001_drop_accounts.yaml", migration: Self.migration) { fixture in
            let old = try await fixture.client(version: nil)
            try await old.unsafeExecuteRaw("INSERT INTO accounts (name) VALUES ('Linus')")
            try await old.unsafeExecuteRaw("UPDATE accounts SET name = 'Renamed' WHERE id = 5")
            let new = try await fixture.client(version: "public_0001_drop_accounts")
            try await new.unsafeExecuteRaw("INSERT INTO orders (customer_id, status) VALUES (4242, 'paid')")
        }
        // Restored with every row, including those old clients wrote meanwhile.
        #expect(try await fixture.lines("SELECT count(*) FROM accounts") == ["101"])
        #expect(try await fixture.lines("SELECT name FROM accounts WHERE id IN (5, 101) ORDER BY id") == ["Renamed", "Linus"])
        #expect(try await fixture.lines("SELECT count(*) FROM orders WHERE customer_id = 4242") == ["1"])
    }

    @Test func refusals() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.prepare(fixture)
        let app = try await fixture.app()
        try await app.unsafeExecuteRaw(
            "CREATE TABLE account_notes (id int PRIMARY KEY, account_id bigint CONSTRAINT account_notes_account_fk REFERENCES accounts (id))")
        try await fixture.expectRefusedBeforeDDL(
            file: "0001_drop_accounts.yaml", migration: Self.migration, messageContains: "account_notes.account_notes_account_fk")
        try await fixture.expectRefusedBeforeDDL(
            file: "0001_touched.yaml",
            migration: """
                operations:
                  - rename_column:
                      table: orders
                      from: status
                      to: state
                  - drop_table:
                      name: orders
                """, messageContains: "changed by an earlier operation")
    }
}

// MARK: - rename_constraint and set_replica_identity

@Suite("rename_constraint and set_replica_identity lifecycle", .serialized)
struct ConstraintAndIdentityLifecycleTests {
    static let rename = """
        operations:
          - rename_constraint:
              table: orders
              from: orders_total_nonnegative
              to: orders_total_cents_check
          - rename_constraint:
              table: orders
              from: orders_pkey
              to: orders_pk
        """

    static func prepare(_ fixture: EngineFixture) async throws {
        let app = try await fixture.app()
        try await createOrders(app, rows: 100)
        try await app.unsafeExecuteRaw("ALTER TABLE orders ADD CONSTRAINT orders_total_nonnegative CHECK (total_cents >= 0)")
        await app.close()
    }

    @Test func renameThroughComplete() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.prepare(fixture)
        try fixture.write("0001_rename_constraints.yaml", Self.rename)
        _ = try await fixture.runner().start()
        let names = "SELECT conname FROM pg_constraint WHERE conrelid = 'orders'::regclass AND contype IN ('p', 'c') ORDER BY 1"
        #expect(try await fixture.lines(names) == ["orders_pkey", "orders_total_nonnegative"])
        let old = try await fixture.client(version: nil)
        let new = try await fixture.client(version: "public_0001_rename_constraints")
        try await old.unsafeExecuteRaw("INSERT INTO orders (customer_id, status) VALUES (1, 'paid')")
        try await new.unsafeExecuteRaw("INSERT INTO orders (customer_id, status) VALUES (2, 'paid')")
        await #expect(throws: PostgresError.self) {
            try await new.unsafeExecuteRaw("INSERT INTO orders (customer_id, status, total_cents) VALUES (2, 'paid', -1)")
        }
        _ = try await fixture.runner().complete()
        #expect(try await fixture.lines(names) == ["orders_pk", "orders_total_cents_check"])
        #expect(try await fixture.relationExists("public.orders_pk"))
        #expect(try await text(new, "SELECT count(*) FROM orders") == "102")
    }

    @Test func renameThroughRollback() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.prepare(fixture)
        try await fixture.grantReader(on: "orders")
        try await fixture.startThenRollback(file: "0001_rename_constraints.yaml", migration: Self.rename) { fixture in
            let old = try await fixture.client(version: nil)
            try await old.unsafeExecuteRaw("INSERT INTO orders (customer_id, status) VALUES (4242, 'paid')")
        }
        #expect(try await fixture.lines("SELECT count(*) FROM orders") == ["101"])
    }

    static let identity = """
        operations:
          - set_replica_identity:
              table: orders
              identity:
                type: FULL
        """

    @Test func replicaIdentityThroughComplete() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.prepare(fixture)
        try fixture.write("0001_identity.yaml", Self.identity)
        _ = try await fixture.runner().start()
        #expect(try await fixture.lines("SELECT relreplident FROM pg_class WHERE oid = 'orders'::regclass") == ["f"])
        let old = try await fixture.client(version: nil)
        try await old.unsafeExecuteRaw("UPDATE orders SET status = 'cancelled' WHERE id = 1")
        let new = try await fixture.client(version: "public_0001_identity")
        try await new.unsafeExecuteRaw("DELETE FROM orders WHERE id = 2")
        _ = try await fixture.runner().complete()
        #expect(try await fixture.lines("SELECT relreplident FROM pg_class WHERE oid = 'orders'::regclass") == ["f"])
        #expect(try await fixture.lines("SELECT count(*) FROM orders") == ["99"])
    }

    /// Rollback restores the previous identity, here an index.
    @Test func replicaIdentityThroughRollbackRestoresTheIndex() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.prepare(fixture)
        let app = try await fixture.app()
        try await app.unsafeExecuteRaw("ALTER TABLE orders REPLICA IDENTITY USING INDEX orders_pkey")
        try await fixture.startThenRollback(file: "0001_identity.yaml", migration: Self.identity) { fixture in
            #expect(try await fixture.lines("SELECT relreplident FROM pg_class WHERE oid = 'orders'::regclass") == ["f"])
            let old = try await fixture.client(version: nil)
            try await old.unsafeExecuteRaw("INSERT INTO orders (customer_id, status) VALUES (4242, 'paid')")
        }
        #expect(try await fixture.lines("SELECT relreplident FROM pg_class WHERE oid = 'orders'::regclass") == ["i"])
        #expect(try await fixture.lines("SELECT indisreplident FROM pg_index WHERE indexrelid = 'orders_pkey'::regclass") == ["t"])
    }

    @Test func replicaIdentityIndexMustExist() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.prepare(fixture)
        try await fixture.expectRefusedBeforeDDL(
            file: "0001_identity.yaml",
            migration: """
                operations:
                  - set_replica_identity:
                      table: orders
                      identity:
                        type: INDEX
                        index: nope
                """, messageContains: "does not exist")
    }
}

// MARK: - alter_column: default, comment, nullable

@Suite("alter_column default, comment and nullable lifecycle", .serialized)
struct AlterColumnInPlaceLifecycleTests {
    static let defaultsAndComments = """
        operations:
          - alter_column:
              table: orders
              column: status
              default: "'pending'"
              comment: Where the order is
          - alter_column:
              table: orders
              column: total_cents
              default: null
              comment: null
        """

    static func prepare(_ fixture: EngineFixture) async throws {
        let app = try await fixture.app()
        try await createOrders(app, rows: 200)
        try await app.unsafeExecuteRaw(
            """
            COMMENT ON COLUMN orders.total_cents IS 'Total in cents';
            ALTER TABLE orders ALTER COLUMN total_cents DROP NOT NULL;
            ALTER TABLE orders ADD COLUMN note text;
            UPDATE orders SET note = 'n' || id;
            """)
        await app.close()
    }

    @Test func defaultsAndCommentsThroughComplete() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.prepare(fixture)
        try fixture.write("0001_defaults.yaml", Self.defaultsAndComments)
        _ = try await fixture.runner().start()
        // Applied in place at start: no copy of the column.
        #expect(try await fixture.lines("SELECT count(*) FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attname LIKE '\\_slipway%' AND NOT attisdropped") == ["0"])
        #expect(try await fixture.lines("SELECT col_description('orders'::regclass, 2), col_description('orders'::regclass, 3), col_description('orders'::regclass, 4)") == ["∅|Where the order is|∅"])
        let old = try await fixture.client(version: nil)
        let new = try await fixture.client(version: "public_0001_defaults")
        #expect(try await text(old, "INSERT INTO orders (customer_id, total_cents) VALUES (1, 5) RETURNING status") == "pending")
        #expect(try await text(new, "INSERT INTO orders (customer_id, total_cents) VALUES (2, 6) RETURNING status") == "pending")
        #expect(try await lines(new, "INSERT INTO orders (customer_id, status) VALUES (3, 'paid') RETURNING total_cents") == ["∅"])
        _ = try await fixture.runner().complete()
        #expect(try await fixture.lines("SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 'orders'::regclass AND adnum = 3") == ["'pending'::text"])
        #expect(try await fixture.lines("SELECT count(*) FROM pg_attrdef WHERE adrelid = 'orders'::regclass AND adnum = 4") == ["0"])
        #expect(try await fixture.lines("SELECT col_description('orders'::regclass, 3) || '/' || coalesce(col_description('orders'::regclass, 4), '∅')") == ["Where the order is/∅"])
    }

    @Test func defaultsAndCommentsThroughRollback() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.prepare(fixture)
        try await fixture.grantReader(on: "orders")
        try await fixture.startThenRollback(file: "0001_defaults.yaml", migration: Self.defaultsAndComments) { fixture in
            let old = try await fixture.client(version: nil)
            try await old.unsafeExecuteRaw("INSERT INTO orders (customer_id, total_cents) VALUES (4242, 5)")
            let new = try await fixture.client(version: "public_0001_defaults")
            try await new.unsafeExecuteRaw("INSERT INTO orders (customer_id, status) VALUES (4343, 'paid')")
        }
        // The previous default (0) and comment are back; rows written meanwhile are kept.
        #expect(try await fixture.lines("SELECT customer_id, status, coalesce(total_cents::text, '∅') FROM orders WHERE customer_id > 4000 ORDER BY 1") == ["4242|pending|5", "4343|paid|∅"])
        #expect(try await fixture.lines("SELECT col_description('orders'::regclass, 4)") == ["Total in cents"])
    }

    static let nullable = """
        operations:
          - alter_column:
              table: orders
              column: status
              nullable: true
          - alter_column:
              table: orders
              column: note
              nullable: false
        """

    @Test func nullableBothWaysThroughComplete() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.prepare(fixture)
        try fixture.write("0001_nullable.yaml", Self.nullable)
        _ = try await fixture.runner().start()
        let old = try await fixture.client(version: nil)
        let new = try await fixture.client(version: "public_0001_nullable")
        // status stays NOT NULL while old clients run (they read it as NOT NULL).
        #expect(try await fixture.attribute("orders", "status", "attnotnull") == "true")
        let statusError = await #expect(throws: PostgresError.self) {
            try await new.unsafeExecuteRaw("INSERT INTO orders (customer_id, status, note) VALUES (1, NULL, 'x')")
        }
        #expect(statusError?.sqlState == .notNullViolation)
        // note: enforced for every writer by the validated check.
        #expect(try await fixture.lines("SELECT convalidated FROM pg_constraint WHERE conrelid = 'orders'::regclass AND contype = 'c'") == ["t"])
        let noteError = await #expect(throws: PostgresError.self) {
            try await old.unsafeExecuteRaw("INSERT INTO orders (customer_id, status) VALUES (1, 'paid')")
        }
        #expect(noteError?.sqlState == .checkViolation)
        try await old.unsafeExecuteRaw("INSERT INTO orders (customer_id, status, note) VALUES (1, 'paid', 'old')")
        try await new.unsafeExecuteRaw("INSERT INTO orders (customer_id, status, note) VALUES (2, 'paid', 'new')")

        _ = try await fixture.runner().complete()
        #expect(try await fixture.attribute("orders", "status", "attnotnull") == "false")
        #expect(try await fixture.attribute("orders", "note", "attnotnull") == "true")
        #expect(try await fixture.lines("SELECT count(*) FROM pg_constraint WHERE conrelid = 'orders'::regclass AND contype = 'c'") == ["0"])
        try await new.unsafeExecuteRaw("INSERT INTO orders (customer_id, status, note) VALUES (3, NULL, 'after')")
        #expect(try await fixture.lines("SELECT count(*) FROM orders") == ["203"])
    }

    @Test func nullableBothWaysThroughRollback() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.prepare(fixture)
        try await fixture.grantReader(on: "orders")
        try await fixture.startThenRollback(file: "0001_nullable.yaml", migration: Self.nullable) { fixture in
            let old = try await fixture.client(version: nil)
            try await old.unsafeExecuteRaw("INSERT INTO orders (customer_id, status, note) VALUES (4242, 'paid', 'old')")
            let new = try await fixture.client(version: "public_0001_nullable")
            try await new.unsafeExecuteRaw("INSERT INTO orders (customer_id, status, note) VALUES (4343, 'paid', 'new')")
        }
        #expect(try await fixture.lines("SELECT customer_id, note FROM orders WHERE customer_id > 4000 ORDER BY 1") == ["4242|old", "4343|new"])
        // Nullable again after rollback.
        let app = try await fixture.app()
        try await app.unsafeExecuteRaw("INSERT INTO orders (customer_id, status) VALUES (1, 'paid')")
    }

    @Test func notNullRefusals() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.prepare(fixture)
        let app = try await fixture.app()
        try await app.unsafeExecuteRaw("UPDATE orders SET note = NULL WHERE id = 7")
        try await fixture.expectRefusedBeforeDDL(
            file: "0001_nulls.yaml",
            migration: "operations:\n  - alter_column:\n      table: orders\n      column: note\n      nullable: false\n",
            messageContains: "has NULL values")
        try await fixture.expectRefusedBeforeDDL(
            file: "0001_up.yaml",
            migration: "operations:\n  - alter_column:\n      table: orders\n      column: note\n      nullable: false\n      up: note\n",
            messageContains: "`up` gives NULL")
        try await fixture.expectRefusedBeforeDDL(
            file: "0001_type.yaml",
            migration: "operations:\n  - alter_column:\n      table: orders\n      column: note\n      type: not_a_type\n",
            messageContains: "type or default does not work")
    }
}

// MARK: - drop_constraint and drop_multicolumn_constraint

@Suite("drop_constraint lifecycle", .serialized)
struct DropConstraintLifecycleTests {
    static let migration = """
        operations:
          - drop_constraint:
              table: orders
              column: status
              name: orders_status_lower
              up: status
              down: lower(status)
          - drop_multicolumn_constraint:
              table: orders
              name: orders_customer_status_key
              down:
                customer_id: customer_id
                status: status || '-' || id
        """

    static func prepare(_ fixture: EngineFixture) async throws {
        let app = try await fixture.app()
        try await createOrders(app, rows: 100)
        try await app.unsafeExecuteRaw(
            """
            ALTER TABLE orders ADD CONSTRAINT orders_status_lower CHECK (status = lower(status));
            UPDATE orders SET status = status || '-' || id;
            ALTER TABLE orders ADD CONSTRAINT orders_customer_status_key UNIQUE (customer_id, status);
            """)
        await app.close()
    }

    static let names = "SELECT conname FROM pg_constraint WHERE conrelid = 'orders'::regclass AND contype IN ('c', 'u') ORDER BY 1"

    @Test func startThenComplete() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.prepare(fixture)
        try fixture.write("0001_drop_constraints.yaml", Self.migration)
        _ = try await fixture.runner().start()
        // Both still hold for every writer while old clients run.
        #expect(try await fixture.lines(Self.names) == ["orders_customer_status_key", "orders_status_lower"])
        let old = try await fixture.client(version: nil)
        let new = try await fixture.client(version: "public_0001_drop_constraints")
        let upper = await #expect(throws: PostgresError.self) {
            try await new.unsafeExecuteRaw("INSERT INTO orders (customer_id, status) VALUES (1, 'PAID')")
        }
        #expect(upper?.sqlState == .checkViolation)
        try await old.unsafeExecuteRaw("INSERT INTO orders (customer_id, status) VALUES (1, 'x')")
        try await new.unsafeExecuteRaw("INSERT INTO orders (customer_id, status) VALUES (2, 'x')")

        _ = try await fixture.runner().complete()
        #expect(try await fixture.lines(Self.names) == [])
        #expect(try await fixture.relationExists("public.orders_customer_status_key") == false)
        try await new.unsafeExecuteRaw("INSERT INTO orders (customer_id, status) VALUES (2, 'X'), (2, 'X')")
        #expect(try await fixture.lines("SELECT count(*) FROM orders") == ["104"])
    }

    @Test func startThenRollback() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.prepare(fixture)
        try await fixture.grantReader(on: "orders")
        try await fixture.startThenRollback(file: "0001_drop_constraints.yaml", migration: Self.migration) { fixture in
            let old = try await fixture.client(version: nil)
            try await old.unsafeExecuteRaw("INSERT INTO orders (customer_id, status) VALUES (4242, 'x')")
            let new = try await fixture.client(version: "public_0001_drop_constraints")
            try await new.unsafeExecuteRaw("INSERT INTO orders (customer_id, status) VALUES (4343, 'x')")
        }
        #expect(try await fixture.lines(Self.names) == ["orders_customer_status_key", "orders_status_lower"])
        #expect(try await fixture.lines("SELECT count(*) FROM orders") == ["102"])
    }

    @Test func refusals() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.prepare(fixture)
        let app = try await fixture.app()
        try await app.unsafeExecuteRaw(
            "CREATE TABLE order_notes (id int PRIMARY KEY, order_id bigint REFERENCES orders (id))")
        try await fixture.expectRefusedBeforeDDL(
            file: "0001_pkey.yaml",
            migration: "operations:\n  - drop_multicolumn_constraint:\n      table: orders\n      name: orders_pkey\n      down:\n        id: id\n",
            messageContains: "referenced by a foreign key")
        try await fixture.expectRefusedBeforeDDL(
            file: "0001_missing.yaml",
            migration: "operations:\n  - drop_constraint:\n      table: orders\n      name: nope\n      up: status\n      down: status\n",
            messageContains: "does not exist")
    }
}

// MARK: - Several of them in one version

@Suite("newer operations combined in one version", .serialized)
struct MoreOperationsCombinedTests {
    static let first = """
        operations:
          - drop_index:
              name: idx_orders_customer
          - alter_column:
              table: orders
              column: status
              default: "'new'"
              comment: Lifecycle state
          - set_replica_identity:
              table: orders
              identity:
                type: FULL
          - rename_column:
              table: orders
              from: total_cents
              to: amount_cents
        """
    static let second = """
        operations:
          - rename_table:
              from: accounts
              to: customers
          - drop_table:
              name: legacy_events
        """

    static func prepare(_ fixture: EngineFixture) async throws {
        let app = try await fixture.app()
        try await createOrders(app, rows: 150)
        try await app.unsafeExecuteRaw(
            """
            CREATE INDEX idx_orders_customer ON orders (customer_id);
            CREATE TABLE accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);
            INSERT INTO accounts (name) SELECT 'Name' || g FROM generate_series(1, 20) g;
            CREATE TABLE legacy_events (id int PRIMARY KEY, payload text);
            INSERT INTO legacy_events SELECT g, 'e' || g FROM generate_series(1, 30) g;
            """)
        await app.close()
    }

    @Test func twoFilesThroughComplete() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.prepare(fixture)
        try fixture.write("0001_orders.yaml", Self.first)
        try fixture.write("0002_tables.yaml", Self.second)
        let record = try await fixture.runner().start()
        #expect(record.migrations == ["0001_orders", "0002_tables"])
        let old = try await fixture.client(version: nil)
        let new = try await fixture.client(version: "public_0002_tables")
        let oldID = try await text(old, "INSERT INTO orders (customer_id, total_cents) VALUES (1, 5) RETURNING id")!
        #expect(try await text(new, "SELECT status || '/' || amount_cents FROM orders WHERE id = \(oldID)") == "new/5")
        try await new.unsafeExecuteRaw("INSERT INTO customers (name) VALUES ('Ada')")
        #expect(try await text(old, "SELECT count(*) FROM accounts") == "21")
        try await old.unsafeExecuteRaw("INSERT INTO legacy_events VALUES (31, 'late')")
        #expect(try await fixture.relationExists("public_0002_tables.legacy_events") == false)

        _ = try await fixture.runner().complete()
        #expect(try await fixture.relationExists("public.idx_orders_customer") == false)
        #expect(try await fixture.relationExists("public.legacy_events") == false)
        #expect(try await fixture.lines("SELECT count(*) FROM public.customers") == ["21"])
        #expect(try await fixture.lines("SELECT relreplident FROM pg_class WHERE oid = 'orders'::regclass") == ["f"])
        #expect(try await fixture.lines("SELECT col_description('orders'::regclass, 3)") == ["Lifecycle state"])
        #expect(try await text(new, "SELECT amount_cents FROM orders WHERE id = \(oldID)") == "5")
        #expect(try await fixture.scalar("SELECT count(*)::int8 FROM pg_trigger WHERE NOT tgisinternal", as: Int.self) == 0)
    }

    @Test func twoFilesThroughRollback() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.prepare(fixture)
        try await fixture.grantReader(on: "orders")
        try await fixture.grantReader(on: "accounts")
        let before = try await fixture.schemaDump()
        try fixture.write("0001_orders.yaml", Self.first)
        try fixture.write("0002_tables.yaml", Self.second)
        _ = try await fixture.runner().start()
        let old = try await fixture.client(version: nil)
        let new = try await fixture.client(version: "public_0002_tables")
        try await old.unsafeExecuteRaw("INSERT INTO legacy_events VALUES (31, 'late')")
        try await old.unsafeExecuteRaw("INSERT INTO orders (customer_id, status, total_cents) VALUES (4242, 'paid', 1)")
        try await new.unsafeExecuteRaw("INSERT INTO orders (customer_id, amount_cents) VALUES (4343, 2)")
        try await new.unsafeExecuteRaw("INSERT INTO customers (name) VALUES ('Ada')")
        _ = try await fixture.runner().rollback()
        #expect(try await fixture.schemaDump() == before)
        #expect(try await fixture.lines("SELECT count(*) FROM legacy_events") == ["31"])
        #expect(try await fixture.lines("SELECT count(*) FROM accounts") == ["21"])
        #expect(try await fixture.lines("SELECT customer_id, status, total_cents FROM orders WHERE customer_id > 4000 ORDER BY 1") == ["4242|paid|1", "4343|new|2"])
        #expect(try await fixture.runner().status().pending == ["0001_orders", "0002_tables"])
    }
}

// MARK: - create_constraint (check)

@Suite("create_constraint check lifecycle", .serialized)
struct CreateCheckConstraintLifecycleTests {
    static let migration = """
        operations:
          - create_constraint:
              table: orders
              name: orders_total_range
              type: check
              columns: [customer_id, total_cents]
              check: total_cents >= 0 AND customer_id >= 0
              up:
                total_cents: total_cents
                customer_id: customer_id
              down:
                total_cents: total_cents
                customer_id: customer_id
        """

    static let names = "SELECT conname || ':' || convalidated FROM pg_constraint WHERE conrelid = 'orders'::regclass AND contype = 'c'"

    @Test func startThenComplete() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 300)
        try fixture.write("0001_check.yaml", Self.migration)
        _ = try await fixture.runner().start()
        // Added NOT VALID and validated at start: enforced for every writer.
        #expect(try await fixture.lines(Self.names) == ["orders_total_range:true"])
        let old = try await fixture.client(version: nil)
        let new = try await fixture.client(version: "public_0001_check")
        for client in [old, new] {
            let error = await #expect(throws: PostgresError.self) {
                try await client.unsafeExecuteRaw("INSERT INTO orders (customer_id, status, total_cents) VALUES (1, 'paid', -5)")
            }
            #expect(error?.sqlState == .checkViolation)
        }
        try await old.unsafeExecuteRaw("INSERT INTO orders (customer_id, status, total_cents) VALUES (1, 'paid', 5)")
        _ = try await fixture.runner().complete()
        #expect(try await fixture.lines(Self.names) == ["orders_total_range:true"])
        #expect(try await fixture.lines("SELECT count(*) FROM orders") == ["301"])
    }

    @Test func startThenRollback() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 300)
        try await fixture.grantReader(on: "orders")
        try await fixture.startThenRollback(file: "0001_check.yaml", migration: Self.migration) { fixture in
            let old = try await fixture.client(version: nil)
            try await old.unsafeExecuteRaw("INSERT INTO orders (customer_id, status, total_cents) VALUES (4242, 'paid', 5)")
        }
        #expect(try await fixture.lines(Self.names) == [])
        #expect(try await fixture.lines("SELECT count(*) FROM orders") == ["301"])
    }

    @Test func refusals() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 50)
        try await app.unsafeExecuteRaw("UPDATE orders SET total_cents = -1 WHERE id = 3")
        try await fixture.expectRefusedBeforeDDL(file: "0001_check.yaml", migration: Self.migration, messageContains: "violate check")
        try await fixture.expectRefusedBeforeDDL(
            file: "0001_fix.yaml",
            migration: Self.migration.replacingOccurrences(of: "total_cents: total_cents", with: "total_cents: greatest(total_cents, 0)"),
            messageContains: "changes values")
        try await fixture.expectRefusedBeforeDDL(
            file: "0001_unique.yaml",
            migration: "operations:\n  - create_constraint:\n      table: orders\n      name: orders_pk2\n      type: primary_key\n      columns: [id]\n      up: {id: id}\n      down: {id: id}\n",
            messageContains: "already has a primary key")
    }
}

// MARK: - create_constraint (foreign_key)

@Suite("create_constraint foreign_key lifecycle", .serialized)
struct CreateForeignKeyLifecycleTests {
    static let migration = """
        operations:
          - create_constraint:
              table: orders
              name: orders_customer_fk
              type: foreign_key
              columns: [customer_id]
              references:
                table: customers
                columns: [id]
                on_delete: CASCADE
              up:
                customer_id: customer_id
              down:
                customer_id: customer_id
        """

    static func prepare(_ fixture: EngineFixture) async throws {
        let app = try await fixture.app()
        try await createOrders(app, rows: 200)
        try await app.unsafeExecuteRaw(
            "CREATE TABLE customers (id bigint PRIMARY KEY); INSERT INTO customers SELECT g FROM generate_series(0, 100) g")
        await app.close()
    }

    static let fk = "SELECT pg_get_constraintdef(oid) || ':' || convalidated FROM pg_constraint WHERE conrelid = 'orders'::regclass AND contype = 'f'"

    @Test func startThenComplete() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.prepare(fixture)
        try fixture.write("0001_fk.yaml", Self.migration)
        _ = try await fixture.runner().start()
        #expect(try await fixture.lines(Self.fk) == ["FOREIGN KEY (customer_id) REFERENCES customers(id) ON DELETE CASCADE:true"])
        let old = try await fixture.client(version: nil)
        let new = try await fixture.client(version: "public_0001_fk")
        for client in [old, new] {
            let error = await #expect(throws: PostgresError.self) {
                try await client.unsafeExecuteRaw("INSERT INTO orders (customer_id, status) VALUES (999, 'paid')")
            }
            #expect(error?.sqlState == .foreignKeyViolation)
        }
        try await old.unsafeExecuteRaw("INSERT INTO orders (customer_id, status) VALUES (5, 'paid')")
        _ = try await fixture.runner().complete()
        #expect(try await fixture.lines(Self.fk) == ["FOREIGN KEY (customer_id) REFERENCES customers(id) ON DELETE CASCADE:true"])
        try await fixture.app().unsafeExecuteRaw("DELETE FROM customers WHERE id = 5")
        #expect(try await fixture.lines("SELECT count(*) FROM orders WHERE customer_id = 5") == ["0"])
    }

    @Test func startThenRollback() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.prepare(fixture)
        try await fixture.grantReader(on: "orders")
        try await fixture.startThenRollback(file: "0001_fk.yaml", migration: Self.migration) { fixture in
            let old = try await fixture.client(version: nil)
            try await old.unsafeExecuteRaw("INSERT INTO orders (customer_id, status) VALUES (7, 'paid')")
        }
        #expect(try await fixture.lines(Self.fk) == [])
        #expect(try await fixture.lines("SELECT count(*) FROM orders") == ["201"])
    }

    @Test func orphansAreRefusedBeforeDDL() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.prepare(fixture)
        try await fixture.app().unsafeExecuteRaw("UPDATE orders SET customer_id = 4242 WHERE id = 9")
        try await fixture.expectRefusedBeforeDDL(file: "0001_fk.yaml", migration: Self.migration, messageContains: "reference no row")
    }
}

// MARK: - create_constraint (unique)

@Suite("create_constraint unique lifecycle", .serialized)
struct CreateUniqueConstraintLifecycleTests {
    static let migration = """
        operations:
          - create_constraint:
              table: orders
              name: orders_customer_total_key
              type: unique
              columns: [customer_id, total_cents]
              up:
                customer_id: customer_id
                total_cents: total_cents
              down:
                customer_id: customer_id
                total_cents: total_cents
        """

    static let unique = "SELECT conname || ':' || pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'orders'::regclass AND contype = 'u'"

    @Test func startThenComplete() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 200)
        try fixture.write("0001_unique.yaml", Self.migration)
        _ = try await fixture.runner().start()
        #expect(try await fixture.lines("SELECT indisvalid FROM pg_index WHERE indexrelid = 'orders_customer_total_key'::regclass") == ["t"])
        let old = try await fixture.client(version: nil)
        let new = try await fixture.client(version: "public_0001_unique")
        for client in [old, new] {
            let error = await #expect(throws: PostgresError.self) {
                try await client.unsafeExecuteRaw("INSERT INTO orders (customer_id, status, total_cents) VALUES (1, 'paid', 1)")
            }
            #expect(error?.sqlState == .uniqueViolation)
        }
        try await old.unsafeExecuteRaw("INSERT INTO orders (customer_id, status, total_cents) VALUES (1, 'paid', 100000)")
        _ = try await fixture.runner().complete()
        #expect(try await fixture.lines(Self.unique) == ["orders_customer_total_key:UNIQUE (customer_id, total_cents)"])
    }

    @Test func startThenRollback() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 200)
        try await fixture.grantReader(on: "orders")
        try await fixture.startThenRollback(file: "0001_unique.yaml", migration: Self.migration) { fixture in
            let old = try await fixture.client(version: nil)
            try await old.unsafeExecuteRaw("INSERT INTO orders (customer_id, status, total_cents) VALUES (1, 'paid', 100000)")
        }
        #expect(try await fixture.relationExists("public.orders_customer_total_key") == false)
        #expect(try await fixture.lines("SELECT count(*) FROM orders") == ["201"])
    }

    @Test func duplicatesAreRefusedBeforeDDL() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 50)
        try await app.unsafeExecuteRaw("INSERT INTO orders (customer_id, status, total_cents) VALUES (1, 'paid', 1)")
        try await fixture.expectRefusedBeforeDDL(file: "0001_unique.yaml", migration: Self.migration, messageContains: "duplicate")
    }
}
}
