import Foundation

/// The row count of one table, in the source and in a restored copy.
public struct TableRowCount: Sendable, Codable, Hashable {
    /// `schema.table`, unquoted.
    public var table: String
    /// Rows in the source, counted in the same snapshot `pg_dump` read.
    public var source: Int64
    /// Rows after the restore (nil when the table is missing there).
    public var restored: Int64?
    /// Whether both counts agree.
    public var matches: Bool { restored == source }
}

/// What a restore drill found.
public struct DrillReport: Sendable, Codable, Hashable {
    /// `local PostgreSQL 15 (throwaway)` or the password-free target.
    public var target: String
    /// How long `pg_restore` took, in seconds: the measured recovery time objective.
    public var restoreSeconds: Double
    /// Every user table compared (the state schema's `backups` table, whose data is not dumped, is left out).
    public var tables: [TableRowCount]
    /// Whether the restore succeeded and every count matches.
    public var passed: Bool
    /// The tables whose counts differ.
    public var mismatches: [TableRowCount] { tables.filter { !$0.matches } }
}

/// What happened to the restore point.
public struct RestorePointReport: Sendable, Codable, Hashable {
    /// The name passed to `pg_create_restore_point` (`slipway-v1.4.0-20261123T101500Z-42`).
    public var name: String
    /// Its WAL location, when it was created.
    public var lsn: String?
    /// Why it could not be created (password-free), when it failed.
    public var error: String?
    /// Whether it was created.
    public var created: Bool { lsn != nil }
}

/// The result of ``BackupManager/create(_:)``.
public struct BackupResult: Sendable, Codable, Hashable {
    /// The record as stored (status `ok`).
    public var record: BackupRecord
    /// The `pg_dump` / `pg_restore` used (nil for a command backup).
    public var tools: DumpTools?
    /// The programs run, password-free (`pg_dump --format=custom --file=… --dbname=host='…' …`).
    public var commands: [String]
    /// Seconds spent in `pg_dump` (or in the command).
    public var backupSeconds: Double
    /// Seconds spent reading the archive back and hashing it.
    public var verifySeconds: Double?
    /// The restore drill's report, when one ran.
    public var drill: DrillReport?
    /// The restore point, when one was asked for.
    public var restorePoint: RestorePointReport?
    /// The command's standard output (scrubbed), for a command backup.
    public var commandOutput: String?
    /// Things worth knowing that did not fail the backup (an optional restore point that failed, …).
    public var warnings: [String]
}

/// The result of ``BackupManager/verify(_:)``.
public struct VerificationResult: Sendable, Codable, Hashable {
    /// The record after the verification was recorded.
    public var record: BackupRecord
    /// The SHA-256 computed now (equal to `record.sha256`).
    public var sha256: String
    /// The size now, in bytes.
    public var sizeBytes: Int64
    /// The `pg_restore` that read the archive back.
    public var tools: DumpTools
    /// Seconds spent.
    public var seconds: Double
}

/// The result of ``BackupManager/restore(_:to:force:noPrivileges:)``.
public struct RestoreResult: Sendable, Codable, Hashable {
    /// The backup restored.
    public var record: BackupRecord
    /// The target, password-free.
    public var target: String
    /// The `pg_restore` used.
    public var tools: DumpTools
    /// The program run, password-free.
    public var command: String
    /// Seconds `pg_restore` took.
    public var seconds: Double
    /// Whether the target is the backup's source database (only possible with `force`).
    public var sameDatabase: Bool
    /// How "same database" was decided (`system identifier and database name`, …).
    public var identityBasis: String
    /// Backup records preserved across a forced restore onto the source database.
    public var preservedRecords: Int
}

/// One backup removed (or, in a dry run, that would be removed) by ``BackupManager/prune(keepLast:keepDays:environment:dryRun:)``.
public struct PrunedBackup: Sendable, Codable, Hashable {
    public var record: BackupRecord
    /// Whether a file was deleted (false for a command backup, whose tool manages its own retention, or a
    /// file already gone).
    public var fileDeleted: Bool
    /// Why it was pruned (`beyond keep-last 3 and older than 14 days`, `failed`).
    public var reason: String
}

/// The result of ``BackupManager/prune(keepLast:keepDays:environment:dryRun:)``.
public struct PruneResult: Sendable, Codable, Hashable {
    /// Removed backups (or, in a dry run, the ones that would be).
    public var pruned: [PrunedBackup]
    /// Ids of the backups kept.
    public var kept: [Int64]
    /// Whether nothing was actually deleted.
    public var dryRun: Bool
    /// Bytes freed (or that would be).
    public var bytesFreed: Int64
}
