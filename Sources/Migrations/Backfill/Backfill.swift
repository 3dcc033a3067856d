import Foundation
import PostgresClient

/// Runtime tuning of the backfill, from `[backfill]` in slipway.toml and the run's flags (a migration file's
/// `backfill:` settings, persisted in the plan's ``BackfillSpec``, win over it).
public struct BackfillTuning: Sendable {
    /// Parallel range workers over the key (or page) space, each on its own connection.
    public var workers: Int = 1
    /// Hold back while a replica's `replay_lag` exceeds this, milliseconds (0 = not checked).
    public var maxReplicaLagMs: Int = 10_000
    /// Hold back while a replica's replay distance exceeds this many WAL bytes (0 = not checked).
    public var maxReplicaLagBytes: Int = 0
    /// Hold back while the latency probe (`SELECT 1`) takes longer than this, milliseconds (0 = not checked).
    public var maxProbeLatencyMs: Int = 250
    /// Wait between checks while throttled, milliseconds.
    public var throttleRecheckMs: Int = 500
    /// `VACUUM (ANALYZE)` the table every N batches (0 = never).
    public var vacuumEveryBatches: Int = 0
    /// The throttle's measurements; nil = ``PostgresBackfillProbe`` on each worker's connection.
    public var probe: (any BackfillProbe)? = nil
    /// A backfill connection that gets no reply for this long is considered lost (batches run under a 60 s
    /// `statement_timeout`, so a longer silence means the server or the network hangs), milliseconds.
    public var replyTimeoutMs: Int = 90_000

    public init() {}
}

/// A batched, resumable, throttled, optionally parallel backfill of one table.
///
/// Walks the key in order (primary key or UNIQUE NOT NULL key, composite keys included) up to the largest
/// key at start, or — for a table without such a key — the heap by ctid page ranges up to the page count at
/// start. Rows inserted later are covered by the dual-write trigger, so the walk never chases a sustained
/// insert load or its own updated rows. Each batch is one short transaction that touches the rows still
/// marked `_slipway_needs_backfill` (the dual-write trigger computes the new columns and clears the mark;
/// rows any client wrote since start are already unmarked and never overwritten; the key columns are never
/// written) and commits the cursor and counters in the state schema with it — a killed process loses at
/// most the batch in flight, and `resume` continues from the cursor.
///
/// With `workers > 1` the key space is split into ranges (from a sorted sample of the keys, or equal page
/// ranges), each walked by its own worker with its own connection and its own cursor row in
/// `backfill_ranges`.
///
/// The ctid walk remembers the table's file node: if the table was rewritten since (VACUUM FULL, CLUSTER, a
/// rewriting ALTER TABLE), page numbers mean nothing any more and the walk restarts from page 0 over the new
/// file. That is safe because a batch only touches rows still marked: rows already backfilled, or written by
/// any client since start, are unmarked and are neither counted nor overwritten — a restart re-reads pages,
/// it never rewrites a value.
struct Backfill: Sendable {
    var spec: BackfillSpec
    var version: String
    var stateSchema: String
    var lock: LockSettings
    /// For the parallel workers' and VACUUM's own connections.
    var connection: ConnectionConfiguration
    var tuning: BackfillTuning = BackfillTuning()
    var events: @Sendable (RunnerEvent) -> Void
    /// A clean-stop request, looked at before every batch (the batch in flight commits first).
    var stop: RunnerStop? = nil

    /// The walk of a table was invalidated by a table rewrite (ctid mode): restart it.
    struct RewriteDetected: Error {}

    /// One worker's share: a key range `[lower, upper)` (nil bounds are open), or a page range in ctid mode.
    struct WorkerRange: Sendable {
        /// nil: the single worker, whose cursor lives on the `backfills` row (layouts before 4 too).
        var worker: Int?
        var lower: [String]?
        var upper: [String]?
        var cursor: [String]?
        /// Finished in an earlier run.
        var done = false
    }

    var state: String { PostgresIdentifier.quote(stateSchema) }
    var table: String { PostgresIdentifier.qualified(spec.schema, spec.table) }
    var marker: String { PostgresIdentifier.quote(VersionPlanner.needsBackfillColumn) }
    var throttle: BackfillThrottle {
        BackfillThrottle(
            maxReplicaLagMs: spec.maxReplicaLagMs ?? tuning.maxReplicaLagMs, maxReplicaLagBytes: tuning.maxReplicaLagBytes,
            maxProbeLatencyMs: tuning.maxProbeLatencyMs, recheck: .milliseconds(max(1, tuning.throttleRecheckMs)))
    }

