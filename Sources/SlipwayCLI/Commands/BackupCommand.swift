import ArgumentParser
import Backups
import Foundation
import Slipway
import SlipwayConfig

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Create, list, verify, restore and prune backups tied to releases.",
        discussion: "Guide: docs/backups.md",
        subcommands: [BackupCreate.self, BackupList.self, BackupVerify.self, BackupRestore.self, BackupPrune.self])
}

/// Records a mutating backup command in the audit log, with the backup error's own exit code.
private func auditedBackup(
    _ command: String, settings: ResolvedSettings, audit: AuditOptions, release: String?, _ body: () async throws -> String?
) async throws {
    try await audited(
        command, settings: settings, audit: audit, release: release,
        describe: { error in
            (error as? BackupError).map { ($0.code.suggestedExitCode, $0.description) }
        }, body)
}

/// Maps backup errors to the documented exit codes after printing them.
private func runBackup(_ output: OutputOptions, _ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as BackupError {
        printError("error: \(error.description)")
        if output.verbose { printError(error.detailedDescription) }
        throw ExitCode(error.code.suggestedExitCode)
    } catch let exit as ExitCode {
        throw exit
    } catch {
        throw output.terminal.fail(error)
    }
}

extension BackupSection {
    /// The request for a backup with this configuration.
    func request(
        release: String?, environment: String?, drill: Bool?, restorePoint: Bool?, directory: String? = nil,
        drillTarget: String? = nil, requireRestorePoint: Bool = false
    ) throws -> BackupRequest {
        let method: BackupRequest.Method
        let folder = directory ?? self.directory
        switch mode {
        case .pgDump: method = .pgDump(directory: folder)
        case .command:
            guard let command else { throw SlipwayError(.invalidInput, "[backup] mode = \"command\" needs `command`") }
            method = .command(command, directory: folder)
        case .none: throw SlipwayError(.invalidInput, "[backup] mode is \"none\"")
        }
        let drillMode: BackupRequest.DrillTarget? = drillTarget.map { .database(ConnectionConfiguration($0)) }
            ?? ((drill ?? restoreDrill) ? .localPostgres : nil)
        return BackupRequest(
            release: release, environment: environment, method: method, drill: drillMode,
            restorePoint: requireRestorePoint ? .required : (restorePoint ?? self.restorePoint) ? .optional : .none,
            pgDumpPath: pgDumpPath)
    }
}

struct BackupCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Back up the database (pg_dump -Fc, read back whole, sha256) and record it against a release.",
        discussion: """
            Examples:
              slipway backup create --release v1.4.0 --env production
              slipway backup create --drill   # also restore into a throwaway server and compare row counts
              slipway backup create --dir /var/backups/slipway --restore-point
            """)
    @Option(help: ArgumentHelp("Release to record the backup against.", valueName: "version")) var release: String?
    @Option(help: ArgumentHelp("Directory for the archive (default: [backup] directory, backups).", valueName: "dir")) var dir: String?
    @Flag(inversion: .prefixedNo, help: "Restore drill into a throwaway database (default: [backup] restore_drill).") var drill: Bool?
    @Option(name: .customLong("drill-into"), help: ArgumentHelp(
        "Restore drill into this existing, disposable database instead (its contents are replaced).", valueName: "url"))
    var drillInto: String?
    @Flag(name: .customLong("restore-point"), help: "Also create a named restore point if possible (needs WAL archiving and EXECUTE on pg_create_restore_point); a warning otherwise.")
    var restorePoint = false
    @Flag(name: .customLong("require-restore-point"), help: "Like --restore-point, but fail the backup when the restore point cannot be created.")
    var requireRestorePoint = false
    @OptionGroup var audit: AuditOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await runBackup(output) {
            let settings = try ResolvedSettings.resolve(connection: connection)
            let terminal = output.terminal
            var progress: (@Sendable (String) -> Void)?
            if output.format == .text {
                progress = { message in terminal.line(terminal.dim("  " + message)) }
            }
            let manager = BackupManager(database: settings.connection, stateSchema: settings.stateSchema, progress: progress)
            let wantsRestorePoint: Bool? = restorePoint ? true : nil
            let request = try settings.configuration.backup.request(
                release: release, environment: settings.configuration.environmentName, drill: drill,
                restorePoint: wantsRestorePoint, directory: dir, drillTarget: drillInto, requireRestorePoint: requireRestorePoint)
            var created: BackupResult?
            try await auditedBackup("backup create", settings: settings, audit: audit, release: release) {
                created = try await manager.create(request)
                return nil
            }
            guard let result = created else { return }
            if output.format == .json {
                terminal.json(result)
            } else {
                let record = result.record
                let size: String = record.sizeBytes.map { ByteCountFormatter.string(fromByteCount: $0, countStyle: .binary) } ?? ""
                let checksum: String = String(record.sha256?.prefix(16) ?? "")
                let location: String = record.location ?? ""
                let verified: String = record.verified ? "yes" : "no"
                terminal.line("\(terminal.green("✓")) backup \(record.id) \(location) \(size) sha256 \(checksum)… verified: \(verified)")
                for warning in result.warnings { terminal.line(terminal.yellow("warning: \(warning)")) }
            }
        }
    }
}

