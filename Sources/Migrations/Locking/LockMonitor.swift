import PostgresClient

/// A second session that looks at Slipway's pinned session from outside: who blocks it (`pg_blocking_pids`,
/// `pg_locks`, `pg_stat_activity`), how a concurrent index build progresses
/// (`pg_stat_progress_create_index`), and — for the blocker policy — `pg_cancel_backend` /
/// `pg_terminate_backend`. Opened lazily; never holds a transaction open.
actor LockMonitor {
    private let configuration: ConnectionConfiguration
    private let onEvent: @Sendable (LockEvent) -> Void
    private var connection: PostgresConnection?
    private var reportedUnavailable = false

    init(configuration: ConnectionConfiguration, onEvent: @escaping @Sendable (LockEvent) -> Void) {
        self.configuration = configuration
        self.onEvent = onEvent
    }

    func close() async {
        await connection?.close()
        connection = nil
    }

    private func session() async -> PostgresConnection? {
        if let connection, await connection.isOpen { return connection }
        connection = nil
        do {
            let opened = try await PostgresConnection.connect(configuration)
            connection = opened
            return opened
        } catch {
            if !reportedUnavailable {
                reportedUnavailable = true
                onEvent(.monitorUnavailable(reason: "\(error)"))
            }
            return nil
        }
    }

    /// Runs a monitor query; nil (and one `monitorUnavailable` event) when it cannot.
    private func run(_ query: PostgresQuery) async -> PostgresResult? {
        guard let connection = await session() else { return nil }
        do {
            return try await connection.query(query, origin: "lock monitor")
        } catch {
            if !reportedUnavailable {
                reportedUnavailable = true
                onEvent(.monitorUnavailable(reason: "\(error)"))
            }
            if await !connection.isOpen { self.connection = nil }
            return nil
        }
    }

    /// The lock `pid` waits for and the sessions blocking it (empty when it is not waiting).
    func sample(pid: Int32, includeIndexProgress: Bool = false) async -> BlockerSample? {
        guard
            let waiting = await run(
                """
                SELECT l.locktype, l.mode, n.nspname, c.relname, l.virtualxid, l.transactionid::text AS xid,
                       l.relation::int8 AS relid, pg_blocking_pids(\(pid)) AS pids
                FROM (SELECT 1) AS one
                LEFT JOIN pg_locks l ON l.pid = \(pid) AND NOT l.granted
                LEFT JOIN pg_class c ON c.oid = l.relation
                LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
                LIMIT 1
                """),
            let row = waiting.first
        else { return nil }
        var pids = (try? row.decode("pids", as: [Int].self)).map { $0.map { Int32(truncatingIfNeeded: $0) } } ?? []
        var sample = BlockerSample(waitingFor: Self.describeWait(row), blockers: [])
        let relationOID = try? row.decode("relid", as: Int?.self)
        if includeIndexProgress,
            let progress = await run(
                """
                SELECT phase, lockers_total, lockers_done, current_locker_pid::int8 AS locker
                FROM pg_stat_progress_create_index WHERE pid = \(pid)
                """),
            let progressRow = progress.first
        {
            sample.phase = try? progressRow.decode("phase", as: String?.self)
            sample.lockersTotal = (try? progressRow.decode("lockers_total", as: Int?.self)) ?? nil
            sample.lockersDone = (try? progressRow.decode("lockers_done", as: Int?.self)) ?? nil
            if let locker = (try? progressRow.decode("locker", as: Int?.self)) ?? nil, locker > 0 {
                let lockerPID = Int32(truncatingIfNeeded: locker)
                if !pids.contains(lockerPID) { pids.append(lockerPID) }
            }
        }
        if !pids.isEmpty { sample.blockers = await sessions(pids: pids, relationOID: relationOID ?? nil) }
        return sample
    }

    /// Sessions other than `excluding` holding a granted lock on `target` that conflicts with `mode`
    /// (`pg_locks`): the fallback when the wait itself was not caught in the act.
    func conflictingHolders(target: RelationName, mode: PostgresLockMode, excluding pid: Int32) async -> [BlockingSession]
    {
        let modes = mode.conflictingModes.sorted().map(\.pgLocksName)
        guard
            let result = await run(
                """
                SELECT DISTINCT l.pid, c.oid::int8 AS relid
                FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                WHERE l.locktype = 'relation' AND l.granted AND l.pid <> \(pid)
                  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                  AND c.oid = to_regclass(\(target.description)) AND l.mode = ANY(\(modes, as: "text[]"))
                ORDER BY l.pid
                """)
        else { return [] }
        let pids = result.compactMap { try? $0.decode("pid", as: Int32.self) }
        let relationOID = result.first.flatMap { try? $0.decode("relid", as: Int.self) }
        guard !pids.isEmpty else { return [] }
        return await sessions(pids: pids, relationOID: relationOID)
    }

    /// `pg_stat_activity` for each pid, in the given order (pid 0, a prepared transaction, has no row).
    func sessions(pids: [Int32], relationOID: Int?) async -> [BlockingSession] {
        let list = pids.map(Int.init)
        guard
            let result = await run(
                """
                SELECT b.pid::int4 AS pid, a.usename::text AS usename, NULLIF(a.application_name, '') AS application_name,
                       CASE WHEN a.client_addr IS NOT NULL THEN host(a.client_addr) || ':' || a.client_port
                            WHEN a.client_port = -1 THEN 'local' END AS client,
                       a.state, a.query, a.backend_type,
                       EXTRACT(EPOCH FROM clock_timestamp() - a.xact_start)::float8 AS xact_seconds,
                       EXTRACT(EPOCH FROM clock_timestamp() - a.state_change)::float8 AS state_seconds,
                       a.wait_event_type || ':' || a.wait_event AS wait_event,
                       ARRAY(SELECT DISTINCT l.mode FROM pg_locks l
                             WHERE l.pid = b.pid AND l.granted AND l.locktype = 'relation'
                               AND l.relation::int8 = \(relationOID)) AS held
                FROM unnest(\(list, as: "int[]")) WITH ORDINALITY AS b(pid, ord)
                LEFT JOIN pg_stat_activity a ON a.pid = b.pid
                ORDER BY b.ord
                """)
        else { return pids.map { BlockingSession(pid: $0) } }
        return result.map { row in
            func text(_ column: String) -> String? { (try? row.text(column)) ?? nil }
            func seconds(_ column: String) -> Duration? {
                guard let value = (try? row.decode(column, as: Double?.self)) ?? nil else { return nil }
                return .milliseconds(Int64((value * 1000).rounded()))
            }
            let held = ((try? row.decode("held", as: [String].self)) ?? []).compactMap(PostgresLockMode.init(pgLocksName:))
            var query = text("query")
            if query == "<insufficient privilege>" { query = nil }
            return BlockingSession(
                pid: (try? row.decode("pid", as: Int32.self)) ?? 0, user: text("usename"),
                applicationName: text("application_name"), client: text("client"), state: text("state"),
                query: query, transactionAge: seconds("xact_seconds"), stateAge: seconds("state_seconds"),
                waitEvent: text("wait_event"), heldModes: held.sorted(), backendType: text("backend_type"))
        }
    }

    /// The outcome of asking the server to signal a session.
    enum SignalOutcome: Sendable {
        case delivered(Bool)
        case notPermitted(String)
        case failed(String)
    }

    /// `pg_cancel_backend(pid)` or `pg_terminate_backend(pid)`.
    func signal(pid: Int32, action: BlockerSignal.Action) async -> SignalOutcome {
        guard let connection = await session() else { return .failed("no monitor session") }
        let query: PostgresQuery =
            action == .cancel
            ? "SELECT pg_cancel_backend(\(pid)) AS ok" : "SELECT pg_terminate_backend(\(pid)) AS ok"
        do {
            let result = try await connection.query(query, origin: "lock monitor: blocker policy")
            return .delivered((try? result.first?.decode("ok", as: Bool.self)) ?? false)
        } catch let error as PostgresError where error.sqlState == .insufficientPrivilege {
            let detail = error.serverError?.detail.map { " (\($0))" } ?? ""
            return .notPermitted(error.message + detail)
        } catch {
            return .failed("\(error)")
        }
    }

    private static func describeWait(_ row: PostgresRow) -> String? {
        guard let type = (try? row.text("locktype")) ?? nil else { return nil }
        let rawMode = ((try? row.text("mode")) ?? nil) ?? ""
        let mode = PostgresLockMode(pgLocksName: rawMode)?.rawValue ?? rawMode
        switch type {
        case "relation":
            if let schema = (try? row.text("nspname")) ?? nil, let name = (try? row.text("relname")) ?? nil {
                return "\(RelationName(schema: schema, name: name)) (\(mode))"
            }
            return "a relation (\(mode))"
        case "virtualxid":
            let vxid = ((try? row.text("virtualxid")) ?? nil) ?? "?"
            return "older transaction \(vxid) to finish"
        case "transactionid":
            let xid = ((try? row.text("xid")) ?? nil) ?? "?"
            return "transaction \(xid) to finish (a row lock)"
        default:
            return "a \(type) lock (\(mode))"
        }
    }
}
