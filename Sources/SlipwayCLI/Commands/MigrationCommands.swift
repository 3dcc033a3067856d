import ArgumentParser
import Foundation
import Migrations
#if canImport(Glibc)
import Glibc
#endif
import Slipway

/// Options shared by the commands that change the database.
struct RunOptions: ParsableArguments {
    @Flag(name: .long, help: "Wait for another runner to finish instead of exiting with code 7.")
    var wait = false

    @Option(name: .customLong("batch-size"), help: "Rows per backfill batch (default: [backfill] batch_size, 1000).")
    var batchSize: Int?

    @Option(name: .customLong("batch-pause"), help: "Pause between backfill batches, in milliseconds (throttling).")
    var batchPauseMs: Int?

    @Option(name: .customLong("workers"), help: "Parallel backfill workers over key ranges, each on its own connection (default: [backfill] workers, 1).")
    var workers: Int?

    @Option(name: .customLong("lock-timeout"), help: "lock_timeout of each lock-taking statement, in milliseconds (default: [lock] lock_timeout, 2s).")
    var lockTimeoutMs: Int?

    @Option(name: .customLong("max-attempts"), help: "Attempts per lock-taking statement before giving up, exit 4 (default: [lock] max_attempts, 10).")
    var maxAttempts: Int?

    @Flag(name: .long, help: "Treat a `down` expression that does not compile as an error.")
    var strict = false

    /// --audit-log and --log-format.
    @OptionGroup var audit: AuditOptions

    func validate() throws {
        if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
        if let batchPauseMs, batchPauseMs < 0 { throw ValidationError("--batch-pause must not be negative") }
        if let workers, !(1...64).contains(workers) { throw ValidationError("--workers must be between 1 and 64") }
        if let lockTimeoutMs, lockTimeoutMs < 1 { throw ValidationError("--lock-timeout must be at least 1 ms") }
        if let maxAttempts, maxAttempts < 1 { throw ValidationError("--max-attempts must be at least 1") }
    }
}

extension Terminal {
    /// Prints runner events: text lines on stderr-free stdout, or JSON lines.
    func render(_ event: RunnerEvent) {
        if format == .json {
            jsonLine(event)
            return
        }
        switch event.kind {
        case "step-started", "lock-acquired": if verbose { line(dim("  … \(event.message)")) }
        case "step-done":
            let timing = event.durationMs.map { dim(String(format: " (%.0f ms)", $0)) } ?? ""
            line("  \(green("✓")) \(event.message)\(timing)")
        case "retry", "lock-wait", "cleanup": line("  \(yellow("…")) \(event.message)")
        case "warning": line("  \(yellow("warning:")) \(event.message)")
        case "backfill-progress":
            if isatty(1) == 1, let done = Int(event.figures["rows_done"] ?? ""), let total = Int(event.figures["rows_estimated"] ?? "") {
                // A progress bar redrawn in place on a terminal; plain lines on a pipe.
                let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
                let width = 24
                let filled = Int(fraction * Double(width))
                let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
                let workers = Int(event.figures["workers"] ?? "1") ?? 1
                let throttle = event.figures["throttle"] ?? ""
                let text = "    \(event.figures["table"] ?? "") \(bar) \(Int(fraction * 100))% \(done)/\(max(total, done)) rows"
                    + " \(event.figures["rate"] ?? "?") rows/s batch \(event.figures["batch_size"] ?? "?")\(workers > 1 ? "×\(workers)" : "")"
                    + " ETA \(event.figures["eta_s"] ?? "?")s" + (throttle.isEmpty ? "" : " throttled: \(throttle)")
                FileHandleOutput.standardOutput.write("\r\u{1B}[2K" + text + (fraction >= 1 ? "\n" : ""))
            } else {
                line("    \(dim(event.message))")
            }
        case "backfill-resumed", "backfill-batch-size", "backfill-workers", "backfill-vacuum", "backfill-skipped", "backfill-rewrite":
            line("    \(dim(event.message))")
        case "backfill-throttled", "backfill-side-effects", "orphan-terminated": line("  \(yellow("…")) \(event.message)")
        case "backfill-paused": line("  \(yellow("paused")) \(event.message)")
        case "backfill-summary": line("  \(green("✓")) backfill summary: \(event.message)")
        case "phase": line(bold(event.message))
        case let kind where kind.hasPrefix("deploy-"): line("\(bold("deploy")) \(event.message)")
        default: line("  \(event.message)")
        }
    }
}

