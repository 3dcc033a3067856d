/// How a lock-safe operation went.
public struct LockRunSummary: Sendable, Hashable {
    /// Attempts made, the successful one included.
    public var attempts: Int
    /// Time from the first attempt's start to the commit.
    public var elapsed: Duration

    public init(attempts: Int, elapsed: Duration) {
        self.attempts = attempts
        self.elapsed = elapsed
    }
}
