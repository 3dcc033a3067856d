/// Whether a lint run passes the CI gate.
public enum LintExitStatus: String, Sendable, Hashable {
    /// No finding at or above the `--fail-on` severity.
    case passed
    /// At least one finding at or above the `--fail-on` severity.
    case failed
}
