/// `[lint]`: which lint rules run and when findings fail the command.
public struct LintSection: Sendable, Hashable {
    /// The keys `[lint]` accepts.
    public static let keys = ["disable", "enable", "fail_on", "severity", "postgres_version"]

    /// The lowest severity that makes `slipway lint`/`plan` fail.
    public enum FailOn: String, Sendable, Hashable, CaseIterable {
        /// Fail on errors only.
        case error
        /// Fail on warnings and errors.
        case warning
        /// Never fail (report only).
        case none
    }

    /// A severity override for one rule in `[lint.severity]`.
    public enum Severity: String, Sendable, Hashable, CaseIterable {
        /// The finding is an error.
        case error
        /// The finding is a warning.
        case warning
        /// The rule does not run.
        case off
    }

    /// Rule ids that do not run (`disable`, default none). Rule ids are checked by the linter, not here.
    public var disable: [String] = []
    /// Opt-in rule ids that run (`enable`, default none).
    public var enable: [String] = []
    /// The lowest severity that fails the command (`fail_on`, default `error`).
    public var failOn: FailOn = .error
    /// Per-rule severity overrides (`[lint.severity]`, rule id → severity).
    public var severity: [String: Severity] = [:]
    /// The PostgreSQL major version the SQL targets (`postgres_version`), for version-aware rules.
    public var postgresVersion: Int?

    /// The defaults.
    public init() {}
}
