import Foundation
import LocalPostgres
import Migrations
import PostgresClient
import Testing

extension EngineIntegrationTests {
/// Bad input: a clear error naming file and line, and the database exactly as it was.
@Suite("bad input leaves the database unchanged", .serialized)
struct SafetyTests {
    /// Writes `migration` as `0001_bad.yaml`, expects start to fail with `kind` and an origin naming the file
    /// and `line`, and checks that schema, data and state are unchanged.
    func expectRefused(
        _ migration: String, kind: MigrationError.Kind = .invalidMigration, line: Int, messageContains: String,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) async throws {
        let fixture = try await EngineFixture.make("safety")
        let app = try await fixture.app()
        try await createOrders(app, rows: 200)
        try await app.unsafeExecuteRaw("CREATE INDEX idx_orders_status ON orders (status)")
        let before = try await fixture.schemaDump()
        let dataBefore = try await fixture.lines("SELECT md5(string_agg(o::text, ',' ORDER BY id)) FROM orders o")
        try fixture.write("0001_bad.yaml", migration)
        do {
            try await fixture.runner().start()
            Issue.record("start succeeded but should have been refused", sourceLocation: sourceLocation)
        } catch let error as MigrationError {
            #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
            let origin = error.origin ?? ""
            #expect(origin.contains("0001_bad.yaml:\(line)"), "origin was \(origin): \(error)", sourceLocation: sourceLocation)
            #expect(error.message.contains(messageContains), "message was \(error.message)", sourceLocation: sourceLocation)
        }
        #expect(try await fixture.schemaDump() == before, "the schema changed", sourceLocation: sourceLocation)
        #expect(try await fixture.lines("SELECT md5(string_agg(o::text, ',' ORDER BY id)) FROM orders o") == dataBefore, sourceLocation: sourceLocation)
        let status = try await fixture.runner().status()
        #expect(status.current == nil, sourceLocation: sourceLocation)
        #expect(status.applied.isEmpty, sourceLocation: sourceLocation)
        #expect(status.pending == ["0001_bad"], sourceLocation: sourceLocation)
        #expect(try await fixture.runner().history().isEmpty, sourceLocation: sourceLocation)
        #expect(try await fixture.schemaExists("public_0001_bad") == false, sourceLocation: sourceLocation)
    }

    @Test func tableDoesNotExist() async throws {
        try await expectRefused(
            """
            operations:
              - add_column:
                  table: ordres
                  column:
                    name: note
                    type: text
                    nullable: true
            """, line: 2, messageContains: "table \"ordres\" does not exist")
    }

    @Test func dropColumnThatDoesNotExist() async throws {
        try await expectRefused(
            """
            operations:
              - create_index:
                  name: idx_orders_customer
                  table: orders
                  columns:
                    - column: customer_id
              - drop_column:
                  table: orders
                  column: shipping_adress
            """, line: 7, messageContains: "column \"shipping_adress\" does not exist")
    }

    @Test func renameColumnThatDoesNotExist() async throws {
        try await expectRefused(
            """
            operations:
              - rename_column:
                  table: orders
                  from: totl_cents
                  to: amount_cents
            """, line: 2, messageContains: "column \"totl_cents\" does not exist")
    }

    @Test func indexOnColumnThatDoesNotExist() async throws {
        try await expectRefused(
            """
            operations:
              - create_index:
                  name: idx_orders_x
                  table: orders
                  columns:
                    - column: custmer_id
            """, line: 2, messageContains: "column \"custmer_id\" does not exist")
    }

    @Test func upNamesAnUnknownColumn() async throws {
        try await expectRefused(
            """
            operations:
              - add_column:
                  table: orders
                  column:
                    name: fulfillment_status
                    type: text
                    nullable: true
                  up: CASE WHEN state = 'delivered' THEN 'completed' END
            """, line: 2, messageContains: "`up` expression does not work")
    }

    @Test func upHasTheWrongType() async throws {
        try await expectRefused(
            """
            operations:
              - add_column:
                  table: orders
                  column:
                    name: shipped_on
                    type: date
                    nullable: true
                  up: total_cents > 0
            """, line: 2, messageContains: "`up` expression does not work")
    }

