import Testing
@testable import SQLLint

@Suite("Suppression comments")
struct SuppressionTests {
    private func ruleIDs(_ sql: String) -> [String] {
        SQLLinter(configuration: .managedTimeout).lint(sql, file: "m.sql").findings.map(\.ruleID)
    }

    struct SuppressionCase: Sendable, CustomTestStringConvertible {
        var sql: String
        var remaining: [String]
        var testDescription: String { sql }
    }

    static let cases: [SuppressionCase] = [
        // Line comment directly before the statement.
        SuppressionCase(sql: "-- slipway-lint: ignore require-concurrent-index\nCREATE INDEX i ON users (e);", remaining: []),
        // Blank lines and other comments between the directive and the statement.
        SuppressionCase(sql: "-- slipway-lint: ignore require-concurrent-index -- small table\n\n-- why\nCREATE INDEX i ON users (e);", remaining: []),
        // Block comment naming two rules, inside the statement.
        SuppressionCase(
            sql: "ALTER TABLE users /* slipway-lint: ignore no-drop-column, no-column-type-change */ DROP COLUMN a, ALTER COLUMN b TYPE text;",
            remaining: []
        ),
        // Trailing comment on the statement's own line.
        SuppressionCase(sql: "VACUUM FULL users; -- slipway-lint: ignore no-vacuum-full\nCLUSTER users;", remaining: ["no-cluster"]),
        // Trailing comment at the end of the file.
        SuppressionCase(sql: "VACUUM FULL users; -- slipway-lint: ignore no-vacuum-full", remaining: []),
        // Only the named rule is suppressed.
        SuppressionCase(sql: "-- slipway-lint: ignore no-drop-column\nALTER TABLE users DROP COLUMN a, ALTER COLUMN b TYPE text;", remaining: ["no-column-type-change"]),
        // Only the next statement is covered.
        SuppressionCase(sql: "-- slipway-lint: ignore no-truncate\nTRUNCATE a;\nTRUNCATE b;", remaining: ["no-truncate"]),
        // `ignore` without ids covers every rule of the statement.
        SuppressionCase(sql: "-- slipway-lint: ignore\nALTER TABLE users DROP COLUMN a, ALTER COLUMN b TYPE text;", remaining: []),
        // Case-insensitive marker, spaces as separators.
        SuppressionCase(sql: "-- SLIPWAY-LINT: ignore no-truncate no-lock-table\nTRUNCATE a;", remaining: []),
        // Whole-file disable for one rule, anywhere in the file.
        SuppressionCase(sql: "TRUNCATE a;\nTRUNCATE b;\n-- slipway-lint: ignore-file no-truncate\nVACUUM FULL c;", remaining: ["no-vacuum-full"]),
        // Whole-file disable for every rule.
        SuppressionCase(sql: "/* slipway-lint: ignore-file */\nTRUNCATE a;\nVACUUM FULL c;", remaining: []),
        // A directive inside a string is not a directive.
        SuppressionCase(sql: "SELECT '-- slipway-lint: ignore no-truncate';\nTRUNCATE a;", remaining: ["no-truncate"]),
        // A wrong rule id suppresses nothing and is reported.
        SuppressionCase(sql: "-- slipway-lint: ignore no-truncat\nTRUNCATE a;", remaining: ["no-truncate", "unknown-rule-in-suppression"]),
        // Other comments are not directives.
        SuppressionCase(sql: "-- ignore no-truncate\nTRUNCATE a;", remaining: ["no-truncate"]),
    ]

    @Test(arguments: cases)
    func suppresses(_ suppressionCase: SuppressionCase) {
        #expect(ruleIDs(suppressionCase.sql).sorted() == suppressionCase.remaining.sorted())
    }

    @Test func suppressedFindingsAreCounted() {
        let result = SQLLinter().lint("-- slipway-lint: ignore no-truncate, require-lock-timeout\nTRUNCATE a;", file: "m.sql")
        #expect(result.findings.isEmpty)
        #expect(result.suppressedCount == 2)
        #expect(LintSummary([result]).line == "1 file, 1 statement: 0 errors, 0 warnings (2 suppressed)")
    }

    @Test func syntaxErrorsCannotBeSuppressed() {
        let result = SQLLinter().lint("-- slipway-lint: ignore-file\nSELECT 'x", file: "m.sql")
        #expect(result.findings.map(\.ruleID) == ["syntax-error"])
    }

    @Test func parsesDirectives() throws {
        let token = try #require(try SQLTokenizer().tokenize("/* slipway-lint: ignore a-b,c  d -- reason */").first)
        let directive = try #require(SuppressionDirective.parse(token))
        #expect(directive.scope == .statement)
        #expect(directive.ruleIDs == ["a-b", "c", "d"])
        #expect(directive.suppresses("c"))
        #expect(!directive.suppresses("e"))
    }
}
