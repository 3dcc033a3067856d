/// Totals over the results of one lint run, and the CI decision.
public struct LintSummary: Sendable, Hashable {
    /// Files (or snippets) linted.
    public var files: Int
    /// Statements linted.
    public var statements: Int
    /// Findings at severity error.
    public var errors: Int
    /// Findings at severity warning.
    public var warnings: Int
    /// Findings removed by suppression comments.
    public var suppressed: Int

    /// Totals `results`.
    public init(_ results: [LintResult]) {
        files = results.count
        statements = 0
        errors = 0
        warnings = 0
        suppressed = 0
        for result in results {
            statements += result.statementCount
            suppressed += result.suppressedCount
            for finding in result.findings {
                if finding.severity == .error { errors += 1 } else { warnings += 1 }
            }
        }
    }

    /// All findings.
    public var findings: Int { errors + warnings }

    /// Whether the run fails CI: some finding is at or above `failOn` (`nil` never fails).
    ///
    /// The CLI maps `.failed` to its documented "lint findings" exit code and `.passed` to success.
    public func exitStatus(failOn: LintSeverity?) -> LintExitStatus {
        guard let failOn else { return .passed }
        switch failOn {
        case .error: return errors > 0 ? .failed : .passed
        case .warning: return errors + warnings > 0 ? .failed : .passed
        }
    }

    /// Whether the run fails CI under the `--fail-on` / `fail_on` threshold.
    public func exitStatus(failOn: LintFailOn) -> LintExitStatus {
        exitStatus(failOn: failOn.severity)
    }

    /// One line: `3 files, 120 statements: 2 errors, 1 warning (4 suppressed)`.
    public var line: String {
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        var text = "\(plural(files, "file")), \(plural(statements, "statement")): \(plural(errors, "error")), \(plural(warnings, "warning"))"
        if suppressed > 0 { text += " (\(suppressed) suppressed)" }
        return text
    }
}
