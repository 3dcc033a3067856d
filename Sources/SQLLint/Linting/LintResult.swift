/// The outcome of linting one file or snippet.
public struct LintResult: Sendable, Hashable {
    /// The file as the caller named it.
    public var file: String
    /// Findings sorted by position (a syntax error, if any, is among them with rule id `syntax-error`).
    public var findings: [LintFinding]
    /// How many statements were linted.
    public var statementCount: Int
    /// How many findings suppression comments removed.
    public var suppressedCount: Int
    /// The tokenizer error that stopped linting, positioned in the containing file.
    public var syntaxError: SQLLintError?

    /// Creates a result.
    public init(file: String, findings: [LintFinding], statementCount: Int, suppressedCount: Int, syntaxError: SQLLintError?) {
        self.file = file
        self.findings = findings
        self.statementCount = statementCount
        self.suppressedCount = suppressedCount
        self.syntaxError = syntaxError
    }
}