func makeRunner(
    connection: ConnectionOptions, migrations: MigrationsOptions, run: RunOptions?, terminal: Terminal
) throws -> MigrationRunner {
    try makeRunner(
        settings: ResolvedSettings.resolve(connection: connection, migrations: migrations), run: run, terminal: terminal)
}

/// A runner from settings a command already resolved (so the configuration is read once).
func makeRunner(settings: ResolvedSettings, run: RunOptions?, terminal: Terminal) -> MigrationRunner {
    var lock = settings.lock
    var batchSize = settings.configuration.backfill.batchSize
    var pause = ResolvedSettings.milliseconds(settings.configuration.backfill.pauseBetweenBatches)
    if let run {
        if let value = run.lockTimeoutMs { lock.lockTimeoutMs = value }
        if let value = run.maxAttempts { lock.maxAttempts = value }
        if let value = run.batchSize { batchSize = value }
        if let value = run.batchPauseMs { pause = value }
    }
    var runner = MigrationRunner(
        connection: settings.connection, schema: settings.schema, stateSchema: settings.stateSchema,
        migrationsDirectory: settings.migrationsDirectory, lock: lock, batchSize: batchSize, batchPauseMs: pause,
        waitForLock: run?.wait ?? false, strict: run?.strict ?? false, events: { terminal.render($0) })
    // Adaptive batches toward [backfill] target_batch_time, unless --batch-size fixes the size.
    let backfill = settings.configuration.backfill
    runner.targetBatchMs = run?.batchSize == nil ? ResolvedSettings.milliseconds(backfill.targetBatchTime) : 0
    runner.minBatchSize = backfill.minBatchSize
    runner.maxBatchSize = backfill.maxBatchSize
    runner.backfill.workers = run?.workers ?? backfill.workers
    runner.backfill.maxReplicaLagMs = ResolvedSettings.milliseconds(backfill.maxReplicaLag)
    runner.backfill.maxReplicaLagBytes = backfill.maxReplicaLagBytes
    runner.backfill.maxProbeLatencyMs = ResolvedSettings.milliseconds(backfill.maxProbeLatency)
    runner.backfill.vacuumEveryBatches = backfill.vacuumEveryBatches
    return runner
}

/// A command that runs one `MigrationRunner` operation with the shared connection, migrations, run and
/// output options.
protocol RunnerCommand: AsyncParsableCommand {
    var connection: ConnectionOptions { get }
    var migrations: MigrationsOptions { get }
    var run: RunOptions { get }
    var output: OutputOptions { get }
    /// Runs the operation; returns the version it acted on, for the audit log.
    func perform(_ runner: MigrationRunner, _ terminal: Terminal) async throws -> String?
}

extension RunnerCommand {
    func run() async throws {
        let terminal = output.terminal
        let command = Self.configuration.commandName ?? "?"
        try await terminal.reporting {
            try await audited(command, connection: connection, migrations: migrations, run: run, terminal: terminal) {
                let runner = try makeRunner(connection: connection, migrations: migrations, run: run, terminal: terminal)
                return try await GracefulStop.run(runner, command: command, terminal: terminal) { try await perform($0, terminal) }
            }
        }
    }
}

/// Runs a mutating command and records it in the audit log (database and, if asked, a JSON-lines file),
/// whatever its outcome.
func audited(
    _ command: String, connection: ConnectionOptions, migrations: MigrationsOptions, run: RunOptions, terminal: Terminal,
    release: String? = nil, _ body: () async throws -> String?
) async throws {
    let settings = try? ResolvedSettings.resolve(connection: connection, migrations: migrations)
    try await audited(
        command, settings: settings, audit: run.audit, release: release,
        body)
}

/// The audit log a command writes to: the database of `settings`, plus the JSON-lines file and standard error
/// when asked.
func auditLog(settings: ResolvedSettings?, audit: AuditOptions) -> AuditLog {
    AuditLog(
        connection: settings?.connection, stateSchema: settings?.stateSchema ?? "slipway",
        jsonLinesPath: audit.auditLog ?? ProcessInfo.processInfo.environment["SLIPWAY_AUDIT_LOG"],
        jsonLinesToStandardError: audit.effectiveLogFormat == .json)
}

