import Foundation
import PostgresClient

/// A batched, resumable backfill of one table.
///
/// Walks the key in order, `batchSize` keys per batch. Each batch is one short transaction that touches the
/// rows still marked `_slipway_needs_backfill` (the dual-write trigger computes the new columns and clears
/// the mark; rows any client wrote since start are already unmarked and never overwritten) and commits the
/// key cursor and counters in `slipway.backfills` with it — a killed process loses at most the batch in
/// flight, and `resume` continues from the cursor.
struct Backfill: Sendable {
    var spec: BackfillSpec
    var version: String
    var stateSchema: String
    var lock: LockSettings
    var events: @Sendable (RunnerEvent) -> Void

    func run(_ session: PostgresConnection) async throws {
        let state = PostgresIdentifier.quote(stateSchema)
        let table = PostgresIdentifier.qualified(spec.schema, spec.table)
        let estimate = try await session.query(
            """
            SELECT greatest(c.reltuples, 0)::int8 AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = \(spec.schema) AND c.relname = \(spec.table)
            """).first?.decode("n", as: Int.self) ?? 0
        try await session.query(
            """
            INSERT INTO \(unsafeRaw: state).backfills (schema, version, table_name, rows_estimated, batch_size)
            VALUES (\(spec.schema), \(version), \(spec.table), \(estimate), \(spec.batchSize))
            ON CONFLICT (schema, version, table_name) DO NOTHING
            """)
        let progress = try await session.query(
            """
            SELECT cursor, rows_done, batches, status FROM \(unsafeRaw: state).backfills
            WHERE schema = \(spec.schema) AND version = \(version) AND table_name = \(spec.table)
            """)[0]
        if try progress.decode("status", as: String.self) == "done" { return }
        var cursor = try progress.decode("cursor", as: [String]?.self)
        var rowsDone: Int = try progress.decode("rows_done")
        if cursor != nil {
            events(RunnerEvent("backfill-resumed", "resuming the backfill of \(spec.table) after \(rowsDone) rows"))
        }

        let keyList = spec.key.map(PostgresIdentifier.quote).joined(separator: ", ")
        let keyRow = "(" + keyList + ")"
        let descending = spec.key.map { PostgresIdentifier.quote($0) + " DESC" }.joined(separator: ", ")
        let lastKey = "ARRAY[" + spec.key.map { PostgresIdentifier.quote($0) + "::text" }.joined(separator: ", ") + "]"
        let targetRow = "(" + spec.key.map { "target." + PostgresIdentifier.quote($0) }.joined(separator: ", ") + ")"
        let batchRow = "(" + spec.key.map { "batch." + PostgresIdentifier.quote($0) }.joined(separator: ", ") + ")"
        let marker = PostgresIdentifier.quote(VersionPlanner.needsBackfillColumn)
        let started = ContinuousClock.now
        var lastReport = started
        var batches = 0

        var batchSize = spec.batchSize
        let target = spec.targetBatchMs ?? 0
        let minimum = max(1, spec.minBatchSize ?? min(100, spec.batchSize))
        let maximum = max(minimum, spec.maxBatchSize ?? 50_000)
        var retries = 0
        var pausedFor = Duration.zero
        var announcedPause = false

        while true {
            // Live control from another terminal (`slipway backfill pause|resume|set`), read between batches.
            let control = try await session.query(
                """
                SELECT paused, requested_batch_size FROM \(unsafeRaw: state).backfills
                WHERE schema = \(spec.schema) AND version = \(version) AND table_name = \(spec.table)
                """)
            if let row = control.first {
                if try row.decode("paused", as: Bool.self) {
                    if !announcedPause {
                        events(RunnerEvent("backfill-paused", "\(spec.table): paused by `slipway backfill pause`; waiting for `slipway backfill resume`"))
                        announcedPause = true
                    }
                    let pauseStarted = ContinuousClock.now
                    try await Task.sleep(for: .milliseconds(250))
                    pausedFor += ContinuousClock.now - pauseStarted
                    continue
                }
                if announcedPause {
                    events(RunnerEvent("backfill-resumed", "\(spec.table): resumed"))
                    announcedPause = false
                }
                if let requested = try row.decode("requested_batch_size", as: Int?.self), requested != batchSize {
                    events(RunnerEvent("backfill-batch-size", "\(spec.table): batch size set to \(requested) by `slipway backfill set`"))
                    batchSize = requested
                }
            }
            let fixedSize = control.first.flatMap { try? $0.decode("requested_batch_size", as: Int?.self) } != nil

            var where_ = ""
            if let cursor {
                let bounds = zip(cursor.indices, spec.keyTypes).map { index, type in "$\(index + 1)::\(type)" }
                where_ = "WHERE \(keyRow) > (\(bounds.joined(separator: ", ")))"
            }
            let sql = """
                WITH batch AS (
                    SELECT \(keyList) FROM \(table) \(where_) ORDER BY \(keyList) LIMIT \(batchSize)
                ), touched AS (
                    UPDATE \(table) AS target SET \(marker) = false FROM batch
                    WHERE \(targetRow) = \(batchRow) AND target.\(marker)
                    RETURNING 1
                )
                SELECT (SELECT count(*) FROM batch)::int8 AS scanned, (SELECT count(*) FROM touched)::int8 AS touched,
                       (SELECT \(lastKey) FROM batch ORDER BY \(descending) LIMIT 1) AS last
                """
            let parameters: [any PostgresEncodable] = cursor ?? []
            let query = PostgresQuery(sql, parameters: parameters)
            let lockSettings = lock
            let spec = self.spec
            let version = self.version
            let currentSize = batchSize
            let batchStarted = ContinuousClock.now
            let (scanned, touched, last, attempts): (Int, Int, [String]?, Int) = try await withLockRetry {
                try await session.transaction { tx in
                    try await tx.unsafeExecuteRaw(
                        "SET LOCAL lock_timeout = '\(lockSettings.lockTimeoutMs)ms'; SET LOCAL statement_timeout = '60s'")
                    let row = try await tx.query(query)[0]
                    let scanned: Int = try row.decode("scanned")
                    let touched: Int = try row.decode("touched")
                    let last = try row.decode("last", as: [String]?.self)
                    try await tx.query(
                        """
                        UPDATE \(unsafeRaw: state).backfills
                        SET cursor = coalesce(\(last)::text[], cursor), rows_done = rows_done + \(touched), batches = batches + 1,
                            batch_size = \(currentSize),
                            status = CASE WHEN \(scanned) < \(currentSize) THEN 'done' ELSE status END, updated_at = now()
                        WHERE schema = \(spec.schema) AND version = \(version) AND table_name = \(spec.table)
                        """)
                    return (scanned, touched, last)
                }
            }
            retries += attempts - 1
            let batchDuration = ContinuousClock.now - batchStarted
            batches += 1
            rowsDone += touched
            if let last { cursor = last }
            let now = ContinuousClock.now
            if now - lastReport > .seconds(1) || scanned < currentSize {
                lastReport = now
                let elapsed = Self.seconds(now - started)
                let rate = elapsed > 0 ? Double(rowsDone) / elapsed : 0
                let remaining = max(estimate - rowsDone, 0)
                let eta = rate > 0 ? Double(remaining) / rate : 0
                events(RunnerEvent(
                    "backfill-progress",
                    "\(spec.table): \(rowsDone)/\(max(estimate, rowsDone)) rows, \(Int(rate)) rows/s, batch \(currentSize), ETA \(Int(eta.rounded())) s",
                    figures: [
                        "table": spec.table, "rows_done": String(rowsDone), "rows_estimated": String(estimate),
                        "rate": String(Int(rate)), "batch_size": String(currentSize), "eta_s": String(Int(eta.rounded())),
                    ]))
            }
            if scanned < currentSize {
                let total = Self.seconds(ContinuousClock.now - started)
                events(RunnerEvent(
                    "backfill-summary",
                    "\(spec.table): \(rowsDone) rows in \(String(format: "%.1f", total)) s, \(batches) batches, \(retries) lock retries, paused \(String(format: "%.1f", Self.seconds(pausedFor))) s",
                    durationMs: total * 1000,
                    figures: [
                        "table": spec.table, "rows": String(rowsDone), "batches": String(batches), "retries": String(retries),
                        "paused_s": String(format: "%.1f", Self.seconds(pausedFor)),
                    ]))
                return
            }
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

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private func withLockRetry<A: Sendable, B: Sendable, C: Sendable>(
        _ body: () async throws -> (A, B, C)
    ) async throws -> (A, B, C, Int) {
        var attempt = 0
        var backoff = lock.backoffInitialMs
        while true {
            attempt += 1
            do {
                let (a, b, c) = try await body()
                return (a, b, c, attempt)
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