struct BackupList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List backups, newest first.", discussion: "Example:\n  slipway backup list --release v1.4.0")
    @Option(help: "Only this release.") var release: String?
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await runBackup(output) {
            let settings = try ResolvedSettings.resolve(connection: connection)
            let records = try await BackupManager(database: settings.connection, stateSchema: settings.stateSchema)
                .list(release: release, environment: settings.configuration.environmentName)
            let terminal = output.terminal
            if output.format == .json {
                terminal.json(records)
                return
            }
            if records.isEmpty { terminal.line("no backups recorded") }
            let formatter = ISO8601DateFormatter()
            for record in records {
                terminal.line(
                    "\(record.id)  \(formatter.string(from: record.startedAt))  \(record.status)  release \(record.release ?? "-")  \(record.environment ?? "-")  \(record.location ?? "")  \(record.verified ? "verified" : "unverified")")
            }
        }
    }
}

struct BackupVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Read a backup back whole and compare its sha256 with the record.",
        discussion: "Examples:\n  slipway backup verify --release v1.4.0\n  slipway backup verify 12")
    @Argument(help: ArgumentHelp("Backup id (same as --id).", valueName: "id")) var backupId: Int64?
    @Option(help: "Backup id.") var id: Int64?
    @Option(help: "The newest backup of this release.") var release: String?
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    mutating func validate() throws {
        if let backupId {
            guard id == nil || id == backupId else { throw ValidationError("give the backup id once") }
            id = backupId
        }
        guard (id != nil) != (release != nil) else { throw ValidationError("give either a backup id (ID or --id) or --release") }
    }

    func run() async throws {
        try await runBackup(output) {
            let settings = try ResolvedSettings.resolve(connection: connection)
            let selector: BackupSelector = id.map { .id($0) } ?? .release(release ?? "", environment: settings.configuration.environmentName)
            let result = try await BackupManager(database: settings.connection, stateSchema: settings.stateSchema).verify(selector)
            if output.format == .json { output.terminal.json(result) } else {
                output.terminal.line("\(output.terminal.green("✓")) \(selector) verified: sha256 \(result.sha256.prefix(16))…, \(result.sizeBytes) bytes, read back whole")
            }
        }
    }
}

struct BackupRestore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore", abstract: "Restore the newest backup of a release into a target database.",
        discussion: """
            Never onto the database the backup came from unless --force.

            Example:
              slipway backup restore --release v1.4.0 --to postgresql://admin@db-restore/shop
              slipway backup restore --release 1.4.0 --to postgresql://admin@elsewhere/shop --no-privileges
            """)
    @Option(help: "The release whose newest ok backup to restore.") var release: String
    @Option(help: ArgumentHelp("The database to restore into.", valueName: "url")) var to: String
    @Flag(help: "Allow restoring onto the source database itself.") var force = false
    @Flag(name: .customLong("no-privileges"), help: "Skip GRANTs (for a target server without the source's roles).") var noPrivileges = false
    @OptionGroup var audit: AuditOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await runBackup(output) {
            let settings = try ResolvedSettings.resolve(connection: connection)
            var restored: RestoreResult?
            try await auditedBackup("backup restore", settings: settings, audit: audit, release: release) {
                restored = try await BackupManager(database: settings.connection, stateSchema: settings.stateSchema).restore(
                    release: release, environment: settings.configuration.environmentName, to: ConnectionConfiguration(to),
                    force: force, noPrivileges: noPrivileges)
                return nil
            }
            guard let result = restored else { return }
            if output.format == .json { output.terminal.json(result) } else {
                output.terminal.line("\(output.terminal.green("✓")) restored backup \(result.record.id) of \(release) into \(result.target)")
            }
        }
    }
}

struct BackupPrune: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune", abstract: "Delete old backups by count and age ([backup] keep_last, keep_days); the newest ok one is always kept.",
        discussion: "Examples:\n  slipway backup prune --dry-run\n  slipway backup prune --keep-last 7 --keep-days 30 --env production")
    @Flag(name: .customLong("dry-run"), help: "Show what would be deleted.") var dryRun = false
    @Option(name: .customLong("keep-last"), help: "Keep the newest N ok backups per environment (default: [backup] keep_last).") var keepLast: Int?
    @Option(name: .customLong("keep-days"), help: "Keep backups younger than D days (default: [backup] keep_days).") var keepDays: Double?
    @OptionGroup var audit: AuditOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let keepLast, keepLast < 1 { throw ValidationError("--keep-last must be at least 1") }
        if let keepDays, !(keepDays > 0) { throw ValidationError("--keep-days must be positive") }
    }

    func run() async throws {
        try await runBackup(output) {
            let settings = try ResolvedSettings.resolve(connection: connection)
            let section = settings.configuration.backup
            var pruned: PruneResult?
            let body: () async throws -> String? = {
                pruned = try await BackupManager(database: settings.connection, stateSchema: settings.stateSchema).prune(
                    keepLast: keepLast ?? section.keepLast, keepDays: keepDays ?? Double(section.keepDays),
                    environment: settings.configuration.environmentName, dryRun: dryRun)
                return nil
            }
            if dryRun { _ = try await body() } else { try await auditedBackup("backup prune", settings: settings, audit: audit, release: nil, body) }
            guard let result = pruned else { return }
            if output.format == .json { output.terminal.json(result) } else {
                output.terminal.line("\(dryRun ? "would delete" : "deleted") \(result.pruned.count) backup(s), kept \(result.kept.count), \(result.bytesFreed) bytes")
            }
        }
    }
}
