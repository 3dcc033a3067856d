import Foundation
import PostgresClient

extension BackupManager {
    /// The environment variables a custom backup command receives (besides the inherited environment and,
    /// when the connection has a password, `PGPASSWORD`).
    public enum CommandEnvironment {
        /// The release (empty when none).
        public static let release = "SLIPWAY_BACKUP_RELEASE"
        /// The environment name (empty when none).
        public static let environment = "SLIPWAY_BACKUP_ENVIRONMENT"
        /// A `postgresql://` URL of the database, **without** the password.
        public static let databaseURL = "SLIPWAY_BACKUP_DATABASE_URL"
        /// The database name (`current_database()`).
        public static let database = "SLIPWAY_BACKUP_DATABASE"
        /// The backup directory (absolute, created if missing).
        public static let directory = "SLIPWAY_BACKUP_DIR"
        /// The backup record's id.
        public static let id = "SLIPWAY_BACKUP_ID"
    }

    func runCommand(
        _ command: String, _ request: BackupRequest, directory: String, identity: DatabaseIdentity,
        parameters: ConnectionParameters, secrets: BackupSecrets, record: inout BackupRecord
    ) async throws -> BackupResult {
        let folder = ArchiveFiles.absolute(directory)
        try ArchiveFiles.prepareDirectory(folder)
        let environment = [
            CommandEnvironment.release: request.release ?? "",
            CommandEnvironment.environment: request.environment ?? "",
            CommandEnvironment.databaseURL: parameters.url,
            CommandEnvironment.database: identity.database,
            CommandEnvironment.directory: folder,
            CommandEnvironment.id: String(record.id),
        ]
        note("running the backup command: \(secrets.scrub(command))")
        let run = try await ToolRun.run(
            ["/bin/sh", "-e", "-c", command], password: parameters.password, extraEnvironment: environment,
            timeout: request.timeout, secrets: secrets, failureCode: .commandFailed)
        guard run.succeeded else {
            throw BackupError(
                .commandFailed,
                "the backup command exited with status \(run.status): \(Self.firstLine(run.stderr.isEmpty ? run.stdout : run.stderr))",
                hint: "the deploy stops here; fix the command (its output is below) and run the backup again",
                command: run.commandLine, standardError: run.diagnosticsTail)
        }
        let lastLine = run.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .last { !$0.isEmpty }
        if let lastLine {
            record.location = lastLine
            let path = lastLine.hasPrefix("/") ? lastLine : folder + "/" + lastLine
            if let size = ArchiveFiles.size(of: path) {
                record.location = path
                record.sizeBytes = size
                if ArchiveFiles.isRegularFile(path) {
                    record.sha256 = try await ArchiveFiles.sha256(of: path).sha256
                }
            }
        }
        return BackupResult(
            record: record, tools: nil, commands: [run.commandLine], backupSeconds: run.seconds, verifySeconds: nil,
            drill: nil, restorePoint: nil, commandOutput: run.stdout, warnings: [])
    }

    // MARK: Restore points

    /// `slipway-<release>-<UTC timestamp>-<id>`, at most 63 bytes (PostgreSQL's limit), unique per backup.
    static func restorePointName(release: String?, date: Date, id: Int64) -> String {
        let suffix = "-\(timestamp(date))-\(id)"
        let budget = max(0, 63 - "slipway-".utf8.count - suffix.utf8.count)
        let releasePart = String(fileSafe(release ?? "backup").prefix(budget))  // ASCII: characters are bytes
        return "slipway-" + releasePart + suffix
    }

    func createRestorePoint(
        _ request: BackupRequest, record: BackupRecord, secrets: BackupSecrets, _ connection: PostgresConnection
    ) async throws -> RestorePointReport {
        let name = Self.restorePointName(release: request.release, date: record.startedAt, id: record.id)
        do {
            let lsn = try await connection.query("SELECT pg_create_restore_point(\(name))::text AS lsn")[0]
                .decode("lsn", as: String.self)
            note("restore point \(name) at \(lsn)")
            return RestorePointReport(name: name, lsn: lsn, error: nil)
        } catch let error as PostgresError {
            let message = secrets.scrub(error.serverError?.message ?? error.message)
            let hint = Self.restorePointHint(message)
            if request.restorePoint == .required {
                throw BackupError(
                    .restorePointFailed, "could not create restore point \(name): \(message)", hint: hint,
                    backupID: record.id, underlying: error)
            }
            return RestorePointReport(name: name, lsn: nil, error: "\(message) (\(hint))")
        }
    }

    static func restorePointHint(_ message: String) -> String {
        let lower = message.lowercased()
        if lower.contains("permission denied") {
            return "GRANT EXECUTE ON FUNCTION pg_create_restore_point(text) TO the role, or make the restore point optional"
        }
        if lower.contains("wal level") {
            return "restore points need wal_level = replica or logical, and WAL archiving to be useful"
        }
        if lower.contains("recovery") {
            return "this server is a standby; restore points can only be created on the primary"
        }
        return "restore points are only useful with WAL archiving (point-in-time recovery)"
    }
}
