import ArgumentParser
import Foundation
import Slipway
import SlipwayConfig

struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented slipway.toml and create the migrations directory.",
        discussion: """
            Every key of the starter file is commented out and shows its default, so the file changes nothing until
            you edit it. Refuses to overwrite an existing slipway.toml unless --force.

            Example:
              slipway init && $EDITOR slipway.toml
            """)

    @Option(name: .customLong("dir"), help: ArgumentHelp("Project directory.", valueName: "dir"))
    var directory: String = "."

    @Flag(help: "Overwrite an existing slipway.toml.")
    var force = false

    @OptionGroup var output: OutputOptions

    func run() async throws {
        let terminal = output.terminal
        try await terminal.reporting {
            let fileManager = FileManager.default
            let configPath = (directory as NSString).appendingPathComponent("slipway.toml")
            let migrationsPath = (directory as NSString).appendingPathComponent("migrations")
            if fileManager.fileExists(atPath: configPath) && !force {
                throw SlipwayError(.failure, "\(configPath) already exists", hint: "pass --force to overwrite it")
            }
            try fileManager.createDirectory(atPath: migrationsPath, withIntermediateDirectories: true)
            try SlipwayConfiguration.starterFile.write(toFile: configPath, atomically: true, encoding: .utf8)
            if output.format == .json {
                struct Created: Encodable {
                    var configuration: String
                    var migrationsDirectory: String
                }
                terminal.json(Created(configuration: configPath, migrationsDirectory: migrationsPath))
            } else {
                terminal.line("\(terminal.green("✓")) wrote \(configPath) (every key commented out, with its default)")
                terminal.line("\(terminal.green("✓")) created \(migrationsPath)/")
                terminal.line("next: add a migration file (docs/file-format.md), then `slipway validate`")
            }
        }
    }
}

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show the effective configuration and where each value came from.",
        discussion: """
            Precedence: flag > environment variable > slipway.toml > default. Passwords are never shown.

            Example:
              slipway config --env production
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var migrations: MigrationsOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let terminal = output.terminal
        try await terminal.reporting {
            let settings = try ResolvedSettings.resolve(connection: connection, migrations: migrations)
            let explanation = settings.configuration.explanation
            if output.format == .json {
                struct Entry: Encodable {
                    var setting: String
                    var value: String
                    var origin: String
                }
                terminal.json(explanation.map { Entry(setting: "\($0.setting)", value: $0.value, origin: $0.origin) })
                return
            }
            let width = explanation.map { "\($0.setting)".count }.max() ?? 10
            for entry in explanation {
                let name = "\(entry.setting)"
                terminal.line(
                    terminal.bold(name) + String(repeating: " ", count: width - name.count + 2) + entry.value + "  "
                        + terminal.dim("(\(entry.origin))"))
            }
        }
    }
}
