/// `[backup]`: the backup taken before a deploy, its verification and retention.
public struct BackupSection: Sendable, Hashable {
    /// The keys `[backup]` accepts.
    public static let keys = [
        "mode", "command", "directory", "keep_last", "keep_days", "verify", "restore_drill", "restore_point",
        "pg_dump_path",
    ]

    /// How the backup is taken.
    public enum Mode: String, Sendable, Hashable, CaseIterable {
        /// Built in: `pg_dump -Fc` into `directory`, verified by reading it back whole.
        case pgDump = "pg_dump"
        /// A shell command (pgBackRest, Barman, a cloud snapshot) given in `command`.
        case command
        /// No backup (an environment with `backup_required = true` then refuses to deploy).
        case none
    }

    /// How the backup is taken (`mode`, default `pg_dump`).
    public var mode: Mode = .pgDump
    /// The shell command for `mode = "command"` (`command`).
    public var command: String?
    /// Where `pg_dump` backups go (`directory`, default `backups`).
    public var directory: String = "backups"
    /// Keep at least the newest N backups (`keep_last`, default 10).
    public var keepLast: Int = 10
    /// Delete backups older than N days beyond `keep_last` (`keep_days`, default 30).
    public var keepDays: Int = 30
    /// Verify each backup by reading it back whole (`verify`, default true).
    public var verify: Bool = true
    /// Restore each backup into a throwaway database as a drill (`restore_drill`, default false).
    public var restoreDrill: Bool = false
    /// Create a named restore point (`pg_create_restore_point`) for PITR (`restore_point`, default false).
    public var restorePoint: Bool = false
    /// The `pg_dump` binary to use instead of the newest one found (`pg_dump_path`).
    public var pgDumpPath: String?

    /// The defaults.
    public init() {}
}
