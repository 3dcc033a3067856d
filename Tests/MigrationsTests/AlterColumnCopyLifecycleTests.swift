import Foundation
import LocalPostgres
@testable import Migrations
import PostgresClient
import Testing

/// One alter_column that copies the column, with what the tests need to check it.
struct AlterColumnCase: Sendable, CustomTestStringConvertible {
    var name: String
    /// The table, with the altered column LAST (a copy ends up last: the plain-DDL reference then matches), its
    /// indexes and constraints, and 60 rows.
    var setup: String
    var migration: String
    /// Applied after `setup` in a second database: what the migration must leave (`pg_dump` is compared).
    var plainDDL: String
    /// The altered column.
    var column: String
    /// `up` over the base table's old column (the backfill and old clients' writes must give it).
    var up: String
    /// `down` over the copy `_slipway_new_<column>` (new clients' writes must give it in the old column).
    var down: String
    /// A value (SQL literal) old / new clients write in writer iteration `n` (must satisfy every constraint).
    var oldValue: @Sendable (Int) -> String
    var newValue: @Sendable (Int) -> String
    var testDescription: String { name }
}

private let customers = "CREATE TABLE customers (id integer PRIMARY KEY); INSERT INTO customers SELECT g FROM generate_series(1, 5) g;"

let alterColumnCases: [AlterColumnCase] = [
    AlterColumnCase(
        name: "type",
        setup: """
            CREATE TABLE items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, qty integer NOT NULL DEFAULT 0, price text);
            COMMENT ON COLUMN items.price IS 'the price';
            CREATE INDEX items_price_idx ON items (price);
            CREATE INDEX items_qty_price_idx ON items (qty, price) WHERE price IS NOT NULL;
            ALTER TABLE items ADD CONSTRAINT items_qty_price_key UNIQUE (qty, price);
            ALTER TABLE items ADD CONSTRAINT items_price_present CHECK (price IS NOT NULL OR qty = 0);
            INSERT INTO items (qty, price) SELECT g, (g * 1.5)::text FROM generate_series(1, 60) g;
            """,
        migration: """
            operations:
              - alter_column:
                  table: items
                  column: price
                  type: numeric(10,2)
            """,
        plainDDL: "ALTER TABLE items ALTER COLUMN price TYPE numeric(10,2) USING CAST(price AS numeric(10,2));",
        column: "price", up: "CAST(price AS numeric(10,2))", down: "CAST(\"_slipway_new_price\" AS text)",
        oldValue: { "'\($0).25'" }, newValue: { "\($0).75" }),
    AlterColumnCase(
        name: "type of a foreign key column",
        setup: customers + """
            CREATE TABLE items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, qty integer NOT NULL DEFAULT 0, customer integer NOT NULL);
            ALTER TABLE items ADD CONSTRAINT items_customer_fk FOREIGN KEY (customer) REFERENCES customers (id) ON DELETE CASCADE ON UPDATE CASCADE;
            CREATE INDEX items_customer_idx ON items (customer);
            INSERT INTO items (qty, customer) SELECT g, 1 + g % 5 FROM generate_series(1, 60) g;
            """,
        migration: """
            operations:
              - alter_column:
                  table: items
                  column: customer
                  type: bigint
            """,
        plainDDL: "ALTER TABLE items ALTER COLUMN customer TYPE bigint;",
        column: "customer", up: "CAST(customer AS bigint)", down: "CAST(\"_slipway_new_customer\" AS integer)",
        oldValue: { "\(1 + $0 % 5)" }, newValue: { "\(1 + ($0 + 2) % 5)" }),
    AlterColumnCase(
        name: "unique",
        setup: """
            CREATE TABLE items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, qty integer NOT NULL DEFAULT 0, code text NOT NULL DEFAULT 'x');
            CREATE INDEX items_code_idx ON items (code);
            INSERT INTO items (qty, code) SELECT g, 'c' || g FROM generate_series(1, 60) g;
            """,
        migration: """
            operations:
              - alter_column:
                  table: items
                  column: code
                  unique:
                    name: items_code_key
            """,
        plainDDL: "ALTER TABLE items ADD CONSTRAINT items_code_key UNIQUE (code);",
        column: "code", up: "code", down: "\"_slipway_new_code\"",
        oldValue: { "'old\($0)'" }, newValue: { "'new\($0)'" }),
    AlterColumnCase(
        name: "check",
        setup: """
            CREATE TABLE items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, code text, qty integer NOT NULL DEFAULT 0);
            INSERT INTO items (code, qty) SELECT 'c' || g, g % 4 FROM generate_series(1, 60) g;
            """,
        migration: """
            operations:
              - alter_column:
                  table: items
                  column: qty
                  check:
                    name: items_qty_positive
                    constraint: qty > 0
                  up: CASE WHEN qty > 0 THEN qty ELSE 1 END
                  down: qty
            """,
        plainDDL: "UPDATE items SET qty = 1 WHERE qty <= 0; ALTER TABLE items ADD CONSTRAINT items_qty_positive CHECK (qty > 0);",
        column: "qty", up: "CASE WHEN qty > 0 THEN qty ELSE 1 END", down: "\"_slipway_new_qty\"",
        oldValue: { "\($0 % 3)" }, newValue: { "\(1 + $0)" }),
    AlterColumnCase(
        name: "references",
        setup: customers + """
            CREATE TABLE items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, qty integer NOT NULL DEFAULT 0, customer integer);
            INSERT INTO items (qty, customer) SELECT g, g % 8 FROM generate_series(1, 60) g;
            """,
        migration: """
            operations:
              - alter_column:
                  table: items
                  column: customer
                  references:
                    name: items_customer_fk
                    table: customers
                    column: id
                    on_delete: SET NULL
                    on_update: CASCADE
                  up: CASE WHEN customer BETWEEN 1 AND 5 THEN customer END
                  down: customer
            """,
        plainDDL: """
            UPDATE items SET customer = CASE WHEN customer BETWEEN 1 AND 5 THEN customer END;
            ALTER TABLE items ADD CONSTRAINT items_customer_fk FOREIGN KEY (customer) REFERENCES customers (id) ON DELETE SET NULL ON UPDATE CASCADE;
            """,
        column: "customer", up: "CASE WHEN customer BETWEEN 1 AND 5 THEN customer END", down: "\"_slipway_new_customer\"",
        oldValue: { "\($0 % 8)" }, newValue: { "\(1 + $0 % 5)" }),
    AlterColumnCase(
        name: "nullable false with up",
        setup: """
            CREATE TABLE items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, qty integer NOT NULL DEFAULT 0, note text);
            INSERT INTO items (qty, note) SELECT g, CASE WHEN g % 3 = 0 THEN NULL ELSE 'n' || g END FROM generate_series(1, 60) g;
            """,
        migration: """
            operations:
              - alter_column:
                  table: items
                  column: note
                  nullable: false
                  up: coalesce(note, 'none')
                  down: note
            """,
        plainDDL: "UPDATE items SET note = coalesce(note, 'none'); ALTER TABLE items ALTER COLUMN note SET NOT NULL;",
        column: "note", up: "coalesce(note, 'none')", down: "\"_slipway_new_note\"",
        oldValue: { $0 % 2 == 0 ? "NULL" : "'old\($0)'" }, newValue: { "'new\($0)'" }),
    AlterColumnCase(
        name: "type, check, unique, default and comment together",
        setup: """
            CREATE TABLE items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, qty integer NOT NULL DEFAULT 0, price text);
            CREATE INDEX items_price_idx ON items (price);
            INSERT INTO items (qty, price) SELECT g, CASE WHEN g = 7 THEN '-3' ELSE (g + 0.5)::text END FROM generate_series(1, 60) g;
            """,
        migration: """
            operations:
              - alter_column:
                  table: items
                  column: price
                  type: numeric(10,2)
                  up: CASE WHEN CAST(price AS numeric) < 0 THEN 0 ELSE CAST(price AS numeric(10,2)) END
                  down: CAST(price AS text)
                  check:
                    name: items_price_nonnegative
                    constraint: price >= 0
                  unique:
                    name: items_price_key
                  default: "0.01"
                  comment: price in euros
            """,
        plainDDL: """
            ALTER TABLE items ALTER COLUMN price TYPE numeric(10,2) USING CASE WHEN CAST(price AS numeric) < 0 THEN 0 ELSE CAST(price AS numeric(10,2)) END;
            ALTER TABLE items ALTER COLUMN price SET DEFAULT 0.01;
            ALTER TABLE items ADD CONSTRAINT items_price_nonnegative CHECK (price >= 0);
            ALTER TABLE items ADD CONSTRAINT items_price_key UNIQUE (price);
            COMMENT ON COLUMN items.price IS 'price in euros';
            """,
        column: "price", up: "CASE WHEN CAST(price AS numeric) < 0 THEN 0 ELSE CAST(price AS numeric(10,2)) END",
        down: "CAST(\"_slipway_new_price\" AS text)",
        oldValue: { "'\(1000 + $0).25'" }, newValue: { "\(5000 + $0).75" }),
]

