import ArgumentParser
import Foundation
import SQLLint
import Slipway

struct LintCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Lint migration SQL statically: plain .sql files and the `sql` operations of YAML/JSON migrations.",
        discussion: """
            No database and no configuration needed. Positions are file:line:column (inside YAML/JSON files for `sql`
            operations). Suppress one statement with `-- slipway-lint: ignore RULE-ID` just before it. Rules and
            their safe alternatives: docs/lint-rules.md. Exits 5 when findings reach --fail-on.

            Examples:
              slipway lint
              slipway lint db/hotfix.sql --fail-on warning
              slipway lint --format github        # annotations in a GitHub Actions job
              slipway lint --list-rules
            """)

    @Argument(help: "Files or directories to lint (default: the migrations directory).")
    var paths: [String] = []

    @Option(name: .long, help: "Output format: text, json or github.")
    var format: LintFormat = .text

    @Option(name: .customLong("fail-on"), help: "Lowest severity that fails the run: error, warning or never (default: [lint] fail_on, error).")
    var failOn: String?

    @Option(name: .long, parsing: .upToNextOption, help: "Rule ids to disable (in addition to [lint] disable).")
    var disable: [String] = []

    @Flag(name: .customLong("standalone"), help: "The SQL is not run by Slipway: also require lock_timeout settings in the file.")
    var standalone = false

    @Flag(name: .customLong("list-rules"), help: "List every rule and exit.")
    var listRules = false

    @Option(name: .long, help: ArgumentHelp("Configuration file.", valueName: "path"))
    var config: String?

    @OptionGroup var migrations: MigrationsOptions

    @Flag(name: .long, help: "Print details of errors.")
    var verbose = false

    enum LintFormat: String, ExpressibleByArgument, CaseIterable { case text, json, github }

    func run() async throws {
        let terminal = Terminal(format: format == .json ? .json : .text, verbose: verbose, colorAllowed: true)
        if listRules {
            for rule in LintRule.all {
                terminal.line("\(rule.id)  [\(rule.defaultSeverity.rawValue)]  \(rule.title)")
            }
            return
        }
        try await terminal.reporting {
            let settings = try ResolvedSettings.resolve(config: config, migrationsDir: migrations.migrationsDir)
            let section = settings.configuration.lint
            var configuration: LintConfiguration
            do {
                configuration = try LintConfiguration.validated(
                    enable: section.enable, disable: section.disable + disable,
                    severity: section.severity.mapValues(\.rawValue),
                    failOn: failOn ?? (section.failOn == .none ? "never" : section.failOn.rawValue),
                    postgresVersion: section.postgresVersion)
            } catch {
                throw SlipwayError(.invalidInput, "lint configuration: \(error)", hint: "run `slipway lint --list-rules`")
            }
            configuration.lockTimeoutManagedByRunner = !standalone
            let targets = paths.isEmpty ? [settings.migrationsDirectory] : paths
            let report = MigrationLint(configuration: configuration).lint(paths: targets)
            for diagnostic in report.diagnostics { printError(diagnostic.description) }
            let rendered: LintOutputFormat = format == .json ? .json : format == .github ? .github : .text
            FileHandleOutput.standardOutput.write(rendered.render(report.results))
            if report.diagnostics.contains(where: { $0.severity == .error }) {
                throw ExitCode(SlipwayExitCode.invalidInput.rawValue)
            }
            if LintSummary(report.results).exitStatus(failOn: configuration.failOn) == .failed {
                throw ExitCode(SlipwayExitCode.findings.rawValue)
            }
        }
    }
}
