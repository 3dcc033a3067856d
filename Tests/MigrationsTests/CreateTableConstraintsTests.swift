import Foundation
import LocalPostgres
import Migrations
import PostgresClient
import Testing

extension EngineIntegrationTests {

/// `create_table` with every kind of table constraint and its options: the schema after complete is exactly
/// what the same plain `CREATE TABLE` gives (compared with `pg_dump`), and rollback leaves nothing.
@Suite("create_table constraints", .serialized)
struct CreateTableConstraintsTests {
    static let setup = """
        CREATE TABLE rooms (id int PRIMARY KEY, building int NOT NULL, UNIQUE (building, id));
        INSERT INTO rooms SELECT g, g % 3 FROM generate_series(1, 10) g;
        """

    static let migration = """
        operations:
          - create_table:
              name: bookings
              columns:
                - name: id
                  type: bigint
                  generated:
                    identity:
                      user_specified_values: ALWAYS
                - name: room_id
                  type: int
                  nullable: true
                - name: building
                  type: int
                  nullable: true
                - name: during
                  type: tsrange
                - name: code
                  type: text
                - name: note
                  type: text
                  nullable: true
              constraints:
                - name: bookings_pkey
                  type: primary_key
                  columns: [id]
                  index_parameters:
                    include_columns: [code]
                    storage_parameters: fillfactor=90
                - name: bookings_code_key
                  type: unique
                  columns: [code]
                  nulls_not_distinct: true
                  deferrable: true
                  initially_deferred: true
                - name: bookings_room_fkey
                  type: foreign_key
                  columns: [building, room_id]
                  references:
                    table: rooms
                    columns: [building, id]
                    match_type: FULL
                    on_delete: SET NULL
                    on_delete_set_columns: [room_id]
                    on_update: CASCADE
                - name: bookings_no_overlap
                  type: exclude
                  exclude:
                    index_method: gist
                    elements: during WITH &&
                    predicate: note IS DISTINCT FROM 'cancelled'
                - name: bookings_code_shape
                  type: check
                  check: code ~ '^[A-Z]{3}'
                  no_inherit: true
        """

    static let plainDDL = """
        CREATE TABLE bookings (
          id bigint GENERATED ALWAYS AS IDENTITY,
          room_id int,
          building int,
          during tsrange NOT NULL,
          code text NOT NULL,
          note text,
          CONSTRAINT bookings_pkey PRIMARY KEY (id) INCLUDE (code) WITH (fillfactor=90),
          CONSTRAINT bookings_code_key UNIQUE NULLS NOT DISTINCT (code) DEFERRABLE INITIALLY DEFERRED,
          CONSTRAINT bookings_room_fkey FOREIGN KEY (building, room_id) REFERENCES rooms (building, id) MATCH FULL ON DELETE SET NULL (room_id) ON UPDATE CASCADE,
          CONSTRAINT bookings_no_overlap EXCLUDE USING gist (during WITH &&) WHERE (note IS DISTINCT FROM 'cancelled'),
          CONSTRAINT bookings_code_shape CHECK (code ~ '^[A-Z]{3}') NO INHERIT
        );
        """

    @Test func startThenCompleteMatchesPlainDDL() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await app.unsafeExecuteRaw(Self.setup)
        await app.close()
        try fixture.write("0001_bookings.yaml", Self.migration)
        _ = try await fixture.runner().start()
        // The exclusion constraint holds for new-version writers from start on.
        let new = try await fixture.client(version: "public_0001_bookings")
        try await new.unsafeExecuteRaw("INSERT INTO bookings (room_id, building, during, code) VALUES (1, 1, '[2026-01-01,2026-01-05)', 'ABC1')")
        await #expect(throws: PostgresError.self) {
            try await new.unsafeExecuteRaw("INSERT INTO bookings (room_id, building, during, code) VALUES (2, 2, '[2026-01-03,2026-01-04)', 'ABD2')")
        }
        await new.close()
        _ = try await fixture.runner().complete()

        let reference = try await EngineFixture.make("bookings-reference-\(UUID().uuidString.prefix(8))")
        let referenceApp = try await reference.app()
        try await referenceApp.unsafeExecuteRaw(Self.setup + Self.plainDDL)
        await referenceApp.close()
        #expect(try await fixture.publicDump() == reference.publicDump())
    }

    @Test func startThenRollbackLeavesNothing() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await app.unsafeExecuteRaw(Self.setup)
        await app.close()
        try await fixture.startThenRollback(file: "0001_bookings.yaml", migration: Self.migration) { _ in }
    }

    @Test func anExclusionConstraintWithoutElementsIsRefusedBeforeDDL() async throws {
        let fixture = try await EngineFixture.make()
        try await fixture.expectRefusedBeforeDDL(
            file: "0001_bad.yaml",
            migration: """
                operations:
                  - create_table:
                      name: slots
                      columns:
                        - name: during
                          type: tsrange
                      constraints:
                        - name: slots_no_overlap
                          type: exclude
                          exclude:
                            index_method: gist
                """,
            messageContains: "needs `exclude.elements`")
    }
}
}