@Suite("alter_column with a copy: type, unique, check, references, nullable with up", .serialized)
struct AlterColumnCopyLifecycleTests {
    static let version = "public_0001_alter"

    /// The column as a text per row id, through `connection`.
    static func values(_ connection: PostgresConnection, _ column: String, from table: String = "items") async throws -> [Int: String] {
        let rows = try await connection.unsafeExecuteRaw("SELECT id, coalesce(\(PostgresIdentifier.quote(column))::text, 'NULL') FROM \(table) ORDER BY id")
        var result: [Int: String] = [:]
        for row in rows[0] {
            result[try row.decode(at: 0, as: Int.self)] = try row.decode(at: 1, as: String.self)
        }
        return result
    }

    @Test(arguments: alterColumnCases)
    func startWritesCompleteMatchesPlainDDL(_ testCase: AlterColumnCase) async throws {
        let fixture = try await EngineFixture.make("altercopy_\(testCase.name.prefix(12))")
        let app = try await fixture.app()
        try await app.unsafeExecuteRaw(testCase.setup)
        try fixture.write("0001_alter.yaml", testCase.migration)
        let column = PostgresIdentifier.quote(testCase.column)
        let copy = PostgresIdentifier.quote(VersionPlanner.newColumnPrefix + testCase.column)

        // An old client writes while start runs (inserts and updates of the column).
        let stop = StopFlag()
        let oldWriter = Task { () -> Int in
            let old = try await fixture.client(version: nil)
            var iteration = 0
            while !stop.isSet {
                iteration += 1
                try await old.unsafeExecuteRaw("INSERT INTO items (\(column)) VALUES (\(testCase.oldValue(iteration)))")
                try await old.unsafeExecuteRaw("UPDATE items SET \(column) = \(testCase.oldValue(iteration + 100_000)) WHERE id = \(1 + iteration % 60)")
                try await Task.sleep(for: .milliseconds(5))
            }
            return iteration
        }
        let record = try await fixture.runner(batchSize: 16).start()
        #expect(record.phase == "active")

        // Every row: the copy holds `up(old)`, both views show their own column.
        #expect(try await fixture.scalar("SELECT count(*)::int8 FROM items WHERE \(copy) IS DISTINCT FROM (\(testCase.up))", as: Int.self) == 0)
        let new = try await fixture.client(version: Self.version)
        // One snapshot: the new view shows the copy, the old version (the table itself) the original, each in its type.
        let differ = try await new.unsafeExecuteRaw(
            "SELECT count(*) FROM items v JOIN public.items t USING (id) WHERE v.\(column) IS DISTINCT FROM t.\(copy) OR pg_typeof(v.\(column)) <> pg_typeof(t.\(copy))"
        )[0][0].decode(at: 0, as: Int.self)
        #expect(differ == 0)
        #expect(try await fixture.scalar(
            "SELECT (atttypid = (SELECT atttypid FROM pg_attribute WHERE attrelid = 'public.items'::regclass AND attname = \(PostgresIdentifier.quoteLiteral(testCase.column))))::text FROM pg_attribute WHERE attrelid = 'public_0001_alter.items'::regclass AND attname = \(PostgresIdentifier.quoteLiteral(testCase.column))",
            as: String.self) == (testCase.name.hasPrefix("type") ? "false" : "true"))
        let viewColumns = try await new.query("SELECT * FROM items LIMIT 1").columns
        #expect(!viewColumns.contains { $0.hasPrefix("_slipway") })
        #expect(viewColumns.last == testCase.column)

        // New clients write through the view while the old client keeps writing.
        for iteration in 1...25 {
            try await new.unsafeExecuteRaw("INSERT INTO items (\(column)) VALUES (\(testCase.newValue(iteration)))")
            try await new.unsafeExecuteRaw("UPDATE items SET \(column) = \(testCase.newValue(iteration + 100_000)) WHERE id = \(30 + iteration)")
            // An update that leaves the column alone keeps both values.
            try await new.unsafeExecuteRaw("UPDATE items SET qty = qty WHERE id = \(2 + iteration)")
        }
        stop.set()
        let oldWrites = try await oldWriter.value
        #expect(oldWrites > 0)
        // Consistent in both directions: rows last written by old clients hold up(old) in the copy, rows
        // last written by new clients hold down(new) in the old column. Together: every row satisfies one.
        let inconsistent = try await fixture.scalar(
            "SELECT count(*)::int8 FROM items WHERE \(copy) IS DISTINCT FROM (\(testCase.up)) AND \(column) IS DISTINCT FROM (\(testCase.down))",
            as: Int.self)
        #expect(inconsistent == 0)
        let newRows = try await new.unsafeExecuteRaw("SELECT count(*) FROM items WHERE id > 60")[0][0].decode(at: 0, as: Int.self)
        #expect(newRows == 25 + oldWrites)
        let expected = try await Self.values(new, testCase.column)

        let completed = try await fixture.runner().complete()
        #expect(completed.phase == "completed")
        #expect(try await Self.values(app, testCase.column) == expected)
        #expect(try await Self.values(new, testCase.column) == expected)
        #expect(try await fixture.scalar(
            "SELECT count(*)::int8 FROM pg_attribute WHERE attrelid = 'items'::regclass AND attname LIKE '\\_slipway%' AND NOT attisdropped", as: Int.self) == 0)

        // The schema equals what plain DDL gives.
        let reference = try await EngineFixture.make("altercopy-ref-\(UUID().uuidString.prefix(8))")
        let referenceApp = try await PostgresConnection.connect(reference.db.app)
        try await referenceApp.unsafeExecuteRaw(testCase.setup + testCase.plainDDL)
        let migrated = try await fixture.publicDump()
        let plain = try await reference.publicDump()
        #expect(migrated == plain, "pg_dump differs:\n--- migrated\n\(migrated)\n--- plain DDL\n\(plain)")
    }

    @Test(arguments: alterColumnCases)
    func rollbackRestoresTheSchemaAndOldData(_ testCase: AlterColumnCase) async throws {
        let fixture = try await EngineFixture.make("altercopy_rb_\(testCase.name.prefix(12))")
        let app = try await fixture.app()
        try await app.unsafeExecuteRaw(testCase.setup)
        let before = try await fixture.schemaDump()
        try fixture.write("0001_alter.yaml", testCase.migration)
        let dataBefore = try await Self.values(app, testCase.column)

        _ = try await fixture.runner().start()
        let old = try await fixture.client(version: nil)
        try await old.unsafeExecuteRaw("INSERT INTO items (\(PostgresIdentifier.quote(testCase.column))) VALUES (\(testCase.oldValue(1)))")
        let rolledBack = try await fixture.runner().rollback()
        #expect(rolledBack.phase == "rolled_back")
        #expect(try await fixture.schemaDump() == before)
        var after = try await Self.values(app, testCase.column)
        // The old client's row stays; the rows from before are unchanged.
        #expect(after.count == dataBefore.count + 1)
        after = after.filter { dataBefore[$0.key] != nil }
        #expect(after == dataBefore)
    }

    /// varchar(20) → varchar(50) and numeric(8,2) → numeric(12,2): no copy, no rewrite, one short transaction
    /// that recreates the version views reading the columns; rollback restores the schema exactly.
    @Test func binaryCompatibleWideningChangesTheTypeInPlace() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        let admin = try await PostgresConnection.connect(fixture.db.admin)
        try await admin.unsafeExecuteRaw(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'items_reader') THEN CREATE ROLE items_reader; END IF; END $$")
        try await app.unsafeExecuteRaw(
            """
            CREATE TABLE items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, code varchar(20) NOT NULL, amount numeric(8,2));
            CREATE INDEX items_code_idx ON items (code);
            GRANT SELECT ON items TO items_reader;
            INSERT INTO items (code, amount) SELECT 'c' || g, g FROM generate_series(1, 50) g;
            """)
        // A completed first version: its view reads the columns (PostgreSQL refuses a type change under it).
        try fixture.write("0001_comment.yaml", """
            operations:
              - alter_column:
                  table: items
                  column: code
                  comment: the code
            """)
        _ = try await fixture.runner().start()
        _ = try await fixture.runner().complete()
        let before = try await fixture.schemaDump()
        let fileNode = try await fixture.scalar("SELECT pg_relation_filenode('items')::int8", as: Int.self)
        let lastAttribute = try await fixture.scalar("SELECT max(attnum)::int8 FROM pg_attribute WHERE attrelid = 'items'::regclass", as: Int.self)
        try fixture.write("0002_widen.yaml", """
            operations:
              - alter_column:
                  table: items
                  column: code
                  type: varchar(50)
              - alter_column:
                  table: items
                  column: amount
                  type: numeric(12,2)
            """)
        let (plan, _, _) = try await fixture.runner().plan()
        let statements = plan.start.flatMap { step -> [String] in
            if case .transaction(let sql, _) = step.action { return sql }
            return []
        }
        #expect(!statements.contains { $0.contains(VersionPlanner.newColumnPrefix) })
        #expect(!plan.start.contains { if case .backfill = $0.action { true } else { false } })
        // The plan shows a catalog-only change under ACCESS EXCLUSIVE, and a rewrite for the narrowing of rollback.
        let widen = try #require(plan.start.first { $0.summary.contains("code to varchar(50) in place") })
        let impact = StepImpact.of(widen, schema: "public")
        #expect(impact.catalogOnly && !impact.rewrites)
        #expect(impact.locks.contains { $0.relation == "public.items" && $0.mode == "ACCESS EXCLUSIVE" })
        #expect(try StepImpact.of(#require(widen.undo.first), schema: "public").rewrites)

        _ = try await fixture.runner().start()
        #expect(try await fixture.scalar("SELECT pg_relation_filenode('items')::int8", as: Int.self) == fileNode)
        #expect(try await fixture.scalar("SELECT max(attnum)::int8 FROM pg_attribute WHERE attrelid = 'items'::regclass", as: Int.self) == lastAttribute)
        #expect(try await fixture.scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'items'::regclass AND attname = 'code'", as: String.self) == "character varying(50)")
        // The old version's view was recreated with its grants and shows the wider type; old clients write wide values.
        #expect(try await fixture.scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'public_0001_comment.items'::regclass AND attname = 'code'", as: String.self) == "character varying(50)")
        #expect(try await fixture.scalar("SELECT has_table_privilege('items_reader', 'public_0001_comment.items', 'SELECT')::text", as: String.self) == "true")
        let old = try await fixture.client(version: "public_0001_comment")
        try await old.unsafeExecuteRaw("INSERT INTO items (code, amount) VALUES ('\(String(repeating: "w", count: 40))', 1234567.5)")
        try await old.unsafeExecuteRaw("DELETE FROM items WHERE length(code) = 40")

        _ = try await fixture.runner().rollback()
        #expect(try await fixture.schemaDump() == before)

        // Narrowing back rewrote the table; the second start and complete do not.
        let fileNodeAfterRollback = try await fixture.scalar("SELECT pg_relation_filenode('items')::int8", as: Int.self)
        _ = try await fixture.runner().start()
        _ = try await fixture.runner().complete()
        #expect(try await fixture.scalar("SELECT pg_relation_filenode('items')::int8", as: Int.self) == fileNodeAfterRollback)
        #expect(try await fixture.scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'items'::regclass AND attname = 'amount'", as: String.self) == "numeric(12,2)")
        #expect(try await fixture.scalar("SELECT count(*)::int8 FROM items", as: Int.self) == 50)
    }

    @Test func wideningIsDecidedFromTheCatalogTypes() {
        #expect(VersionPlanner.isBinaryCompatibleWidening(from: "character varying(20)", to: "VARCHAR(50)"))
        #expect(VersionPlanner.isBinaryCompatibleWidening(from: "character varying(20)", to: "varchar"))
        #expect(VersionPlanner.isBinaryCompatibleWidening(from: "character varying(20)", to: "text"))
        #expect(VersionPlanner.isBinaryCompatibleWidening(from: "numeric(8,2)", to: "numeric(12, 2)"))
        #expect(VersionPlanner.isBinaryCompatibleWidening(from: "numeric(8,2)", to: "decimal"))
        #expect(!VersionPlanner.isBinaryCompatibleWidening(from: "character varying(20)", to: "varchar(10)"))
        #expect(!VersionPlanner.isBinaryCompatibleWidening(from: "numeric(8,2)", to: "numeric(12,3)"))
        #expect(!VersionPlanner.isBinaryCompatibleWidening(from: "integer", to: "bigint"))
        #expect(!VersionPlanner.isBinaryCompatibleWidening(from: "text", to: "varchar(10)"))
        #expect(VersionPlanner.sameType("numeric(8,0)", "numeric(8)"))
    }

    /// Bad input is refused before any DDL: the schema stays as it was and no version is active.
    @Test(arguments: [
        ("unknown type", "type: not_a_type", "type or default does not work"),
        ("up that does not compile", "type: integer\n      up: no_such_column + 1", "`up` expression does not work"),
        ("up that fails on a row", "type: integer", "does not work on the existing rows"),
        ("unique on duplicates", "unique:\n        name: items_code_key", "duplicate"),
        ("check violated", "check:\n        name: items_code_short\n        constraint: length(code) < 3", "violate check"),
        ("foreign key to a missing table", "references:\n        name: items_code_fk\n        table: nowhere\n        column: id", "does not exist"),
        ("primary key column", "type: integer", "primary key"),
        ("referenced column", "type: varchar(40)", "referenced by foreign key"),
    ])
    func badInputChangesNothing(_ input: (String, String, String)) async throws {
        let fixture = try await EngineFixture.make("altercopy_bad_\(input.0.prefix(10))")
        let app = try await fixture.app()
        try await app.unsafeExecuteRaw(
            """
            CREATE TABLE items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, code text NOT NULL);
            INSERT INTO items (code) SELECT 'dup' FROM generate_series(1, 5);
            CREATE TABLE tags (id integer PRIMARY KEY, name text UNIQUE);
            CREATE TABLE item_tags (tag text REFERENCES tags (name));
            """)
        let before = try await fixture.schemaDump()
        let (table, column) = switch input.0 {
        case "primary key column": ("items", "id")
        case "referenced column": ("tags", "name")
        default: ("items", "code")
        }
        try fixture.write("0001_bad.yaml", """
            operations:
              - alter_column:
                  table: \(table)
                  column: \(column)
                  \(input.1)
            """)
        let error = await #expect(throws: MigrationError.self) { try await fixture.runner().start() }
        #expect(error?.kind == .invalidMigration)
        #expect(error?.description.contains(input.2) == true, "\(error?.description ?? "")")
        #expect(try await fixture.scalar("SELECT count(*)::int8 FROM pg_namespace WHERE nspname LIKE 'public\\_0001%'", as: Int.self) == 0)
        #expect(try await fixture.schemaDump() == before)
    }

    /// Two copies on one table cannot share an index: refused before any DDL.
    @Test func twoCopiesSharingAnIndexAreRefused() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await app.unsafeExecuteRaw(
            "CREATE TABLE items (id bigint PRIMARY KEY, a integer, b integer); CREATE INDEX items_a_b_idx ON items (a, b);")
        let before = try await fixture.schemaDump()
        try fixture.write("0001_two.yaml", """
            operations:
              - alter_column:
                  table: items
                  column: a
                  type: bigint
              - alter_column:
                  table: items
                  column: b
                  type: bigint
            """)
        let error = await #expect(throws: MigrationError.self) { try await fixture.runner().start() }
        #expect(error?.description.contains("\"items_a_b_idx\" covers \"b\"") == true, "\(error?.description ?? "")")
        #expect(try await fixture.schemaDump() == before)
    }

    /// A violation the pre-DDL probes cannot see (raw SQL earlier in the version writes the bad row, so the
    /// probes are skipped) stops start at the validation; rollback then removes everything.
    @Test func aViolationFoundAtValidationIsRolledBackCompletely() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await app.unsafeExecuteRaw(
            """
            CREATE TABLE items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, qty integer NOT NULL DEFAULT 1);
            CREATE INDEX items_qty_idx ON items (qty);
            INSERT INTO items (qty) SELECT g FROM generate_series(1, 20) g;
            """)
        let before = try await fixture.schemaDump()
        try fixture.write("0001_bad_row.yaml", """
            operations:
              - sql:
                  up: INSERT INTO items (qty) VALUES (-5)
                  down: DELETE FROM items WHERE qty = -5
            """)
        try fixture.write("0002_check.yaml", """
            operations:
              - alter_column:
                  table: items
                  column: qty
                  type: bigint
                  check:
                    name: items_qty_positive
                    constraint: qty > 0
            """)
        let error = await #expect(throws: (any Error).self) { try await fixture.runner().start() }
        #expect("\(error.map { String(describing: $0) } ?? "")".contains("items_qty_positive"))
        _ = try await fixture.runner().rollback()
        #expect(try await fixture.schemaDump() == before)
        #expect(try await fixture.scalar("SELECT count(*)::int8 FROM items", as: Int.self) == 20)
    }
}
