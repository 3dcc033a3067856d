import ArgumentParser
import Foundation
import Slipway

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Show the audit log: who ran which mutating command, when, where, and how it ended.",
        discussion: """
            Every start, complete, rollback, resume, migrate, deploy (and each deploy step, as deploy:<step>), backup
            create, restore and prune is recorded in the state schema's audit_log (database role, OS user, host,
            arguments without passwords, environment, release, version, outcome, exit code, timings); --audit-log FILE
            or SLIPWAY_AUDIT_LOG also appends each entry as a JSON line, --log-format json (or SLIPWAY_LOG_FORMAT=json)
            writes it to stderr. `slipway history --audit` shows the same log.

            Examples:
              slipway audit --limit 20
              slipway audit --release v1.4.0
              slipway audit --format json | jq '.[] | select(.outcome == "failure")'
            """)

    @Option(help: "How many entries, newest first.")
    var limit: Int = 50

    @Option(help: ArgumentHelp("Only entries of this release (v1.4.0 and 1.4.0 are the same).", valueName: "version"))
    var release: String?

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let terminal = output.terminal
        try await terminal.reporting {
            let settings = try ResolvedSettings.resolve(connection: connection)
            try await showAudit(settings: settings, limit: limit, release: release, output: output)
        }
    }
}

/// Prints the newest audit entries (text or JSON); shared by `slipway audit` and `slipway history --audit`.
func showAudit(settings: ResolvedSettings, limit: Int, release: String?, output: OutputOptions) async throws {
    let terminal = output.terminal
    let entries = try await AuditLog.entries(settings.connection, stateSchema: settings.stateSchema, limit: limit, release: release)
    if output.format == .json {
        terminal.json(entries)
        return
    }
    if entries.isEmpty { terminal.line("no audit entries yet") }
    let formatter = ISO8601DateFormatter()
    for entry in entries {
        let outcome = entry.outcome == "failure" ? terminal.red("\(entry.outcome) (exit \(entry.exitCode))")
            : entry.outcome == "success" ? terminal.green(entry.outcome) : entry.outcome
        terminal.line(
            "\(formatter.string(from: entry.startedAt))  \(entry.command)  \(outcome)  by \(entry.dbRole ?? "?") (\(entry.osUser ?? "?")@\(entry.host))"
                + (entry.environment.map { "  env \($0)" } ?? "") + (entry.release.map { "  release \($0)" } ?? "")
                + (entry.version.map { "  version \($0)" } ?? "") + String(format: "  %.0f ms", entry.durationMs))
        if let error = entry.error { terminal.line("    \(error)") }
    }
}
