import Foundation
import PostgresClient

/// What a rehearsal saw, step by step, next to what the plan predicted.
public struct RehearsalReport: Sendable, Codable, Hashable {
    /// One comparison: a statement of a step (or a whole step when its SQL is built at run time).
    public struct Check: Sendable, Codable, Hashable {
        /// `start`, `complete` or `rollback`.
        public var phase: String
        /// The step's number in its phase (1-based, as the plan shows it).
        public var step: Int
        public var summary: String
        /// The statement compared (nil: the whole step).
        public var statement: String?
        /// Strongest lock per table the plan predicts, held once this statement ran (`public.orders` →
        /// `ACCESS EXCLUSIVE`); locks of earlier statements of the same transaction count (they are held).
        public var predictedLocks: [String: String]
        /// Strongest lock per table the server reported in `pg_locks` at the same point (nil: not observed).
        public var observedLocks: [String: String]?
        public var predictedRewrite: Bool
        /// Tables whose `relfilenode` changed during the statement.
        public var observedRewrites: [String]
        /// `match`, `differs`, `observed` (raw SQL: nothing predicted, the locks are shown) or `not-observed`.
        public var status: String
        public var note: String?
    }

    /// Where the rehearsal ran (`throwaway local cluster (PostgreSQL 15)`, `shadow database (PostgreSQL 16)`).
    public var server: String
    /// How the copy was made (`pg_dump --schema-only of the live database …`, `an empty database …`).
    public var copy: String
    public var checks: [Check]
    /// One line per difference between prediction and observation.
    public var differences: [String]
    /// What could not be observed or compared, said plainly.
    public var notes: [String]

    public init(server: String, copy: String, checks: [Check], differences: [String], notes: [String]) {
        self.server = server
        self.copy = copy
        self.checks = checks
        self.differences = differences
        self.notes = notes
    }
}

/// Applies a plan to a schema-only copy with the real ``MigrationRunner`` — start, rollback, start again,
/// complete — and reads what the server really did: the locks each statement holds (from `pg_locks`, by
/// `ddl_command_end` event triggers in the runner's own transaction), the tables rewritten (`relfilenode`
/// changes between `ddl_command_start` and `ddl_command_end`), and for `CREATE INDEX CONCURRENTLY`, whose
/// session lock is gone when its command ends, the locks sampled from a second session while the build
/// waits for an old snapshot a third session holds.
///
/// The database must be a copy: the rehearsal changes it. `admin` must be allowed to create event triggers
/// (a superuser).
public struct PlanRehearsal: Sendable {
    /// Superuser on the rehearsal database.
    public var admin: ConnectionConfiguration
    /// The runner, configured against the rehearsal database.
    public var runner: MigrationRunner
    public var server: String
    public var copy: String

    static let observerSchema = "_slipway_rehearsal"

    public init(admin: ConnectionConfiguration, runner: MigrationRunner, server: String, copy: String) {
        self.admin = admin
        self.runner = runner
        self.server = server
        self.copy = copy
    }

    struct LogRow {
        var id: Int
        var txid: Int
        var tag: String
        var query: String
        var locks: [String: String]
        var rewritten: [String]
    }

    struct Sample {
        var query: String
        var locks: [String: String]
    }

