/// `[backfill]`: how the batched backfill paces itself against live traffic.
public struct BackfillSection: Sendable, Hashable {
    /// The keys `[backfill]` accepts.
    public static let keys = [
        "batch_size", "min_batch_size", "max_batch_size", "target_batch_time", "workers",
        "pause_between_batches", "max_replica_lag", "max_replica_lag_bytes", "max_probe_latency", "vacuum_every_batches",
    ]

    /// Rows in the first batch (default 1000).
    public var batchSize: Int = 1000
    /// The adaptive batch size never goes below this (default 100).
    public var minBatchSize: Int = 100
    /// The adaptive batch size never goes above this (default 50000).
    public var maxBatchSize: Int = 50_000
    /// The batch size adapts so that one batch takes about this long (default 200ms).
    public var targetBatchTime: Duration = .milliseconds(200)
    /// Concurrent batch workers (default 1).
    public var workers: Int = 1
    /// Sleep between batches (default 0ms).
    public var pauseBetweenBatches: Duration = .zero
    /// Pause while any replica lags more than this (default 10s).
    public var maxReplicaLag: Duration = .seconds(10)
    /// Also pause while any replica's replay position is more than this many WAL bytes behind; 0 = not
    /// checked (default 0).
    public var maxReplicaLagBytes: Int = 0
    /// Slow down while the latency probe (a trivial query) takes longer than this (default 250ms).
    public var maxProbeLatency: Duration = .milliseconds(250)
    /// Run `VACUUM` on the table every N batches; 0 = never (default 0).
    public var vacuumEveryBatches: Int = 0

    /// The defaults.
    public init() {}
}
