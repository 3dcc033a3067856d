import PostgresClient

/// A statement could not get its locks within the configured attempts or deadline.
///
/// Names the statement, the table and lock mode, how many attempts were made over how long, and the
/// sessions that blocked it (captured while the last attempts waited). Nothing of the statement was applied:
/// every attempt ran in its own transaction and was rolled back. The CLI maps it to exit code 4.
///
/// ```
/// could not lock "public"."orders" (ACCESS EXCLUSIVE) after 10 attempts in 31.2s: blocked by pid 4242 (user app, application "worker", idle in transaction for 5m12s: "UPDATE orders SET …")
/// ```
public struct LockTimeoutError: Error, Sendable, CustomStringConvertible {
    /// Why the retries stopped.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Kind: String, Sendable, Hashable {
            case attemptsExhausted = "attempts exhausted"
            case deadlineReached = "retry deadline reached"
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// Every one of ``LockPolicy/maxAttempts`` (or ``LockPolicy/concurrentMaxAttempts``) timed out.
        public static let attemptsExhausted = Code(.attemptsExhausted)
        /// The next attempt would have started after ``LockPolicy/retryDeadline``.
        public static let deadlineReached = Code(.deadlineReached)

        public var description: String { kind.rawValue }
    }

    /// Why the retries stopped.
    public var code: Code
    /// A short summary (`could not lock "public"."orders" (ACCESS EXCLUSIVE) after 10 attempts in 31.2s`).
    public var message: String
    /// The statement that could not get its lock.
    public var statement: String
    /// Where the statement came from (a migration file and operation), if known.
    public var origin: String?
    /// The table Slipway meant to lock, when the caller named it.
    public var target: RelationName?
    /// The lock mode the statement needs, when the caller named it.
    public var mode: PostgresLockMode?
    /// What the last attempt was seen waiting for (`relation "public"."orders" (AccessExclusiveLock)`).
    public var waitingFor: String?
    /// Attempts made.
    public var attempts: Int
    /// Time from the first attempt to giving up.
    public var elapsed: Duration
    /// The sessions that blocked the last attempt that saw any, in `pg_blocking_pids` order.
    public var blockers: [BlockingSession]
    /// Cancels and terminates the blocker policy sent, in order.
    public var signals: [BlockerSignal]
    /// The 55P03 error of the last attempt.
    public var underlying: PostgresError?

    public init(
        code: Code, statement: String, origin: String? = nil, target: RelationName? = nil,
        mode: PostgresLockMode? = nil, waitingFor: String? = nil, attempts: Int, elapsed: Duration,
        blockers: [BlockingSession], signals: [BlockerSignal] = [], underlying: PostgresError? = nil
    ) {
        self.code = code
        self.statement = statement
        self.origin = origin
        self.target = target
        self.mode = mode
        self.waitingFor = waitingFor
        self.attempts = attempts
        self.elapsed = elapsed
        self.blockers = blockers
        self.signals = signals
        self.underlying = underlying
        var what: String
        if let target {
            what = "could not lock \(target)" + (mode.map { " (\($0))" } ?? "")
        } else if let waitingFor, waitingFor.hasPrefix("\"") {
            what = "could not lock \(waitingFor)"
        } else if let waitingFor {
            what = "\"\(BlockingSession.excerpt(statement, limit: 60))\" gave up waiting for \(waitingFor)"
        } else {
            what = "could not get the locks for \"\(BlockingSession.excerpt(statement, limit: 60))\""
        }
        what += " after \(attempts) attempt\(attempts == 1 ? "" : "s") in \(DurationFormatting.short(elapsed))"
        if code == .deadlineReached { what += " (retry deadline reached)" }
        self.message = what
    }

    /// One line: the summary and the blockers.
    public var description: String {
        var text = message
        if blockers.isEmpty {
            text += ": the blocking sessions ended before they could be seen"
        } else {
            text += ": blocked by " + blockers.map(\.description).joined(separator: "; ")
        }
        if let origin { text += " (at \(origin))" }
        return text
    }

    /// Everything, one item per line, for `--verbose`: statement, origin, attempts, each blocker's fields,
    /// signals sent, the server's error and what to do next.
    public var detailedDescription: String {
        var lines = ["lock timeout (\(code)): \(message)"]
        lines.append("  statement: \(statement)")
        if let origin { lines.append("  origin: \(origin)") }
        if let waitingFor { lines.append("  waiting for: \(waitingFor)") }
        lines.append("  attempts: \(attempts) in \(DurationFormatting.short(elapsed))")
        if blockers.isEmpty {
            lines.append("  blockers: none seen (they ended before the monitor session looked)")
        } else {
            lines.append("  blockers:")
            for blocker in blockers { lines.append(blocker.detailedDescription(indent: "    ")) }
        }
        for signal in signals { lines.append("  \(signal.description)") }
        if let underlying { lines.append("  server: \(underlying.description)") }
        lines.append(
            "  next: end or wait for the blocking sessions and run again (nothing was applied), raise "
                + "[lock] max_attempts / retry_deadline, or set [lock] blocker_policy = \"cancel\" or \"terminate\"")
        return lines.joined(separator: "\n")
    }
}