    /// Rehearses `plan` (made against the live or offline catalog), whose files are the next pending ones in
    /// the rehearsal database.
    /// - Throws: ``MigrationError`` when a phase fails on the copy (the error says which); ``PostgresError``
    ///   when the observer cannot be installed (not a superuser).
    public func run(plan: VersionPlan, context: StepImpact.Context) async throws -> RehearsalReport {
        let session = try await PostgresConnection.connect(admin.with("application_name", "slipway rehearsal observer"))
        defer { Task { await session.close() } }
        try await install(session)
        let sampler = CICSampler(admin: admin, schema: plan.schema)
        var phaseRows: [String: [LogRow]] = [:]
        var phaseSamples: [String: [Sample]] = [:]
        func marker() async throws -> Int {
            try await session.query("SELECT coalesce(max(id), 0)::int8 AS id FROM \(identifier: Self.observerSchema).log")[0].decode("id", as: Int.self)
        }
        var runError: (any Error)?
        do {
            try await sampler.start()
            for (phase, keep) in [("start", true), ("rollback", true), ("start again", false), ("complete", true)] {
                let before = try await marker()
                let samplesBefore = await sampler.count
                do {
                    switch phase {
                    case "rollback": _ = try await runner.rollback()
                    case "complete": _ = try await runner.complete()
                    default: _ = try await runner.start(files: plan.migrations)
                    }
                } catch let error as MigrationError {
                    throw MigrationError(
                        error.kind, "rehearsal on the \(server), \(phase): \(error.message)", origin: error.origin,
                        hint: error.hint, underlying: error.underlying)
                }
                if keep {
                    phaseRows[phase] = try await rows(session, after: before)
                    phaseSamples[phase] = Array(await sampler.samples.dropFirst(samplesBefore))
                }
            }
        } catch {
            runError = error
        }
        await sampler.stop()
        try? await uninstall(session)
        if let runError { throw runError }

        var checks: [RehearsalReport.Check] = []
        let phases: [(String, [MigrationStep])] = [
            ("start", plan.start), ("complete", plan.complete), ("rollback", plan.rollbackSteps(startCursor: plan.start.count)),
        ]
        for (phase, steps) in phases {
            checks += Self.compare(
                phase: phase, steps: steps, rows: phaseRows[phase] ?? [], samples: phaseSamples[phase] ?? [], schema: plan.schema,
                context: context)
        }
        var differences: [String] = []
        for check in checks where check.status == "differs" {
            var line = "\(check.phase) step \(check.step) (\(check.summary))"
            if let statement = check.statement { line += ", `\(Self.abbreviate(statement))`" }
            line += ": predicted \(Self.describe(check.predictedLocks))"
            line += check.predictedRewrite ? " with a rewrite" : ""
            line += ", observed \(Self.describe(check.observedLocks ?? [:]))"
            line += check.observedRewrites.isEmpty ? "" : " with a rewrite of \(check.observedRewrites.joined(separator: ", "))"
            differences.append(line)
        }
        var notes: [String] = []
        if checks.contains(where: { $0.status == "not-observed" }) {
            notes.append("steps marked not-observed could not be seen on a schema-only copy (a backfill has no rows to update)")
        }
        return RehearsalReport(server: server, copy: copy, checks: checks, differences: differences, notes: notes)
    }

    /// `ACCESS EXCLUSIVE on public.orders, ROW SHARE on public.customers`.
    public static func describe(_ locks: [String: String]) -> String {
        locks.isEmpty ? "no table lock" : locks.sorted { $0.key < $1.key }.map { "\($0.value) on \($0.key)" }.joined(separator: ", ")
    }

    /// The statement on one line, at most 90 characters.
    public static func abbreviate(_ statement: String) -> String {
        let line = statement.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        return line.count > 90 ? String(line.prefix(89)) + "…" : line
    }

    /// Strongest mode per table among `locks`, keeping only concrete tables (`schema.table`).
    static func strongest(_ locks: [StepImpact.Lock], into result: inout [String: String]) {
        for lock in locks where !lock.relation.hasPrefix("views of ") && !lock.relation.hasPrefix("table of ") && lock.relation.contains(".") {
            guard let mode = PostgresLockMode(rawValue: lock.mode) else { continue }
            if let current = result[lock.relation].flatMap(PostgresLockMode.init(rawValue:)), current >= mode { continue }
            result[lock.relation] = mode.rawValue
        }
    }

