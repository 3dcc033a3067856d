import ArgumentParser
import Foundation
import Slipway

struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a migrations directory without a database.",
        discussion: """
            Decodes every .yaml, .yml, .json and .sql file of the migrations directory strictly (unknown keys,
            unknown operations, missing or mistyped fields) and prints every problem of every file with
            file:line:column and key path. Exits 3 when any file is invalid.

            Examples:
              slipway validate
              slipway validate --migrations-dir db/migrations --format json
            """)

    @OptionGroup var migrations: MigrationsOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let terminal = output.terminal
        try await terminal.reporting {
            let directory = migrations.migrationsDir ?? ProcessInfo.processInfo.environment["SLIPWAY_MIGRATIONS_DIR"]
                ?? "migrations"
            let result = MigrationValidation.check(directory: directory)
            if output.format == .json {
                terminal.json(result)
            } else {
                for diagnostic in result.diagnostics {
                    let text = output.verbose ? diagnostic.detailedDescription : diagnostic.description
                    FileHandleOutput.standardError.write(text + "\n")
                }
                for file in result.files {
                    terminal.line(
                        "\(terminal.green("✓")) \(file.name) (\(file.format)) — \(file.operations.joined(separator: ", "))")
                }
                let errors = result.diagnostics.filter { $0.severity == .error }.count
                terminal.line(
                    "\(result.files.count) valid file(s) in \(result.directory), \(errors) error(s)")
            }
            if !result.isValid {
                throw ExitCode(SlipwayExitCode.invalidInput.rawValue)
            }
        }
    }
}
