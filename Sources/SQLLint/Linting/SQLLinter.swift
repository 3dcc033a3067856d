/// Lints PostgreSQL migration SQL statically: no database, no I/O.
///
/// ```swift
/// let linter = SQLLinter(configuration: configuration)
/// let result = linter.lint(sqlText, file: "migrations/0003.sql")
/// print(LintOutputFormat.text.render([result]))
/// ```
public struct SQLLinter: Sendable {
    /// Which rules run and what the linter may assume.
    public var configuration: LintConfiguration

    /// Creates a linter.
    public init(configuration: LintConfiguration = LintConfiguration()) {
        self.configuration = configuration
    }

    /// Lints a whole file, or an SQL snippet embedded in one.
    ///
    /// Never throws: malformed SQL (an unterminated quote, dollar quote, quoted identifier or block
    /// comment) becomes a `syntax-error` finding at the opening delimiter, and the complete statements
    /// before it are still linted.
    ///
    /// - Parameters:
    ///   - sql: the SQL text.
    ///   - file: the name to report findings under.
    ///   - origin: where `sql` starts in `file`; for a `sql` operation inside a YAML/JSON migration pass
    ///     the position of the snippet's first character so findings point into that file.
    public func lint(_ sql: String, file: String, origin: SnippetOrigin = .fileStart) -> LintResult {
        let split = SQLStatementSplitter().splitLeniently(sql)
        let statements = split.statements

        var analyzer = StatementAnalyzer(configuration: configuration)
        for statement in statements { analyzer.analyze(statement) }
        analyzer.finish()

        let suppressions = Suppressions(statements: statements, trailingComments: split.trailingComments)
        var findings: [LintFinding] = []
        var suppressedCount = 0
        var excerpts: [Int: String] = [:]
        let utf8 = Array(sql.utf8)

        func excerpt(of index: Int) -> String {
            if let cached = excerpts[index] { return cached }
            let text = Self.excerpt(utf8, statements[index].start.offset, statements[index].end.offset)
            excerpts[index] = text
            return text
        }

        func append(_ rule: LintRule, _ message: String, at position: SourcePosition, statement: Int?) {
            let end = statement.map { statements[$0].end } ?? position
            findings.append(LintFinding(
                file: file, ruleID: rule.id, title: rule.title, severity: configuration.severity(of: rule),
                message: message, suggestion: rule.safeAlternative, position: origin.map(position),
                endPosition: origin.map(end), statementExcerpt: statement.map(excerpt(of:)) ?? "",
                statementIndex: statement, documentationPath: rule.documentationPath
            ))
        }

        for raw in analyzer.findings {
            if suppressions.suppresses(raw.rule.id, statement: raw.statementIndex) {
                suppressedCount += 1
                continue
            }
            append(raw.rule, raw.message, at: raw.position, statement: raw.statementIndex)
        }
        if configuration.isEnabled(LintRule.unknownRuleInSuppression.id) {
            for (id, position, statement) in suppressions.unknownRuleIDs {
                append(.unknownRuleInSuppression, "suppression comment names unknown rule \"\(id)\"", at: position, statement: statement)
            }
        }
        var syntaxError: SQLLintError?
        if var error = split.error {
            let position = error.position
            error.position = origin.map(position)
            syntaxError = error
            append(.syntaxError, error.message, at: position, statement: nil)
        }
        findings.sort { ($0.position.offset, $0.ruleID) < ($1.position.offset, $1.ruleID) }
        return LintResult(
            file: file, findings: findings, statementCount: statements.count,
            suppressedCount: suppressedCount, syntaxError: syntaxError
        )
    }

    /// The statement's text with runs of whitespace collapsed to one space, cut at about 120 characters.
    static func excerpt(_ bytes: [UInt8], _ start: Int, _ end: Int) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(min(end - start, 124))
        var lastWasSpace = false
        var characters = 0
        var i = start
        while i < end {
            let b = bytes[i]
            if b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D {
                if !lastWasSpace { out.append(0x20); characters += 1 }
                lastWasSpace = true
            } else {
                if b & 0xC0 != 0x80 {
                    if characters >= 120 {
                        out.append(contentsOf: [0xE2, 0x80, 0xA6])  // …
                        break
                    }
                    characters += 1
                }
                out.append(b)
                lastWasSpace = false
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
