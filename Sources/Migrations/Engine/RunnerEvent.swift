/// Progress of a migration run, reported as it happens (the CLI prints it as text or JSON lines).
public struct RunnerEvent: Sendable, Codable, Hashable {
    /// `lock-acquired`, `step-started`, `step-done`, `retry`, `backfill-progress`, `phase`, `warning`…
    public var kind: String
    public var message: String
    public var durationMs: Double?
    public var figures: [String: String]

    public init(_ kind: String, _ message: String, durationMs: Double? = nil, figures: [String: String] = [:]) {
        self.kind = kind
        self.message = message
        self.durationMs = durationMs
        self.figures = figures
    }
}

/// How long a lock-taking statement may wait, and how often it is retried.
public struct LockSettings: Sendable, Hashable, Codable {
    /// `lock_timeout` of every lock-taking transaction, milliseconds.
    public var lockTimeoutMs: Int = 2000
    /// `statement_timeout` of ACCESS EXCLUSIVE statements, milliseconds.
    public var statementTimeoutMs: Int = 5000
    /// Attempts per statement before giving up.
    public var maxAttempts: Int = 10
    /// Total time for all attempts of one statement, milliseconds.
    public var retryDeadlineMs: Int = 300_000
    /// First backoff, doubled each retry (with jitter), capped at `backoffMaxMs`.
    public var backoffInitialMs: Int = 200
    public var backoffMaxMs: Int = 10_000
    /// `lock_timeout` of concurrent index builds (their wait for older transactions), milliseconds.
    public var concurrentIndexWaitMs: Int = 1_800_000
    /// Builds of one concurrent index before giving up (each failed build is dropped first).
    public var concurrentMaxAttempts: Int = 3
    /// `report`, `cancel` or `terminate` the sessions that keep blocking a statement.
    public var blockerPolicy: String = "report"
    /// How long a blocker may block before `cancel`/`terminate` acts, milliseconds.
    public var blockerGraceMs: Int = 30_000

    public init() {}
}
