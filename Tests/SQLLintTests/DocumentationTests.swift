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

extension DocumentationTests {
    /// The SQL of the code block that follows `label` ("Flagged:" or "Safe:") in `section`.
    private static func example(_ label: String, in section: Substring) -> String? {
        guard let labelRange = section.range(of: "\(label)\n\n```sql\n") else { return nil }
        let rest = section[labelRange.upperBound...]
        guard let end = rest.range(of: "\n```") else { return nil }
        return String(rest[..<end.lowerBound])
    }

    /// Each rule's documented "Flagged" example triggers it and its "Safe" example does not.
    @Test func documentedExamplesBehaveAsDocumented() throws {
        let page = try #require(Self.rulesPage, "docs/lint-rules.md is missing")
        for rule in LintRule.all + [.syntaxError, .unknownRuleInSuppression] {
            guard let start = page.range(of: "<a id=\"\(rule.id)\"></a>") else {
                Issue.record("no section for \(rule.id)")
                continue
            }
            let tail = page[start.upperBound...]
            let section = tail[..<(tail.range(of: "<a id=")?.lowerBound ?? tail.endIndex)]
            let bad = try #require(Self.example("Flagged:", in: section), "no flagged example for \(rule.id)")
            let good = try #require(Self.example("Safe:", in: section), "no safe example for \(rule.id)")
            // Drops are expected in the contract phase, which is what the safe examples show.
            let safeConfiguration = ["no-drop-column", "no-drop-table"].contains(rule.id) ? LintConfiguration(phase: .complete) : LintConfiguration()
            let flagged = SQLLinter().lint(bad, file: "doc.sql").findings.map(\.ruleID)
            let safe = SQLLinter(configuration: safeConfiguration).lint(good, file: "doc.sql").findings.map(\.ruleID)
            #expect(flagged.contains(rule.id), "flagged example of \(rule.id) does not trigger it: \(bad)")
            #expect(!safe.contains(rule.id), "safe example of \(rule.id) triggers it: \(good)")
        }
    }
}
