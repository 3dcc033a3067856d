/// A documented lint rule: what it catches, why, and the safe alternative.
public struct LintRule: Sendable, Hashable, Identifiable {
    /// Kebab-case identifier used in configuration and suppression comments, e.g. `require-concurrent-index`.
    public let id: String
    /// A short title.
    public let title: String
    /// Severity unless the configuration overrides it.
    public let defaultSeverity: LintSeverity
    /// Why the flagged statement is dangerous: the lock it takes, the rewrite or scan it causes.
    public let explanation: String
    /// What to write instead.
    public let safeAlternative: String

    /// Creates a rule.
    public init(id: String, title: String, defaultSeverity: LintSeverity, explanation: String, safeAlternative: String) {
        self.id = id
        self.title = title
        self.defaultSeverity = defaultSeverity
        self.explanation = explanation
        self.safeAlternative = safeAlternative
    }

    /// The rule's page in the repository documentation: `docs/lint-rules.md#<id>`.
    public var documentationPath: String { "docs/lint-rules.md#\(id)" }

    /// Looks a rule up by id among ``all`` (including the built-in `syntax-error` and `unknown-rule-in-suppression`).
    public static func named(_ id: String) -> LintRule? {
        LintRule.index[id]
    }

    private static let index: [String: LintRule] = {
        var index: [String: LintRule] = [:]
        for rule in all + [syntaxError, unknownRuleInSuppression] { index[rule.id] = rule }
        return index
    }()
}
