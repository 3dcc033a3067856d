import ArgumentParser
import Foundation
import Slipway

/// How to reach the database (shared by every command that connects).
struct ConnectionOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Connection URL or libpq key=value string (default: $SLIPWAY_URL, $DATABASE_URL, then libpq's PG* variables).",
        valueName: "url"))
    var url: String?

    @Option(name: .long, help: ArgumentHelp("Environment from slipway.toml ([environments.NAME]); default $SLIPWAY_ENV.", valueName: "name"))
    var env: String?

    @Option(name: .long, help: ArgumentHelp("Target schema (default: $SLIPWAY_SCHEMA, slipway.toml, then public).", valueName: "schema"))
    var schema: String?

    @Option(name: .long, help: ArgumentHelp("Configuration file (default: $SLIPWAY_CONFIG, else slipway.toml here or in a parent directory).", valueName: "path"))
    var config: String?
}

/// Where migration files live.
struct MigrationsOptions: ParsableArguments {
    @Option(name: .customLong("migrations-dir"), help: ArgumentHelp(
        "Migrations directory (default: $SLIPWAY_MIGRATIONS_DIR, slipway.toml, then ./migrations).", valueName: "dir"))
    var migrationsDir: String?
}

/// Output format and verbosity.
struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Flag(name: .long, help: "Print details of errors (server fields, logs).")
    var verbose = false

    @Flag(name: .customLong("no-color"), help: "Never use colours (also: NO_COLOR=1).")
    var noColor = false

    var terminal: Terminal { Terminal(format: format, verbose: verbose, colorAllowed: !noColor) }
}

/// The output formats of commands whose output is data.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case text, json
}

/// The format of the audit entries written to standard error (`--log-format`).
enum LogFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// No extra output (the audit entry goes to the database and the --audit-log file only).
    case text
    /// Each audit entry also goes to standard error as one JSON line, for log shippers.
    case json
}

/// Where audit entries go besides the database, for mutating commands without the other run options.
struct AuditOptions: ParsableArguments {
    @Option(name: .customLong("audit-log"), help: ArgumentHelp("Also append the audit entry as a JSON line to this file (default: $SLIPWAY_AUDIT_LOG).", valueName: "path"))
    var auditLog: String?

    @Option(name: .customLong("log-format"), help: ArgumentHelp(
        "Also write each audit entry as a JSON line to stderr with json (default: $SLIPWAY_LOG_FORMAT, else text).",
        valueName: "text|json"))
    var logFormat: LogFormat?

    init() {}

    func validate() throws { try Self.checkEnvironment() }

    /// Rejects an unknown `$SLIPWAY_LOG_FORMAT` (instead of silently ignoring it).
    static func checkEnvironment() throws {
        if let value = ProcessInfo.processInfo.environment["SLIPWAY_LOG_FORMAT"], !value.isEmpty,
           LogFormat(rawValue: value.lowercased()) == nil {
            throw ValidationError("SLIPWAY_LOG_FORMAT must be text or json, not \"\(value)\"")
        }
    }

    /// The flag, else `$SLIPWAY_LOG_FORMAT`, else text.
    var effectiveLogFormat: LogFormat {
        logFormat ?? ProcessInfo.processInfo.environment["SLIPWAY_LOG_FORMAT"].flatMap { LogFormat(rawValue: $0.lowercased()) } ?? .text
    }
}
