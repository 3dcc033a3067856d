import ArgumentParser
import Foundation
import Migrations
import Slipway

struct BackfillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill",
        abstract: "Pause, resume or tune a running backfill from another terminal (picked up between batches).",
        discussion: """
            To continue an interrupted run, use the top-level `slipway resume` instead.

            Examples:
              slipway backfill pause
              slipway backfill set --batch-size 200
              slipway backfill set --adaptive
              slipway backfill resume
            """,
        subcommands: [BackfillPause.self, BackfillResume.self, BackfillSet.self])
}

struct BackfillTarget: ParsableArguments {
    @Option(help: "Only this table (default: every unfinished backfill of the current version).")
    var table: String?

    @OptionGroup var audit: AuditOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    /// Runs `body` with the backfill control and records the command in the audit log.
    func recorded(_ command: String, _ body: (BackfillControl) async throws -> Void) async throws {
        let settings = try ResolvedSettings.resolve(connection: connection)
        try await audited(command, settings: settings, audit: audit) {
            try await body(BackfillControl(connection: settings.connection, schema: settings.schema, stateSchema: settings.stateSchema))
            return nil
        }
    }

    func report(_ tables: [String], _ what: String) {
        let terminal = output.terminal
        if output.format == .json {
            terminal.jsonLine(["tables": tables.joined(separator: ","), "action": what])
        } else {
            terminal.line("\(terminal.green("✓")) \(what): \(tables.joined(separator: ", ")) (the runner picks it up before its next batch)")
        }
    }
}

struct BackfillPause: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pause", abstract: "Pause the backfill after the batch in flight.")
    @OptionGroup var target: BackfillTarget
    func run() async throws {
        try await target.output.terminal.reporting {
            try await target.recorded("backfill pause") { target.report(try await $0.setPaused(true, table: target.table), "paused") }
        }
    }
}

struct BackfillResume: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Resume a paused backfill.")
    @OptionGroup var target: BackfillTarget
    func run() async throws {
        try await target.output.terminal.reporting {
            try await target.recorded("backfill resume") { target.report(try await $0.setPaused(false, table: target.table), "resumed") }
        }
    }
}

struct BackfillSet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "set", abstract: "Fix the batch size, or return to adaptive sizing.")
    @Option(name: .customLong("batch-size"), help: "Rows per batch from the next batch on.") var batchSize: Int?
    @Flag(help: "Return to adaptive sizing toward the target batch time.") var adaptive = false
    @OptionGroup var target: BackfillTarget

    func validate() throws {
        guard (batchSize != nil) != adaptive else { throw ValidationError("give either --batch-size N or --adaptive") }
        if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
    }

    func run() async throws {
        try await target.output.terminal.reporting {
            try await target.recorded("backfill set") { control in
                let tables = try await control.setBatchSize(adaptive ? nil : batchSize, table: target.table)
                target.report(tables, adaptive ? "adaptive batch size" : "batch size \(batchSize ?? 0)")
            }
        }
    }
}
