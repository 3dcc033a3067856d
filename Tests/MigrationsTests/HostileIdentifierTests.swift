import Foundation
import LocalPostgres
import Migrations
import PostgresClient
import Testing

extension EngineIntegrationTests {

/// Hostile identifiers: quotes, spaces, unicode, reserved words, 63-byte names and SQL-injection attempts in
/// table, column, index and constraint names go through start and complete quoted — they become exactly those
/// names, and nothing they spell is executed.
@Suite("hostile identifiers", .serialized)
struct HostileIdentifierTests {
    static let long = String(repeating: "c", count: 63)
    static let create = """
operations:
  - create_table:
      name: 'Order "Items"'
      columns:
        - name: id
          type: bigint
          pk: true
        - name: select
          type: text
        - name: 'naïve col'
          type: int
          nullable: true
        - name: ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc
          type: int
          nullable: true
"""
    static let change = """
operations:
  - add_column:
      table: 'Order "Items"'
      column:
        name: from
        type: text
        nullable: true
      up: '"select" || ''!'''
  - rename_column:
      table: 'Order "Items"'
      from: 'naïve col'
      to: 'größe "x"; DROP TABLE sentinel; --'
  - create_index:
      name: 'idx "q"); DROP TABLE sentinel; --'
      table: 'Order "Items"'
      columns:
        - column: select
  - create_constraint:
      name: 'chk''; DROP TABLE sentinel; --'
      table: 'Order "Items"'
      type: check
      columns: [select]
      check: '"select" <> '''''
      up: {select: select}
      down: {select: select}
"""

    @Test func everyNameIsQuotedAndNothingIsExecuted() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await app.unsafeExecuteRaw("CREATE TABLE sentinel (id int); INSERT INTO sentinel VALUES (1)")
        try fixture.write("0001_create.yaml", Self.create)
        _ = try await fixture.runner().start()
        _ = try await fixture.runner().complete()
        try await app.unsafeExecuteRaw(#"INSERT INTO "Order ""Items""" (id, "select", "naïve col") VALUES (1, 'a', 7)"#)

        try fixture.write("0002_change.yaml", Self.change)
        _ = try await fixture.runner().start()
        // Old clients keep the old names; new clients see the new ones.
        let old = try await fixture.client(version: nil)
        try await old.unsafeExecuteRaw(#"INSERT INTO "Order ""Items""" (id, "select", "naïve col") VALUES (2, 'b', 8)"#)
        let new = try await fixture.client(version: "public_0002_change")
        try await new.unsafeExecuteRaw(
            #"INSERT INTO "Order ""Items""" (id, "select", "größe ""x""; DROP TABLE sentinel; --", "from") VALUES (3, 'c', 9, 'own')"#)
        await old.close()
        await new.close()
        _ = try await fixture.runner().complete()

        #expect(try await fixture.lines(
            #"SELECT attname FROM pg_attribute WHERE attrelid = '"Order ""Items"""'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum"#)
            == ["id", "select", "größe \"x\"; DROP TABLE sentinel; --", Self.long, "from"])
        #expect(try await fixture.lines(
            #"SELECT id || '|' || "select" || '|' || "from" FROM "Order ""Items""" ORDER BY id"#) == ["1|a|a!", "2|b|b!", "3|c|own"])
        #expect(try await fixture.relationExists(#"public."idx ""q""); DROP TABLE sentinel; --""#))
        #expect(try await fixture.lines("SELECT conname FROM pg_constraint WHERE contype = 'c' AND conrelid = '\"Order \"\"Items\"\"\"'::regclass")
            == ["chk'; DROP TABLE sentinel; --"])
        // Nothing the names spell ran.
        #expect(try await fixture.lines("SELECT count(*) FROM sentinel") == ["1"])
    }

    /// A hostile target schema, and hostile names in every remaining operation kind: drop_column, rename_table,
    /// alter_column, drop_index, drop_constraint, rename_constraint, drop_multicolumn_constraint,
    /// set_replica_identity, unique/foreign-key constraints and drop_table — through start, rollback and complete.
    static let schema = #"tenant "a"; DROP TABLE sentinel; --"#
    static let base = """
operations:
  - create_table:
      name: "Cust'omers"
      columns:
        - name: id
          type: bigint
          pk: true
  - create_table:
      name: 'Order "Items"'
      columns:
        - name: id
          type: bigint
          pk: true
        - name: user
          type: text
          nullable: true
        - name: 'naïve col'
          type: int
          nullable: true
          check: {name: 'ck "naïve"; --', constraint: '"naïve col" >= 0'}
        - name: 'cust id'
          type: bigint
          nullable: true
      constraints:
        - name: 'uq "pair"); DROP TABLE sentinel; --'
          type: unique
          columns: ['naïve col', 'cust id']
  - create_index:
      name: 'ix "user"'
      table: 'Order "Items"'
      columns: [{column: user}]
"""
    static let second = """
operations:
  - drop_column:
      table: 'Order "Items"'
      column: user
      down: '''filled by new; --'''
  - alter_column:
      table: 'Order "Items"'
      column: 'naïve col'
      default: '42'
      comment: 'it''s "naïve"; DROP TABLE sentinel; --'
  - drop_index:
      name: 'ix "user"'
  - rename_constraint:
      table: 'Order "Items"'
      from: 'ck "naïve"; --'
      to: 'ck "renamed"); DROP TABLE sentinel; --'
  - create_constraint:
      table: 'Order "Items"'
      name: 'fk "cust"''; --'
      type: foreign_key
      columns: ['cust id']
      references: {table: "Cust'omers", columns: [id], on_delete: SET NULL}
      up: {'cust id': '"cust id"'}
      down: {'cust id': '"cust id"'}
  - set_replica_identity:
      table: 'Order "Items"'
      identity: {type: FULL}
  - rename_table:
      from: 'Order "Items"'
      to: 'Ordered "Things"; --'
"""
    static let third = """
operations:
  - drop_multicolumn_constraint:
      table: 'Ordered "Things"; --'
      name: 'uq "pair"); DROP TABLE sentinel; --'
      down: {'naïve col': '"naïve col"', 'cust id': '"cust id"'}
  - drop_constraint:
      table: 'Ordered "Things"; --'
      name: 'fk "cust"''; --'
      up: '"cust id"'
      down: '"cust id"'
  - drop_table:
      name: "Cust'omers"
"""

