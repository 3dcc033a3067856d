import Testing
@testable import SQLLint

@Suite("Robustness")
struct RobustnessTests {
    /// Deterministic pseudo-random statements built from SQL fragments, cut at arbitrary points: the linter
    /// must return (findings or a syntax error) and never trap.
    @Test func randomFragmentSoupNeverCrashes() {
        let fragments = [
            "ALTER", "TABLE", "users", "ADD", "COLUMN", "CONSTRAINT", "CHECK", "(", ")", ",", ";", "NOT", "NULL",
            "VALID", "PRIMARY", "KEY", "UNIQUE", "USING", "INDEX", "CREATE", "CONCURRENTLY", "ON", "ONLY", "DROP",
            "RENAME", "TO", "TYPE", "SET", "DATA", "DEFAULT", "random", "now", "GENERATED", "ALWAYS", "AS", "STORED",
            "IDENTITY", "REFERENCES", "FOREIGN", "BEGIN", "COMMIT", "ATOMIC", "END", "CASE", "LOCK", "IN", "MODE",
            "VACUUM", "FULL", "REINDEX", "CLUSTER", "TRUNCATE", "UPDATE", "DELETE", "FROM", "WHERE", "WITH", "SELECT",
            "set_config", "'lock_timeout'", "'5s'", "lock_timeout", "=", "*", ".", "public", "\"Q\"", "$$x$$",
            "-- c\n", "/* c */", "json", "varchar", "(10)", "serial", "int", "timestamp", "REFRESH", "MATERIALIZED",
            "VIEW", "VALIDATE", "EXCLUDE", "LOGGED", "TEMP", "PARTITION", "OF", "LIKE", "DETACH", "ALTER TYPE x ADD VALUE",
        ]
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        var findings = 0
        for _ in 0..<3_000 {
            let length = 1 + next(14)
            let sql = (0..<length).map { _ in fragments[next(fragments.count)] }.joined(separator: " ")
            let result = SQLLinter().lint(sql, file: "fuzz.sql")
            findings += result.findings.count
            #expect(result.findings.allSatisfy { $0.position.line >= 1 && $0.position.column >= 1 })
        }
        #expect(findings > 0)
    }

    /// Every prefix of a realistic migration lints without trapping (unterminated constructs become syntax errors).
    /// Inputs libFuzzer found (Fuzzing/run.sh) or that take the same paths: a bracket opened and never closed
    /// at the end of a statement used to index past its tokens and trap.
    @Test(arguments: [
        "ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid(",
        "ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_r+ndom_uuid(CREATE TABLE users (i  h",
        "ALTER TABLE users ADD COLUMN c numeric(10",
        "ALTER TABLE users ADD COLUMN c int[",
        "ALTER TABLE users ADD COLUMN c int CHECK (c > 0",
        "CREATE TABLE t (c int DEFAULT f(",
        "VACUUM (",
        "CLUSTER t USING (",
    ])
    func unclosedBracketsNeverTrap(_ sql: String) {
        let result = SQLLinter().lint(sql, file: "fuzz.sql")
        #expect(result.findings.allSatisfy { $0.position.line >= 1 })
    }

    @Test func everyPrefixOfAMigrationLints() {
        let sql = """
            SET lock_timeout = '5s';
            CREATE TABLE t (id bigint PRIMARY KEY, "Name" text DEFAULT E'a\\'b', body jsonb);
            /* nested /* comment */ */ CREATE INDEX CONCURRENTLY t_name ON t ("Name");
            DO $do$ BEGIN RAISE NOTICE 'x'; END $do$;
            ALTER TABLE users ADD CONSTRAINT c CHECK (email IS NOT NULL) NOT VALID; -- trailing
            """
        let bytes = Array(sql.utf8)
        var syntaxErrors = 0
        for cut in 0...bytes.count {
            let prefix = String(decoding: bytes[0..<cut], as: UTF8.self)
            let result = SQLLinter().lint(prefix, file: "p.sql")
            if result.syntaxError != nil { syntaxErrors += 1 }
        }
        #expect(syntaxErrors > 0)
    }
}
