import ArgumentParser
import Slipway

/// The `slipway` command tree (DESIGN §9). Commands only parse arguments and render results; the work
/// happens in the Slipway libraries.
@main
struct SlipwayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slipway",
        abstract: "Zero-downtime PostgreSQL migrations, release cuts and release-tied backups.",
        discussion: """
            Exit codes: 0 success, 1 failure, 2 usage, 3 invalid input, 4 lock timeout, 5 findings,
            6 nothing to do, 7 another runner busy, 8 connection failed, 9 not implemented, 130 interrupted (SIGINT), 143 terminated (SIGTERM).
            Full reference: docs/cli.md and docs/exit-codes.md.
            """,
        version: SlipwayVersion.current,
        subcommands: [
            InitCommand.self, ConfigCommand.self, AuditCommand.self, ValidateCommand.self, StatusCommand.self, DemoCommand.self, SandboxCommand.self,
            NewCommand.self, PlanCommand.self, LintCommand.self, StartCommand.self, CompleteCommand.self,
            RollbackCommand.self, ResumeCommand.self, HistoryCommand.self, MigrateCommand.self, DeployCommand.self,
            BackfillCommand.self, ReleaseCommand.self, BackupCommand.self, BaselineCommand.self,
            ImportCommand.self, DriftCommand.self, RepairCommand.self, VersionSchemaCommand.self, URLCommand.self,
        ]
    )

    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as ExitCode {
            exit(withError: error)
        } catch {
            // Parsing errors, --help and --version: ArgumentParser prints them; map usage errors to 2.
            let code = exitCode(for: error)
            if code == .success || code == ExitCode(0) {
                exit(withError: error)
            }
            let message = fullMessage(for: error)
            if !message.isEmpty { printError(message) }
            exit(withError: ExitCode(SlipwayExitCode.usage.rawValue))
        }
    }
}

/// The version printed by `slipway --version`.
enum SlipwayVersion {
    static let current = "0.1.0-dev"
}

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandleOutput.standardError.write(text + "\n")
}
