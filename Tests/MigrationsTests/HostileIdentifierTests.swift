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
}
}
