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

        while true {
            var where_ = ""
            if let cursor {
                let bounds = zip(cursor.indices, spec.keyTypes).map { index, type in "$\(index + 1)::\(type)" }
                where_ = "WHERE \(keyRow) > (\(bounds.joined(separator: ", ")))"
            }
            let sql = """
                WITH batch AS (
                    SELECT \(keyList) FROM \(table) \(where_) ORDER BY \(keyList) LIMIT \(spec.batchSize)
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
            let (scanned, touched, last): (Int, Int, [String]?) = try await withLockRetry {
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
                            status = CASE WHEN \(scanned) < batch_size THEN 'done' ELSE status END, updated_at = now()
                        WHERE schema = \(spec.schema) AND version = \(version) AND table_name = \(spec.table)
                        """)
                    return (scanned, touched, last)
                }
            }
            batches += 1
            rowsDone += touched
            if let last { cursor = last }
            let now = ContinuousClock.now
            if now - lastReport > .seconds(1) || scanned < spec.batchSize {
                lastReport = now
                let elapsed = Double((now - started).components.seconds) + Double((now - started).components.attoseconds) / 1e18
                let rate = elapsed > 0 ? Double(rowsDone) / elapsed : 0
                events(RunnerEvent(
                    "backfill-progress",
                    "\(spec.table): \(rowsDone)/\(max(estimate, rowsDone)) rows, \(Int(rate)) rows/s, \(batches) batches",
                    figures: [
                        "table": spec.table, "rows_done": String(rowsDone), "rows_estimated": String(estimate),
                        "rate": String(Int(rate)),
                    ]))
            }
            if scanned < spec.batchSize { return }
            if spec.pauseMs > 0 { try await Task.sleep(for: .milliseconds(spec.pauseMs)) }
            try Task.checkCancellation()
        }
    }

    private func withLockRetry<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        var attempt = 0
        var backoff = lock.backoffInitialMs
        while true {
            attempt += 1
            do {
                return try await body()
            } catch let error as PostgresError where error.isLockTimeout && attempt < lock.maxAttempts {
                events(RunnerEvent("retry", "backfill batch of \(spec.table) hit a lock timeout; retrying in \(backoff) ms"))
                try await Task.sleep(for: .milliseconds(backoff))
                backoff = min(backoff * 2, lock.backoffMaxMs)
            }
        }
    }
}