    /// A text expression for an integer column: an explicit cast would accept it, the trigger fails per row.
    @Test func upTextForAnIntegerColumn() async throws {
        try await expectRefused(
            """
            operations:
              - add_column:
                  table: orders
                  column:
                    name: status_code
                    type: integer
                    nullable: true
                  up: status || '-x'
            """, line: 2, messageContains: "`up` expression does not work")
    }

    @Test func addColumnThatExists() async throws {
        try await expectRefused(
            """
            operations:
              - add_column:
                  table: orders
                  column:
                    name: status
                    type: text
                    nullable: true
            """, line: 2, messageContains: "column \"status\" already exists")
    }

    @Test func createTableThatExists() async throws {
        try await expectRefused(
            """
            operations:
              - create_table:
                  name: orders
                  columns:
                    - name: id
                      type: bigint
                      pk: true
            """, line: 2, messageContains: "\"orders\" already exists")
    }

    @Test func createIndexWithAnExistingName() async throws {
        try await expectRefused(
            """
            operations:
              - create_index:
                  name: idx_orders_status
                  table: orders
                  columns:
                    - column: customer_id
            """, line: 2, messageContains: "\"idx_orders_status\" already exists")
    }

    @Test func unsupportedOperation() async throws {
        try await expectRefused(
            """
            operations:
              - alter_column:
                  table: orders
                  column: id
                  type: integer
            """, line: 2, messageContains: "not supported")
    }

    /// The error is about the second file of a version: nothing of the first file is applied either.
    @Test func secondFileOfAVersionFailsAndTheFirstIsNotApplied() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 50)
        let before = try await fixture.schemaDump()
        try fixture.write("0001_ok.yaml", AddColumnVariantLifecycleTests.notNullDefault)
        try fixture.write("0002_bad.yaml", "operations:\n  - drop_column:\n      table: orders\n      column: nope\n")
        let error = await #expect(throws: MigrationError.self) { try await fixture.runner().start() }
        #expect(error?.kind == .invalidMigration)
        #expect(error?.origin?.contains("0002_bad.yaml:2") == true, "\(String(describing: error))")
        #expect(try await fixture.schemaDump() == before)
        #expect(try await fixture.runner().status().pending == ["0001_ok", "0002_bad"])
    }

    /// A checksum mismatch on an applied file is refused by start and reported by status.
    @Test func checksumMismatchIsRefused() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 50)
        try fixture.write("0001_priority.yaml", AddColumnVariantLifecycleTests.notNullDefault)
        _ = try await fixture.runner().start()
        _ = try await fixture.runner().complete()
        try fixture.write("0001_priority.yaml", AddColumnVariantLifecycleTests.notNullDefault.replacingOccurrences(of: "\"0\"", with: "\"1\""))
        try fixture.write("0002_rename.yaml", RenameColumnLifecycleTests.migration)
        let before = try await fixture.schemaDump()
        let error = await #expect(throws: MigrationError.self) { try await fixture.runner().start() }
        #expect(error?.kind == .history)
        #expect(error?.message.contains("0001_priority") == true)
        let status = try await fixture.runner().status()
        #expect(status.checksumMismatches == ["0001_priority"])
        #expect(status.current?.phase == "completed")
        #expect(try await fixture.schemaDump() == before)
        let migrate = await #expect(throws: MigrationError.self) { try await fixture.runner().migrate(completeLast: true) }
        #expect(migrate?.kind == .history)
    }

    /// `start` while a version is active is refused with the phase named; complete with nothing active too.
    @Test func wrongPhaseIsRefused() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 50)
        let early = await #expect(throws: MigrationError.self) { try await fixture.runner().complete() }
        #expect(early?.kind == .wrongPhase)
        try fixture.write("0001_priority.yaml", AddColumnVariantLifecycleTests.notNullDefault)
        _ = try await fixture.runner().start()
        try fixture.write("0002_rename.yaml", RenameColumnLifecycleTests.migration)
        let second = await #expect(throws: MigrationError.self) { try await fixture.runner().start() }
        #expect(second?.kind == .wrongPhase)
        let resume = await #expect(throws: MigrationError.self) { try await fixture.runner().resume() }
        #expect(resume?.kind == .nothingToDo)
    }
}
}
