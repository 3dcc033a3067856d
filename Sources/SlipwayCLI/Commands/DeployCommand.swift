import ArgumentParser
import Foundation
import Migrations
import SQLLint
import Slipway
import SlipwayConfig

struct DeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Deploy a release to an environment: plan gate, backup, start, health gate, complete.",
        discussion: """
            Each step follows the environment's policy in slipway.toml ([environments.NAME]: plan_gate, backup_required,
            health_check, health_query, health_timeout, auto_complete, allowed_roles). A failing backup stops the deploy
            before any DDL. With --release, the release manifest written by `slipway release cut` decides which files
            belong to the release: files already applied are skipped, a file whose checksum differs is refused, and
            files of an earlier release that are not deployed yet must be deployed first. Every step is recorded in
            the audit log as deploy:<step> against the release and environment. A rerun after a failure continues
            where it stopped; a failure says what is left and how to continue.

            Examples:
              slipway deploy --env staging
              slipway deploy --env production --release v1.4.0 --no-complete   # complete after the app rollout
              slipway complete --env production
            """)

    @Option(help: ArgumentHelp("The release (its manifest decides the files).", valueName: "version"))
    var release: String?

    @Flag(name: .customLong("no-complete"), help: "Stop after start (and the health gate): complete after the application rollout.")
    var noComplete = false

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var migrations: MigrationsOptions
    @OptionGroup var run: RunOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let terminal = output.terminal
        try await terminal.reporting {
            let settings = try ResolvedSettings.resolve(connection: connection, migrations: migrations)
            let runner = makeRunner(settings: settings, run: run, terminal: terminal)
            let section = settings.configuration.lint
            let lint = (try? LintConfiguration.validated(
                enable: section.enable, disable: section.disable, severity: section.severity.mapValues(\.rawValue),
                postgresVersion: section.postgresVersion)) ?? LintConfiguration()
            let audit = run.audit
            var deployer = Deployer(
                runner: runner, policy: settings.configuration.policy, environment: settings.configuration.environmentName,
                release: release, manifestPath: settings.configuration.release.manifestPath, complete: !noComplete,
                backup: try BackupWiring.action(settings: settings, terminal: terminal), lint: lint,
                audit: auditLog(settings: settings, audit: audit), arguments: Array(CommandLine.arguments.dropFirst()),
                events: { terminal.render($0) })
            deployer.slipwayVersion = SlipwayVersion.current
            try await audited("deploy", settings: settings, audit: audit, release: release) {
                let report = try await GracefulStop.run(runner, command: "deploy", terminal: terminal) { stoppable in
                    var deploying = deployer
                    deploying.runner.stop = stoppable.stop
                    return try await deploying.run()
                }
                if output.format == .json {
                    terminal.json(report)
                } else {
                    terminal.line(terminal.bold("deploy finished") + (report.remaining.isEmpty ? "" : "; left: \(report.remaining.joined(separator: ", "))"))
                }
                return report.version
            }
        }
    }
}
