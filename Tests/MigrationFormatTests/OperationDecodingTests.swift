import Testing

@testable import MigrationFormat

@Suite("Every operation and field decodes from YAML and JSON to equal values")
struct OperationDecodingTests {
    @Test("YAML and JSON decode to the expected operations", arguments: operationFixtures)
    func yamlAndJSONAgree(_ fixture: OperationFixture) {
        let fromYAML = operations(fixture.yaml, path: "m/0001_op.yaml")
        let fromJSON = operations(fixture.json, path: "m/0001_op.json")
        #expect(fromYAML == fixture.expected)
        #expect(fromJSON == fixture.expected)
        #expect(fromYAML == fromJSON)
        #expect(fromYAML.contains { $0.kind == fixture.kind })
    }

    @Test func everyOperationKindHasAFixture() {
        let covered = Set(operationFixtures.map(\.kind))
        #expect(covered == Set(OperationKind.allCases))
    }

    @Test func formatDocumentExampleDecodes() throws {
        let example = """
            # migrations/0007_orders_fulfillment_status.yaml
            operations:
              - add_column:
                  table: orders
                  column:
                    name: fulfillment_status
                    type: varchar(50)
                    default: "'pending'"
                    check:
                      name: fulfillment_status_known
                      constraint: fulfillment_status IN ('pending', 'packed', 'shipped', 'completed')
                  up: CASE WHEN status = 'delivered' THEN 'completed' ELSE 'pending' END
              - create_index:
                  name: idx_orders_fulfillment_status
                  table: orders
                  columns:
                    - column: fulfillment_status
            """
        let file = try MigrationFile(contents: example, path: "migrations/0007_orders_fulfillment_status.yaml")
        #expect(file.name == "0007_orders_fulfillment_status")
        #expect(file.format == .yaml)
        #expect(file.versionName == "0007_orders_fulfillment_status")
        #expect(
            file.operations.map(\.operation) == [
                .addColumn(
                    AddColumnOperation(
                        table: "orders",
                        column: Column(
                            name: "fulfillment_status", type: "varchar(50)", default: "'pending'",
                            check: ColumnCheck(
                                name: "fulfillment_status_known",
                                constraint: "fulfillment_status IN ('pending', 'packed', 'shipped', 'completed')")),
                        up: "CASE WHEN status = 'delivered' THEN 'completed' ELSE 'pending' END")),
                .createIndex(
                    CreateIndexOperation(
                        name: "idx_orders_fulfillment_status", table: "orders",
                        columns: [IndexColumn(column: "fulfillment_status")])),
            ])
        #expect(file.operations.map(\.keyPath) == ["operations[0].add_column", "operations[1].create_index"])
        #expect(file.operations.map(\.location.line) == [3, 13])
        #expect(file.operations.map(\.location.column) == [5, 5])
        // nullable defaults to false when absent, and remembers that it was not given.
        if case let .addColumn(add) = file.operations[0].operation {
            #expect(add.column.nullable == false)
            #expect(add.column.nullableIsExplicit == false)
        }
    }

    @Test func topLevelVersionSchemaAndBackfill() throws {
        let file = try MigrationFile(
            contents: """
                version_schema: v2
                backfill:
                  batch_size: 2000
                  workers: 2
                operations:
                  - drop_column:
                      table: t
                      column: c
                      backfill:
                        workers: 4
                """, path: "0002_x.yml")
        #expect(file.versionSchema == "v2")
        #expect(file.versionName == "v2")
        #expect(file.backfill == BackfillSettings(batchSize: 2000, workers: 2))
        #expect(file.effectiveBackfill(for: file.operations[0]) == BackfillSettings(batchSize: 2000, workers: 4))
    }

    @Test(
        "Scalars given where SQL is expected keep their source text",
        arguments: [("0", "0"), ("true", "true"), ("1.50", "1.50"), ("'now()'", "now()"), ("\"'x'\"", "'x'")])
    func scalarSQLKeepsSourceText(written: String, expected: String) {
        let ops = operations("operations:\n  - add_column:\n      table: t\n      column: {name: c, type: text, default: \(written)}\n")
        guard case let .addColumn(add) = ops.first else {
            Issue.record("expected add_column")
            return
        }
        #expect(add.column.default == expected)
    }

    @Test(
        "Closed value sets are case-insensitive",
        arguments: ["SET NULL", "set null", "Set_Null", "set  null"])
    func enumSpellingsAreCaseInsensitive(spelling: String) {
        #expect(ForeignKeyAction(spelling: spelling) == .setNull)
    }

    @Test func sqlSnippetPositions() throws {
        let file = try MigrationFile(
            contents: """
                operations:
                  - sql:
                      up: |
                        UPDATE t SET a = 1;
                        CREATE INDEX i ON t (a);
                      down: "DROP INDEX i"
                """, path: "0003_sql.yaml")
        let snippets = file.operations[0].snippets
        #expect(snippets["up"]?.isBlockScalar == true)
        #expect(snippets["up"]?.style == .literal)
        #expect(snippets["up"]?.location == SourceLocation(file: "0003_sql.yaml", line: 3, column: 11))
        #expect(snippets["up"]?.contentStart == SourceLocation(file: "0003_sql.yaml", line: 4, column: 9))
        #expect(snippets["up"]?.indentation == 8)
        #expect(snippets["down"]?.isBlockScalar == false)
        #expect(snippets["down"]?.style == .doubleQuoted)
        #expect(snippets["down"]?.contentStart == SourceLocation(file: "0003_sql.yaml", line: 6, column: 14))

        let plain = try MigrationFile(contents: "operations:\n  - sql: {up: SELECT 1}\n", path: "0004.yaml")
        #expect(plain.operations[0].snippets["up"]?.style == .plain)
        #expect(plain.operations[0].snippets["up"]?.contentStart.column == 15)
    }

    @Test func filesSortByName() throws {
        let a = try MigrationFile(contents: "operations: [{drop_table: {name: a}}]", path: "x/0002_b.yaml")
        let b = try MigrationFile(contents: "operations: [{drop_table: {name: a}}]", path: "y/0001_a.json")
        #expect([a, b].sorted().map(\.name) == ["0001_a", "0002_b"])
    }
}
