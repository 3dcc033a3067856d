import Testing
@testable import Releases

/// One parser expectation: `type == nil` means "not a Conventional Commit".
struct ParseCase: Sendable, CustomTestStringConvertible {
    var message: String
    var type: String?
    var scope: String? = nil
    var breaking: Bool = false
    var summary: String? = nil
    var body: String? = nil
    var footerTokens: [String] = []
    var testDescription: String { message.debugDescription }
}

@Suite("Conventional Commits 1.0.0 parser")
struct ConventionalCommitTests {
    static let cases: [ParseCase] = [
        ParseCase(message: "feat: add pagination", type: "feat", summary: "add pagination"),
        ParseCase(message: "fix: off by one", type: "fix", summary: "off by one"),
        ParseCase(message: "Feat: capitalised type", type: "feat", summary: "capitalised type"),
        ParseCase(message: "FEAT: shouting", type: "feat", summary: "shouting"),
        ParseCase(message: "fIx(Parser): mixed", type: "fix", scope: "Parser", summary: "mixed"),
        ParseCase(message: "feat(api): add endpoint", type: "feat", scope: "api", summary: "add endpoint"),
        ParseCase(message: "feat(api)!: drop v1", type: "feat", scope: "api", breaking: true, summary: "drop v1"),
        ParseCase(message: "feat!: drop v1", type: "feat", breaking: true, summary: "drop v1"),
        ParseCase(message: "refactor!: rename everything", type: "refactor", breaking: true, summary: "rename everything"),
        ParseCase(message: "chore(deps-dev): bump x", type: "chore", scope: "deps-dev", summary: "bump x"),
        ParseCase(message: "feat(api/v2): nested scope", type: "feat", scope: "api/v2", summary: "nested scope"),
        ParseCase(message: "feat(a, b): two scopes", type: "feat", scope: "a, b", summary: "two scopes"),
        ParseCase(message: "feat( spaced ): trimmed", type: "feat", scope: "spaced", summary: "trimmed"),
        ParseCase(message: "feat:  two spaces", type: "feat", summary: "two spaces"),
        ParseCase(message: "feat:\tTab", type: "feat", summary: "Tab"),
        ParseCase(message: "feat: trailing space   ", type: "feat", summary: "trailing space"),
        ParseCase(message: "feat: colon: in description", type: "feat", summary: "colon: in description"),
        ParseCase(message: "feat: unicode ✓ déjà vu", type: "feat", summary: "unicode ✓ déjà vu"),
        ParseCase(message: "my-type: hyphenated", type: "my-type", summary: "hyphenated"),
        ParseCase(message: "type_2: underscore and digit", type: "type_2", summary: "underscore and digit"),
        ParseCase(message: "\n\nfeat: leading blank lines", type: "feat", summary: "leading blank lines"),
        ParseCase(message: "feat: x\r\n\r\nbody with CRLF\r\n", type: "feat", summary: "x", body: "body with CRLF"),
        ParseCase(message: "feat: with body\n\nThe body.", type: "feat", summary: "with body", body: "The body."),
        ParseCase(
            message: "fix: multi\n\nParagraph one\nline two.\n\nParagraph two.", type: "fix", summary: "multi",
            body: "Paragraph one\nline two.\n\nParagraph two."),
        ParseCase(
            message: "fix: footers\n\nBody.\n\nRefs: #123\nReviewed-by: Z", type: "fix", summary: "footers", body: "Body.",
            footerTokens: ["Refs", "Reviewed-by"]),
        ParseCase(message: "fix: hash footer\n\nCloses #42", type: "fix", summary: "hash footer", footerTokens: ["Closes"]),
        ParseCase(
            message: "feat: x\n\nBREAKING CHANGE: config changed", type: "feat", breaking: true, summary: "x",
            footerTokens: ["BREAKING CHANGE"]),
        ParseCase(
            message: "feat: x\n\nBREAKING-CHANGE: config changed", type: "feat", breaking: true, summary: "x",
            footerTokens: ["BREAKING-CHANGE"]),
        ParseCase(
            message: "feat: x\n\nbreaking change: lower case is not a footer", type: "feat", breaking: false, summary: "x",
            body: "breaking change: lower case is not a footer"),
        ParseCase(
            message: "feat: x\n\nBody\n\nBREAKING CHANGE: first line\nsecond line\n\nthird paragraph", type: "feat",
            breaking: true, summary: "x", body: "Body", footerTokens: ["BREAKING CHANGE"]),
        ParseCase(
            message: "fix: y\n\nNote: looks like a footer\n\nbut the body goes on", type: "fix", summary: "y",
            body: "Note: looks like a footer\n\nbut the body goes on"),
        ParseCase(
            message: "fix: y\n\nSigned-off-by: A <a@b.c>\nCo-authored-by: B <b@c.d>", type: "fix", summary: "y",
            footerTokens: ["Signed-off-by", "Co-authored-by"]),
        ParseCase(
            message: "feat!: z\n\nBREAKING CHANGE: also footer", type: "feat", breaking: true, summary: "z",
            footerTokens: ["BREAKING CHANGE"]),
        ParseCase(
            message: "chore: release\n\nRelease-As: 2.0.0", type: "chore", summary: "release", footerTokens: ["Release-As"]),
        ParseCase(message: "revert: feat: x", type: "revert", summary: "feat: x"),
        ParseCase(message: "Revert \"feat: add x\"", type: "revert", summary: "Revert \"feat: add x\""),
        ParseCase(message: "Revert \"Revert \"feat: add x\"\"", type: "revert", summary: "Revert \"Revert \"feat: add x\"\""),
        ParseCase(message: "Update README.md", type: nil),
        ParseCase(message: "WIP", type: nil),
        ParseCase(message: "Merge branch 'feature/x' into main", type: nil),
        ParseCase(message: "Merge pull request #12 from a/b", type: nil),
        ParseCase(message: "feat:missing space", type: nil),
        ParseCase(message: "feat : space before colon", type: nil),
        ParseCase(message: "feat(): empty scope", type: nil),
        ParseCase(message: "feat(unclosed: x", type: nil),
        ParseCase(message: "feat((nested)): x", type: nil),
        ParseCase(message: "feat: ", type: nil),
        ParseCase(message: "feat:", type: nil),
        ParseCase(message: "feat", type: nil),
        ParseCase(message: "", type: nil),
        ParseCase(message: "   \n  ", type: nil),
        ParseCase(message: "1feat: digits first", type: nil),
        ParseCase(message: ": no type", type: nil),
        ParseCase(message: "!: only bang", type: nil),
        ParseCase(message: "feat!(api): bang before scope", type: nil),
        ParseCase(message: "feat x: space in type", type: nil),
        ParseCase(message: "fixup! feat: x", type: nil),
        ParseCase(message: "Fix typo", type: nil),
    ]

