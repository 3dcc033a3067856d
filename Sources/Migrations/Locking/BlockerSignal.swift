/// A cancel or terminate the blocker policy sent to a blocking session.
public struct BlockerSignal: Sendable, Hashable, CustomStringConvertible {
    /// `cancel` (`pg_cancel_backend`) or `terminate` (`pg_terminate_backend`).
    public enum Action: String, Sendable, Hashable {
        case cancel, terminate
    }

    public var pid: Int32
    public var action: Action
    /// The server's answer: true when the signal was sent (false when the session no longer existed or the
    /// call was refused).
    public var delivered: Bool
    /// The session as it was seen when it was signalled.
    public var session: BlockingSession

    public init(pid: Int32, action: Action, delivered: Bool, session: BlockingSession) {
        self.pid = pid
        self.action = action
        self.delivered = delivered
        self.session = session
    }

    public var description: String {
        guard delivered else { return "could not \(action.rawValue) pid \(pid): it no longer exists" }
        if action == .cancel, session.state?.hasPrefix("idle in transaction") == true {
            return "sent a cancel to blocking session \(session); it is idle in a transaction, which a cancel does "
                + "not end (blocker_policy = \"terminate\" would)"
        }
        let verb = action == .cancel ? "cancelled the query of" : "terminated"
        return "\(verb) blocking session \(session)"
    }
}