    /// Runs the backfill to the end. A lost connection (server restart or crash, `pg_terminate_backend`,
    /// network) ends it with a ``MigrationError`` that says so: every committed batch and its cursor are
    /// kept, the batch in flight is rolled back, and `slipway resume` continues from the cursor.
    func run(_ session: PostgresConnection) async throws {
        do {
            try await walkTable(session)
        } catch let error as PostgresError {
            guard await Self.isConnectionLoss(error, session) else { throw error }
            throw MigrationError(
                .execution,
                "lost the connection to the server during the backfill of \(table): \(error.description); "
                    + "the batches committed so far and their cursor are kept, the batch in flight was rolled back",
                hint: "once the server accepts connections again, `slipway resume` continues from the last committed batch; "
                    + "`slipway status` shows how far it got",
                underlying: error.detailedDescription)
        }
    }

    /// Whether `error` means the server went away (restart, crash, terminated backend) rather than a failed
    /// statement. PostgresClient reports a lost connection as `.connectionClosed`, also when libpq says so
    /// before it marks the session bad.
    static func isConnectionLoss(_ error: PostgresError, _ session: PostgresConnection) async -> Bool {
        if error.code == .connectionClosed || error.code == .connectionFailed { return true }
        if let state = error.sqlState { return [.adminShutdown, .crashShutdown, .cannotConnectNow].contains(state) }
        return !(await session.isOpen)
    }

