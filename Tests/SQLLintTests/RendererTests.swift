import Testing
@testable import SQLLint

@Suite("Output renderers")
struct RendererTests {
    private func lint(_ sql: String, file: String = "db/m.sql") -> LintResult {
        SQLLinter(configuration: .managedTimeout).lint(sql, file: file)
    }

    private let suggestion = "Plain VACUUM (no exclusive lock); to reclaim space online use pg_repack or pg_squeeze."

    @Test func text() {
        let output = LintOutputFormat.text.render([lint("VACUUM FULL users;"), lint("SELECT 1;", file: "db/ok.sql")])
        #expect(output == """
            db/m.sql:1:8: error[no-vacuum-full]: VACUUM FULL rewrites the table under an ACCESS EXCLUSIVE lock
                safe alternative: \(suggestion)
                see docs/lint-rules.md#no-vacuum-full
            2 files, 2 statements: 1 error, 0 warnings

            """)
    }

    @Test func textWithoutFindings() {
        #expect(LintRenderer.text([lint("SELECT 1;")]) == "1 file, 1 statement: 0 errors, 0 warnings\n")
    }

    @Test func json() {
        let output = LintOutputFormat.json.render([lint("SELECT 1;\nVACUUM FULL \"Users\";")])
        #expect(output == """
            {
              "version": 1,
              "findings": [
                {
                  "file": "db/m.sql",
                  "line": 2,
                  "column": 8,
                  "endLine": 2,
                  "endColumn": 21,
                  "rule": "no-vacuum-full",
                  "severity": "error",
                  "title": "VACUUM FULL",
                  "message": "VACUUM FULL rewrites the table under an ACCESS EXCLUSIVE lock",
                  "suggestion": "\(suggestion)",
                  "statement": "VACUUM FULL \\"Users\\";",
                  "docs": "docs/lint-rules.md#no-vacuum-full"
                }
              ],
              "summary": {
                "files": 1,
                "statements": 2,
                "errors": 1,
                "warnings": 0,
                "suppressed": 0
              }
            }

            """)
    }

    @Test func jsonWithoutFindings() {
        #expect(LintRenderer.json([]) == """
            {
              "version": 1,
              "findings": [],
              "summary": {
                "files": 0,
                "statements": 0,
                "errors": 0,
                "warnings": 0,
                "suppressed": 0
              }
            }

            """)
    }

    @Test func github() {
        let output = LintOutputFormat.github.render([lint("VACUUM FULL users;", file: "db/a,b:c.sql"), lint("CREATE TABLE t (a text);")])
        #expect(output == """
            ::error file=db/a%2Cb%3Ac.sql,line=1,col=8,endLine=1,title=no-vacuum-full%3A VACUUM FULL::VACUUM FULL rewrites the table under an ACCESS EXCLUSIVE lock%0Asafe alternative: \(suggestion)%0Asee docs/lint-rules.md#no-vacuum-full
            ::warning file=db/m.sql,line=1,col=14,endLine=1,title=require-primary-key%3A CREATE TABLE without a primary key::table "t" is created without a primary key%0Asafe alternative: Declare a primary key in CREATE TABLE, e.g. id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY.%0Asee docs/lint-rules.md#require-primary-key

            """)
    }

    struct EscapeCase: Sendable, CustomTestStringConvertible {
        var input: String
        var data: String
        var property: String
        var testDescription: String { input }
    }

    static let escapeCases: [EscapeCase] = [
        EscapeCase(input: "100% done\r\nnext", data: "100%25 done%0D%0Anext", property: "100%25 done%0D%0Anext"),
        EscapeCase(input: "a:b,c", data: "a:b,c", property: "a%3Ab%2Cc"),
        EscapeCase(input: "plain é", data: "plain é", property: "plain é"),
    ]

    @Test(arguments: escapeCases)
    func githubEscaping(_ escapeCase: EscapeCase) {
        #expect(LintRenderer.escapeData(escapeCase.input) == escapeCase.data)
        #expect(LintRenderer.escapeProperty(escapeCase.input) == escapeCase.property)
    }

    @Test func jsonStringEscaping() {
        #expect(LintRenderer.jsonString("a\"b\\c\nd\te\u{01}é") == "\"a\\\"b\\\\c\\nd\\te\\u0001é\"")
    }

    @Test func syntaxErrorIsRenderedLikeAFinding() {
        let output = LintRenderer.text([lint("SELECT 1;\nSELECT $$body")])
        #expect(output.hasPrefix("db/m.sql:2:8: error[syntax-error]: dollar-quoted string $$ starting at line 2, column 8 is never closed; add the closing $$\n"))
    }
}
