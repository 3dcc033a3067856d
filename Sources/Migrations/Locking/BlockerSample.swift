/// What a monitor session saw about a waiting backend.
struct BlockerSample: Sendable {
    /// `"public"."orders" (ACCESS EXCLUSIVE)`, `virtual transaction 4/12`, … — the lock the backend waits for.
    var waitingFor: String?
    /// The sessions blocking it.
    var blockers: [BlockingSession]
    /// `pg_stat_progress_create_index.phase`, for `CREATE INDEX` / `REINDEX`.
    var phase: String?
    var lockersDone: Int?
    var lockersTotal: Int?
}
