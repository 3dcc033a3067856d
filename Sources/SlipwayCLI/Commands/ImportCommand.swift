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
            The table's columns are checked against the layouts each tool has used (Flyway's flyway_schema_history,
            or schema_version before Flyway 5; pgroll with or without migration_type; any sqitch registry release;
            golang-migrate with or without the dirty flag; Alembic) and the output says which table and layout were
            read. A table in an unknown layout, a pgroll migration in progress, a dirty golang-migrate version or a
            failed Flyway migration is refused with nothing recorded (exit 3). A recorded import is written to the
            audit log. Guide: docs/adoption.md#importing-history.

            Examples:
              slipway import flyway --dry-run
              slipway import pgroll
              slipway import alembic --from-schema legacy
            """)

    @Argument(help: "pgroll, flyway, sqitch, golang-migrate or alembic.")
    var tool: HistoryImport.Tool

    @Flag(name: .customLong("dry-run"), help: "Show what would be recorded.")
    var dryRun = false

    @Option(name: .customLong("from-schema"), help: ArgumentHelp(
        "Schema holding the tool's table (default: pgroll for pgroll, sqitch for sqitch, the search_path for the others).",
        valueName: "schema"))
    var fromSchema: String?

    @OptionGroup var audit: AuditOptions

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var migrations: MigrationsOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let terminal = output.terminal
        try await terminal.reporting {
            try await auditedUnlessDryRun(
                "import \(tool.rawValue)", dryRun: dryRun, connection: connection, migrations: migrations, audit: audit
            ) { settings in
                let report = try await HistoryImport(
                    connection: settings.connection, schema: settings.schema, stateSchema: settings.stateSchema,
                    migrationsDirectory: settings.migrationsDirectory, fromSchema: fromSchema
                ).run(tool, dryRun: dryRun)
                if output.format == .json {
                    terminal.json(report)
                    return nil
                }
                terminal.line("read \(report.entries.count) migration(s) from \(report.source)\(dryRun ? " (dry run: nothing recorded)" : "")")
                for entry in report.entries {
                    let skipped = report.alreadyRecorded.contains(entry.name) ? " (already recorded)" : ""
                    terminal.line("  \(entry.identifier) → \(entry.name)\(entry.file.map { " [\($0)]" } ?? "")\(skipped)")
                }
                for note in report.notes { terminal.line("note: \(note)") }
                return nil
            }
        }
    }
}