/// Runs `body` and records one audit entry with its outcome (and the version it returns).
/// `describe` maps errors the generic mapping does not know (backup errors) to an exit code and message.
func audited(
    _ command: String, settings: ResolvedSettings?, audit: AuditOptions, release: String? = nil,
    describe: ((any Error) -> (code: Int32, message: String)?)? = nil, _ body: () async throws -> String?
) async throws {
    let started = Date()
    let log = auditLog(settings: settings, audit: audit)
    func record(_ exitCode: Int32, _ error: String?, _ version: String?) async {
        let entry = AuditLog.Entry(
            command: command, arguments: Array(CommandLine.arguments.dropFirst()), schema: settings?.schema,
            environment: settings?.configuration.environmentName, release: release, version: version, exitCode: exitCode,
            error: error, startedAt: started, slipwayVersion: SlipwayVersion.current)
        for warning in await log.record(entry) { printError("warning: \(warning)") }
    }
    do {
        let version = try await body()
        await record(0, nil, version)
    } catch let exit as ExitCode {
        await record(exit.rawValue, "exit \(exit.rawValue)", nil)
        throw exit
    } catch {
        if let described = describe?(error) {
            await record(described.code, described.message, nil)
        } else {
            let mapped = SlipwayError.from(error)
            await record(mapped.exitCode.rawValue, mapped.message, nil)
        }
        throw error
    }
}

struct StartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Expand + backfill: start the pending migrations (or the given files) as one version.",
        discussion: """
            Checks every `up` expression before any DDL, applies the expand steps, installs dual-write triggers,
            creates the version schema (one view per table), backfills in batches and validates constraints.
            Old clients keep working; new clients set search_path to the printed version schema.

            Examples:
              slipway start --url postgresql://app@db/shop
              slipway start migrations/0007_orders_status.yaml --batch-size 5000
            """)

    @Argument(help: "Migration files to start (default: all pending). They must be the next pending ones, in order.")
    var files: [String] = []

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var migrations: MigrationsOptions
    @OptionGroup var run: RunOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let terminal = output.terminal
        try await terminal.reporting {
            try await audited("start", connection: connection, migrations: migrations, run: run, terminal: terminal) {
                let runner = try makeRunner(connection: connection, migrations: migrations, run: run, terminal: terminal)
                let record = try await GracefulStop.run(runner, command: "start", terminal: terminal) { try await $0.start(files: files) }
                if output.format == .text {
                    terminal.line("next: point new clients at search_path=\(record.versionSchema), then `slipway complete`")
                }
                return record.name
            }
        }
    }
}

