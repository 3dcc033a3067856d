/// Which rules run, at what severity, and what the linter may assume about how the SQL is executed.
///
/// The CLI maps `slipway.toml`'s `[lint]` table onto it:
///
/// ```toml
/// [lint]
/// disable = ["prefer-text-over-varchar"]   # disabledRules
/// enable = []                              # enabledRules: when non-empty, only these rules run
/// fail_on = "error"                        # passed to LintSummary.exitStatus(failOn:)
/// postgres_version = 16                    # postgresMajorVersion
///
/// [lint.severity]
/// require-lock-timeout = "error"           # severityOverrides
/// ```
///
/// Call ``validate()`` after building it from user input: unknown rule ids are an error.
public struct LintConfiguration: Sendable, Hashable {
    /// When non-empty, only these rules run (before ``disabledRules`` is applied).
    public var enabledRules: Set<String>
    /// Rules that never run.
    public var disabledRules: Set<String>
    /// Per-rule severity replacing the rule's default.
    public var severityOverrides: [String: LintSeverity]
    /// The phase the statements run in; `DROP COLUMN`/`DROP TABLE` are expected at ``LintPhase/complete``.
    public var phase: LintPhase
    /// Target PostgreSQL major version, when known. Unknown (nil) assumes a recent server (11+) but still
    /// flags what fails on supported older ones.
    public var postgresMajorVersion: Int?
    /// Whether the runner wraps the whole text in one transaction (as many migration runners do), so
    /// every statement counts as inside a transaction block.
    public var assumeTransactionBlock: Bool
    /// Whether the runner sets `lock_timeout` itself (Slipway does for its operations), which satisfies
    /// `require-lock-timeout`.
    public var lockTimeoutManagedByRunner: Bool
    /// The CI threshold (`fail_on`); pass it to ``LintSummary/exitStatus(failOn:)-(LintFailOn)``.
    public var failOn: LintFailOn

    /// Creates a configuration; the defaults run every rule at its default severity in the expand phase.
    public init(
        enabledRules: Set<String> = [],
        disabledRules: Set<String> = [],
        severityOverrides: [String: LintSeverity] = [:],
        phase: LintPhase = .expand,
        postgresMajorVersion: Int? = nil,
        assumeTransactionBlock: Bool = false,
        lockTimeoutManagedByRunner: Bool = false,
        failOn: LintFailOn = .error
    ) {
        self.enabledRules = enabledRules
        self.disabledRules = disabledRules
        self.severityOverrides = severityOverrides
        self.phase = phase
        self.postgresMajorVersion = postgresMajorVersion
        self.assumeTransactionBlock = assumeTransactionBlock
        self.lockTimeoutManagedByRunner = lockTimeoutManagedByRunner
        self.failOn = failOn
    }

    /// Builds a configuration from the raw values of `slipway.toml`'s `[lint]` table, validating them.
    ///
    /// - Parameters:
    ///   - enable: `enable = [...]`; when non-empty, only these rules run.
    ///   - disable: `disable = [...]`.
    ///   - severity: `[lint.severity]`, rule id → `"error"` or `"warning"`.
    ///   - failOn: `fail_on`: `"error"`, `"warning"` or `"never"` (nil: `"error"`).
    ///   - postgresVersion: `postgres_version`, the target major version, if set.
    /// - Throws: ``LintConfigurationError`` with code `unknownRule` (an id in any list or table that does not
    ///   exist), `invalidSeverity` (a severity or `fail_on` value that is not one of those listed) or
    ///   `invalidPostgresVersion`.
    public static func validated(
        enable: [String] = [], disable: [String] = [], severity: [String: String] = [:],
        failOn: String? = nil, postgresVersion: Int? = nil
    ) throws(LintConfigurationError) -> LintConfiguration {
        var overrides: [String: LintSeverity] = [:]
        for (id, value) in severity.sorted(by: { $0.key < $1.key }) {
            guard let parsed = LintSeverity(rawValue: value.lowercased()) else {
                throw LintConfigurationError(
                    code: .invalidSeverity,
                    message: "lint.severity.\(id) = \"\(value)\" is not a severity; use \"error\" or \"warning\"",
                    ruleIDs: [id]
                )
            }
            overrides[id] = parsed
        }
        var threshold = LintFailOn.error
        if let failOn {
            guard let parsed = LintFailOn(rawValue: failOn.lowercased()) else {
                throw LintConfigurationError(
                    code: .invalidSeverity,
                    message: "lint.fail_on = \"\(failOn)\" is not valid; use \"error\", \"warning\" or \"never\"",
                    ruleIDs: []
                )
            }
            threshold = parsed
        }
        let configuration = LintConfiguration(
            enabledRules: Set(enable), disabledRules: Set(disable), severityOverrides: overrides,
            postgresMajorVersion: postgresVersion, failOn: threshold
        )
        try configuration.validate()
        return configuration
    }

    /// Whether `ruleID` runs under this configuration. The built-in `syntax-error` always runs.
    public func isEnabled(_ ruleID: String) -> Bool {
        if ruleID == LintRule.syntaxError.id { return true }
        if !enabledRules.isEmpty && !enabledRules.contains(ruleID) { return false }
        return !disabledRules.contains(ruleID)
    }

    /// The severity `rule` reports at under this configuration.
    public func severity(of rule: LintRule) -> LintSeverity {
        severityOverrides[rule.id] ?? rule.defaultSeverity
    }

    /// Rule ids named in the configuration that do not exist, sorted, each with the configuration key
    /// (`enable`, `disable`, `severity`) that names it.
    public func unknownRuleIDs() -> [(key: String, id: String)] {
        var unknown: [(key: String, id: String)] = []
        for id in enabledRules.sorted() where LintRule.named(id) == nil { unknown.append(("enable", id)) }
        for id in disabledRules.sorted() where LintRule.named(id) == nil { unknown.append(("disable", id)) }
        for id in severityOverrides.keys.sorted() where LintRule.named(id) == nil { unknown.append(("severity", id)) }
        return unknown
    }

    /// Checks the configuration.
    ///
    /// - Throws: ``LintConfigurationError`` with code `unknownRule` listing every unknown rule id and the
    ///   key naming it, or `invalidPostgresVersion` for a version below 9. An empty configuration is valid.
    public func validate() throws(LintConfigurationError) {
        let unknown = unknownRuleIDs()
        if !unknown.isEmpty {
            let list = unknown.map { "\($0.id) (in lint.\($0.key))" }.joined(separator: ", ")
            throw LintConfigurationError(
                code: .unknownRule,
                message: "unknown lint rule id: \(list); see docs/lint-rules.md for the list of rules",
                ruleIDs: unknown.map(\.id)
            )
        }
        if let version = postgresMajorVersion, version < 9 {
            throw LintConfigurationError(
                code: .invalidPostgresVersion,
                message: "lint.postgres_version \(version) is not a PostgreSQL major version (expected e.g. 16)",
                ruleIDs: []
            )
        }
    }
}
