import ArgumentParser
import Foundation
import Migrations
import SQLLint
import Slipway

struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show every step of start, complete and rollback for the pending migrations: locks, scans, estimates, findings.",
        discussion: """
            Reads the live catalog in a read-only session: no lock above ACCESS SHARE, no advisory lock, no state
            schema created, nothing changed. Field reference: docs/plan.md.

            Examples:
              slipway plan
              slipway plan --format markdown > plan.md      # a pull-request comment
              slipway plan --fail-on warning                # a CI gate (exit 5)
            """)

    @Argument(help: "Migration files to plan (default: all pending).")
    var files: [String] = []

    @Option(name: .long, help: "Output format: text, markdown or json.")
    var format: PlanFormat = .text

    @Option(name: .customLong("fail-on"), help: "Exit 5 when a finding is at or above: error, warning or none.")
    var failOn: String = "none"

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var migrations: MigrationsOptions

    @Option(name: .customLong("batch-size"), help: "Rows per backfill batch to plan with.")
    var batchSize: Int?

    @Flag(name: .long, help: "Print details of errors.")
    var verbose = false

    enum PlanFormat: String, ExpressibleByArgument, CaseIterable { case text, markdown, json }

    func validate() throws {
        guard ["error", "warning", "none"].contains(failOn) else {
            throw ValidationError("--fail-on must be error, warning or none")
        }
    }

    func run() async throws {
        let terminal = Terminal(format: format == .json ? .json : .text, verbose: verbose, colorAllowed: true)
        try await terminal.reporting {
            let settings = try ResolvedSettings.resolve(connection: connection, migrations: migrations)
            var runner = makeRunner(settings: settings, run: nil, terminal: terminal)
            if let batchSize { runner.batchSize = batchSize }
            let (plan, tables, sizes) = try await runner.plan(files: files)
            let section = settings.configuration.lint
            let lint = (try? LintConfiguration.validated(
                enable: section.enable, disable: section.disable, severity: section.severity.mapValues(\.rawValue),
                postgresVersion: section.postgresVersion)) ?? LintConfiguration()
            let report = MigrationPlanReport.make(plan: plan, tables: tables, sizes: sizes, lint: lint)
            switch format {
            case .text: FileHandleOutput.standardOutput.write(report.renderText())
            case .markdown: FileHandleOutput.standardOutput.write(report.renderMarkdown())
            case .json: terminal.json(report)
            }
            if report.fails(at: failOn) { throw ExitCode(SlipwayExitCode.findings.rawValue) }
        }
    }
}
