import ArgumentParser
import Foundation
import Slipway

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Show the audit log: who ran which mutating command, when, where, and how it ended.",
        discussion: """
            Every start, complete, rollback, resume and migrate is recorded in the state schema's audit_log (database
            role, OS user, host, arguments without passwords, environment, version, outcome, exit code, timings);
            --audit-log FILE or SLIPWAY_AUDIT_LOG also appends each entry as a JSON line.

            Examples:
              slipway audit --limit 20
              slipway audit --format json | jq '.[] | select(.outcome == "failure")'
            """)

    @Option(help: "How many entries, newest first.")
    var limit: Int = 50

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let terminal = output.terminal
        try await terminal.reporting {
            let settings = try ResolvedSettings.resolve(connection: connection)
            let entries = try await AuditLog.entries(settings.connection, stateSchema: settings.stateSchema, limit: limit)
            if output.format == .json {
                terminal.json(entries)
                return
            }
            if entries.isEmpty { terminal.line("no audit entries yet") }
            let formatter = ISO8601DateFormatter()
            for entry in entries {
                let outcome = entry.outcome == "success" ? terminal.green(entry.outcome) : terminal.red("\(entry.outcome) (exit \(entry.exitCode))")
                terminal.line(
                    "\(formatter.string(from: entry.startedAt))  \(entry.command)  \(outcome)  by \(entry.dbRole ?? "?") (\(entry.osUser ?? "?")@\(entry.host))"
                        + (entry.version.map { "  version \($0)" } ?? "") + String(format: "  %.0f ms", entry.durationMs))
                if let error = entry.error { terminal.line("    \(error)") }
            }
        }
    }
}
