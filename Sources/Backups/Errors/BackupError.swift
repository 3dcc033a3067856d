/// An error raised by a backup operation: what went wrong, where, and what to do next.
///
/// Shaped like `ReleaseError` (and swift-nio's `FileSystemError`): a ``Code`` (a struct over a private enum,
/// so new codes are not a breaking change), a one-line ``message``, a ``hint``, and optional context (the
/// program that was run, its standard error, the file and the backup involved).
///
/// **No passwords.** Every text in the error has passed through ``BackupSecrets/scrub(_:)``: the password of
/// the connection string (and `PGPASSWORD`) is replaced by `***`, and command lines carry a password-free
/// connection string only.
public struct BackupError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. Compare with the `static let` values, e.g. `error.code == .checksumMismatch`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Value: String, Sendable {
            case connectionFailed = "connection_failed"
            case stateUnavailable = "state_unavailable"
            case toolMissing = "tool_missing"
            case toolTooOld = "tool_too_old"
            case directoryUnusable = "directory_unusable"
            case dumpFailed = "dump_failed"
            case archiveUnreadable = "archive_unreadable"
            case checksumMismatch = "checksum_mismatch"
            case fileMissing = "file_missing"
            case commandFailed = "command_failed"
            case restorePointFailed = "restore_point_failed"
            case drillFailed = "drill_failed"
            case restoreFailed = "restore_failed"
            case sameDatabase = "same_database"
            case notFound = "not_found"
            case notRestorable = "not_restorable"
            case invalidArgument = "invalid_argument"
        }
        fileprivate let value: Value
        fileprivate init(_ value: Value) { self.value = value }

        /// The database (source or restore target) could not be reached.
        public static let connectionFailed = Code(.connectionFailed)
        /// The `backups` table in the state schema could not be created, read or written.
        public static let stateUnavailable = Code(.stateUnavailable)
        /// No `pg_dump` / `pg_restore` was found.
        public static let toolMissing = Code(.toolMissing)
        /// The only `pg_dump` found is older than the server (pg_dump refuses to dump a newer server).
        public static let toolTooOld = Code(.toolTooOld)
        /// The backup directory cannot be created or written.
        public static let directoryUnusable = Code(.directoryUnusable)
        /// `pg_dump` exited with a non-zero status (no space left, lock wait timeout, permission denied, …).
        public static let dumpFailed = Code(.dumpFailed)
        /// Reading the whole archive back (`pg_restore -f /dev/null`) failed: the file is truncated or corrupt.
        public static let archiveUnreadable = Code(.archiveUnreadable)
        /// The file's SHA-256 differs from the one recorded when the backup was taken.
        public static let checksumMismatch = Code(.checksumMismatch)
        /// The backup file recorded for this backup does not exist any more.
        public static let fileMissing = Code(.fileMissing)
        /// The custom backup command exited with a non-zero status, did not start or timed out.
        public static let commandFailed = Code(.commandFailed)
        /// `pg_create_restore_point` failed and the request said the restore point is required.
        public static let restorePointFailed = Code(.restorePointFailed)
        /// The restore drill failed: the archive did not restore, or row counts differ from the source.
        public static let drillFailed = Code(.drillFailed)
        /// `pg_restore` into the target database failed (with `--single-transaction`, nothing was changed).
        public static let restoreFailed = Code(.restoreFailed)
        /// The restore target is the database the backup was taken from; refused without `force`.
        public static let sameDatabase = Code(.sameDatabase)
        /// No backup matches the id or release asked for.
        public static let notFound = Code(.notFound)
        /// The backup cannot be restored or verified by Slipway (taken by a custom command, or failed).
        public static let notRestorable = Code(.notRestorable)
        /// An argument is invalid (a retention of zero, a drill for a custom command, …).
        public static let invalidArgument = Code(.invalidArgument)

        /// The stable snake_case spelling used in JSON output.
        public var description: String { value.rawValue }

        /// The process exit code a CLI should use, following `docs/exit-codes.md`: 8 when a database could
        /// not be reached, 2 for a bad argument or a restore onto the source without `--force`, 1 otherwise.
        public var suggestedExitCode: Int32 {
            switch value {
            case .connectionFailed: return 8
            case .invalidArgument, .sameDatabase: return 2
            default: return 1
            }
        }
    }

    /// The kind of failure.
    public var code: Code
    /// One line saying what went wrong.
    public var message: String
    /// What to do next (may be empty).
    public var hint: String
    /// The program that failed, as a password-free command line (`pg_dump --format=custom …`).
    public var command: String?
    /// The failing program's standard error (or output), trimmed and scrubbed of secrets.
    public var standardError: String?
    /// The file involved, when there is one.
    public var path: String?
    /// The backup record involved, when there is one.
    public var backupID: Int64?
    /// The underlying error, when there is one (a ``PostgresClient/PostgresError`` — already password-free).
    public var underlying: (any Error & Sendable)?

    /// Creates an error.
    public init(
        _ code: Code, _ message: String, hint: String = "", command: String? = nil, standardError: String? = nil,
        path: String? = nil, backupID: Int64? = nil, underlying: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.message = message
        self.hint = hint
        self.command = command
        self.standardError = standardError
        self.path = path
        self.backupID = backupID
        self.underlying = underlying
    }

    /// One line: the message, then the hint.
    public var description: String {
        hint.isEmpty ? message : "\(message) (\(hint))"
    }

    /// Every field, one per line, for `--verbose`.
    public var detailedDescription: String {
        var lines = ["\(code): \(message)"]
        if !hint.isEmpty { lines.append("  hint: \(hint)") }
        if let backupID { lines.append("  backup: \(backupID)") }
        if let path { lines.append("  path: \(path)") }
        if let command { lines.append("  command: \(command)") }
        if let standardError, !standardError.isEmpty {
            lines.append("  stderr:")
            for line in standardError.split(separator: "\n", omittingEmptySubsequences: false) {
                lines.append("    \(line)")
            }
        }
        if let underlying { lines.append("  cause: \(underlying)") }
        return lines.joined(separator: "\n")
    }

    /// Returns a copy with every text scrubbed of `secrets`.
    func scrubbed(_ secrets: BackupSecrets) -> BackupError {
        var copy = self
        copy.message = secrets.scrub(message)
        copy.hint = secrets.scrub(hint)
        copy.command = command.map(secrets.scrub)
        copy.standardError = standardError.map(secrets.scrub)
        return copy
    }
}
