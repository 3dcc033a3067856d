import ArgumentParser
import Foundation
import Migrations
import PostgresClient
import SQLLint
import Slipway

struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show every step of start, complete and rollback for the pending migrations: locks, scans, estimates, findings.",
        discussion: """
            Reads the live catalog in a read-only session: no lock above ACCESS SHARE, no advisory lock, no state
            schema created, nothing changed. Field reference: docs/plan.md.

            --offline plans from the migration files alone (no database, no URL needed): the files before
            the first one named are taken as applied and build the catalog; sizes and row counts are unknown.

            --rehearse applies the plan to a schema-only copy — a throwaway local cluster by default, or the
            shadow database of --shadow-url / [plan] shadow_url (rebuilt each time; its role must be a
            superuser) — runs start, rollback, start and complete there with the real runner, reads the
            locks each statement really holds from pg_locks and rewrites from relfilenode changes, and turns
            every difference from the prediction into an error finding.

            Examples:
              slipway plan
              slipway plan --format markdown > plan.md      # a pull-request comment
              slipway plan --fail-on warning                # a CI gate (exit 5)
              slipway plan --offline                        # no database: from the files alone
              slipway plan --rehearse --fail-on error       # prove the locks on a throwaway copy
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

    @Flag(name: .long, help: "Plan from the migration files alone: no database connection (sizes and rows unknown).")
    var offline = false

    @Flag(name: .long, help: "Apply the plan to a schema-only copy and compare the locks and rewrites observed there.")
    var rehearse = false

    @Option(name: .customLong("shadow-url"), help: ArgumentHelp(
        "Rehearse on this database instead of a throwaway local cluster (default: [plan] shadow_url). Its copy of the schemas is dropped and rebuilt.",
        valueName: "url"))
    var shadowURL: String?

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
            let section = settings.configuration.lint
            let lint = (try? LintConfiguration.validated(
                enable: section.enable, disable: section.disable, severity: section.severity.mapValues(\.rawValue),
                postgresVersion: section.postgresVersion)) ?? LintConfiguration()
            var report: MigrationPlanReport
            let tables: [String: TableInfo]
            let plan: VersionPlan
            var applied: [String] = []
            if offline {
                let result = try runner.planOffline(files: files)
                (plan, tables, applied) = (result.plan, result.tables, result.applied)
                report = MigrationPlanReport.make(plan: plan, tables: tables, sizes: [:], lint: lint, offline: result)
            } else {
                let sizes: [String: Int]
                (plan, tables, sizes) = try await runner.plan(files: files)
                report = MigrationPlanReport.make(plan: plan, tables: tables, sizes: sizes, lint: lint)
                    .adding(backfillRowTriggers: try await runner.backfillRowTriggers(of: plan))
            }
            if rehearse {
                let shadow = shadowURL ?? settings.configuration.plan.shadowURL
                let rehearsal = try await PlanRehearsalSetup.rehearse(
                    plan: plan, context: StepImpact.Context.make(plan: plan, catalog: tables), runner: runner,
                    live: offline ? nil : settings.connection, applied: applied,
                    target: shadow.map { .shadow(ConnectionConfiguration($0)) } ?? .throwaway)
                report = report.adding(rehearsal: rehearsal)
            }
            switch format {
            case .text: FileHandleOutput.standardOutput.write(report.renderText())
            case .markdown: FileHandleOutput.standardOutput.write(report.renderMarkdown())
            case .json: terminal.json(report)
            }
            if report.fails(at: failOn) { throw ExitCode(SlipwayExitCode.findings.rawValue) }
        }
    }
}
