/// The CI threshold: `--fail-on` / `fail_on` in `[lint]`.
public enum LintFailOn: String, Sendable, Hashable, CaseIterable {
    /// Fail when any finding has severity error (the default).
    case error
    /// Fail on any finding.
    case warning
    /// Never fail; only report.
    case never

    /// The lowest severity that fails the run, or nil for ``never``.
    public var severity: LintSeverity? {
        switch self {
        case .error: .error
        case .warning: .warning
        case .never: nil
        }
    }
}
