import Testing

@testable import MigrationFormat

@Suite("JSON migration files parse as YAML")
struct JSONSyntaxTests {
    static let expected: [MigrationFormat.Operation] = [
        .addColumn(
            AddColumnOperation(
                table: "orders", column: Column(name: "note", type: "text", nullable: true, nullableIsExplicit: true),
                up: "'n/a'")),
        .createIndex(
            CreateIndexOperation(name: "idx_note", table: "orders", columns: [IndexColumn(column: "note")])),
    ]

    @Test(
        "Typical JSON layouts",
        arguments: [
            // Tab-indented, as some editors and `jq --tab` write it.
            "{\n\t\"operations\": [\n\t\t{\n\t\t\t\"add_column\": {\n\t\t\t\t\"table\":\t\"orders\",\n\t\t\t\t\"column\": {\"name\": \"note\", \"type\": \"text\", \"nullable\": true},\n\t\t\t\t\"up\": \"'n\\/a'\"\n\t\t\t}\n\t\t},\n\t\t{\n\t\t\t\"create_index\": {\n\t\t\t\t\"name\": \"idx_note\",\n\t\t\t\t\"table\": \"orders\",\n\t\t\t\t\"columns\": [{\"column\": \"note\"}]\n\t\t\t}\n\t\t}\n\t]\n}\n",
            // Minified, no spaces after colons.
            #"{"operations":[{"add_column":{"table":"orders","column":{"name":"note","type":"text","nullable":true},"up":"'n/a'"}},{"create_index":{"name":"idx_note","table":"orders","columns":[{"column":"note"}]}}]}"#,
            // Two-space indented with CRLF line ends and a trailing newline.
            "{\r\n  \"operations\": [\r\n    {\"add_column\": {\"table\": \"orders\", \"column\": {\"name\": \"note\", \"type\": \"text\", \"nullable\": true}, \"up\": \"'n\\u002fa'\"}},\r\n    {\"create_index\": {\"name\": \"idx_note\", \"table\": \"orders\", \"columns\": [{\"column\": \"note\"}]}}\r\n  ]\r\n}\r\n",
        ])
    func typicalJSON(_ text: String) {
        #expect(operations(text, path: "m/0001_note.json") == Self.expected)
    }

    @Test func positionsInTabIndentedJSON() {
        let text = "{\n\t\"operations\": [\n\t\t{\"drop_table\": {\"nme\": \"x\"}}\n\t]\n}\n"
        let result = decode(text, path: "m/0002.json")
        #expect(
            result.diagnostics.map(\.description) == [
                "m/0002.json:3:4: error: missing required field `name` in `drop_table` (at operations[0].drop_table.name)",
                "m/0002.json:3:19: error: unknown key `nme` in `drop_table` (at operations[0].drop_table.nme)",
            ])
    }
}