struct CompleteCommand: RunnerCommand {
    static let configuration = CommandConfiguration(
        commandName: "complete",
        abstract: "Contract: finish the active version once every client uses it.",
        discussion: """
            Drops the previous version schema, the dual-write triggers and helper columns, renames columns to their
            final names and sets NOT NULL from the validated checks. Old clients must have moved to the new version.
            With --env, the environment's health gate (health_check, health_query in slipway.toml) runs first and a
            failing or hanging check refuses the complete (exit 5); the version stays active.

            Examples:
              slipway complete --url postgresql://app@db/shop
              slipway complete --env production
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var migrations: MigrationsOptions
    @OptionGroup var run: RunOptions
    @OptionGroup var output: OutputOptions

    func perform(_ runner: MigrationRunner, _ terminal: Terminal) async throws -> String? {
        let settings = try ResolvedSettings.resolve(connection: connection, migrations: migrations)
        let gate = HealthGate(policy: settings.configuration.policy, connection: runner.connection, schema: runner.schema)
        if gate.isConfigured, let current = try await runner.status().current, current.phase == "active" {
            do {
                let passed = try await gate.check(
                    versionSchema: current.versionSchema, release: nil, environment: settings.configuration.environmentName)
                if output.format == .text { for line in passed { terminal.line("  \(terminal.green("✓")) \(line)") } }
            } catch {
                var refused = SlipwayError.from(error)
                refused.message = "complete refused: \(refused.message); version \(current.version) stays active"
                refused.hint = "fix what the health gate checks and run `slipway complete` again, or `slipway rollback`"
                throw refused
            }
        }
        return try await runner.complete().name
    }
}

struct RollbackCommand: RunnerCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Undo the active or interrupted version; rows written by old clients are kept.",
        discussion: """
            Drops the version schema, triggers, new columns, new tables and new indexes. Values that exist only in
            the new version (new columns, new tables) are discarded.

            Example:
              slipway rollback --url postgresql://app@db/shop
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var migrations: MigrationsOptions
    @OptionGroup var run: RunOptions
    @OptionGroup var output: OutputOptions

    func perform(_ runner: MigrationRunner, _ terminal: Terminal) async throws -> String? {
        try await runner.rollback().name
    }
}

struct ResumeCommand: RunnerCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Continue an interrupted start, backfill, complete or rollback from its recorded step.",
        discussion: """
            A killed runner's backend can outlive it while still holding the migration lock (exit 7, "another
            Slipway runner holds the migration lock"); --terminate-orphan ends that backend (only one whose
            application name starts with "slipway") and continues.

            Example:
              slipway status     # shows "phase starting, step 4/7" after a crash
              slipway resume
              slipway resume --terminate-orphan
            """)

    @Flag(name: .customLong("terminate-orphan"), help: "Terminate a killed runner's backend that still holds the migration lock, then resume.")
    var terminateOrphan = false

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var migrations: MigrationsOptions
    @OptionGroup var run: RunOptions
    @OptionGroup var output: OutputOptions

    func perform(_ runner: MigrationRunner, _ terminal: Terminal) async throws -> String? {
        var runner = runner
        runner.terminateOrphan = terminateOrphan
        return try await runner.resume().name
    }
}

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "pgroll-style batch mode: each pending file its own version; all but the last completed.",
        discussion: """
            Examples:
              slipway migrate              # the last version stays active for the application rollout
              slipway migrate --complete   # complete the last one too
            """)

    @Flag(name: .long, help: "Complete the last version as well.")
    var complete = false

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var migrations: MigrationsOptions
    @OptionGroup var run: RunOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let terminal = output.terminal
        try await terminal.reporting {
            try await audited("migrate", connection: connection, migrations: migrations, run: run, terminal: terminal) {
                let runner = try makeRunner(connection: connection, migrations: migrations, run: run, terminal: terminal)
                let records = try await GracefulStop.run(runner, command: "migrate", terminal: terminal) {
                    try await $0.migrate(completeLast: complete)
                }
                return records.map(\.name).joined(separator: ",")
            }
        }
    }
}

struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List versions with their phase, files, actor and timings, newest first (--audit: the audit log).",
        discussion: """
            Examples:
              slipway history --format json
              slipway history --audit --env production --limit 30   # who ran what, deploy steps included
            """)

    @Flag(help: "Show the audit log (every mutating command and deploy step) instead of the versions.")
    var audit = false

    @Option(help: "With --audit: how many entries, newest first.")
    var limit: Int = 50

    @Option(help: ArgumentHelp("With --audit: only entries of this release.", valueName: "version"))
    var release: String?

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var migrations: MigrationsOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if !audit, release != nil { throw ValidationError("--release needs --audit") }
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        let terminal = output.terminal
        try await terminal.reporting {
            if audit {
                let settings = try ResolvedSettings.resolve(connection: connection, migrations: migrations)
                try await showAudit(settings: settings, limit: limit, release: release, output: output)
                return
            }
            let records = try await makeRunner(connection: connection, migrations: migrations, run: nil, terminal: terminal).history()
            struct Entry: Encodable {
                var version: String
                var versionSchema: String
                var phase: String
                var migrations: [String]
                var actor: String
                var osUser: String?
                var host: String?
                var startedAt: Date
                var completedAt: Date?
            }
            let entries = records.map {
                Entry(
                    version: $0.name, versionSchema: $0.versionSchema, phase: $0.phase, migrations: $0.migrations, actor: $0.actor,
                    osUser: $0.osUser, host: $0.host, startedAt: $0.startedAt, completedAt: $0.completedAt)
            }
            if output.format == .json {
                terminal.json(entries)
                return
            }
            if entries.isEmpty { terminal.line("no versions recorded yet") }
            let formatter = ISO8601DateFormatter()
            for entry in entries {
                terminal.line(
                    "\(entry.version)  \(entry.phase)  \(formatter.string(from: entry.startedAt))  by \(entry.actor)"
                        + "\(entry.osUser.map { " (\($0)@\(entry.host ?? "?"))" } ?? "")  [\(entry.migrations.joined(separator: ", "))]")
            }
        }
    }
}