    @Test("parses", arguments: cases)
    func parses(_ row: ParseCase) {
        let parsed = ConventionalCommit.parse(row.message)
        guard let type = row.type else {
            #expect(parsed == nil)
            return
        }
        guard let parsed else {
            Issue.record("expected \(type)")
            return
        }
        #expect(parsed.type == type)
        #expect(parsed.scope == row.scope)
        #expect(parsed.isBreaking == row.breaking)
        if let summary = row.summary { #expect(parsed.description == summary) }
        #expect(parsed.body == row.body)
        #expect(parsed.footers.map(\.token) == row.footerTokens)
    }

    @Test func multiLineBreakingChangeValueIsKept() throws {
        let parsed = try #require(
            ConventionalCommit.parse("feat: x\n\nBREAKING CHANGE: first line\nsecond line\n\nthird paragraph\n\nRefs: #1"))
        #expect(parsed.footers.map(\.token) == ["BREAKING CHANGE", "Refs"])
        #expect(parsed.footers[0].value == "first line\nsecond line\n\nthird paragraph")
        #expect(parsed.breakingNotes == ["first line\nsecond line\n\nthird paragraph"])
        #expect(parsed.footers[1].value == "#1")
    }

    @Test func footerValuesAndSeparators() throws {
        let parsed = try #require(ConventionalCommit.parse("fix: y\n\nFixes #7\nReviewed-by: Z Person\n  continued"))
        #expect(parsed.footers == [
            CommitFooter(token: "Fixes", separator: " #", value: "7"),
            CommitFooter(token: "Reviewed-by", separator: ": ", value: "Z Person\n  continued"),
        ])
    }

    @Test func bangOnlyUsesDescriptionAsBreakingNote() throws {
        let parsed = try #require(ConventionalCommit.parse("feat(api)!: remove v1"))
        #expect(parsed.breakingNotes == ["remove v1"])
    }

    @Test func gitRevertCarriesHashAndHeader() throws {
        let message = "Revert \"feat: add x\"\n\nThis reverts commit 0123456789abcdef0123456789abcdef01234567."
        let parsed = try #require(ConventionalCommit.parse(message))
        #expect(parsed.isRevert)
        #expect(parsed.revertedHeader == "feat: add x")
        #expect(parsed.revertedHash == "0123456789abcdef0123456789abcdef01234567")
    }

    @Test func conventionalRevertWithQuotedHeader() throws {
        let parsed = try #require(ConventionalCommit.parse("revert: \"feat: add x\"\n\nThis reverts commit abcdef1."))
        #expect(parsed.revertedHeader == "feat: add x")
        #expect(parsed.revertedHash == "abcdef1")
    }

    @Test func releaseAsFooter() throws {
        let parsed = try #require(ConventionalCommit.parse("chore: bump\n\nrelease-as: 3.0.0"))
        #expect(parsed.releaseAs == "3.0.0")
    }

    static let autosquash = ["fixup! feat: x", "squash! fix: y", "amend! feat: z"]

    @Test("recognises autosquash commits", arguments: autosquash)
    func autosquashCommits(_ message: String) {
        #expect(CommitMessageParser.isAutosquash(Substring(message)))
    }

    static let headerProblemCases: [(String, CommitMessageParser.HeaderProblem)] = [
        ("", .empty), ("Update README", .missingColon), ("feat:x", .missingSpaceAfterColon), ("feat: ", .emptyDescription),
        ("feat()", .emptyScope), ("feat(x: y", .unterminatedScope), ("1x: y", .missingType), ("feat:", .emptyDescription),
    ]

    @Test("explains header problems", arguments: headerProblemCases)
    func headerProblems(_ row: (String, CommitMessageParser.HeaderProblem)) {
        #expect(CommitMessageParser.parseHeader(Substring(row.0)) == .failure(row.1))
    }
}

