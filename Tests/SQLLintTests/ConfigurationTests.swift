import Testing
@testable import SQLLint

@Suite("Configuration and exit status")
struct ConfigurationTests {
    private let sql = "TRUNCATE a; CREATE TABLE logs (msg text);"

    @Test func disabledRulesDoNotRun() {
        let configuration = LintConfiguration(disabledRules: ["no-truncate", "require-lock-timeout"])
        #expect(SQLLinter(configuration: configuration).lint(sql, file: "m.sql").findings.map(\.ruleID) == ["require-primary-key"])
    }

    @Test func enabledRulesRestrictTheSet() {
        let configuration = LintConfiguration(enabledRules: ["no-truncate"])
        #expect(SQLLinter(configuration: configuration).lint(sql, file: "m.sql").findings.map(\.ruleID) == ["no-truncate"])
    }

    @Test func severityOverridesApply() {
        let configuration = LintConfiguration(severityOverrides: ["no-truncate": .warning, "require-primary-key": .error])
        let findings = SQLLinter(configuration: configuration).lint(sql, file: "m.sql").findings
        #expect(findings.first { $0.ruleID == "no-truncate" }?.severity == .warning)
        #expect(findings.first { $0.ruleID == "require-primary-key" }?.severity == .error)
    }

    @Test func unknownRuleIDsAreAnError() {
        let configuration = LintConfiguration(
            enabledRules: ["no-truncate"], disabledRules: ["no-such-rule"], severityOverrides: ["also-missing": .error]
        )
        #expect(configuration.unknownRuleIDs().map(\.id) == ["no-such-rule", "also-missing"])
        #expect(throws: LintConfigurationError.self) { try configuration.validate() }
        do {
            try configuration.validate()
        } catch {
            #expect(error.code == .unknownRule)
            #expect(error.ruleIDs == ["no-such-rule", "also-missing"])
            #expect(error.message == "unknown lint rule id: no-such-rule (in lint.disable), also-missing (in lint.severity); see docs/lint-rules.md for the list of rules")
        }
    }

    @Test func validConfigurationsPass() throws {
        try LintConfiguration().validate()
        try LintConfiguration(disabledRules: Set(LintRule.all.map(\.id)), postgresMajorVersion: 16).validate()
        #expect(throws: LintConfigurationError.self) { try LintConfiguration(postgresMajorVersion: 7).validate() }
    }

    @Test func syntaxErrorsAlwaysRun() {
        let configuration = LintConfiguration(enabledRules: ["no-truncate"])
        #expect(configuration.isEnabled("syntax-error"))
        #expect(SQLLinter(configuration: configuration).lint("SELECT 'x", file: "m.sql").findings.map(\.ruleID) == ["syntax-error"])
    }

    struct GateCase: Sendable, CustomTestStringConvertible {
        var sql: String
        var failOn: LintSeverity?
        var expected: LintExitStatus
        var testDescription: String { "\(sql) fail-on \(failOn?.rawValue ?? "never")" }
    }

    static let gateCases: [GateCase] = [
        GateCase(sql: "SELECT 1;", failOn: .warning, expected: .passed),
        GateCase(sql: "CREATE TABLE logs (msg text);", failOn: .error, expected: .passed),
        GateCase(sql: "CREATE TABLE logs (msg text);", failOn: .warning, expected: .failed),
        GateCase(sql: "TRUNCATE a;", failOn: .error, expected: .failed),
        GateCase(sql: "TRUNCATE a;", failOn: nil, expected: .passed),
        GateCase(sql: "SELECT 'x", failOn: .error, expected: .failed),
    ]

    @Test(arguments: gateCases)
    func exitStatusFollowsFailOn(_ gateCase: GateCase) {
        let result = SQLLinter(configuration: .managedTimeout).lint(gateCase.sql, file: "m.sql")
        #expect(LintSummary([result]).exitStatus(failOn: gateCase.failOn) == gateCase.expected)
    }

    @Test func severitiesAreOrdered() {
        #expect(LintSeverity.warning < .error)
        #expect(LintSeverity(rawValue: "error") == .error)
    }
}

@Suite("Configuration from slipway.toml values")
struct TOMLConfigurationTests {
    @Test func buildsFromRawValues() throws {
        let configuration = try LintConfiguration.validated(
            enable: [], disable: ["prefer-jsonb"], severity: ["no-truncate": "Warning"], failOn: "never", postgresVersion: 15
        )
        #expect(configuration.disabledRules == ["prefer-jsonb"])
        #expect(configuration.severityOverrides == ["no-truncate": .warning])
        #expect(configuration.failOn == .never)
        #expect(configuration.postgresMajorVersion == 15)
        #expect(try LintConfiguration.validated().failOn == .error)
    }

    struct InvalidCase: Sendable, CustomTestStringConvertible {
        var disable: [String]
        var severity: [String: String]
        var failOn: String?
        var code: LintConfigurationError.Code
        var message: String
        var testDescription: String { message }
    }

    static let invalidCases: [InvalidCase] = [
        InvalidCase(disable: ["no-such"], severity: [:], failOn: nil, code: .unknownRule,
                    message: "unknown lint rule id: no-such (in lint.disable); see docs/lint-rules.md for the list of rules"),
        InvalidCase(disable: [], severity: ["no-truncate": "fatal"], failOn: nil, code: .invalidSeverity,
                    message: "lint.severity.no-truncate = \"fatal\" is not a severity; use \"error\" or \"warning\""),
        InvalidCase(disable: [], severity: [:], failOn: "sometimes", code: .invalidSeverity,
                    message: "lint.fail_on = \"sometimes\" is not valid; use \"error\", \"warning\" or \"never\""),
    ]

    @Test(arguments: invalidCases)
    func rejectsInvalidValues(_ invalid: InvalidCase) {
        do {
            _ = try LintConfiguration.validated(disable: invalid.disable, severity: invalid.severity, failOn: invalid.failOn)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == invalid.code)
            #expect(error.message == invalid.message)
        }
    }

    @Test(arguments: [(LintFailOn.error, LintExitStatus.passed), (.warning, .failed), (.never, .passed)])
    func failOnThreshold(_ failOn: LintFailOn, _ expected: LintExitStatus) {
        let result = SQLLinter().lint("CREATE TABLE logs (msg text);", file: "m.sql")
        #expect(LintSummary([result]).exitStatus(failOn: failOn) == expected)
    }
}
