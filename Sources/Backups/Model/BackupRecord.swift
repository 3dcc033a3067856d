import Foundation

/// One row of `<state schema>.backups`: a backup taken (or attempted) against a release and environment.
public struct BackupRecord: Sendable, Codable, Hashable, Identifiable {
    /// How the backup was taken.
    public enum Kind: String, Sendable, Codable, Hashable {
        /// Slipway's built-in `pg_dump --format=custom`.
        case pgDump = "pg_dump"
        /// A configured command (pgBackRest, Barman, a volume snapshot, …).
        case command
    }

    /// Where the backup stands.
    public enum Status: String, Sendable, Codable, Hashable {
        /// Taken, but not finished yet (or the process taking it died: the row stays `running`).
        case running
        /// Taken and, for `pg_dump`, verified by reading the whole archive back.
        case ok
        /// Failed; ``BackupRecord/error`` says why.
        case failed
    }

    /// The record's id (`SLIPWAY_BACKUP_ID` for a command).
    public var id: Int64
    /// The release the backup was taken for (`v1.4.0`), if any.
    public var release: String?
    /// The environment (`production`), if any.
    public var environment: String?
    public var kind: Kind
    public var status: Status
    /// The archive's absolute path (`pg_dump`), or what the command reported on its last output line.
    public var location: String?
    /// The archive's size in bytes (for a command: the size of a local file or directory it reported).
    public var sizeBytes: Int64?
    /// The archive's SHA-256, lowercase hex (for a command: when it reported a local file).
    public var sha256: String?
    /// The `pg_dump` that wrote the archive.
    public var pgDumpPath: String?
    /// Its version (`15.18`).
    public var pgDumpVersion: String?
    /// The server's version (`15.18`).
    public var serverVersion: String?
    /// The database that was backed up (`current_database()`).
    public var database: String
    public var startedAt: Date
    public var finishedAt: Date?
    /// When the archive was last read back in full.
    public var verifiedAt: Date?
    /// Whether the last read-back (and checksum comparison) succeeded. Always false for a command backup,
    /// whose own tool verifies it.
    public var verified: Bool
    /// The restore drill's outcome: nil when no drill ran.
    public var restoreDrill: Bool?
    /// How long the drill's restore took, in seconds (the measured recovery time).
    public var drillSeconds: Double?
    /// The name given to `pg_create_restore_point`, when one was created.
    public var restorePoint: String?
    /// The WAL location of the restore point (`0/3000090`).
    public var restorePointLSN: String?
    /// The database role that took the backup (`current_user`).
    public var actor: String
    /// The operating-system user.
    public var osUser: String?
    /// The machine the backup was taken from.
    public var host: String?
    /// Why the backup failed (password-free).
    public var error: String?
}