    private func walkTable(_ session: PostgresConnection) async throws {
        let estimate = try await session.query(
            """
            SELECT greatest(c.reltuples, 0)::int8 AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = \(spec.schema) AND c.relname = \(spec.table)
            """).first?.decode("n", as: Int.self) ?? 0
        try await session.query(
            """
            INSERT INTO \(unsafeRaw: state).backfills (schema, version, table_name, rows_estimated, batch_size, wal_start)
            VALUES (\(spec.schema), \(version), \(spec.table), \(estimate), \(spec.batchSize),
                    CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn() END)
            ON CONFLICT (schema, version, table_name) DO NOTHING
            """)
        let progressRow = try await session.query(
            """
            SELECT cursor, rows_done, batches, status, relfilenode::int8 AS relfilenode, max_page, max_key FROM \(unsafeRaw: state).backfills
            WHERE schema = \(spec.schema) AND version = \(version) AND table_name = \(spec.table)
            """)[0]
        if try progressRow.decode("status", as: String.self) == "done" { return }
        var mainCursor = try progressRow.decode("cursor", as: [String]?.self)
        let rowsBefore: Int = try progressRow.decode("rows_done")
        let batchesBefore: Int = try progressRow.decode("batches")
        var ranges = try await loadRanges(session)
        let fresh = mainCursor == nil && rowsBefore == 0 && batchesBefore == 0 && ranges.isEmpty
        let triggers = try await BackfillSideEffects.rowTriggers(schema: spec.schema, table: spec.table, on: session)

        if fresh {
            // Empty tables skip the backfill entirely.
            let empty = try await session.query("SELECT NOT EXISTS (SELECT 1 FROM \(unsafeRaw: table)) AS empty")[0].decode("empty", as: Bool.self)
            if empty {
                try await markDone(session)
                events(RunnerEvent("backfill-skipped", "\(spec.table): the table is empty, nothing to backfill", figures: ["table": spec.table]))
                return
            }
            if !triggers.isEmpty {
                events(RunnerEvent(
                    "backfill-side-effects",
                    "\(spec.table): every backfilled row also fires \(triggers.map(\.description).joined(separator: ", "))",
                    figures: ["table": spec.table, "triggers": triggers.map(\.name).joined(separator: ",")]))
            }
        } else {
            events(RunnerEvent("backfill-resumed", "resuming the backfill of \(spec.table) after \(rowsBefore) rows"))
        }

        let progress = BackfillProgress(
            table: spec.table, estimate: estimate, rowsBefore: rowsBefore,
            vacuumEvery: spec.vacuumEveryBatches ?? tuning.vacuumEveryBatches, events: events)
        // The key walk stops at the largest key at start: rows inserted later are the triggers' (so the walk
        // never chases a sustained insert load).
        var ceiling = try progressRow.decode("max_key", as: [String]?.self)
        if !spec.usesCtid && ceiling == nil {
            let descending = spec.key.map { PostgresIdentifier.quote($0) + " DESC" }.joined(separator: ", ")
            let keyArray = "ARRAY[" + spec.key.map { PostgresIdentifier.quote($0) + "::text" }.joined(separator: ", ") + "]"
            ceiling = try await session.query(
                "SELECT \(unsafeRaw: keyArray) AS k FROM \(unsafeRaw: table) ORDER BY \(unsafeRaw: descending) LIMIT 1"
            ).first?.decode("k", as: [String].self)
            try await session.query(
                """
                UPDATE \(unsafeRaw: state).backfills SET max_key = \(ceiling)::text[]
                WHERE schema = \(spec.schema) AND version = \(version) AND table_name = \(spec.table)
                """)
        }
        let keyCeiling = ceiling
        var ctid: CtidBounds? = nil
        if spec.usesCtid {
            let stored = try progressRow.decode("relfilenode", as: Int?.self)
            let storedPages = try progressRow.decode("max_page", as: Int?.self)
            let current = try await CtidBounds.read(table, session)
            if let stored, let storedPages, stored == current.fileNode {
                ctid = CtidBounds(fileNode: stored, pages: storedPages, tuplesPerPage: current.tuplesPerPage)
            } else {
                if stored != nil {
                    events(RunnerEvent("backfill-rewrite", "\(spec.table) was rewritten since the backfill started; restarting its ctid walk from page 0"))
                    ranges = []
                }
                ctid = try await restartCtidWalk(session, current)
                mainCursor = nil
            }
        }
        if ranges.isEmpty, fresh || (spec.usesCtid && mainCursor == nil) {
            let requested = max(1, spec.workers ?? tuning.workers)
            if requested > 1 {
                ranges = try await split(into: requested, estimate: estimate, ctid: ctid, session)
            }
        }
        if ranges.isEmpty { ranges = [WorkerRange(worker: nil, cursor: mainCursor)] }

        // Run the workers; a table rewrite during a ctid walk restarts it over the new file.
        while true {
            do {
                try await runWorkers(ranges, session: session, progress: progress, ctid: ctid, ceiling: keyCeiling)
                break
            } catch is RewriteDetected {
                events(RunnerEvent("backfill-rewrite", "\(spec.table) was rewritten during the backfill; restarting its ctid walk from page 0"))
                let current = try await CtidBounds.read(table, session)
                ctid = try await restartCtidWalk(session, current)
                let count = ranges.count
                ranges = count > 1 ? try await split(into: count, estimate: estimate, ctid: ctid, session) : []
                if ranges.isEmpty { ranges = [WorkerRange(worker: nil)] }
            }
        }
        await progress.finish()
        try await markDone(session)
        let totals = try await session.query(
            """
            SELECT rows_done, batches, retries, throttled_ms,
                   CASE WHEN wal_start IS NULL OR pg_is_in_recovery() THEN NULL
                        ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), wal_start)::int8 END AS wal
            FROM \(unsafeRaw: state).backfills
            WHERE schema = \(spec.schema) AND version = \(version) AND table_name = \(spec.table)
            """)[0]
        let snapshot = await progress.snapshot()
        let rows: Int = try totals.decode("rows_done")
        let batches: Int = try totals.decode("batches")
        let retries: Int = try totals.decode("retries")
        let throttledMs: Int = try totals.decode("throttled_ms")
        let wal = try totals.decode("wal", as: Int?.self)
        let walText = wal.map { Self.bytes($0) } ?? "unknown"
        events(RunnerEvent(
            "backfill-summary",
            "\(spec.table): \(rows) rows in \(String(format: "%.1f", snapshot.elapsed)) s, \(batches) batches, \(ranges.count) worker(s), "
                + "\(retries) lock retries, throttled \(String(format: "%.1f", Double(throttledMs) / 1000)) s, "
                + "paused \(String(format: "%.1f", snapshot.paused)) s, WAL \(walText)"
                + (triggers.isEmpty ? "" : ", triggers fired per row: \(triggers.map(\.name).joined(separator: ", "))"),
            durationMs: snapshot.elapsed * 1000,
            figures: [
                "table": spec.table, "rows": String(rows), "batches": String(batches), "retries": String(retries),
                "workers": String(ranges.count), "throttled_s": String(format: "%.1f", Double(throttledMs) / 1000),
                "paused_s": String(format: "%.1f", snapshot.paused), "wal_bytes": wal.map(String.init) ?? "",
                "vacuums": String(snapshot.vacuums), "triggers": triggers.map(\.name).joined(separator: ","),
                "mode": spec.usesCtid ? "ctid" : "key",
            ]))
    }

    // MARK: State

    private func markDone(_ session: PostgresConnection) async throws {
        try await session.query(
            """
            UPDATE \(unsafeRaw: state).backfills SET status = 'done', throttle = NULL, updated_at = now()
            WHERE schema = \(spec.schema) AND version = \(version) AND table_name = \(spec.table)
            """)
    }

