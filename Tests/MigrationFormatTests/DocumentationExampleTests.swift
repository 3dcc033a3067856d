import Foundation
import Testing

@testable import MigrationFormat

/// The examples in docs/file-format.md are real: every complete YAML migration in it decodes without
/// diagnostics, and the error example gives exactly the output the page shows.
@Suite("docs/file-format.md examples")
struct DocumentationExampleTests {
    static let documentPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/file-format.md").path

    static func codeBlocks(language: String) throws -> [String] {
        let text = try String(contentsOfFile: documentPath, encoding: .utf8)
        var blocks: [String] = []
        var current: [Substring]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```\(language)" {
                current = []
            } else if current != nil, line == "```" {
                blocks.append((current ?? []).joined(separator: "\n") + "\n")
                current = nil
            } else {
                current?.append(line)
            }
        }
        return blocks
    }

    @Test func completeYAMLExamplesDecode() throws {
        let migrations = try Self.codeBlocks(language: "yaml").filter {
            $0.contains("\noperations:") || $0.hasPrefix("operations:")
        }
        #expect(migrations.count >= 17)
        for (index, example) in migrations.enumerated() where !example.hasPrefix("name:") {
            let result = MigrationDecoder.decode(contents: example, path: "docs/example_\(index).yaml")
            #expect(result.diagnostics == [], "\(example)\n\(result.diagnostics.map(\.description))")
        }
    }

    @Test func errorExampleMatchesThePage() throws {
        let yaml = try #require(try Self.codeBlocks(language: "yaml").first { $0.hasPrefix("name:") })
        let shown = try Self.codeBlocks(language: "").first { $0.hasPrefix("migrations/0012_shipping_deadline.yaml:1:1") }
        let result = MigrationDecoder.decode(contents: yaml, path: "migrations/0012_shipping_deadline.yaml")
        #expect(result.diagnostics.map(\.detailedDescription).joined(separator: "\n") + "\n" == shown)
    }

    @Test func sqlExampleDecodes() throws {
        let sql = try #require(try Self.codeBlocks(language: "sql").first)
        let file = try MigrationFile(contents: sql, path: "migrations/0009_invoice_search.sql")
        guard case let .sql(operation) = file.operations.first?.operation else {
            Issue.record("expected a sql operation")
            return
        }
        #expect(operation.down == "DROP INDEX CONCURRENTLY IF EXISTS idx_invoices_number_trgm;\n")
    }
}
