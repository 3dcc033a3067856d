import Testing
@testable import SQLLint

@Suite("SQL embedded in YAML/JSON migrations")
struct EmbeddedSnippetTests {
    /// A `sql: |` block scalar whose content starts on line 6, indented by 6 spaces in the YAML file.
    @Test func findingsPointIntoTheContainingFile() throws {
        let snippet = "SET lock_timeout = '2s';\nCREATE INDEX idx ON users (email);\n"
        let origin = SnippetOrigin(line: 6, column: 7, continuationIndent: 6)
        let result = SQLLinter().lint(snippet, file: "migrations/0004_index.yaml", origin: origin)
        let finding = try #require(result.findings.first)
        #expect(finding.file == "migrations/0004_index.yaml")
        #expect(finding.position.line == 7)
        #expect(finding.position.column == 14)  // 6 stripped + column 8 of "CREATE INDEX"
        #expect(finding.endPosition.line == 7)
    }

    /// A one-line JSON/YAML string: `"sql": "VACUUM FULL users"` at line 3, the string content at column 14.
    @Test func firstLineColumnsAreShifted() throws {
        let result = SQLLinter().lint("VACUUM FULL users", file: "m.json", origin: SnippetOrigin(line: 3, column: 14))
        let finding = try #require(result.findings.first { $0.ruleID == "no-vacuum-full" })
        #expect(finding.position == SourcePosition(offset: 7, line: 3, column: 21))
    }

    @Test func syntaxErrorsAreMappedToo() throws {
        let result = SQLLinter().lint("SELECT 1;\n'open", file: "m.yaml", origin: SnippetOrigin(line: 10, column: 9, continuationIndent: 4, offset: 200))
        let error = try #require(result.syntaxError)
        #expect(error.position == SourcePosition(offset: 210, line: 11, column: 5))
        #expect(result.findings.first?.position == error.position)
    }

    @Test func originMapping() {
        let origin = SnippetOrigin(line: 5, column: 3, continuationIndent: 2, offset: 100)
        #expect(origin.map(SourcePosition(offset: 4, line: 1, column: 5)) == SourcePosition(offset: 104, line: 5, column: 7))
        #expect(origin.map(SourcePosition(offset: 20, line: 3, column: 1)) == SourcePosition(offset: 120, line: 7, column: 3))
        #expect(SnippetOrigin.fileStart.map(SourcePosition(offset: 9, line: 2, column: 4)) == SourcePosition(offset: 9, line: 2, column: 4))
    }
}
