/// Progress of the lock-safety executor, delivered to its event handler as it happens (so the CLI can print
/// progress lines or JSON). ``description`` is a line for people; ``kind`` a stable name for machines.
public enum LockEvent: Sendable, CustomStringConvertible {
    /// An attempt (1-based) of `statement` begins.
    case attemptStarted(attempt: Int, maxAttempts: Int, statement: String, target: RelationName?, mode: PostgresLockMode?)
    /// The attempt gave up waiting for a lock after `waited` (SQLSTATE 55P03) and was rolled back.
    case lockTimeout(attempt: Int, waited: Duration, message: String)
    /// The sessions that blocked the attempt, captured while it waited (may be empty when they could not be seen).
    case blockersReported(attempt: Int, waitingFor: String?, blockers: [BlockingSession])
    /// The next attempt starts after `delay`.
    case retrying(nextAttempt: Int, delay: Duration)
    /// The blocker policy signalled a blocking session; `delivered` is `pg_cancel_backend`'s or
    /// `pg_terminate_backend`'s answer (false when the session was already gone).
    case blockerSignalled(BlockerSignal)
    /// The blocker policy was not allowed to signal a session (needs `pg_signal_backend`, or superuser for a
    /// superuser's session); retrying continues.
    case blockerSignalNotPermitted(BlockerSignal, reason: String)
    /// A `… CONCURRENTLY` statement waits for older transactions or locks (`phase` from
    /// `pg_stat_progress_create_index` when the statement reports progress).
    case concurrentWaiting(statement: String, phase: String?, lockersDone: Int?, lockersTotal: Int?, blockers: [BlockingSession])
    /// An INVALID index left by a failed or interrupted concurrent build was dropped.
    case invalidIndexDropped(RelationName)
    /// The statement committed.
    case succeeded(attempts: Int, elapsed: Duration)
    /// The monitor session could not be opened or queried; blockers cannot be named.
    case monitorUnavailable(reason: String)

    /// A stable name for JSON output (`attempt_started`, `lock_timeout`, …).
    public var kind: String {
        switch self {
        case .attemptStarted: "attempt_started"
        case .lockTimeout: "lock_timeout"
        case .blockersReported: "blockers_reported"
        case .retrying: "retrying"
        case .blockerSignalled: "blocker_signalled"
        case .blockerSignalNotPermitted: "blocker_signal_not_permitted"
        case .concurrentWaiting: "concurrent_waiting"
        case .invalidIndexDropped: "invalid_index_dropped"
        case .succeeded: "succeeded"
        case .monitorUnavailable: "monitor_unavailable"
        }
    }

    public var description: String {
        switch self {
        case .attemptStarted(let attempt, let maxAttempts, let statement, let target, let mode):
            var text = "attempt \(attempt)/\(maxAttempts)"
            if let target { text += " to lock \(target)" }
            if let mode { text += " (\(mode))" }
            return text + ": \(BlockingSession.excerpt(statement, limit: 80))"
        case .lockTimeout(let attempt, let waited, let message):
            return "attempt \(attempt) timed out after \(DurationFormatting.short(waited)) waiting for a lock (\(message)); rolled back"
        case .blockersReported(_, let waitingFor, let blockers):
            let what = waitingFor.map { " for \($0)" } ?? ""
            if blockers.isEmpty { return "waited\(what); the blocking sessions ended before they could be seen" }
            return "waited\(what) behind " + blockers.map(\.description).joined(separator: "; ")
        case .retrying(let nextAttempt, let delay):
            return "retrying in \(DurationFormatting.short(delay)) (attempt \(nextAttempt))"
        case .blockerSignalled(let signal):
            return signal.description
        case .blockerSignalNotPermitted(let signal, let reason):
            return "not permitted to \(signal.action.rawValue) pid \(signal.pid): \(reason) — grant pg_signal_backend "
                + "to the migration role (a superuser's sessions can only be signalled by a superuser); still retrying"
        case .concurrentWaiting(let statement, let phase, let done, let total, let blockers):
            var text = "\(BlockingSession.excerpt(statement, limit: 60)) is waiting"
            if let phase { text += " (\(phase)" + (done.map { d in total.map { ", \(d)/\($0) done" } ?? "" } ?? "") + ")" }
            if blockers.isEmpty { return text }
            return text + " for " + blockers.map(\.description).joined(separator: "; ")
        case .invalidIndexDropped(let index):
            return "dropped INVALID index \(index) left by a failed concurrent build"
        case .succeeded(let attempts, let elapsed):
            return "done after \(attempts) attempt\(attempts == 1 ? "" : "s") in \(DurationFormatting.short(elapsed))"
        case .monitorUnavailable(let reason):
            return "cannot watch for blocking sessions: \(reason)"
        }
    }
}
