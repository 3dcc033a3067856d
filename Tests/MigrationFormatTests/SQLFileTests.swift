import Testing

@testable import MigrationFormat

@Suite("Plain .sql migration files")
struct SQLFileTests {
    @Test func wholeFileIsUp() throws {
        let text = "-- add a helper\nCREATE INDEX CONCURRENTLY idx ON t (a);\n"
        let file = try MigrationFile(contents: text, path: "migrations/0005_index.sql")
        #expect(file.name == "0005_index")
        #expect(file.format == .sql)
        #expect(file.operations.map(\.operation) == [.sql(RawSQLOperation(up: text))])
        #expect(file.operations[0].snippets["up"]?.contentStart == SourceLocation(file: "migrations/0005_index.sql", line: 1, column: 1))
        #expect(file.operations[0].snippets["up"]?.style == .sqlFile)
        #expect(file.operations[0].snippets["down"] == nil)
    }

    @Test(
        "The down marker splits up from down",
        arguments: ["-- slipway:down", "-- SLIPWAY:DOWN", "  -- slipway:down  ", "-- slipway:down\r"])
    func downMarker(marker: String) throws {
        let text = "CREATE TABLE a (id int);\n\(marker)\nDROP TABLE a;\n"
        let file = try MigrationFile(contents: text, path: "0006_a.sql")
        #expect(file.operations.map(\.operation) == [.sql(RawSQLOperation(up: "CREATE TABLE a (id int);\n", down: "DROP TABLE a;\n"))])
        #expect(file.operations[0].snippets["down"]?.contentStart == SourceLocation(file: "0006_a.sql", line: 3, column: 1))
    }

    @Test func markerWithNothingAfterItMeansNoDown() throws {
        let file = try MigrationFile(contents: "SELECT 1;\n-- slipway:down\n\n", path: "0007.sql")
        #expect(file.operations.map(\.operation) == [.sql(RawSQLOperation(up: "SELECT 1;\n"))])
    }

    @Test("Empty SQL files are errors", arguments: ["", "  \n\n", "-- slipway:down\nDROP TABLE a;\n"])
    func emptySQL(text: String) {
        let result = decode(text, path: "m/0008_empty.sql")
        #expect(result.file == nil)
        #expect(result.diagnostics.map(\.code) == [.emptyFile])
        #expect(result.diagnostics.first?.line == 1)
    }
}
