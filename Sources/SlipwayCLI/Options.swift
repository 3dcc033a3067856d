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
