/// How serious a finding is. Ordered: `warning < error`.
public enum LintSeverity: String, Sendable, Hashable, Comparable, CaseIterable, Codable {
    /// Worth a look; fails CI only with `fail_on = "warning"`.
    case warning
    /// Takes a site down (long lock, table rewrite, broken old clients) or fails outright.
    case error

    public static func < (lhs: LintSeverity, rhs: LintSeverity) -> Bool {
        lhs == .warning && rhs == .error
    }
}