    static func compare(
        phase: String, steps: [MigrationStep], rows: [LogRow], samples: [Sample], schema: String, context: StepImpact.Context
    ) -> [RehearsalReport.Check] {
        // The event log grouped by transaction, in order.
        var groups: [[LogRow]] = []
        for row in rows {
            if let last = groups.last?.last, last.txid == row.txid { groups[groups.count - 1].append(row) } else { groups.append([row]) }
        }
        var cursor = 0
        var usedSamples = Set<Int>()
        func trimmed(_ text: String) -> String { text.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: ";"))) }
        func findGroup(_ matches: ([LogRow]) -> Bool) -> [LogRow]? {
            guard cursor < groups.count, let index = groups[cursor...].firstIndex(where: matches) else { return nil }
            cursor = index + 1
            return groups[index]
        }
        var checks: [RehearsalReport.Check] = []
        for (offset, step) in steps.enumerated() {
            let number = offset + 1
            func check(
                _ statement: String?, predicted: [String: String], observed: [String: String]?, predictedRewrite: Bool,
                rewrites: [String], note: String? = nil, nothingPredicted: Bool = false
            ) {
                let status: String
                if observed == nil {
                    status = "not-observed"
                } else if nothingPredicted {
                    status = "observed"
                } else {
                    status = observed == predicted && predictedRewrite == !rewrites.isEmpty ? "match" : "differs"
                }
                checks.append(RehearsalReport.Check(
                    phase: phase, step: number, summary: step.summary, statement: statement, predictedLocks: predicted,
                    observedLocks: observed, predictedRewrite: predictedRewrite, observedRewrites: rewrites, status: status, note: note))
            }
            let stepImpact = StepImpact.of(step, schema: schema, context: context)
            var stepPredicted: [String: String] = [:]
            strongest(stepImpact.locks, into: &stepPredicted)
            switch step.action {
            case .transaction(let statements, _):
                guard let first = statements.first,
                    let group = findGroup({ $0.first.map { trimmed($0.query) == trimmed(first) } ?? false })
                else {
                    check(nil, predicted: stepPredicted, observed: nil, predictedRewrite: stepImpact.rewrites, rewrites: [],
                          note: "no DDL event for this step")
                    continue
                }
                var predicted: [String: String] = [:]
                var rowIndex = 0
                var created: Set<String> = []
                for statement in statements {
                    let impact = StepImpact.of(statement: statement, context: context)
                    if statement.uppercased().hasPrefix("CREATE TABLE") { created.insert(StepImpact.name(in: statement, after: "CREATE TABLE ")) }
                    strongest(impact.locks.filter { !created.contains($0.relation) }, into: &predicted)
                    guard let found = group[rowIndex...].firstIndex(where: { trimmed($0.query) == trimmed(statement) }) else {
                        check(statement, predicted: predicted, observed: nil, predictedRewrite: impact.rewrites, rewrites: [],
                              note: "no DDL event for this statement")
                        continue
                    }
                    rowIndex = found
                    let row = group[found]
                    check(statement, predicted: predicted, observed: row.locks, predictedRewrite: impact.rewrites, rewrites: row.rewritten)
                }
            case .userSQL(let sql):
                if let group = findGroup({ $0.contains { trimmed($0.query) == trimmed(sql) } }) {
                    check(sql, predicted: [:], observed: group.last?.locks ?? [:], predictedRewrite: false,
                          rewrites: Array(Set(group.flatMap(\.rewritten))).sorted(), note: "raw SQL: the locks it really takes",
                          nothingPredicted: true)
                } else {
                    check(sql, predicted: [:], observed: nil, predictedRewrite: false, rewrites: [],
                          note: "no DDL event: the SQL changes data only, or did not run")
                }
            case .createVersionSchema(let spec):
                let group = findGroup { $0.contains { $0.tag == "CREATE SCHEMA" && $0.query.contains(spec.versionSchema) } }
                check(nil, predicted: stepPredicted, observed: group?.last?.locks, predictedRewrite: false,
                      rewrites: Array(Set(group?.flatMap(\.rewritten) ?? [])).sorted(), note: "statements built from the catalog at run time")
            case .installTrigger(let spec):
                let group = findGroup { $0.contains { $0.tag == "CREATE FUNCTION" && $0.query.contains(spec.functionName) } }
                check(nil, predicted: stepPredicted, observed: group?.last?.locks, predictedRewrite: false,
                      rewrites: Array(Set(group?.flatMap(\.rewritten) ?? [])).sorted(), note: "statements built from the catalog at run time")
            case .concurrent(let statement, _):
                if statement.uppercased().hasPrefix("CREATE") {
                    let index = samples.indices.first { !usedSamples.contains($0) && samples[$0].query.contains(trimmed(statement)) }
                    if let index { usedSamples.insert(index) }
                    check(statement, predicted: stepPredicted, observed: index.map { samples[$0].locks }, predictedRewrite: false, rewrites: [],
                          note: index == nil
                            ? "the build was not caught waiting (skipped, or finished before the sampler saw it)"
                            : "sampled from a second session while the build waited for an old snapshot")
                } else {
                    let group = findGroup { $0.contains { trimmed($0.query) == trimmed(statement) } }
                    let row = group?.last { trimmed($0.query) == trimmed(statement) }
                    check(statement, predicted: stepPredicted, observed: row?.locks, predictedRewrite: false, rewrites: row?.rewritten ?? [],
                          note: "locks held in the command's last transaction (the index itself: ACCESS EXCLUSIVE)")
                }
            case .backfill:
                check(nil, predicted: stepPredicted, observed: nil, predictedRewrite: false, rewrites: [],
                      note: "a schema-only copy has no rows: the backfill has nothing to update")
            }
        }
        return checks
    }

    // MARK: Observer

    func install(_ session: PostgresConnection) async throws {
        let schema = PostgresIdentifier.quoteLiteral(runner.schema)
        let observer = PostgresIdentifier.quote(Self.observerSchema)
        let tables = "SELECT c.oid, c.relfilenode, n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = \(schema) AND c.relkind IN ('r', 'p')"
        try await session.unsafeExecuteRaw(
            """
            DROP EVENT TRIGGER IF EXISTS _slipway_rehearsal_start;
            DROP EVENT TRIGGER IF EXISTS _slipway_rehearsal_end;
            DROP SCHEMA IF EXISTS \(observer) CASCADE;
            CREATE SCHEMA \(observer);
            CREATE TABLE \(observer).log (
                id bigserial PRIMARY KEY, txid bigint NOT NULL, tag text NOT NULL, query text NOT NULL,
                locks jsonb NOT NULL, rewritten text[] NOT NULL);
            CREATE FUNCTION \(observer).on_start() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER
            SET search_path = pg_catalog AS $slipway$
            BEGIN
                IF coalesce(current_setting('slipway_rehearsal.existing', true), '') = '' THEN
                    PERFORM set_config('slipway_rehearsal.existing',
                        coalesce((SELECT string_agg(t.oid::text, ',') FROM (\(tables)) t), '-'), true);
                END IF;
                PERFORM set_config('slipway_rehearsal.before',
                    coalesce((SELECT jsonb_object_agg(t.oid::text, jsonb_build_object('f', t.relfilenode, 'n', t.name))::text FROM (\(tables)) t), '{}'), true);
            END
            $slipway$;
            CREATE FUNCTION \(observer).on_end() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER
            SET search_path = pg_catalog AS $slipway$
            DECLARE
                existing text := coalesce(current_setting('slipway_rehearsal.existing', true), '');
                before jsonb := coalesce(nullif(current_setting('slipway_rehearsal.before', true), ''), '{}')::jsonb;
                held jsonb;
                rewritten text[];
            BEGIN
                -- Tables by their name when the statement started (a renamed or dropped table keeps it).
                SELECT coalesce(jsonb_object_agg(s.rel, s.modes), '{}') INTO held FROM (
                    SELECT coalesce(before -> l.relation::text ->> 'n', n.nspname || '.' || c.relname) AS rel,
                           jsonb_agg(DISTINCT l.mode) AS modes
                    FROM pg_locks l LEFT JOIN pg_class c ON c.oid = l.relation LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted
                      AND (before ? l.relation::text OR (n.nspname = \(schema) AND c.relkind IN ('r', 'p')))
                      AND (existing = '' OR l.relation::text = ANY (string_to_array(existing, ',')))
                    GROUP BY 1) s;
                SELECT coalesce(array_agg(n.nspname || '.' || c.relname ORDER BY n.nspname, c.relname), '{}') INTO rewritten
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind = 'r' AND before ? c.oid::text AND (before -> c.oid::text ->> 'f')::oid <> c.relfilenode;
                INSERT INTO \(observer).log (txid, tag, query, locks, rewritten)
                VALUES (txid_current(), tg_tag, current_query(), held, rewritten);
            END
            $slipway$;
            CREATE EVENT TRIGGER _slipway_rehearsal_start ON ddl_command_start EXECUTE FUNCTION \(observer).on_start();
            CREATE EVENT TRIGGER _slipway_rehearsal_end ON ddl_command_end EXECUTE FUNCTION \(observer).on_end();
            """)
    }

    func uninstall(_ session: PostgresConnection) async throws {
        try await session.unsafeExecuteRaw(
            """
            DROP EVENT TRIGGER IF EXISTS _slipway_rehearsal_start;
            DROP EVENT TRIGGER IF EXISTS _slipway_rehearsal_end;
            DROP SCHEMA IF EXISTS \(PostgresIdentifier.quote(Self.observerSchema)) CASCADE;
            """)
    }

    func rows(_ session: PostgresConnection, after id: Int) async throws -> [LogRow] {
        let result = try await session.query(
            "SELECT id, txid, tag, query, locks::text AS locks, array_to_string(rewritten, ',') AS rewritten FROM \(identifier: Self.observerSchema).log WHERE id > \(id) ORDER BY id")
        return try result.map { row in
            LogRow(
                id: try row.decode("id"), txid: try row.decode("txid"), tag: try row.decode("tag"), query: try row.decode("query"),
                locks: Self.strongest(json: try row.decode("locks")),
                rewritten: (try row.decode("rewritten", as: String.self)).split(separator: ",").map(String.init))
        }
    }

    /// `{"public.orders": ["AccessExclusiveLock", "ShareLock"]}` → `["public.orders": "ACCESS EXCLUSIVE"]`.
    static func strongest(json: String) -> [String: String] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: [String]] else { return [:] }
        var result: [String: String] = [:]
        for (relation, names) in object {
            if let mode = names.compactMap(PostgresLockMode.init(pgLocksName:)).max() { result[relation] = mode.rawValue }
        }
        return result
    }
}

