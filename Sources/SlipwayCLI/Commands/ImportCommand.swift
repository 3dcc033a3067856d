import ArgumentParser
import Foundation
import Migrations
import Slipway

extension HistoryImport.Tool: ExpressibleByArgument {}

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import another tool's migration history (pgroll, flyway, sqitch, golang-migrate, alembic).",
        discussion: """
            Records what the other tool applied as Slipway history, so `slipway start`/`migrate` continue from there.
            A pgroll migration in progress, a dirty golang-migrate version or a failed Flyway migration must be fixed
            first. Guide: docs/drift.md#importing-history.

            Examples:
              slipway import flyway --dry-run
              slipway import pgroll
            """)

    @Argument(help: "pgroll, flyway, sqitch, golang-migrate or alembic.")
    var tool: HistoryImport.Tool

    @Flag(name: .customLong("dry-run"), help: "Show what would be recorded.")
    var dryRun = false

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var migrations: MigrationsOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let terminal = output.terminal
        try await terminal.reporting {
            let settings = try ResolvedSettings.resolve(connection: connection, migrations: migrations)
            let report = try await HistoryImport(
                connection: settings.connection, schema: settings.schema, stateSchema: settings.stateSchema,
                migrationsDirectory: settings.migrationsDirectory
            ).run(tool, dryRun: dryRun)
            if output.format == .json {
                terminal.json(report)
                return
            }
            terminal.line("read \(report.entries.count) migration(s) from \(report.source)\(dryRun ? " (dry run: nothing recorded)" : "")")
            for entry in report.entries {
                let skipped = report.alreadyRecorded.contains(entry.name) ? " (already recorded)" : ""
                terminal.line("  \(entry.identifier) → \(entry.name)\(entry.file.map { " [\($0)]" } ?? "")\(skipped)")
            }
        }
    }
}
