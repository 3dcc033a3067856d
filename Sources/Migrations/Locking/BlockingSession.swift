/// A session that stood in the way of one of Slipway's statements, as `pg_stat_activity` showed it.
///
/// Fields other sessions may not see are nil: without `pg_read_all_stats` (or being the same role), a
/// non-superuser sees another role's pid, user and application name but not its state, query or client.
public struct BlockingSession: Sendable, Hashable, CustomStringConvertible {
    /// The backend process id; 0 stands for a prepared transaction (see `pg_prepared_xacts`).
    public var pid: Int32
    /// The role (`usename`).
    public var user: String?
    /// `application_name`, nil when empty or not visible.
    public var applicationName: String?
    /// `client_addr:client_port`, `local` for a unix-socket client, nil when not visible.
    public var client: String?
    /// `active`, `idle in transaction`, … (nil when not visible).
    public var state: String?
    /// The session's current or last statement, as `pg_stat_activity.query` shows it (nil when not visible).
    public var query: String?
    /// How long the session's transaction has been open.
    public var transactionAge: Duration?
    /// How long the session has been in ``state``.
    public var stateAge: Duration?
    /// What the session itself waits for (`Lock:relation`, `Client:ClientRead`, …).
    public var waitEvent: String?
    /// The lock modes it holds (granted) on the relation Slipway waited for, strongest last.
    public var heldModes: [PostgresLockMode]
    /// `client backend`, `autovacuum worker`, …
    public var backendType: String?

    public init(
        pid: Int32, user: String? = nil, applicationName: String? = nil, client: String? = nil, state: String? = nil,
        query: String? = nil, transactionAge: Duration? = nil, stateAge: Duration? = nil, waitEvent: String? = nil,
        heldModes: [PostgresLockMode] = [], backendType: String? = nil
    ) {
        self.pid = pid
        self.user = user
        self.applicationName = applicationName
        self.client = client
        self.state = state
        self.query = query
        self.transactionAge = transactionAge
        self.stateAge = stateAge
        self.waitEvent = waitEvent
        self.heldModes = heldModes
        self.backendType = backendType
    }

    /// Whether this is a prepared transaction rather than a live session.
    public var isPreparedTransaction: Bool { pid == 0 }

    /// One line: `pid 4242 (user app, application "worker", idle in transaction for 5m12s: "UPDATE orders SET …")`.
    public var description: String {
        if isPreparedTransaction {
            return "a prepared transaction (see pg_prepared_xacts; COMMIT PREPARED or ROLLBACK PREPARED ends it)"
        }
        var parts: [String] = []
        if let user { parts.append("user \(user)") }
        if let applicationName { parts.append("application \"\(applicationName)\"") }
        if let backendType, backendType != "client backend" { parts.append(backendType) }
        var activity: String
        if let state {
            activity = state
            if let stateAge { activity += " for \(DurationFormatting.short(stateAge))" }
            if let transactionAge, let stateAge, transactionAge - stateAge >= .seconds(1) {
                activity += " (transaction open for \(DurationFormatting.short(transactionAge)))"
            }
        } else {
            activity = "state not visible"
        }
        if let query {
            activity += ": \"\(Self.excerpt(query, limit: 60))\""
        } else if state == nil {
            activity += " (grant pg_read_all_stats to see its query)"
        }
        parts.append(activity)
        return "pid \(pid) (\(parts.joined(separator: ", ")))"
    }

    /// Every field, one per line, indented by `indent`.
    public func detailedDescription(indent: String = "  ") -> String {
        var lines = ["\(indent)pid \(pid)\(isPreparedTransaction ? " (prepared transaction)" : "")"]
        func add(_ label: String, _ value: String?) {
            if let value { lines.append("\(indent)  \(label): \(value)") }
        }
        add("user", user)
        add("application", applicationName.map { "\"\($0)\"" })
        add("client", client)
        add("backend type", backendType)
        add("state", state)
        add("in state for", stateAge.map(DurationFormatting.short))
        add("transaction open for", transactionAge.map(DurationFormatting.short))
        add("waiting for", waitEvent)
        add("holds", heldModes.isEmpty ? nil : heldModes.map(\.rawValue).joined(separator: ", "))
        add("query", query.map { Self.excerpt($0, limit: 500) })
        return lines.joined(separator: "\n")
    }

    /// The query on one line, whitespace collapsed, cut at `limit` characters with `…`.
    static func excerpt(_ text: String, limit: Int) -> String {
        let oneLine = text.split(whereSeparator: { $0.isWhitespace || $0.isNewline }).joined(separator: " ")
        guard oneLine.count > limit else { return oneLine }
        var cut = String(oneLine.prefix(limit))
        if let space = cut.lastIndex(of: " "), cut.distance(from: cut.startIndex, to: space) > limit / 2 {
            cut = String(cut[..<space])
        }
        return cut + " …"
    }
}
