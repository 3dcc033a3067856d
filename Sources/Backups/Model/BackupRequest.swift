import Foundation
import PostgresClient

/// What ``BackupManager/create(_:)`` should do.
public struct BackupRequest: Sendable {
    /// How to take the backup.
    public enum Method: Sendable, Hashable {
        /// `pg_dump --format=custom` into a file in `directory` (created, mode 0700, if missing).
        case pgDump(directory: String = "backups")
        /// Runs `shellCommand` with `/bin/sh -e -c` (a failing step fails the script), with the
        /// `SLIPWAY_BACKUP_*` environment variables; its exit
        /// status decides, and the last line of its standard output, when not empty, is recorded as the
        /// location. `directory` becomes `SLIPWAY_BACKUP_DIR` (created if missing).
        case command(_ shellCommand: String, directory: String = "backups")
    }

    /// Where a restore drill restores the new archive.
    public enum DrillTarget: Sendable, Hashable {
        /// A throwaway local cluster (``LocalPostgres/LocalPostgres``), started and removed by the drill.
        case localPostgres
        /// An existing, disposable database: its contents are **replaced** (`pg_restore --clean`).
        case database(ConnectionConfiguration)
    }

    /// Whether to create a named restore point for point-in-time recovery.
    public enum RestorePointMode: String, Sendable, Hashable, Codable {
        /// Do not create one.
        case none
        /// Try; a failure (no EXECUTE grant, `wal_level = minimal`, a standby) is reported as a warning.
        case optional
        /// Try; a failure fails the backup.
        case required
    }

    /// The release the backup belongs to (`v1.4.0`); part of the file name and of the restore point name.
    public var release: String?
    /// The environment (`production`).
    public var environment: String?
    public var method: Method
    /// Restore the archive somewhere disposable and compare row counts with the source (pg_dump only).
    public var drill: DrillTarget?
    public var restorePoint: RestorePointMode
    /// Use this `pg_dump` instead of searching (its `pg_restore` must be next to it).
    public var pgDumpPath: String?
    /// `pg_dump --lock-wait-timeout`: how long to wait for the table locks before giving up (nil: forever).
    public var lockWaitTimeout: Duration?
    /// The longest the dump, the read-back, the drill's restore or the command may take, each.
    public var timeout: Duration

    /// Creates a request; by default a `pg_dump` into `backups/`, no drill, no restore point.
    public init(
        release: String? = nil, environment: String? = nil, method: Method = .pgDump(), drill: DrillTarget? = nil,
        restorePoint: RestorePointMode = .none, pgDumpPath: String? = nil, lockWaitTimeout: Duration? = .seconds(60),
        timeout: Duration = .seconds(6 * 3600)
    ) {
        self.release = release
        self.environment = environment
        self.method = method
        self.drill = drill
        self.restorePoint = restorePoint
        self.pgDumpPath = pgDumpPath
        self.lockWaitTimeout = lockWaitTimeout
        self.timeout = timeout
    }
}

/// Which backup an operation is about.
public enum BackupSelector: Sendable, Hashable, CustomStringConvertible {
    /// The backup with this record id.
    case id(Int64)
    /// The newest `ok` backup of this release (in this environment, when given).
    case release(String, environment: String? = nil)

    public var description: String {
        switch self {
        case .id(let id): return "backup \(id)"
        case .release(let release, let environment):
            return "release \(release)" + (environment.map { " in environment \($0)" } ?? "")
        }
    }
}
