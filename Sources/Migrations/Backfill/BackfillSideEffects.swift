import PostgresClient

/// What a backfill does besides computing the new columns: every backfilled row is an `UPDATE`, so it fires
/// the table's other row-level `UPDATE` triggers (audit, `updated_at`, NOTIFY/CDC), writes WAL and leaves a
/// dead tuple. The plan report and the backfill summary list these triggers.
public enum BackfillSideEffects {
    /// A user trigger that fires once per backfilled row.
    public struct RowTrigger: Sendable, Hashable, Codable {
        public var name: String
        /// The trigger function, schema-qualified.
        public var function: String
        /// `BEFORE` or `AFTER`.
        public var timing: String
        /// The trigger has a `WHEN` condition: it fires only for the rows that satisfy it.
        public var conditional: Bool
        /// The function's body mentions NOTIFY (`pg_notify`/`NOTIFY`): every row may send a notification.
        public var notifies: Bool

        public var description: String {
            "\(name) (\(timing.lowercased()), \(function)\(conditional ? ", when its condition holds" : "")\(notifies ? ", sends NOTIFY" : ""))"
        }
    }

    /// The enabled, non-internal, row-level `UPDATE` triggers of the table other than Slipway's own, that an
    /// `UPDATE` setting only the backfill marker fires (triggers `UPDATE OF` other columns do not fire).
    public static func rowTriggers(schema: String, table: String, on connection: PostgresConnection) async throws -> [RowTrigger] {
        let rows = try await connection.query(
            """
            SELECT t.tgname::text AS name, format('%I.%I', pn.nspname, p.proname) AS function,
                   CASE WHEN (t.tgtype & 2) <> 0 THEN 'BEFORE' ELSE 'AFTER' END AS timing,
                   t.tgqual IS NOT NULL AS conditional, p.prosrc ~* 'notify' AS notifies
            FROM pg_trigger t
            JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_namespace pn ON pn.oid = p.pronamespace
            WHERE n.nspname = \(schema) AND c.relname = \(table) AND NOT t.tgisinternal AND t.tgenabled <> 'D'
              AND (t.tgtype & 1) <> 0 AND (t.tgtype & 16) <> 0 AND t.tgname !~ '^_slipway_'
              AND (t.tgattr = ''::int2vector
                   OR EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum = ANY (t.tgattr)
                              AND a.attname = \(VersionPlanner.needsBackfillColumn)))
            ORDER BY t.tgname
            """)
        return try rows.map {
            RowTrigger(
                name: try $0.decode("name"), function: try $0.decode("function"), timing: try $0.decode("timing"),
                conditional: try $0.decode("conditional"), notifies: try $0.decode("notifies"))
        }
    }
}

/// A killed runner's backend that still holds the migration lock: PostgreSQL notices a vanished client only
/// when it next talks to it (or every `client_connection_check_interval` during a query, PG ≥ 14, which the
/// runner sets on its sessions). `slipway resume --terminate-orphan` ends such a backend.
public enum OrphanedRunner {
    public struct Holder: Sendable, Hashable {
        public var pid: Int32
        public var applicationName: String
        public var state: String
        public var user: String
    }

    /// The backend holding the session-level advisory lock `key` in this database, if any.
    static func holder(of key: String, on session: PostgresConnection) async throws -> Holder? {
        let rows = try await session.query(
            """
            SELECT a.pid, coalesce(a.application_name, '') AS app, coalesce(a.state, '') AS state, coalesce(a.usename::text, '') AS usr
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND a.pid <> pg_backend_pid()
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND ((l.classid::int8 << 32) | l.objid::int8) = hashtextextended(\(key), 0)
            """)
        guard let row = rows.first else { return nil }
        return Holder(
            pid: try row.decode("pid"), applicationName: try row.decode("app"), state: try row.decode("state"),
            user: try row.decode("usr"))
    }

    /// Terminates the holder of the lock when it is a Slipway runner's backend (application name
    /// `slipway …`), and waits up to 10 s for the lock to be released. Returns the terminated backend.
    static func terminate(key: String, on session: PostgresConnection) async throws -> Holder? {
        guard let holder = try await holder(of: key, on: session) else { return nil }
        guard holder.applicationName.hasPrefix("slipway") else {
            throw MigrationError(
                .busy,
                "the migration lock is held by pid \(holder.pid) (application \"\(holder.applicationName)\"), which is not a Slipway runner; not terminating it")
        }
        let terminated = try await session.query("SELECT pg_terminate_backend(\(Int(holder.pid))::int4) AS ok")[0].decode("ok", as: Bool.self)
        guard terminated else {
            throw MigrationError(.busy, "could not terminate the orphaned runner backend pid \(holder.pid)")
        }
        for _ in 0..<100 {
            if try await self.holder(of: key, on: session) == nil { return holder }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw MigrationError(.busy, "terminated pid \(holder.pid), but the migration lock is still held after 10 s")
    }
}
