import ArgumentParser
import Foundation
import Migrations
import Slipway

struct RepairCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repair",
        abstract: "Fix Slipway's history after a failure it could not record (each repair is audited with its reason).",
        discussion: """
            mark-applied records a file as applied without running it, mark-not-applied forgets the last applied
            migration, accept-checksum accepts the edited contents of an applied file. --reason is mandatory and is
            recorded in the audit log (`slipway audit`). Refused while a version is started but not completed, and
            while another runner holds the schema's migration lock. Guide: docs/adoption.md#repair.

            Examples:
              slipway repair mark-applied migrations/0007_orders_status.yaml --reason "applied by hand in incident 112"
              slipway repair mark-not-applied 0007_orders_status --reason "restored from backup" --dry-run
              slipway repair accept-checksum migrations/0003_accounts.sql --reason "comment typo fixed after apply"
            """,
        subcommands: [MarkApplied.self, MarkNotApplied.self, AcceptChecksum.self])

    /// The options every repair action takes.
    struct Options: ParsableArguments {
        @Option(help: ArgumentHelp("Why the history is repaired (mandatory; recorded in the audit log).", valueName: "text"))
        var reason: String

        @Flag(name: .customLong("dry-run"), help: "Check and show what would change; record nothing.")
        var dryRun = false

        func validate() throws {
            if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw ValidationError("--reason must not be empty: say why the history is repaired")
            }
        }
    }

    struct MarkApplied: RepairAction {
        static let configuration = CommandConfiguration(
            commandName: "mark-applied",
            abstract: "Record a migration file as applied without running it (its changes are already in the database).",
            discussion: """
                Example:
                  slipway repair mark-applied migrations/0007_orders_status.yaml --reason "applied by hand in incident 112"
                """)
        static let action = HistoryRepair.Action.markApplied
        @Argument(help: "The migration file (or its name).") var target: String
        @OptionGroup var repair: Options
        @OptionGroup var audit: AuditOptions
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var migrations: MigrationsOptions
        @OptionGroup var output: OutputOptions
    }

    struct MarkNotApplied: RepairAction {
        static let configuration = CommandConfiguration(
            commandName: "mark-not-applied",
            abstract: "Forget the last applied migration (its changes are not in the database); it becomes pending again.",
            discussion: """
                Example:
                  slipway repair mark-not-applied 0007_orders_status --reason "restored from backup"
                """)
        static let action = HistoryRepair.Action.markNotApplied
        @Argument(help: "The migration name (or its file).") var target: String
        @OptionGroup var repair: Options
        @OptionGroup var audit: AuditOptions
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var migrations: MigrationsOptions
        @OptionGroup var output: OutputOptions
    }

    struct AcceptChecksum: RepairAction {
        static let configuration = CommandConfiguration(
            commandName: "accept-checksum",
            abstract: "Accept the current contents of an applied file (ends its checksum mismatch).",
            discussion: """
                Example:
                  slipway repair accept-checksum migrations/0003_accounts.sql --reason "comment typo fixed after apply"
                """)
        static let action = HistoryRepair.Action.acceptChecksum
        @Argument(help: "The applied migration file (or its name).") var target: String
        @OptionGroup var repair: Options
        @OptionGroup var audit: AuditOptions
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var migrations: MigrationsOptions
        @OptionGroup var output: OutputOptions
    }
}

/// One `slipway repair` action: runs ``HistoryRepair`` and records the run in the audit log.
protocol RepairAction: AsyncParsableCommand {
    static var action: HistoryRepair.Action { get }
    var target: String { get }
    var repair: RepairCommand.Options { get }
    var audit: AuditOptions { get }
    var connection: ConnectionOptions { get }
    var migrations: MigrationsOptions { get }
    var output: OutputOptions { get }
}

extension RepairAction {
    func run() async throws {
        let terminal = output.terminal
        try await terminal.reporting {
            try await auditedUnlessDryRun(
                "repair \(Self.action.rawValue)", dryRun: repair.dryRun, connection: connection, migrations: migrations, audit: audit
            ) { settings in
                let report = try await HistoryRepair(
                    connection: settings.connection, schema: settings.schema, stateSchema: settings.stateSchema,
                    migrationsDirectory: settings.migrationsDirectory
                ).run(Self.action, target: target, reason: repair.reason, dryRun: repair.dryRun)
                if output.format == .json { terminal.json(report) } else { terminal.line(report.text) }
                return report.name
            }
        }
    }
}

/// Runs a command that changes Slipway's history (`repair`, `import`) with the resolved settings and records it
/// in the audit log, unless it is a dry run (which records nothing, so is not audited).
func auditedUnlessDryRun(
    _ command: String, dryRun: Bool, connection: ConnectionOptions, migrations: MigrationsOptions, audit: AuditOptions,
    _ body: @escaping (ResolvedSettings) async throws -> String?
) async throws {
    let resolved = try? ResolvedSettings.resolve(connection: connection, migrations: migrations)
    let run: () async throws -> String? = {
        try await body(resolved ?? ResolvedSettings.resolve(connection: connection, migrations: migrations))
    }
    if dryRun {
        _ = try await run()
        return
    }
    try await audited(command, settings: resolved, audit: audit, run)
}
