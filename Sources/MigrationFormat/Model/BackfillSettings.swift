/// Backfill tuning (Slipway extension): the `backfill` object at the top level of a migration (defaults
/// for all its operations) or inside an operation that backfills (`add_column`, `alter_column`,
/// `drop_column`, `create_constraint`, `drop_constraint`, `drop_multicolumn_constraint`).
///
/// Every field is optional; an absent field falls back to the operation → migration → configuration →
/// built-in default chain (see ``merged(over:)``).
///
/// File keys: `batch_size`, `target_batch_ms`, `min_batch_size`, `max_batch_size`, `workers`,
/// `pause_between_batches_ms`, `vacuum_every_batches`, `max_replica_lag_ms`.
public struct BackfillSettings: Sendable, Equatable, Hashable, Codable {
    /// Rows per batch to start with (≥ 1).
    public var batchSize: Int?
    /// Target duration of one batch in milliseconds; the batch size adapts toward it (≥ 1).
    public var targetBatchMs: Int?
    /// Lower bound of the adaptive batch size (≥ 1).
    public var minBatchSize: Int?
    /// Upper bound of the adaptive batch size (≥ 1, ≥ `min_batch_size`).
    public var maxBatchSize: Int?
    /// Parallel workers over key ranges (≥ 1).
    public var workers: Int?
    /// Sleep between batches in milliseconds (≥ 0).
    public var pauseBetweenBatchesMs: Int?
    /// Run `VACUUM` on the table every N batches (≥ 0; 0 = never).
    public var vacuumEveryBatches: Int?
    /// Pause while any replica lags more than this many milliseconds (≥ 1).
    public var maxReplicaLagMs: Int?

    /// Creates backfill settings.
    public init(
        batchSize: Int? = nil, targetBatchMs: Int? = nil, minBatchSize: Int? = nil, maxBatchSize: Int? = nil,
        workers: Int? = nil, pauseBetweenBatchesMs: Int? = nil, vacuumEveryBatches: Int? = nil,
        maxReplicaLagMs: Int? = nil
    ) {
        self.batchSize = batchSize
        self.targetBatchMs = targetBatchMs
        self.minBatchSize = minBatchSize
        self.maxBatchSize = maxBatchSize
        self.workers = workers
        self.pauseBetweenBatchesMs = pauseBetweenBatchesMs
        self.vacuumEveryBatches = vacuumEveryBatches
        self.maxReplicaLagMs = maxReplicaLagMs
    }

    /// These settings with every absent field taken from `fallback`.
    public func merged(over fallback: BackfillSettings?) -> BackfillSettings {
        guard let fallback else { return self }
        return BackfillSettings(
            batchSize: batchSize ?? fallback.batchSize,
            targetBatchMs: targetBatchMs ?? fallback.targetBatchMs,
            minBatchSize: minBatchSize ?? fallback.minBatchSize,
            maxBatchSize: maxBatchSize ?? fallback.maxBatchSize,
            workers: workers ?? fallback.workers,
            pauseBetweenBatchesMs: pauseBetweenBatchesMs ?? fallback.pauseBetweenBatchesMs,
            vacuumEveryBatches: vacuumEveryBatches ?? fallback.vacuumEveryBatches,
            maxReplicaLagMs: maxReplicaLagMs ?? fallback.maxReplicaLagMs
        )
    }

    enum CodingKeys: String, CodingKey {
        case batchSize = "batch_size"
        case targetBatchMs = "target_batch_ms"
        case minBatchSize = "min_batch_size"
        case maxBatchSize = "max_batch_size"
        case workers
        case pauseBetweenBatchesMs = "pause_between_batches_ms"
        case vacuumEveryBatches = "vacuum_every_batches"
        case maxReplicaLagMs = "max_replica_lag_ms"
    }
}
