import Testing

@testable import MigrationFormat

@Suite("Tri-state fields: absent, null, value")
struct TriStateTests {
    struct Case: Sendable, CustomStringConvertible {
        let label: String
        let path: String
        let contents: String
        let expectedDefault: FieldChange<String>?
        let expectedComment: FieldChange<String>?
        var description: String { label }
    }

    static let cases: [Case] = [
        Case(
            label: "YAML absent", path: "0001.yaml",
            contents: "operations:\n  - alter_column: {table: t, column: c, type: text}\n",
            expectedDefault: nil, expectedComment: nil),
        Case(
            label: "YAML ~", path: "0001.yaml",
            contents: "operations:\n  - alter_column:\n      table: t\n      column: c\n      default: ~\n      comment: ~\n",
            expectedDefault: .remove, expectedComment: .remove),
        Case(
            label: "YAML null", path: "0001.yaml",
            contents: "operations:\n  - alter_column:\n      table: t\n      column: c\n      default: null\n      comment: Null\n",
            expectedDefault: .remove, expectedComment: .remove),
        Case(
            label: "YAML empty value", path: "0001.yaml",
            contents: "operations:\n  - alter_column:\n      table: t\n      column: c\n      default:\n",
            expectedDefault: .remove, expectedComment: nil),
        Case(
            label: "YAML values", path: "0001.yaml",
            contents: "operations:\n  - alter_column:\n      table: t\n      column: c\n      default: 42\n      comment: the answer\n",
            expectedDefault: .set("42"), expectedComment: .set("the answer")),
        Case(
            label: "YAML quoted null is a string", path: "0001.yaml",
            contents: "operations:\n  - alter_column:\n      table: t\n      column: c\n      default: \"null\"\n      comment: 'null'\n",
            expectedDefault: .set("null"), expectedComment: .set("null")),
        Case(
            label: "JSON absent", path: "0001.json",
            contents: #"{"operations": [{"alter_column": {"table": "t", "column": "c", "nullable": true}}]}"#,
            expectedDefault: nil, expectedComment: nil),
        Case(
            label: "JSON null", path: "0001.json",
            contents: #"{"operations": [{"alter_column": {"table": "t", "column": "c", "default": null, "comment": null}}]}"#,
            expectedDefault: .remove, expectedComment: .remove),
        Case(
            label: "JSON values", path: "0001.json",
            contents: #"{"operations": [{"alter_column": {"table": "t", "column": "c", "default": "now()", "comment": ""}}]}"#,
            expectedDefault: .set("now()"), expectedComment: .set("")),
    ]

    @Test("alter_column default and comment", arguments: cases)
    func triState(_ testCase: Case) {
        let ops = operations(testCase.contents, path: testCase.path)
        guard case let .alterColumn(alter) = ops.first else {
            Issue.record("expected alter_column")
            return
        }
        #expect(alter.default == testCase.expectedDefault)
        #expect(alter.comment == testCase.expectedComment)
    }

    @Test func removingOnlyTheDefaultCountsAsAChange() {
        let result = decode("operations:\n  - alter_column: {table: t, column: c, default: null}\n")
        #expect(result.diagnostics == [])
    }

    @Test func fieldChangeValue() {
        #expect(FieldChange<String>.set("x").value == "x")
        #expect(FieldChange<String>.remove.value == nil)
    }

    @Test func optionalFieldsGivenAsNullAreAbsent() {
        let ops = operations(
            "operations:\n  - add_column:\n      table: t\n      up: null\n      column: {name: a, type: int, default: ~, nullable: null}\n")
        #expect(ops == [.addColumn(AddColumnOperation(table: "t", column: Column(name: "a", type: "int")))])
    }
}
