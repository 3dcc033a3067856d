/// One problem found in SQL, with where it is and what to do instead.
public struct LintFinding: Sendable, Hashable {
    /// The file as the caller named it (e.g. `migrations/0003_users.sql`).
    public var file: String
    /// The rule's id, e.g. `require-concurrent-index`.
    public var ruleID: String
    /// The rule's short title.
    public var title: String
    /// Severity after configuration overrides.
    public var severity: LintSeverity
    /// What is wrong with this statement, naming the table/column involved.
    public var message: String
    /// The safe alternative.
    public var suggestion: String
    /// Where the finding points (the offending keyword or type), in the containing file.
    public var position: SourcePosition
    /// The end of the statement, in the containing file.
    public var endPosition: SourcePosition
    /// The statement's text, whitespace collapsed, at most about 120 characters.
    public var statementExcerpt: String
    /// 0-based index of the statement in the linted text (nil for a syntax error).
    public var statementIndex: Int?
    /// `docs/lint-rules.md#<rule-id>`.
    public var documentationPath: String

    /// Creates a finding.
    public init(
        file: String, ruleID: String, title: String, severity: LintSeverity, message: String, suggestion: String,
        position: SourcePosition, endPosition: SourcePosition, statementExcerpt: String, statementIndex: Int?,
        documentationPath: String
    ) {
        self.file = file
        self.ruleID = ruleID
        self.title = title
        self.severity = severity
        self.message = message
        self.suggestion = suggestion
        self.position = position
        self.endPosition = endPosition
        self.statementExcerpt = statementExcerpt
        self.statementIndex = statementIndex
        self.documentationPath = documentationPath
    }
}
