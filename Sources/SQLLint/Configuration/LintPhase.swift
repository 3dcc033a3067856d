/// The migration phase the linted statements run in.
public enum LintPhase: String, Sendable, Hashable, CaseIterable {
    /// Expand (the default): old and new application versions run side by side, so nothing they use may
    /// disappear.
    case expand
    /// Contract (`slipway complete`): old versions are gone, so dropping columns and tables is expected.
    case complete
}
