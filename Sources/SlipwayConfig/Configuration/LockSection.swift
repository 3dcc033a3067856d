/// `[lock]`: how Slipway takes locks on a live database without queueing behind (and in front of) traffic.
public struct LockSection: Sendable, Hashable {
    /// The keys `[lock]` accepts.
    public static let keys = [
        "lock_timeout", "statement_timeout", "max_attempts", "retry_deadline", "backoff_initial",
        "backoff_max", "concurrent_index_wait", "concurrent_max_attempts", "blocker_policy", "blocker_grace",
    ]

    /// What to do about sessions that block a lock Slipway needs.
    public enum BlockerPolicy: String, Sendable, Hashable, CaseIterable {
        /// Report the blocking sessions (pid, user, application, query, age) and keep retrying.
        case report
        /// After `blocker_grace`, cancel the blockers' current statements (`pg_cancel_backend`).
        case cancel
        /// After `blocker_grace`, terminate the blockers' sessions (`pg_terminate_backend`).
        case terminate
    }

    /// `lock_timeout` for each DDL attempt (default 2s).
    public var lockTimeout: Duration = .seconds(2)
    /// `statement_timeout` for statements that hold ACCESS EXCLUSIVE (default 5s).
    public var statementTimeout: Duration = .seconds(5)
    /// How many times a statement that hit `lock_timeout` is tried in all (default 10).
    public var maxAttempts: Int = 10
    /// Give up retrying after this long, whatever the attempt count (default 5m).
    public var retryDeadline: Duration = .seconds(300)
    /// The first wait between attempts; doubles with jitter (default 200ms).
    public var backoffInitial: Duration = .milliseconds(200)
    /// The longest wait between attempts (default 10s).
    public var backoffMax: Duration = .seconds(10)
    /// How long `CREATE INDEX CONCURRENTLY` may wait and build before Slipway gives up (default 30m).
    public var concurrentIndexWait: Duration = .seconds(1800)
    /// What to do about blocking sessions (default `report`).
    public var blockerPolicy: BlockerPolicy = .report
    /// How long a blocker may keep blocking before `cancel`/`terminate` acts (default 30s).
    public var blockerGrace: Duration = .seconds(30)
    /// Builds of one concurrent index before giving up (`concurrent_max_attempts`).
    public var concurrentMaxAttempts: Int = 3

    /// The defaults.
    public init() {}
}
