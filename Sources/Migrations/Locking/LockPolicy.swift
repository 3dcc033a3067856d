/// How long Slipway may wait for locks and what it does when it cannot get them.
///
/// Every value has a safe default; they correspond one to one to the keys of the `[lock]` section of
/// `slipway.toml` (`lock_timeout`, `statement_timeout`, `max_attempts`, `retry_deadline`, `backoff_initial`,
/// `backoff_max`, `concurrent_index_wait`, `concurrent_max_attempts`, `blocker_policy`, `blocker_grace`).
/// See `docs/lock-safety.md`.
public struct LockPolicy: Sendable, Hashable {
    /// What to do with the sessions that keep blocking a statement.
    public enum BlockerPolicy: String, Sendable, Hashable, CaseIterable {
        /// Name them in events and in the final error; never touch them (the default).
        case report
        /// After ``LockPolicy/blockerGrace``, cancel their running query (`pg_cancel_backend`). Does nothing
        /// to a session that is idle in a transaction: only ``terminate`` ends that.
        case cancel
        /// After ``LockPolicy/blockerGrace``, end their session (`pg_terminate_backend`).
        case terminate
    }

    /// How the wait before a retry is randomised.
    public enum Jitter: String, Sendable, Hashable, CaseIterable {
        /// Wait exactly the capped exponential delay.
        case none
        /// Wait a uniformly random time between zero and the capped delay ("full jitter", the default).
        case full
        /// Wait half the capped delay plus a random time up to the other half.
        case equal
    }

    /// `SET LOCAL lock_timeout` of every attempt: the longest one attempt waits for a lock, and so the
    /// longest that statements queued behind ours wait. Default 2 s. Values below 1 ms count as 1 ms (zero
    /// would disable the timeout).
    public var lockTimeout: Duration
    /// `SET LOCAL statement_timeout` of attempts that take an `ACCESS EXCLUSIVE` lock: the longest such a
    /// transaction may run (and so block everything) once it has the lock. Default 5 s.
    public var statementTimeout: Duration
    /// Attempts per statement, the first included. Default 10.
    public var maxAttempts: Int
    /// No attempt starts later than this after the first one. Default 5 minutes.
    public var retryDeadline: Duration
    /// The wait cap before the second attempt; doubles for each further attempt. Default 200 ms.
    public var backoffInitial: Duration
    /// The largest wait cap. Default 10 s.
    public var backoffMax: Duration
    /// How the wait is randomised. Default ``Jitter/full``.
    public var jitter: Jitter
    /// Session `lock_timeout` of `… CONCURRENTLY` statements: how long `CREATE INDEX CONCURRENTLY` may wait
    /// for each older transaction or lock. Default 30 minutes.
    public var concurrentIndexWait: Duration
    /// Attempts of a `… CONCURRENTLY` statement that failed for a transient reason (lock timeout, deadlock).
    /// Default 3.
    public var concurrentMaxAttempts: Int
    /// What to do with blocking sessions. Default ``BlockerPolicy/report``.
    public var blockerPolicy: BlockerPolicy
    /// How long a statement must have been blocked before ``blockerPolicy`` cancels or terminates. Default 30 s.
    public var blockerGrace: Duration
    /// How often the monitor session looks at a running `… CONCURRENTLY` statement. Default 1 s.
    public var concurrentPollInterval: Duration

    public init(
        lockTimeout: Duration = .seconds(2),
        statementTimeout: Duration = .seconds(5),
        maxAttempts: Int = 10,
        retryDeadline: Duration = .seconds(300),
        backoffInitial: Duration = .milliseconds(200),
        backoffMax: Duration = .seconds(10),
        jitter: Jitter = .full,
        concurrentIndexWait: Duration = .seconds(1800),
        concurrentMaxAttempts: Int = 3,
        blockerPolicy: BlockerPolicy = .report,
        blockerGrace: Duration = .seconds(30),
        concurrentPollInterval: Duration = .seconds(1)
    ) {
        self.lockTimeout = lockTimeout
        self.statementTimeout = statementTimeout
        self.maxAttempts = maxAttempts
        self.retryDeadline = retryDeadline
        self.backoffInitial = backoffInitial
        self.backoffMax = backoffMax
        self.jitter = jitter
        self.concurrentIndexWait = concurrentIndexWait
        self.concurrentMaxAttempts = concurrentMaxAttempts
        self.blockerPolicy = blockerPolicy
        self.blockerGrace = blockerGrace
        self.concurrentPollInterval = concurrentPollInterval
    }

    /// The wait before the next attempt after `failedAttempts` failed ones (1 for the wait before the
    /// second attempt): `cap = min(backoffMax, backoffInitial × 2^(failedAttempts − 1))`, then
    /// ``Jitter/none``: `cap`; ``Jitter/full``: `cap × unit`; ``Jitter/equal``: `cap / 2 + cap / 2 × unit`.
    ///
    /// - Parameter unit: a random number in `0..<1` (a parameter so the formula is testable).
    public func backoffDelay(afterFailedAttempts failedAttempts: Int, unit: Double) -> Duration {
        let cap = backoffCap(afterFailedAttempts: failedAttempts)
        let fraction = min(max(unit, 0), 1)
        switch jitter {
        case .none: return cap
        case .full: return cap * fraction
        case .equal: return cap / 2 + (cap / 2) * fraction
        }
    }

    /// The un-randomised cap of ``backoffDelay(afterFailedAttempts:unit:)``.
    public func backoffCap(afterFailedAttempts failedAttempts: Int) -> Duration {
        let exponent = min(max(failedAttempts - 1, 0), 40)
        let initial = max(backoffInitial, .zero)
        let ceiling = max(backoffMax, .zero)
        var cap = initial
        for _ in 0..<exponent {
            cap = cap * 2
            if cap >= ceiling { return ceiling }
        }
        return min(cap, ceiling)
    }

    /// The longest time the retry loop of one statement can take in the worst case (every attempt waits its
    /// full lock timeout and every backoff its full cap), ignoring ``retryDeadline``.
    public var worstCaseRetryDuration: Duration {
        let attempts = max(maxAttempts, 1)
        var total = lockTimeout * attempts
        for failed in stride(from: 1, to: attempts, by: 1) { total += backoffCap(afterFailedAttempts: failed) }
        return total
    }
}

extension Duration {
    /// Whole milliseconds, at least 1: the unit Slipway uses when it writes a timeout into SQL text
    /// (`SET LOCAL lock_timeout = '2000ms'`). Zero would mean "no timeout" to PostgreSQL.
    var postgresMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        let millis = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return max(millis, 1)
    }

    /// The value as a PostgreSQL setting literal: `'2000ms'`.
    var postgresSettingLiteral: String { "'\(postgresMilliseconds)ms'" }

    /// Seconds as a floating-point number.
    var secondsValue: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