    private func loadRanges(_ session: PostgresConnection) async throws -> [WorkerRange] {
        let rows = try await session.query(
            """
            SELECT worker::int8 AS worker, lower_bound, upper_bound, cursor, status FROM \(unsafeRaw: state).backfill_ranges
            WHERE schema = \(spec.schema) AND version = \(version) AND table_name = \(spec.table) ORDER BY worker
            """)
        return try rows.map { row in
            // A finished range still counts as a worker (its loop ends at once): the worker count stays stable.
            WorkerRange(
                worker: try row.decode("worker", as: Int.self), lower: try row.decode("lower_bound", as: [String]?.self),
                upper: try row.decode("upper_bound", as: [String]?.self), cursor: try row.decode("cursor", as: [String]?.self),
                done: try row.decode("status", as: String.self) == "done")
        }
    }

    /// Points the ctid walk at the table's current file from page 0; forgets the worker ranges.
    private func restartCtidWalk(_ session: PostgresConnection, _ current: CtidBounds) async throws -> CtidBounds {
        try await session.transaction { tx in
            try await tx.query(
                """
                UPDATE \(unsafeRaw: state).backfills SET relfilenode = \(current.fileNode)::int8::oid, max_page = \(current.pages), cursor = NULL,
                       updated_at = now()
                WHERE schema = \(spec.schema) AND version = \(version) AND table_name = \(spec.table)
                """)
            try await tx.query(
                """
                DELETE FROM \(unsafeRaw: state).backfill_ranges
                WHERE schema = \(spec.schema) AND version = \(version) AND table_name = \(spec.table)
                """)
        }
        return current
    }

    /// Splits the walk into at most `count` ranges and records them (each with an empty cursor).
    private func split(into count: Int, estimate: Int, ctid: CtidBounds?, _ session: PostgresConnection) async throws -> [WorkerRange] {
        var bounds: [[String]] = []
        if let ctid {
            let workers = min(count, max(1, ctid.pages))
            bounds = (0...workers).map { [String(ctid.pages * $0 / workers)] }
            bounds[0] = []
            bounds[workers] = []
        } else {
            // Boundaries from a sorted sample of about 1,000 keys per worker.
            let keyList = spec.key.map(PostgresIdentifier.quote).joined(separator: ", ")
            let keyArray = "ARRAY[" + spec.key.map { PostgresIdentifier.quote($0) + "::text" }.joined(separator: ", ") + "]"
            let wanted = 1000 * count
            let percent = estimate > wanted ? max(0.001, min(100, 100 * Double(wanted) / Double(estimate))) : 100
            let sample = try await session.query(
                """
                SELECT \(unsafeRaw: keyArray) AS k FROM \(unsafeRaw: table) TABLESAMPLE BERNOULLI (\(unsafeRaw: String(format: "%.4f", percent)))
                ORDER BY \(unsafeRaw: keyList) LIMIT 100000
                """).map { try $0.decode("k", as: [String].self) }
            var inner: [[String]] = []
            if sample.count >= count {
                for index in 1..<count {
                    let boundary = sample[index * sample.count / count]
                    if inner.last != boundary { inner.append(boundary) }
                }
            }
            bounds = [[]] + inner + [[]]
        }
        guard bounds.count > 2 else { return [] }
        var ranges: [WorkerRange] = []
        for index in 0..<(bounds.count - 1) {
            let lower = bounds[index].isEmpty ? nil : bounds[index]
            let upper = bounds[index + 1].isEmpty ? nil : bounds[index + 1]
            ranges.append(WorkerRange(worker: index, lower: lower, upper: upper, cursor: nil))
        }
        let recorded = ranges
        try await session.transaction { tx in
            for range in recorded {
                try await tx.query(
                    """
                    INSERT INTO \(unsafeRaw: state).backfill_ranges (schema, version, table_name, worker, lower_bound, upper_bound)
                    VALUES (\(spec.schema), \(version), \(spec.table), \(range.worker ?? 0), \(range.lower)::text[], \(range.upper)::text[])
                    """)
            }
            try await tx.query(
                """
                UPDATE \(unsafeRaw: state).backfills SET workers = \(recorded.count), updated_at = now()
                WHERE schema = \(spec.schema) AND version = \(version) AND table_name = \(spec.table)
                """)
        }
        events(RunnerEvent(
            "backfill-workers", "\(spec.table): \(ranges.count) workers over \(ctid == nil ? "key" : "page") ranges",
            figures: ["table": spec.table, "workers": String(ranges.count)]))
        return ranges
    }

    // MARK: Workers

