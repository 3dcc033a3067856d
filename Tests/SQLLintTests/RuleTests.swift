import Testing
@testable import SQLLint

@Suite("Rules")
struct RuleTests {
    @Test(arguments: triggeringCases)
    func triggers(_ ruleCase: RuleCase) {
        #expect(ruleCase.foundRuleIDs().contains(ruleCase.rule), "expected \(ruleCase.rule)")
    }

    @Test(arguments: nearMissCases)
    func doesNotTrigger(_ ruleCase: RuleCase) {
        #expect(!ruleCase.foundRuleIDs().contains(ruleCase.rule), "unexpected \(ruleCase.rule)")
    }

    @Test func everyRuleHasTriggeringAndNearMissCases() {
        let triggered = Set(triggeringCases.map(\.rule))
        let missed = Set(nearMissCases.map(\.rule))
        for rule in LintRule.all {
            #expect(triggered.contains(rule.id), "no triggering case for \(rule.id)")
            #expect(missed.contains(rule.id), "no near-miss case for \(rule.id)")
        }
    }

    @Test func catalogIsWellFormed() {
        #expect(LintRule.all.count >= 25)
        #expect(Set(LintRule.all.map(\.id)).count == LintRule.all.count)
        for rule in LintRule.all {
            #expect(rule.id.allSatisfy { $0.isLowercase || $0 == "-" }, "\(rule.id) is not kebab-case")
            #expect(!rule.title.isEmpty && !rule.explanation.isEmpty && !rule.safeAlternative.isEmpty)
            #expect(rule.documentationPath == "docs/lint-rules.md#\(rule.id)")
            #expect(LintRule.named(rule.id) == rule)
        }
    }

    /// Keywords that appear only inside strings, comments, quoted identifiers and function bodies are never flagged.
    @Test func textInsideStringsCommentsAndBodiesIsNeverFlagged() {
        let sql = """
            SET lock_timeout = '5s';
            -- DROP TABLE users; VACUUM FULL users; CREATE INDEX i ON users (e);
            /* ALTER TABLE users ALTER COLUMN a TYPE bigint; /* nested: TRUNCATE users; */ LOCK TABLE users; */
            SELECT 'DROP TABLE users; CLUSTER users;', E'ALTER TABLE users RENAME TO x;\\'', U&'VACUUM FULL t';
            SELECT "UPDATE users SET a = 1" FROM t;
            CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
              ALTER TABLE users ADD COLUMN x int NOT NULL;
              EXECUTE 'CREATE INDEX i ON users (e)';
              UPDATE users SET a = 1;
              RETURN NEW;
            END
            $fn$;
            DO $$ BEGIN TRUNCATE users; REINDEX TABLE users; END $$;
            CREATE FUNCTION g() RETURNS void LANGUAGE sql AS 'DELETE FROM users';
            """
        let result = SQLLinter().lint(sql, file: "precise.sql")
        #expect(result.findings.isEmpty, "\(result.findings.map(\.ruleID))")
        #expect(result.statementCount == 6)
    }

    @Test func findingPointsAtTheOffendingToken() throws {
        let result = SQLLinter().lint("SET lock_timeout = '1s';\n  CREATE INDEX i ON users (e);\n", file: "m.sql")
        let finding = try #require(result.findings.first)
        #expect(finding.ruleID == "require-concurrent-index")
        #expect(finding.position == SourcePosition(offset: 34, line: 2, column: 10))
        #expect(finding.endPosition == SourcePosition(offset: 55, line: 2, column: 31))
        #expect(finding.statementExcerpt == "CREATE INDEX i ON users (e);")
        #expect(finding.message == "CREATE INDEX on existing table \"users\" without CONCURRENTLY blocks writes to it (SHARE lock) for the whole build")
        #expect(finding.severity == .error)
        #expect(finding.statementIndex == 1)
    }

    @Test func lockTimeoutIsReportedOncePerFile() {
        let result = SQLLinter().lint("ALTER TABLE a ADD COLUMN x int; ALTER TABLE b ADD COLUMN y int;", file: "m.sql")
        #expect(result.findings.map(\.ruleID) == ["require-lock-timeout"])
        #expect(result.findings.first?.position.column == 1)
    }

    @Test func multipleActionsInOneAlterTableAreEachChecked() {
        let ids = SQLLinter(configuration: .managedTimeout).lint(
            "ALTER TABLE users ADD COLUMN a uuid DEFAULT gen_random_uuid(), ALTER COLUMN b TYPE text, DROP COLUMN c;",
            file: "m.sql"
        ).findings.map(\.ruleID)
        #expect(ids == ["no-volatile-default", "no-column-type-change", "no-drop-column"])
    }

    @Test func createTableWithManyIssuesReportsEach() {
        let ids = SQLLinter().lint(
            "CREATE TABLE t (id serial PRIMARY KEY, data json, name varchar(40), at timestamp);", file: "m.sql"
        ).findings.map(\.ruleID)
        #expect(ids == ["prefer-bigint-primary-key", "prefer-jsonb", "prefer-text-over-varchar", "prefer-timestamptz"])
    }

    @Test func longExcerptsAreCut() throws {
        let columns = (1...60).map { "c\($0) int" }.joined(separator: ", ")
        let result = SQLLinter().lint("CREATE TABLE wide (\(columns));", file: "m.sql")
        let finding = try #require(result.findings.first { $0.ruleID == "require-primary-key" })
        #expect(finding.statementExcerpt.count == 121)
        #expect(finding.statementExcerpt.hasSuffix("…"))
    }
}
