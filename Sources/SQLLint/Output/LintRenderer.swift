/// Renders lint results as text, JSON or GitHub workflow commands. Every function is pure.
public enum LintRenderer {
    /// Human-readable output:
    ///
    /// ```text
    /// migrations/0003.sql:4:8: error[require-concurrent-index]: CREATE INDEX on existing table "users" …
    ///     safe alternative: CREATE INDEX CONCURRENTLY, run outside a transaction block …
    ///     see docs/lint-rules.md#require-concurrent-index
    /// 1 file, 12 statements: 1 error, 0 warnings
    /// ```
    public static func text(_ results: [LintResult]) -> String {
        var out = OutputBuffer(capacity: 4096)
        for result in results {
            for finding in result.findings {
                out.append(finding.file)
                out.append(":")
                out.append(finding.position.line)
                out.append(":")
                out.append(finding.position.column)
                out.append(": ")
                out.append(finding.severity.rawValue)
                out.append("[")
                out.append(finding.ruleID)
                out.append("]: ")
                out.append(finding.message)
                out.append("\n    safe alternative: ")
                out.append(finding.suggestion)
                out.append("\n    see ")
                out.append(finding.documentationPath)
                out.append("\n")
            }
        }
        out.append(LintSummary(results).line)
        out.append("\n")
        return out.string
    }

    /// The JSON document (schema version 1; keys in this order, two-space indentation):
    ///
    /// ```json
    /// {
    ///   "version": 1,
    ///   "findings": [
    ///     {
    ///       "file": "m.sql", "line": 1, "column": 8, "endLine": 1, "endColumn": 30,
    ///       "rule": "require-concurrent-index", "severity": "error", "title": "…", "message": "…",
    ///       "suggestion": "…", "statement": "CREATE INDEX i ON users (email);", "docs": "docs/lint-rules.md#…"
    ///     }
    ///   ],
    ///   "summary": { "files": 1, "statements": 1, "errors": 1, "warnings": 0, "suppressed": 0 }
    /// }
    /// ```
    public static func json(_ results: [LintResult]) -> String {
        var out = OutputBuffer(capacity: 4096)
        out.append("{\n  \"version\": 1,\n  \"findings\": [")
        var first = true
        func field(_ name: String, _ value: String, last: Bool = false) {
            out.append("      \"")
            out.append(name)
            out.append("\": ")
            out.appendJSONString(value)
            out.append(last ? "\n" : ",\n")
        }
        func field(_ name: String, _ value: Int) {
            out.append("      \"")
            out.append(name)
            out.append("\": ")
            out.append(value)
            out.append(",\n")
        }
        for result in results {
            for finding in result.findings {
                out.append(first ? "\n    {\n" : ",\n    {\n")
                first = false
                field("file", finding.file)
                field("line", finding.position.line)
                field("column", finding.position.column)
                field("endLine", finding.endPosition.line)
                field("endColumn", finding.endPosition.column)
                field("rule", finding.ruleID)
                field("severity", finding.severity.rawValue)
                field("title", finding.title)
                field("message", finding.message)
                field("suggestion", finding.suggestion)
                field("statement", finding.statementExcerpt)
                field("docs", finding.documentationPath, last: true)
                out.append("    }")
            }
        }
        out.append(first ? "],\n" : "\n  ],\n")
        let summary = LintSummary(results)
        out.append("  \"summary\": {\n    \"files\": \(summary.files),\n    \"statements\": \(summary.statements),\n")
        out.append("    \"errors\": \(summary.errors),\n    \"warnings\": \(summary.warnings),\n")
        out.append("    \"suppressed\": \(summary.suppressed)\n  }\n}\n")
        return out.string
    }

    /// GitHub Actions workflow commands, one per finding:
    /// `::error file=m.sql,line=1,col=8,endLine=1,title=require-concurrent-index::message%0Asafe alternative: …`.
    ///
    /// Data is escaped as GitHub requires (`%` → `%25`, CR → `%0D`, LF → `%0A`), and property values
    /// additionally `:` → `%3A` and `,` → `%2C`.
    public static func github(_ results: [LintResult]) -> String {
        var out = OutputBuffer(capacity: 4096)
        for result in results {
            for finding in result.findings {
                out.append(finding.severity == .error ? "::error file=" : "::warning file=")
                out.appendWorkflowEscaped(finding.file, property: true)
                out.append(",line=")
                out.append(finding.position.line)
                out.append(",col=")
                out.append(finding.position.column)
                out.append(",endLine=")
                out.append(finding.endPosition.line)
                out.append(",title=")
                out.appendWorkflowEscaped(finding.ruleID + ": " + finding.title, property: true)
                out.append("::")
                out.appendWorkflowEscaped(finding.message, property: false)
                out.append("%0Asafe alternative: ")
                out.appendWorkflowEscaped(finding.suggestion, property: false)
                out.append("%0Asee ")
                out.appendWorkflowEscaped(finding.documentationPath, property: false)
                out.append("\n")
            }
        }
        return out.string
    }

    /// Escapes a workflow command's message (`%` → `%25`, CR → `%0D`, LF → `%0A`).
    public static func escapeData(_ text: String) -> String {
        var out = OutputBuffer(capacity: text.utf8.count)
        out.appendWorkflowEscaped(text, property: false)
        return out.string
    }

    /// Escapes a workflow command's property value (as data, plus `:` → `%3A` and `,` → `%2C`).
    public static func escapeProperty(_ text: String) -> String {
        var out = OutputBuffer(capacity: text.utf8.count)
        out.appendWorkflowEscaped(text, property: true)
        return out.string
    }

    /// A JSON string literal.
    public static func jsonString(_ text: String) -> String {
        var out = OutputBuffer(capacity: text.utf8.count + 2)
        out.appendJSONString(text)
        return out.string
    }
}
