@testable import SQLLint

/// One row of a rule table: SQL and the rule it must (or must not) trigger, under a configuration.
struct RuleCase: Sendable, CustomStringConvertible {
    var rule: String
    var sql: String
    var configuration: LintConfiguration

    init(_ rule: String, _ sql: String, _ configuration: LintConfiguration = LintConfiguration()) {
        self.rule = rule
        self.sql = sql
        self.configuration = configuration
    }

    var description: String { "\(rule): \(sql)" }

    /// The rule ids found when linting `sql`.
    func foundRuleIDs() -> [String] {
        SQLLinter(configuration: configuration).lint(sql, file: "case.sql").findings.map(\.ruleID)
    }
}

extension LintConfiguration {
    static let complete = LintConfiguration(phase: .complete)
    static let inTransaction = LintConfiguration(assumeTransactionBlock: true)
    static let managedTimeout = LintConfiguration(lockTimeoutManagedByRunner: true)
    static func postgres(_ version: Int) -> LintConfiguration { LintConfiguration(postgresMajorVersion: version) }
}
