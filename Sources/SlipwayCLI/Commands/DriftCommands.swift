import ArgumentParser
import Foundation
import Migrations
import PostgresClient
import Slipway

struct BaselineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline",
        abstract: "Record the current schema of an existing database as the starting point (for drift detection).",
        discussion: """
            Refused when Slipway migrations are already recorded for the schema, unless --force. Guide: docs/drift.md.

            Example:
              slipway baseline 2026.11 --url postgresql://app@db/shop
            """)

    @Argument(help: "A label for the baseline (e.g. the version of the schema in production).")
    var version: String?

    @Flag(help: "Record a baseline even though migrations are already recorded.")
    var force = false

    @OptionGroup var audit: AuditOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let terminal = output.terminal
        try await terminal.reporting {
            let settings = try ResolvedSettings.resolve(connection: connection)
            try await audited("baseline", settings: settings, audit: audit) {
                let session = try await PostgresConnection.connect(settings.connection.with("application_name", "slipway baseline"))
                defer { Task { await session.close() } }
                do {
                    let summary = try await Baseline.record(
                        schema: settings.schema, version: version, force: force, connection: session, stateSchema: settings.stateSchema)
                    if output.format == .json { terminal.json(summary) } else { terminal.line(summary.text) }
                    return nil
                } catch let error as DriftError {
                    throw SlipwayError(.failure, error.message, hint: error.hint)
                }
            }
        }
    }
}

struct DriftCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Compare the live schema with the snapshot recorded by the last baseline or completed migration.",
        discussion: """
            Lists every difference (tables, columns, types, defaults, constraints, indexes, comments, grants, triggers) as
            DDL-like lines. Exits 5 when drift is found, so CI can gate on it. Read-only. Guide: docs/drift.md.

            Example:
              slipway drift --format json
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let terminal = output.terminal
        try await terminal.reporting {
            let settings = try ResolvedSettings.resolve(connection: connection)
            let session = try await PostgresConnection.connect(settings.connection.with("application_name", "slipway drift"))
            defer { Task { await session.close() } }
            let report: DriftReport
            do {
                report = try await Drift.check(schema: settings.schema, connection: session, stateSchema: settings.stateSchema)
            } catch let error as DriftError {
                throw SlipwayError(.failure, error.message, hint: error.hint)
            }
            if output.format == .json { terminal.json(report) } else { terminal.line(report.text) }
            if report.hasDrift { throw ExitCode(SlipwayExitCode.findings.rawValue) }
        }
    }
}