    @Test func aHostileSchemaAndEveryOtherOperationKind() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        let schema = PostgresIdentifier.quote(Self.schema)
        try await app.unsafeExecuteRaw("CREATE TABLE sentinel (id int); INSERT INTO sentinel VALUES (1); CREATE SCHEMA \(schema)")
        func runner() -> MigrationRunner {
            MigrationRunner(connection: fixture.db.app, schema: Self.schema, migrationsDirectory: fixture.directory, batchSize: 50)
        }
        try fixture.write("0001_base.yaml", Self.base)
        _ = try await runner().start()
        _ = try await runner().complete()
        try await app.unsafeExecuteRaw(#"""
            INSERT INTO \#(schema)."Cust'omers" VALUES (1), (2);
            INSERT INTO \#(schema)."Order ""Items""" (id, "user", "naïve col", "cust id") SELECT g, 'u' || g, g, 1 + g % 2 FROM generate_series(1, 120) g
            """#)
        let before = try await fixture.schemaDump()

        try fixture.write("0002_second.yaml", Self.second)
        let record = try await runner().start()
        #expect(record.versionSchema == Self.schema + "_0002_second")
        let new = try await PostgresConnection.connect(fixture.db.app)
        try await new.unsafeExecuteRaw("SET search_path = \(PostgresIdentifier.quote(record.versionSchema)), \(schema)")
        try await new.unsafeExecuteRaw(#"INSERT INTO "Ordered ""Things""; --" (id, "naïve col", "cust id") VALUES (500, 500, 2)"#)
        #expect(try await fixture.lines(#"SELECT "user" FROM \#(schema)."Order ""Items""" WHERE id = 500"#) == ["filled by new; --"])
        await new.close()
        _ = try await runner().rollback()
        try await app.unsafeExecuteRaw(#"DELETE FROM \#(schema)."Order ""Items""" WHERE id = 500"#)
        #expect(try await fixture.schemaDump() == before)

        _ = try await runner().start()
        _ = try await runner().complete()
        let things = #"\#(schema)."Ordered ""Things""; --""#
        let thingsOID = "\(PostgresIdentifier.quoteLiteral(things))::regclass"
        #expect(try await fixture.lines(
            "SELECT attname FROM pg_attribute WHERE attrelid = \(thingsOID) AND attnum > 0 AND NOT attisdropped ORDER BY attnum")
            == ["id", "naïve col", "cust id"])
        #expect(try await fixture.lines("SELECT conname FROM pg_constraint WHERE conrelid = \(thingsOID) ORDER BY conname")
            == ["Order \"Items\"_pkey", "ck \"renamed\"); DROP TABLE sentinel; --", "fk \"cust\"'; --", "uq \"pair\"); DROP TABLE sentinel; --"])
        #expect(try await fixture.lines("SELECT col_description(\(thingsOID), 3)") == [#"it's "naïve"; DROP TABLE sentinel; --"#])
        #expect(try await fixture.lines("SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = \(thingsOID)") == ["42"])
        #expect(try await fixture.lines("SELECT relreplident::text FROM pg_class WHERE oid = \(thingsOID)") == ["f"])
        #expect(try await fixture.lines("SELECT to_regclass(\(PostgresIdentifier.quoteLiteral(#"\#(schema)."ix ""user""""#)))") == ["∅"])

        try fixture.write("0003_third.yaml", Self.third)
        _ = try await runner().start()
        _ = try await runner().rollback()
        _ = try await runner().start()
        _ = try await runner().complete()
        #expect(try await fixture.lines("SELECT conname FROM pg_constraint WHERE conrelid = \(thingsOID) ORDER BY conname")
            == ["Order \"Items\"_pkey", "ck \"renamed\"); DROP TABLE sentinel; --"])
        #expect(try await fixture.lines("SELECT to_regclass(\(PostgresIdentifier.quoteLiteral(#"\#(schema)."Cust'omers""#)))") == ["∅"])
        #expect(try await fixture.lines("SELECT count(*) FROM \(things)") == ["120"])
        #expect(try await fixture.lines("SELECT count(*) FROM sentinel") == ["1"])
        // Only the current version schema is left.
        #expect(try await fixture.lines("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenant%' ORDER BY 1")
            == [Self.schema, Self.schema + "_0003_third"])
    }
}
}