/// Catches `CREATE INDEX CONCURRENTLY` holding its table lock: a *holder* session keeps an old snapshot
/// open, so every build waits for it after taking SHARE UPDATE EXCLUSIVE; a *sampler* session polls
/// `pg_locks` and, when a session waits on the holder, records its table locks and query, then lets the
/// holder go. Nothing else waits for snapshots, so no other statement is slowed.
///
/// Two holders take turns: the next one takes its snapshot before the caught one commits, so there is never a
/// moment without an old snapshot for the next build to wait for. Only sessions waiting on one of the two
/// holders are sampled (not, say, another database's builds on the same server).
actor CICSampler {
    let admin: ConnectionConfiguration
    let schema: String
    private(set) var samples: [PlanRehearsal.Sample] = []
    private var task: Task<Void, Never>?
    private var holders: [PostgresConnection] = []
    private var sampler: PostgresConnection?

    init(admin: ConnectionConfiguration, schema: String) {
        self.admin = admin
        self.schema = schema
    }

    var count: Int { samples.count }

    func start() async throws {
        let holders = [
            try await PostgresConnection.connect(admin.with("application_name", "slipway rehearsal snapshot holder")),
            try await PostgresConnection.connect(admin.with("application_name", "slipway rehearsal snapshot holder")),
        ]
        let sampler = try await PostgresConnection.connect(admin.with("application_name", "slipway rehearsal sampler"))
        try await holders[0].unsafeExecuteRaw("BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT 1")
        self.holders = holders
        self.sampler = sampler
        task = Task { await self.loop() }
    }

    private func record(_ sample: PlanRehearsal.Sample) { samples.append(sample) }

    private func loop() async {
        guard holders.count == 2, let sampler else { return }
        let holderPIDs = holders.map { Int($0.backendPID) }
        var current = 0
        while !Task.isCancelled {
            do {
                let result = try await sampler.query(
                    """
                    SELECT a.query, (
                        SELECT coalesce(jsonb_object_agg(s.rel, s.modes), '{}')::text FROM (
                            SELECT n.nspname || '.' || c.relname AS rel, jsonb_agg(DISTINCT l.mode) AS modes
                            FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
                            WHERE l.pid = a.pid AND l.locktype = 'relation' AND l.granted AND c.relkind IN ('r', 'p')
                              AND n.nspname = \(schema)
                            GROUP BY 1) s) AS locks
                    FROM pg_stat_activity a
                    WHERE a.pid <> pg_backend_pid() AND a.pid <> \(holderPIDs[0]) AND a.pid <> \(holderPIDs[1])
                      AND EXISTS (
                        SELECT 1 FROM pg_locks w JOIN pg_locks h ON h.locktype = 'virtualxid' AND h.virtualxid = w.virtualxid AND h.granted
                        WHERE w.pid = a.pid AND w.locktype = 'virtualxid' AND NOT w.granted AND h.pid IN (\(holderPIDs[0]), \(holderPIDs[1])))
                    """)
                if !result.isEmpty {
                    for row in result {
                        record(PlanRehearsal.Sample(
                            query: (try? row.decode("query", as: String.self)) ?? "",
                            locks: PlanRehearsal.strongest(json: (try? row.decode("locks", as: String.self)) ?? "{}")))
                    }
                    let next = 1 - current
                    try await holders[next].unsafeExecuteRaw("BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT 1")
                    try await holders[current].unsafeExecuteRaw("COMMIT")
                    current = next
                }
                try await Task.sleep(for: .milliseconds(3))
            } catch {
                if Task.isCancelled { break }
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    func stop() async {
        task?.cancel()
        _ = await task?.value
        for holder in holders {
            _ = try? await holder.unsafeExecuteRaw("ROLLBACK")
            await holder.close()
        }
        await sampler?.close()
    }
}
