import Foundation
import Testing
@testable import SQLLint

@Suite("Documentation")
struct DocumentationTests {
    /// docs/lint-rules.md, found relative to this file (Tests/SQLLintTests/ → package root).
    private static let rulesPage: String? = {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/lint-rules.md")
        return try? String(contentsOf: url, encoding: .utf8)
    }()

    @Test func everyRuleHasAnAnchoredSection() throws {
        let page = try #require(Self.rulesPage, "docs/lint-rules.md is missing")
        for rule in LintRule.all + [.syntaxError, .unknownRuleInSuppression] {
            #expect(page.contains("<a id=\"\(rule.id)\"></a>\n\n### \(rule.id)\n"), "no section for \(rule.id)")
            #expect(page.contains(rule.explanation), "explanation of \(rule.id) differs from the catalog")
            #expect(page.contains(rule.safeAlternative), "safe alternative of \(rule.id) differs from the catalog")
        }
        #expect(page.contains("slipway-lint: ignore"))
        #expect(page.contains("[lint.severity]"))
    }
}
