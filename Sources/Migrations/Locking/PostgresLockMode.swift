/// One of PostgreSQL's eight table-level lock modes, spelled as `LOCK TABLE` and the documentation spell
/// them (`ACCESS EXCLUSIVE`).
///
/// The cases are ordered from weakest to strongest. ``conflicts(with:)`` is the conflict table of the
/// PostgreSQL documentation ("Explicit Locking", table 13.2); the planner uses it to say which workload a
/// statement blocks, and the lock-safety executor uses it to find the sessions that hold a conflicting lock.
public enum PostgresLockMode: String, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
    /// Taken by `SELECT`.
    case accessShare = "ACCESS SHARE"
    /// Taken by `SELECT … FOR UPDATE/SHARE`.
    case rowShare = "ROW SHARE"
    /// Taken by `INSERT`, `UPDATE`, `DELETE`, `MERGE`.
    case rowExclusive = "ROW EXCLUSIVE"
    /// Taken by `VACUUM`, `ANALYZE`, `CREATE INDEX CONCURRENTLY`, `VALIDATE CONSTRAINT`, some `ALTER TABLE`.
    case shareUpdateExclusive = "SHARE UPDATE EXCLUSIVE"
    /// Taken by `CREATE INDEX` (without `CONCURRENTLY`).
    case share = "SHARE"
    /// Taken by `CREATE TRIGGER` and `ADD FOREIGN KEY` (on both tables).
    case shareRowExclusive = "SHARE ROW EXCLUSIVE"
    /// Taken by `REFRESH MATERIALIZED VIEW CONCURRENTLY`.
    case exclusive = "EXCLUSIVE"
    /// Taken by most `ALTER TABLE` forms, `DROP`, `TRUNCATE`, `VACUUM FULL`, `LOCK TABLE` without a mode.
    case accessExclusive = "ACCESS EXCLUSIVE"

    /// The name as written in `LOCK TABLE … IN <name> MODE` and in PostgreSQL's documentation.
    public var description: String { rawValue }

    /// Strength from 1 (`ACCESS SHARE`) to 8 (`ACCESS EXCLUSIVE`).
    public var level: Int {
        switch self {
        case .accessShare: 1
        case .rowShare: 2
        case .rowExclusive: 3
        case .shareUpdateExclusive: 4
        case .share: 5
        case .shareRowExclusive: 6
        case .exclusive: 7
        case .accessExclusive: 8
        }
    }

    public static func < (lhs: PostgresLockMode, rhs: PostgresLockMode) -> Bool { lhs.level < rhs.level }

    /// The spelling of `pg_locks.mode` (`AccessExclusiveLock`).
    public var pgLocksName: String {
        switch self {
        case .accessShare: "AccessShareLock"
        case .rowShare: "RowShareLock"
        case .rowExclusive: "RowExclusiveLock"
        case .shareUpdateExclusive: "ShareUpdateExclusiveLock"
        case .share: "ShareLock"
        case .shareRowExclusive: "ShareRowExclusiveLock"
        case .exclusive: "ExclusiveLock"
        case .accessExclusive: "AccessExclusiveLock"
        }
    }

    /// The mode named by a `pg_locks.mode` value (`RowExclusiveLock`), or nil for other lock kinds.
    public init?(pgLocksName: String) {
        guard let mode = Self.allCases.first(where: { $0.pgLocksName == pgLocksName }) else { return nil }
        self = mode
    }

    /// The modes this mode conflicts with (PostgreSQL documentation, table "Conflicting Lock Modes").
    public var conflictingModes: Set<PostgresLockMode> {
        switch self {
        case .accessShare:
            [.accessExclusive]
        case .rowShare:
            [.exclusive, .accessExclusive]
        case .rowExclusive:
            [.share, .shareRowExclusive, .exclusive, .accessExclusive]
        case .shareUpdateExclusive:
            [.shareUpdateExclusive, .share, .shareRowExclusive, .exclusive, .accessExclusive]
        case .share:
            [.rowExclusive, .shareUpdateExclusive, .shareRowExclusive, .exclusive, .accessExclusive]
        case .shareRowExclusive:
            [.rowExclusive, .shareUpdateExclusive, .share, .shareRowExclusive, .exclusive, .accessExclusive]
        case .exclusive:
            [.rowShare, .rowExclusive, .shareUpdateExclusive, .share, .shareRowExclusive, .exclusive, .accessExclusive]
        case .accessExclusive:
            Set(Self.allCases)
        }
    }

    /// Whether a session holding (or requesting) `self` and another holding `other` on the same table
    /// cannot both have their lock. The relation is symmetric.
    public func conflicts(with other: PostgresLockMode) -> Bool {
        conflictingModes.contains(other)
    }

    /// Whether this lock stops plain `SELECT`s (it conflicts with `ACCESS SHARE`).
    public var blocksReads: Bool { conflicts(with: .accessShare) }

    /// Whether this lock stops `INSERT`/`UPDATE`/`DELETE` (it conflicts with `ROW EXCLUSIVE`).
    public var blocksWrites: Bool { conflicts(with: .rowExclusive) }
}
