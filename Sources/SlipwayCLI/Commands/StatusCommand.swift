import Foundation
import ArgumentParser
import Migrations
import PostgresClient
import Slipway

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Connect and show the server version, the target schema and Slipway's state.",
        discussion: """
            Examples:
              slipway status --url postgresql://app@localhost/shop
              DATABASE_URL=postgresql://app@db/shop slipway status --format json
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var migrations: MigrationsOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let terminal = output.terminal
        try await terminal.reporting {
            let settings = try ResolvedSettings.resolve(connection: connection, migrations: migrations)
            let status = try await ServerStatus.read(
                settings.connection, schema: settings.schema, stateSchema: settings.stateSchema)
            let runner = makeRunner(settings: settings, run: nil, terminal: terminal)
            let migrationStatus = try await runner.status()
            if output.format == .json {
                struct Combined: Encodable {
                    var server: ServerStatus
                    var migrations: MigrationStatus
                    func encode(to encoder: any Encoder) throws {
                        try server.encode(to: encoder)
                        var container = encoder.container(keyedBy: Key.self)
                        try container.encode(migrations, forKey: Key(stringValue: "migrations"))
                    }
                    struct Key: CodingKey {
                        var stringValue: String
                        var intValue: Int? { nil }
                        init(stringValue: String) { self.stringValue = stringValue }
                        init?(intValue: Int) { nil }
                    }
                }
                terminal.json(Combined(server: status, migrations: migrationStatus))
                return
            }
            terminal.line("\(terminal.bold("server"))        PostgreSQL \(status.serverVersion)")
            terminal.line("\(terminal.bold("connection"))    \(status.connection) (\(settings.connectionSource))")
            terminal.line("\(terminal.bold("database"))      \(status.database) as \(status.user)\(status.isSuperuser ? " (superuser)" : "")")
            terminal.line(
                "\(terminal.bold("schema"))        \(status.schema) \(status.schemaExists ? terminal.green("exists") : terminal.yellow("does not exist"))")
            terminal.line(
                "\(terminal.bold("state schema"))  \(status.stateSchema) "
                    + (status.stateSchemaExists
                        ? terminal.green("exists")
                        : terminal.yellow("not created yet (the first `slipway start` creates it)")))
            printMigrations(migrationStatus, terminal)
            if status.stateSchemaExists, let drift = try? await Self.drift(settings) {
                if drift.hasDrift {
                    terminal.line(terminal.yellow("drift: \(drift.items.count) difference(s) from the recorded schema — run `slipway drift`"))
                }
            }
            if !migrationStatus.checksumMismatches.isEmpty || !migrationStatus.invalidFiles.isEmpty {
                throw ExitCode(SlipwayExitCode.invalidInput.rawValue)
            }
        }
    }

    private static func drift(_ settings: ResolvedSettings) async throws -> DriftReport {
        let session = try await PostgresConnection.connect(settings.connection.with("application_name", "slipway status"))
        defer { Task { await session.close() } }
        return try await Drift.check(schema: settings.schema, connection: session, stateSchema: settings.stateSchema)
    }

    /// One line of live backfill progress, as another terminal sees it while the runner works.
    static func describe(_ backfill: MigrationStatus.Backfill) -> String {
        let estimate = backfill.rowsEstimated.map { "/\(max($0, backfill.rowsDone))" } ?? ""
        var parts = ["\(backfill.table): \(backfill.rowsDone)\(estimate) rows, \(backfill.batches) batches, \(backfill.status)"]
        if backfill.status != "done" {
            if backfill.paused == true { parts.append("paused") }
            if let rate = backfill.rate { parts.append("\(Int(rate)) rows/s") }
            if let size = backfill.batchSize { parts.append("batch \(size)" + ((backfill.workers ?? 1) > 1 ? " × \(backfill.workers ?? 1) workers" : "")) }
            if let eta = backfill.etaSeconds { parts.append("ETA \(eta) s") }
            if let throttle = backfill.throttle { parts.append("throttled: \(throttle)") }
            if let updated = backfill.updatedAt { parts.append("last batch \(max(0, Int(Date().timeIntervalSince(updated)))) s ago") }
        } else if let throttled = backfill.throttledMs, throttled > 0 {
            parts.append(String(format: "throttled %.1f s", Double(throttled) / 1000))
        }
        return parts.joined(separator: ", ")
    }

    private func printMigrations(_ status: MigrationStatus, _ terminal: Terminal) {
        if let current = status.current {
            let progress = "step \(current.step)/\(current.steps)"
            terminal.line(
                "\(terminal.bold("version"))       \(current.version) — \(current.phase)"
                    + (["starting", "completing", "rolling_back"].contains(current.phase) ? " (\(progress))" : ""))
            terminal.line("\(terminal.bold("version schema")) \(current.versionSchema)")
            if let next = current.nextStep { terminal.line("\(terminal.bold("next step"))     \(next)") }
            if let error = current.lastError { terminal.line("\(terminal.bold("last error"))    \(terminal.red(error))") }
            if ["starting", "completing", "rolling_back"].contains(current.phase) {
                terminal.line(terminal.yellow("interrupted: `slipway resume` continues it, `slipway rollback` undoes it"))
            } else if current.phase == "active" {
                terminal.line("active: old and new clients both work; `slipway complete` when every client uses \(current.versionSchema)")
            }
        }
        for backfill in status.backfills {
            terminal.line("\(terminal.bold("backfill"))      " + Self.describe(backfill))
        }
        terminal.line("\(terminal.bold("applied"))       \(status.applied.count) migration(s)")
        terminal.line("\(terminal.bold("pending"))       " + (status.pending.isEmpty ? "none" : status.pending.joined(separator: ", ")))
        for name in status.checksumMismatches {
            terminal.line(terminal.red("changed after apply: \(name) (checksum mismatch)"))
        }
        for problem in status.invalidFiles { terminal.line(terminal.red(problem)) }
    }
}