    private func runWorkers(
        _ ranges: [WorkerRange], session: PostgresConnection, progress: BackfillProgress, ctid: CtidBounds?, ceiling: [String]?
    ) async throws {
        if ranges.count == 1 {
            try await walk(ranges[0], session: session, progress: progress, ctid: ctid, ceiling: ceiling)
            return
        }
        // Workers resolve names as the runner's session does (the target schema first: a key whose type is an
        // enum in that schema is cast the same way).
        let searchPath: String = try await session.query("SELECT current_setting('search_path') AS path").first?.decode("path") ?? "public"
        try await withThrowingTaskGroup(of: Void.self) { group in
            for range in ranges where !range.done {
                group.addTask {
                    let worker = try await PostgresConnection.connect(
                        connection.with("application_name", "slipway backfill \(spec.table) worker \(range.worker ?? 0)"))
                    stop?.register(worker)
                    defer { stop?.unregister(worker) }
                    await worker.setReplyTimeout(.milliseconds(tuning.replyTimeoutMs))
                    do {
                        if worker.serverVersion >= 140000 {
                            try await worker.unsafeExecuteRaw("SET client_connection_check_interval = '2s'")
                        }
                        try await worker.query("SELECT set_config('search_path', \(searchPath), false) AS path")
                        try await walk(range, session: worker, progress: progress, ctid: ctid, ceiling: ceiling)
                        await worker.close()
                    } catch {
                        await worker.close()
                        throw error
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// One worker's loop over its range.
    private func walk(
        _ range: WorkerRange, session: PostgresConnection, progress: BackfillProgress, ctid: CtidBounds?, ceiling: [String]?
    ) async throws {
        if range.done { return }
        let worker = range.worker
        var cursor = range.cursor
        if let ctid, let page = cursor?.first.flatMap({ Int($0) }), page >= (range.upper?.first.flatMap { Int($0) } ?? ctid.pages) {
            return  // this range is finished
        }
        var batchSize = spec.batchSize
        let target = spec.targetBatchMs ?? 0
        let minimum = max(1, spec.minBatchSize ?? min(100, spec.batchSize))
        let maximum = max(minimum, spec.maxBatchSize ?? 50_000)
        let throttle = self.throttle
        let probe = tuning.probe ?? PostgresBackfillProbe(connection: session)
        var announcedPause = false

        while true {
            try stop?.check("between two batches of the backfill of \(spec.table) (every batch so far is committed)")
            // Live control from another terminal (`slipway backfill pause|resume|set`), read between batches.
            let control = try await session.query(
                """
                SELECT paused, requested_batch_size FROM \(unsafeRaw: state).backfills
                WHERE schema = \(spec.schema) AND version = \(version) AND table_name = \(spec.table)
                """)
            var fixedSize = false
            if let row = control.first {
                if try row.decode("paused", as: Bool.self) {
                    if !announcedPause {
                        await progress.announce(paused: true)
                        announcedPause = true
                    }
                    let pauseStarted = ContinuousClock.now
                    try await Task.sleep(for: .milliseconds(250))
                    await progress.addPaused(ContinuousClock.now - pauseStarted)
                    continue
                }
                if announcedPause {
                    await progress.announce(paused: false)
                    announcedPause = false
                }
                if let requested = try row.decode("requested_batch_size", as: Int?.self) {
                    fixedSize = true
                    if requested != batchSize {
                        await progress.announce(batchSize: requested)
                        batchSize = requested
                    }
                }
            }

            // Throttling: replica lag and the latency probe.
            let (throttled, _) = try await throttle.waitUntilClear(probe, onThrottle: { reason in
                if await progress.setThrottle(reason) {
                    _ = try? await session.query(
                        """
                        UPDATE \(unsafeRaw: state).backfills SET throttle = \(reason), updated_at = now()
                        WHERE schema = \(spec.schema) AND version = \(version) AND table_name = \(spec.table)
                        """)
                }
            })
            if throttled > .zero { await progress.addThrottled(throttled) }
            let wasThrottled = await progress.setThrottle(nil)

            let currentSize = batchSize
            let currentCursor = cursor
            let batchStarted = ContinuousClock.now
            let batch = try await withLockRetry { attempt in
                try await session.transaction { tx in
                    try await tx.unsafeExecuteRaw(
                        "SET LOCAL lock_timeout = '\(lock.lockTimeoutMs)ms'; SET LOCAL statement_timeout = '60s'")
                    let step = try await runBatch(tx, range: range, cursor: currentCursor, size: currentSize, ctid: ctid, ceiling: ceiling)
                    let rate = await progress.rate(adding: step.touched)
                    try await tx.query(
                        """
                        UPDATE \(unsafeRaw: state).backfills
                        SET rows_done = rows_done + \(step.touched), batches = batches + 1, batch_size = \(currentSize),
                            retries = retries + \(attempt - 1),
                            throttled_ms = throttled_ms + \(Int((Self.seconds(throttled) * 1000).rounded())),
                            rate = \(rate), throttle = CASE WHEN \(wasThrottled) THEN NULL ELSE throttle END,
                            cursor = CASE WHEN \(worker == nil) THEN coalesce(\(step.cursor)::text[], cursor) ELSE cursor END,
                            status = CASE WHEN \(worker == nil) AND \(step.done) THEN 'done' ELSE status END, updated_at = now()
                        WHERE schema = \(spec.schema) AND version = \(version) AND table_name = \(spec.table)
                        """)
                    if let worker {
                        try await tx.query(
                            """
                            UPDATE \(unsafeRaw: state).backfill_ranges
                            SET cursor = coalesce(\(step.cursor)::text[], cursor), rows_done = rows_done + \(step.touched),
                                batches = batches + 1, status = CASE WHEN \(step.done) THEN 'done' ELSE status END, updated_at = now()
                            WHERE schema = \(spec.schema) AND version = \(version) AND table_name = \(spec.table) AND worker = \(worker)
                            """)
                    }
                    return step
                }
            }
            let batchDuration = ContinuousClock.now - batchStarted
            if let next = batch.value.cursor { cursor = next }
            let vacuum = await progress.record(
                touched: batch.value.touched, retries: batch.attempts - 1, batchSize: currentSize, worker: worker ?? 0)
            if vacuum { await runVacuum(progress) }
            if batch.value.done { return }
            // Adapt toward the target batch duration (at most ×2 or ÷2 per batch), unless fixed by `backfill set`.
            if !fixedSize && target > 0 {
                let milliseconds = max(Self.seconds(batchDuration) * 1000, 1)
                let factor = min(2.0, max(0.5, Double(target) / milliseconds))
                batchSize = min(maximum, max(minimum, Int(Double(batchSize) * factor)))
            }
            if spec.pauseMs > 0 { try await Task.sleep(for: .milliseconds(spec.pauseMs)) }
            try Task.checkCancellation()
        }
    }

    struct BatchResult: Sendable {
        var touched: Int
        /// The new cursor (nil: unchanged).
        var cursor: [String]?
        var done: Bool
    }

    /// One batch inside the worker's transaction.
    private func runBatch(
        _ tx: isolated PostgresConnection, range: WorkerRange, cursor: [String]?, size: Int, ctid: CtidBounds?, ceiling: [String]?
    ) async throws -> BatchResult {
        if let ctid {
            let start = cursor?.first.flatMap { Int($0) } ?? range.lower?.first.flatMap { Int($0) } ?? 0
            let end = range.upper?.first.flatMap { Int($0) } ?? ctid.pages
            let pages = max(1, size / max(1, ctid.tuplesPerPage))
            let stop = min(start + pages, end)
            // TID range scan (PG ≥ 14): only the pages of this batch are read.
            let row = try await tx.query(
                """
                WITH touched AS (
                    UPDATE \(unsafeRaw: table) SET \(unsafeRaw: marker) = false
                    WHERE ctid >= '(\(unsafeRaw: String(start)),0)'::tid AND ctid < '(\(unsafeRaw: String(stop)),0)'::tid AND \(unsafeRaw: marker)
                    RETURNING 1
                )
                SELECT (SELECT count(*) FROM touched)::int8 AS touched, pg_relation_filenode(\(table)::regclass)::int8 AS node
                """)[0]
            // The UPDATE holds the table's lock now: the file node cannot change before commit.
            if try row.decode("node", as: Int.self) != ctid.fileNode { throw RewriteDetected() }
            return BatchResult(touched: try row.decode("touched"), cursor: [String(stop)], done: stop >= end)
        }
        let keyList = spec.key.map(PostgresIdentifier.quote).joined(separator: ", ")
        let keyRow = "(" + keyList + ")"
        let descending = spec.key.map { PostgresIdentifier.quote($0) + " DESC" }.joined(separator: ", ")
        let lastKey = "ARRAY[" + spec.key.map { PostgresIdentifier.quote($0) + "::text" }.joined(separator: ", ") + "]"
        let targetRow = "(" + spec.key.map { "target." + PostgresIdentifier.quote($0) }.joined(separator: ", ") + ")"
        let batchRow = "(" + spec.key.map { "batch." + PostgresIdentifier.quote($0) }.joined(separator: ", ") + ")"
        // (operator, bound) pairs; each applies to the batch's SELECT and, repeated, to the UPDATE's target.
        var conditions: [(String, String)] = []
        var parameters: [any PostgresEncodable] = []
        func bound(_ values: [String]) -> String {
            let placeholders = zip(values.indices, spec.keyTypes).map { index, type in "$\(parameters.count + index + 1)::\(type)" }
            parameters += values as [any PostgresEncodable]
            return "(" + placeholders.joined(separator: ", ") + ")"
        }
        if let cursor {
            conditions.append((">", bound(cursor)))
        } else if let lower = range.lower {
            conditions.append((">=", bound(lower)))
        }
        if let upper = range.upper {
            conditions.append(("<", bound(upper)))
        } else if let ceiling {
            conditions.append(("<=", bound(ceiling)))
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.map { "\(keyRow) \($0.0) \($0.1)" }.joined(separator: " AND ")
        // The same range on the UPDATE's side of the join: without it the planner may merge-join against an
        // index scan of the key from the table's first row, so a batch would cost more the further the cursor
        // is (a batch at row 800,000 of 1,000,000 read 810,001 index entries and took 4.7× as long).
        let targetRange = conditions.map { " AND \(targetRow) \($0.0) \($0.1)" }.joined()
        let sql = """
            WITH batch AS (
                SELECT \(keyList) FROM \(table) \(filter) ORDER BY \(keyList) LIMIT \(size)
            ), touched AS (
                UPDATE \(table) AS target SET \(marker) = false FROM batch
                WHERE \(targetRow) = \(batchRow)\(targetRange) AND target.\(marker)
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM batch)::int8 AS scanned, (SELECT count(*) FROM touched)::int8 AS touched,
                   (SELECT \(lastKey) FROM batch ORDER BY \(descending) LIMIT 1) AS last
            """
        let row = try await tx.query(PostgresQuery(sql, parameters: parameters))[0]
        let scanned: Int = try row.decode("scanned")
        return BatchResult(
            touched: try row.decode("touched"), cursor: try row.decode("last", as: [String]?.self), done: scanned < size)
    }

    /// `VACUUM (ANALYZE)` on its own connection (VACUUM cannot run in a transaction). A failure (for example a
    /// role that does not own the table) is reported once and stops further vacuums.
    private func runVacuum(_ progress: BackfillProgress) async {
        let started = ContinuousClock.now
        do {
            let vacuum = try await PostgresConnection.connect(connection.with("application_name", "slipway backfill vacuum"))
            do {
                try await vacuum.unsafeExecuteRaw("VACUUM (ANALYZE) \(table)")
                await vacuum.close()
            } catch {
                await vacuum.close()
                throw error
            }
            await progress.vacuumed()
            events(RunnerEvent(
                "backfill-vacuum", "\(spec.table): VACUUM (ANALYZE) in \(Int(Self.seconds(ContinuousClock.now - started) * 1000)) ms",
                figures: ["table": spec.table]))
        } catch {
            await progress.disableVacuum()
            events(RunnerEvent("warning", "\(spec.table): VACUUM failed, no further vacuums this run: \(error)"))
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func bytes(_ count: Int) -> String {
        let units = ["bytes", "kB", "MB", "GB", "TB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) bytes" : String(format: "%.1f %@", value, units[unit])
    }

    private func withLockRetry<T: Sendable>(_ body: (Int) async throws -> T) async throws -> (value: T, attempts: Int) {
        var attempt = 0
        var backoff = lock.backoffInitialMs
        while true {
            attempt += 1
            do {
                return (try await body(attempt), attempt)
            } catch let error as PostgresError
                where (error.isLockTimeout || error.sqlState == .deadlockDetected || error.sqlState == .serializationFailure)
                && attempt < lock.maxAttempts
            {
                // A deadlock with an application transaction aborts the batch (nothing of it committed): retry it.
                let reason = error.isLockTimeout ? "a lock timeout" : "a \(error.sqlState == .deadlockDetected ? "deadlock" : "serialization failure")"
                events(RunnerEvent("retry", "backfill batch of \(spec.table) hit \(reason); retrying in \(backoff) ms"))
                try await Task.sleep(for: .milliseconds(backoff))
                backoff = min(backoff * 2, lock.backoffMaxMs)
            }
        }
    }
}

/// The ctid walk's bound: the table's file node and its page count at start.
struct CtidBounds: Sendable {
    var fileNode: Int
    var pages: Int
    /// Estimated live rows per page, to turn a batch size in rows into pages.
    var tuplesPerPage: Int

    static func read(_ table: String, _ session: PostgresConnection) async throws -> CtidBounds {
        let row = try await session.query(
            """
            SELECT c.relkind::text AS kind, pg_relation_filenode(c.oid)::int8 AS node,
                   (pg_relation_size(c.oid) / current_setting('block_size')::int8)::int8 AS pages,
                   CASE WHEN c.relpages > 0 AND c.reltuples > 0 THEN ceil(c.reltuples / c.relpages)::int8 ELSE 50 END AS per_page
            FROM pg_class c WHERE c.oid = \(table)::regclass
            """)[0]
        guard try row.decode("kind", as: String.self) == "r" else {
            throw MigrationError(
                .invalidMigration, "\(table) is partitioned and has no primary key or UNIQUE NOT NULL key, which the backfill walks",
                hint: "add a primary key (with the partition key columns) first")
        }
        return CtidBounds(
            fileNode: try row.decode("node"), pages: try row.decode("pages"),
            tuplesPerPage: min(1000, max(1, try row.decode("per_page", as: Int.self))))
    }
}

/// Counters shared by the workers of one backfill, and the progress events.
actor BackfillProgress {
    let table: String
    let estimate: Int
    let rowsBefore: Int
    let vacuumEvery: Int
    let events: @Sendable (RunnerEvent) -> Void
    let started = ContinuousClock.now
    private var rowsThisRun = 0
    private var batches = 0
    private var retries = 0
    private var throttled = Duration.zero
    private var paused = Duration.zero
    private var throttleReason: String?
    private var pausedAnnounced = false
    private var batchSizes: [Int: Int] = [:]
    private var lastReport = ContinuousClock.now
    private var vacuums = 0
    private var vacuumDisabled = false

    init(table: String, estimate: Int, rowsBefore: Int, vacuumEvery: Int, events: @escaping @Sendable (RunnerEvent) -> Void) {
        self.table = table
        self.estimate = estimate
        self.rowsBefore = rowsBefore
        self.vacuumEvery = vacuumEvery
        self.events = events
    }

    struct Snapshot: Sendable {
        var elapsed: Double
        var paused: Double
        var vacuums: Int
    }

    func snapshot() -> Snapshot {
        Snapshot(elapsed: Backfill.seconds(ContinuousClock.now - started), paused: Backfill.seconds(paused), vacuums: vacuums)
    }

    /// Rows per second of this run, counting `touched` more rows.
    func rate(adding touched: Int) -> Double {
        let elapsed = Backfill.seconds(ContinuousClock.now - started)
        return elapsed > 0 ? Double(rowsThisRun + touched) / elapsed : 0
    }

    func addPaused(_ duration: Duration) { paused += duration }
    func addThrottled(_ duration: Duration) { throttled += duration }
    func vacuumed() { vacuums += 1 }
    func disableVacuum() { vacuumDisabled = true }

    /// Sets (or clears, with nil) the throttle state; returns whether it changed.
    func setThrottle(_ reason: String?) -> Bool {
        guard reason != throttleReason else { return false }
        let wasThrottled = throttleReason != nil
        throttleReason = reason
        if let reason, !wasThrottled {
            events(RunnerEvent("backfill-throttled", "\(table): holding back, \(reason)", figures: ["table": table, "throttle": reason]))
        }
        return true
    }

    func announce(paused: Bool) {
        guard paused != pausedAnnounced else { return }
        pausedAnnounced = paused
        events(paused
            ? RunnerEvent("backfill-paused", "\(table): paused by `slipway backfill pause`; waiting for `slipway backfill resume`")
            : RunnerEvent("backfill-resumed", "\(table): resumed"))
    }

    func announce(batchSize: Int) {
        events(RunnerEvent("backfill-batch-size", "\(table): batch size set to \(batchSize) by `slipway backfill set`"))
    }

    /// Counts a committed batch; emits a progress event at most once a second. Returns whether a VACUUM is due.
    func record(touched: Int, retries: Int, batchSize: Int, worker: Int) -> Bool {
        rowsThisRun += touched
        batches += 1
        self.retries += retries
        batchSizes[worker] = batchSize
        let now = ContinuousClock.now
        if now - lastReport > .seconds(1) {
            lastReport = now
            report()
        }
        return vacuumEvery > 0 && !vacuumDisabled && batches % vacuumEvery == 0
    }

    /// The last progress event (100%: the bar ends its line).
    func finish() { report(final: true) }

    private func report(final: Bool = false) {
        let elapsed = Backfill.seconds(ContinuousClock.now - started)
        let rate = elapsed > 0 ? Double(rowsThisRun) / elapsed : 0
        let done = rowsBefore + rowsThisRun
        let remaining = max(estimate - done, 0)
        let eta = final ? 0 : rate > 0 ? Double(remaining) / rate : 0
        let size = batchSizes.isEmpty ? 0 : batchSizes.values.reduce(0, +) / batchSizes.count
        let throttle = throttleReason ?? ""
        events(RunnerEvent(
            "backfill-progress",
            "\(table): \(done)/\(final ? done : max(estimate, done)) rows, \(Int(rate)) rows/s, batch \(size)"
                + (batchSizes.count > 1 ? " × \(batchSizes.count) workers" : "") + ", ETA \(Int(eta.rounded())) s"
                + (throttle.isEmpty ? "" : ", throttled: \(throttle)"),
            figures: [
                "table": table, "rows_done": String(done), "rows_estimated": String(final ? done : estimate),
                "rate": String(Int(rate)), "batch_size": String(size), "eta_s": String(Int(eta.rounded())),
                "workers": String(max(1, batchSizes.count)), "throttle": throttle,
                "throttled_s": String(format: "%.1f", Backfill.seconds(throttled)),
            ]))
    }
}