@Suite("Commit linting (release check)")
struct CommitLinterTests {
    static let good = [
        "feat: add x", "fix(api): y", "feat!: z\n\nBREAKING CHANGE: w", "Revert \"feat: add x\"", "docs: readme",
        "chore(release): 1.2.0", "Feat: capitalised is fine",
    ]

    @Test("accepts", arguments: good)
    func accepts(_ message: String) {
        #expect(CommitLinter(configuration: ReleaseConfiguration()).problems(in: message) == [])
    }

    static let bad: [(String, String)] = [
        ("Update README", "expected ':'"),
        ("feat:x", "space after ':'"),
        ("wip: stuff", "unknown type 'wip'"),
        ("feat: x\nbody right away", "blank line"),
        ("feat: x\n\nbreaking change: lower", "upper case"),
        ("fixup! feat: x", "autosquash"),
        ("feat: " + String(repeating: "x", count: 120), "limit is 100"),
        ("", "empty"),
        ("feat(): x", "scope '()' is empty"),
    ]

    @Test("rejects with a clear message", arguments: bad)
    func rejects(_ row: (String, String)) {
        let problems = CommitLinter(configuration: ReleaseConfiguration()).problems(in: row.0)
        #expect(problems.contains(where: { $0.contains(row.1) }), "\(problems)")
    }

    @Test func pullRequestTitleResult() {
        let result = CommitLinter(configuration: ReleaseConfiguration()).check(message: "Add a thing")
        #expect(!result.passed)
        #expect(result.renderText().contains("✗ Add a thing"))
        #expect(result.renderJSON().contains("\"passed\" : false"))
    }
}
