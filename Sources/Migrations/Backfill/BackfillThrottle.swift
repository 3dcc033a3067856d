import Foundation
import PostgresClient

/// How far the replicas are behind, as the primary sees it (`pg_stat_replication`).
public struct ReplicaLag: Sendable, Hashable {
    /// The largest `replay_lag` of any replica, seconds (0 without replicas, or when the view hides it).
    public var seconds: Double
    /// The largest WAL distance between the primary's current LSN and a replica's replay LSN, bytes.
    public var bytes: Int
    public init(seconds: Double = 0, bytes: Int = 0) {
        self.seconds = seconds
        self.bytes = bytes
    }
}

/// What the backfill measures before each batch to decide whether to hold back. The production probe reads
/// `pg_stat_replication` and times `SELECT 1`; tests inject their own to drive the throttle deterministically.
public protocol BackfillProbe: Sendable {
    func replicaLag() async throws -> ReplicaLag
    /// The round trip of a trivial query.
    func latency() async throws -> Duration
}

/// The probe on a real server: `pg_stat_replication` (its lag columns are visible to superusers and members
/// of `pg_monitor`/`pg_read_all_stats`; to others they read as NULL, i.e. no lag) and a timed `SELECT 1`.
public struct PostgresBackfillProbe: BackfillProbe {
    public let connection: PostgresConnection
    public init(connection: PostgresConnection) { self.connection = connection }

    public func replicaLag() async throws -> ReplicaLag {
        let row = try await connection.query(
            """
            SELECT coalesce(max(extract(epoch FROM replay_lag)), 0)::float8 AS seconds,
                   coalesce(max(CASE WHEN pg_is_in_recovery() OR replay_lsn IS NULL THEN 0
                                     ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) END), 0)::int8 AS bytes
            FROM pg_stat_replication
            """)[0]
        return ReplicaLag(seconds: try row.decode("seconds"), bytes: try row.decode("bytes"))
    }

    public func latency() async throws -> Duration {
        let started = ContinuousClock.now
        try await connection.query("SELECT 1")
        return ContinuousClock.now - started
    }
}

/// The throttling rule: before each batch, hold back while a replica lags more than the limit or the
/// latency probe is slower than its limit; re-check every `recheck`. The time spent waiting is reported as
/// throttled time.
public struct BackfillThrottle: Sendable {
    /// Largest tolerated `replay_lag`, milliseconds (0 = not checked).
    public var maxReplicaLagMs: Int
    /// Largest tolerated replay distance, bytes (0 = not checked).
    public var maxReplicaLagBytes: Int
    /// Largest tolerated latency of the probe query, milliseconds (0 = not checked).
    public var maxProbeLatencyMs: Int
    /// Wait between checks while throttled.
    public var recheck: Duration

    public init(maxReplicaLagMs: Int, maxReplicaLagBytes: Int = 0, maxProbeLatencyMs: Int, recheck: Duration = .milliseconds(500)) {
        self.maxReplicaLagMs = maxReplicaLagMs
        self.maxReplicaLagBytes = maxReplicaLagBytes
        self.maxProbeLatencyMs = maxProbeLatencyMs
        self.recheck = recheck
    }

    public var isEnabled: Bool { maxReplicaLagMs > 0 || maxReplicaLagBytes > 0 || maxProbeLatencyMs > 0 }

    /// Why the backfill holds back, or nil to go on.
    public func reason(lag: ReplicaLag?, latency: Duration?) -> String? {
        if let lag {
            if maxReplicaLagMs > 0, lag.seconds * 1000 > Double(maxReplicaLagMs) {
                return String(format: "replica lag %.1f s > %.1f s", lag.seconds, Double(maxReplicaLagMs) / 1000)
            }
            if maxReplicaLagBytes > 0, lag.bytes > maxReplicaLagBytes {
                return "replica lag \(lag.bytes) bytes > \(maxReplicaLagBytes) bytes"
            }
        }
        if let latency, maxProbeLatencyMs > 0 {
            let milliseconds = Backfill.seconds(latency) * 1000
            if milliseconds > Double(maxProbeLatencyMs) {
                return String(format: "probe latency %.0f ms > %d ms", milliseconds, maxProbeLatencyMs)
            }
        }
        return nil
    }

    /// Probes, and while a limit is exceeded sleeps `recheck` and probes again. `onThrottle` is called with
    /// the reason at the start of every wait. Returns the time spent waiting (the sum of the sleeps) and the
    /// number of waits.
    public func waitUntilClear(
        _ probe: any BackfillProbe,
        sleep: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        onThrottle: (String) async -> Void = { _ in }
    ) async throws -> (throttled: Duration, waits: Int) {
        guard isEnabled else { return (.zero, 0) }
        var throttled = Duration.zero
        var waits = 0
        while true {
            let lag = maxReplicaLagMs > 0 || maxReplicaLagBytes > 0 ? try await probe.replicaLag() : nil
            let latency = maxProbeLatencyMs > 0 ? try await probe.latency() : nil
            guard let reason = reason(lag: lag, latency: latency) else { return (throttled, waits) }
            await onThrottle(reason)
            try await sleep(recheck)
            throttled += recheck
            waits += 1
            try Task.checkCancellation()
        }
    }
}
