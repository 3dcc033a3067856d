// Backfill benchmark: one table under a concurrent mixed workload (point reads, updates and inserts at a fixed
// rate from separate sessions), filled side by side in one run by: a no-migration baseline, one plain UPDATE,
// a hand-written batched loop, and Slipway's backfill (default settings, 2 workers — the fast mode — and 2
// workers with a fixed 20,000-row batch).
// For each: rows/s, the workload's p50/p99/max latency and failed transactions, the longest lock wait the
// workload saw, WAL bytes, and rows left wrong. Writes a Markdown report, a latency timeline CSV (for the
// PNG drawn by plot.py) and, in `scale` mode, throughput at several table sizes.
//
//   backfill-bench compare ROWS RATE OUTDIR     # the side-by-side comparison
//   backfill-bench scale OUTDIR SIZE…           # Slipway default, 2 workers and a plain UPDATE at each size
import Foundation
import LocalPostgres
import Migrations
import PostgresClient

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// A workload: point reads, updates and inserts at a fixed total rate on the table, from separate sessions
/// (old-version clients: they write through the table itself).
actor Workload {
    struct Sample: Sendable {
        var at: Double
        var latencyMs: Double
        var failed: Bool
    }
    private var samples: [Sample] = []
    private var running = true
    private var tasks: [Task<Void, Never>] = []
    private var origin = ContinuousClock.now
    private var longestLockWaitMs = 0.0

    func start(_ configuration: ConnectionConfiguration, sessions: Int, rate: Int, maxID: Int) async throws {
        let interval = Duration.microseconds(Int64(1_000_000 * sessions / max(rate, 1)))
        for session in 0..<sessions {
            let connection = try await PostgresConnection.connect(configuration.with("application_name", "workload"))
            tasks.append(Task { await self.loop(connection, seed: session, interval: interval, maxID: maxID) })
        }
        // The longest lock wait any workload statement is in, sampled every 20 ms.
        let monitor = try await PostgresConnection.connect(configuration.with("application_name", "workload monitor"))
        tasks.append(Task { await self.monitorLocks(monitor) })
    }

    private func monitorLocks(_ connection: PostgresConnection) async {
        while running {
            if let row = try? await connection.query(
                """
                SELECT coalesce(max(extract(epoch FROM clock_timestamp() - query_start) * 1000), 0)::float8 AS ms
                FROM pg_stat_activity WHERE application_name = 'workload' AND wait_event_type = 'Lock'
                """).first, let ms = try? row.decode("ms", as: Double.self) {
                longestLockWaitMs = max(longestLockWaitMs, ms)
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        await connection.close()
    }

    private func loop(_ connection: PostgresConnection, seed: Int, interval: Duration, maxID: Int) async {
        var counter = seed
        while running {
            counter += 7
            let started = ContinuousClock.now
            do {
                switch counter % 3 {
                case 0: try await connection.query("SELECT status FROM items WHERE id = \(1 + counter % maxID)")
                // (counter / 2) % 2 is independent of the row's parity, which decided its initial status: updates flip it.
                case 1: try await connection.query("UPDATE items SET status = \((counter / 2) % 2 == 0 ? "delivered" : "paid") WHERE id = \(1 + (counter * 31) % maxID)")
                default: try await connection.query("INSERT INTO items (status) VALUES (\((counter / 2) % 2 == 0 ? "delivered" : "paid"))")
                }
                record(started, failed: false)
            } catch {
                record(started, failed: true)
            }
            try? await Task.sleep(for: interval)
        }
        await connection.close()
    }

    /// A sample is stamped with its start: a statement blocked by the approach counts for the approach even
    /// when it completes after it.
    private func record(_ started: ContinuousClock.Instant, failed: Bool) {
        let now = ContinuousClock.now
        samples.append(Sample(at: seconds(started - origin), latencyMs: seconds(now - started) * 1000, failed: failed))
    }

    struct Window: Sendable {
        var count: Int
        var failures: Int
        var p50: Double
        var p99: Double
        var max: Double
        var longestLockWaitMs: Double
        var samples: [Sample]
    }

    /// Starts a new measurement window (time 0 = now).
    func reset() {
        samples = []
        longestLockWaitMs = 0
        origin = ContinuousClock.now
    }

    /// Seconds since the window started.
    func elapsed() -> Double { seconds(ContinuousClock.now - origin) }

    /// The statements that started before `end` (seconds since the window started).
    func window(until end: Double) -> Window {
        let samples = self.samples.filter { $0.at <= end }
        let sorted = samples.map(\.latencyMs).sorted()
        func percentile(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[Int(Double(sorted.count - 1) * p)] }
        return Window(
            count: sorted.count, failures: samples.filter(\.failed).count, p50: percentile(0.5), p99: percentile(0.99),
            max: sorted.last ?? 0, longestLockWaitMs: longestLockWaitMs, samples: samples)
    }

    func stop() async {
        running = false
        for task in tasks { await task.value }
    }
}

final class SummaryBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: RunnerEvent?
    func set(_ event: RunnerEvent) { lock.withLock { value = event } }
    var event: RunnerEvent? { lock.withLock { value } }
}

struct Approach {
    var name: String
    var kind: Kind
    enum Kind { case baseline, plainUpdate, handLoop, handLoopNulls, slipway(workers: Int, batchSize: Int, adaptive: Bool) }
}

/// The machine's 1-minute load average (`/proc/loadavg`), to state next to each figure.
func loadAverage() -> String {
    let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
    return text.split(separator: " ").first.map(String.init) ?? "?"
}

struct Result {
    var approach: String
    var load: String
    var rows: Int
    var duration: Double
    var window: Workload.Window
    var walBytes: Int
    var wrong: Int?
    var note: String
}

let upExpression = "CASE WHEN status = 'delivered' THEN 'completed' ELSE 'pending' END"
let migration = """
    operations:
      - add_column:
          table: items
          column:
            name: fulfillment
            type: text
            nullable: true
          up: \(upExpression)
    """

/// Runs one approach on a fresh database of `rows` rows under the workload.
func run(_ approach: Approach, rows: Int, rate: Int, cluster: LocalPostgres, admin: PostgresConnection, index: Int) async throws -> Result {
    let database = "bench_\(index)_\(rows)"
    try await admin.unsafeExecuteRaw("DROP DATABASE IF EXISTS \(database)")
    try await admin.unsafeExecuteRaw("CREATE DATABASE \(database)")
    let configuration = cluster.connection(database: database)
    let setup = try await PostgresConnection.connect(configuration)
    try await setup.unsafeExecuteRaw(
        """
        CREATE TABLE items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, status text NOT NULL, payload text NOT NULL DEFAULT repeat('x', 60));
        INSERT INTO items (status) SELECT (ARRAY['paid','delivered'])[1 + g % 2] FROM generate_series(1, \(rows)) g;
        """)
    try await setup.unsafeExecuteRaw("VACUUM ANALYZE items")
    try await setup.unsafeExecuteRaw("CHECKPOINT")
    let directory = NSTemporaryDirectory() + "slipway-backfill-bench-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try migration.write(toFile: directory + "/0001_fulfillment.yaml", atomically: true, encoding: .utf8)
    if case .plainUpdate = approach.kind { try await setup.unsafeExecuteRaw("ALTER TABLE items ADD COLUMN fulfillment text") }
    if case .handLoop = approach.kind { try await setup.unsafeExecuteRaw("ALTER TABLE items ADD COLUMN fulfillment text") }
    if case .handLoopNulls = approach.kind { try await setup.unsafeExecuteRaw("ALTER TABLE items ADD COLUMN fulfillment text") }

    let workload = Workload()
    try await workload.start(configuration, sessions: 4, rate: rate, maxID: rows)
    try await Task.sleep(for: .seconds(1))
    await workload.reset()
    func lsn() async throws -> String {
        try await setup.query("SELECT pg_current_wal_lsn()::text AS l")[0].decode("l", as: String.self)
    }
    let walStart = try await lsn()
    let loadAtStart = loadAverage()
    let started = ContinuousClock.now
    var duration = 0.0
    var note = ""
    switch approach.kind {
    case .baseline:
        try await Task.sleep(for: .seconds(10))
        duration = seconds(ContinuousClock.now - started)
    case .plainUpdate:
        try await setup.unsafeExecuteRaw("UPDATE items SET fulfillment = \(upExpression)")
        duration = seconds(ContinuousClock.now - started)
    case .handLoop:
        // The loop teams write themselves: walk the key in batches of 1,000, no marker, no trigger.
        var last = 0
        while true {
            let result = try await setup.query(
                """
                WITH batch AS (SELECT id FROM items WHERE id > \(last) ORDER BY id LIMIT 1000)
                UPDATE items SET fulfillment = \(unsafeRaw: upExpression)
                FROM batch WHERE items.id = batch.id RETURNING items.id
                """)
            guard let maxID = try result.map({ try $0.decode("id", as: Int.self) }).max() else { break }
            last = maxID
        }
        duration = seconds(ContinuousClock.now - started)
    case .handLoopNulls:
        // The loop most often found in runbooks: fill the rows still NULL, 10,000 at a time, each batch its own
        // transaction, until a batch comes back short. No index on the new column, no trigger, no pause.
        while true {
            let updated = try await setup.query(
                """
                WITH filled AS (
                    UPDATE items SET fulfillment = \(unsafeRaw: upExpression)
                    WHERE id IN (SELECT id FROM items WHERE fulfillment IS NULL LIMIT 10000) RETURNING 1
                )
                SELECT count(*)::int8 AS n FROM filled
                """)[0].decode("n", as: Int.self)
            if updated < 10000 { break }
        }
        duration = seconds(ContinuousClock.now - started)
    case .slipway(let workers, let batchSize, let adaptive):
        let summary = SummaryBox()
        var runner = MigrationRunner(
            connection: configuration, migrationsDirectory: directory, batchSize: batchSize,
            events: { event in if event.kind == "backfill-summary" { summary.set(event) } })
        // The CLI's defaults: adaptive toward 200 ms within 100…50,000 rows, unless the size is fixed.
        runner.targetBatchMs = adaptive ? 200 : 0
        runner.minBatchSize = 100
        runner.maxBatchSize = 50_000
        runner.backfill.workers = workers
        _ = try await runner.start()
        let whole = seconds(ContinuousClock.now - started)
        duration = (summary.event?.durationMs ?? whole * 1000) / 1000
        let figures = summary.event?.figures ?? [:]
        note = String(format: "whole `start` %.1f s", whole)
            + "; \(figures["batches"] ?? "?") batches, throttled \(figures["throttled_s"] ?? "?") s"
    }
    let walEnd = try await lsn()
    let load = "\(loadAtStart)→\(loadAverage())"
    // Statements the approach blocked finish after it: give them 2 s, then count every statement that started
    // before the approach ended.
    let end = await workload.elapsed()
    try await Task.sleep(for: .seconds(2))
    let window = await workload.window(until: end)
    await workload.stop()
    let walBytes = try await setup.query("SELECT pg_wal_lsn_diff(\(walEnd)::pg_lsn, \(walStart)::pg_lsn)::int8 AS b")[0].decode("b", as: Int.self)
    var wrong: Int?
    switch approach.kind {
    case .baseline: wrong = nil
    case .slipway:
        wrong = try await setup.query(
            "SELECT count(*)::int8 AS n FROM items WHERE _slipway_new_fulfillment IS DISTINCT FROM \(unsafeRaw: upExpression)")[0].decode("n", as: Int.self)
    default:
        wrong = try await setup.query(
            "SELECT count(*)::int8 AS n FROM items WHERE fulfillment IS DISTINCT FROM \(unsafeRaw: upExpression)")[0].decode("n", as: Int.self)
    }
    await setup.close()
    try await admin.unsafeExecuteRaw("DROP DATABASE IF EXISTS \(database) WITH (FORCE)")
    try? FileManager.default.removeItem(atPath: directory)
    return Result(approach: approach.name, load: load, rows: rows, duration: duration, window: window, walBytes: walBytes, wrong: wrong, note: note)
}

func ms(_ value: Double) -> String { value < 10 ? String(format: "%.2f ms", value) : String(format: "%.1f ms", value) }
func mb(_ bytes: Int) -> String { String(format: "%.0f MB", Double(bytes) / 1_048_576) }

let arguments = Array(CommandLine.arguments.dropFirst())
guard let mode = arguments.first, ["compare", "scale"].contains(mode) else {
    print("usage: backfill-bench compare ROWS RATE OUTDIR | backfill-bench scale OUTDIR SIZE…")
    exit(2)
}
var options = LocalPostgres.Options()
options.fastUnsafe = false
options.settings = ["shared_buffers": "256MB", "max_wal_size": "8GB", "checkpoint_timeout": "30min"]
let cluster = try await LocalPostgres.start(options)
let admin = try await PostgresConnection.connect(cluster.connection())
let settings = try await admin.query(
    """
    SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name) AS s FROM pg_settings
    WHERE name IN ('shared_buffers', 'fsync', 'synchronous_commit', 'full_page_writes', 'wal_level', 'max_wal_size', 'work_mem',
                   'checkpoint_timeout', 'autovacuum', 'effective_cache_size', 'random_page_cost')
    """)[0].decode("s", as: String.self)
let version = try await admin.query("SELECT current_setting('server_version') AS v")[0].decode("v", as: String.self)
var report: [String] = []

if mode == "compare" {
    let rows = arguments.count > 1 ? Int(arguments[1]) ?? 1_000_000 : 1_000_000
    let rate = arguments.count > 2 ? Int(arguments[2]) ?? 400 : 400
    let output = arguments.count > 3 ? arguments[3] : "."
    let approaches = [
        Approach(name: "baseline (no migration, 10 s)", kind: .baseline),
        Approach(name: "plain UPDATE", kind: .plainUpdate),
        Approach(name: "hand-written keyset loop (1,000 keys)", kind: .handLoop),
        Approach(name: "hand-written loop (IN (SELECT id ... IS NULL LIMIT 10000))", kind: .handLoopNulls),
        Approach(name: "Slipway default (1 worker, adaptive from 1,000)", kind: .slipway(workers: 1, batchSize: 1000, adaptive: true)),
        Approach(name: "Slipway 2 workers (adaptive)", kind: .slipway(workers: 2, batchSize: 1000, adaptive: true)),
        Approach(name: "Slipway --workers 2 --batch-size 20000 (fixed)", kind: .slipway(workers: 2, batchSize: 20000, adaptive: false)),
    ]
    var csv = ["approach,t_s,latency_ms,failed"]
    report.append("Backfill benchmark: \(rows) rows, workload \(rate) statements/s from 4 sessions (1/3 point reads, 1/3 updates, 1/3 inserts)")
    report.append("PostgreSQL \(version): \(settings)")
    report.append("")
    report.append("| approach | rows/s | duration | workload p50 | p99 | max | failed | longest lock wait | WAL | wrong rows | load (1 min, start→end) | note |")
    report.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for (index, approach) in approaches.enumerated() {
        FileHandle.standardError.write(Data("running \(approach.name)…\n".utf8))
        let result = try await run(approach, rows: rows, rate: rate, cluster: cluster, admin: admin, index: index)
        for sample in result.window.samples {
            csv.append("\(approach.name.replacingOccurrences(of: ",", with: "")),\(String(format: "%.3f", sample.at)),\(String(format: "%.3f", sample.latencyMs)),\(sample.failed ? 1 : 0)")
        }
        let isBaseline = { if case .baseline = approach.kind { return true } else { return false } }()
        let line = "| \(approach.name) | \(isBaseline ? "—" : String(Int(Double(rows) / max(result.duration, 0.001)))) | "
            + String(format: "%.1f s", result.duration) + " | \(ms(result.window.p50)) | \(ms(result.window.p99)) | \(ms(result.window.max)) | "
            + "\(result.window.failures) | \(ms(result.window.longestLockWaitMs)) | \(mb(result.walBytes)) | \(result.wrong.map(String.init) ?? "—") | \(result.load) | \(result.note) |"
        report.append(line)
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
    try csv.joined(separator: "\n").write(toFile: output + "/backfill-latency.csv", atomically: true, encoding: .utf8)
    try report.joined(separator: "\n").write(toFile: output + "/backfill-compare.md", atomically: true, encoding: .utf8)
} else {
    let output = arguments.count > 1 ? arguments[1] : "."
    let sizes = arguments.dropFirst(2).compactMap { Int($0) }
    report.append("Backfill scaling: workload 400 statements/s from 4 sessions; PostgreSQL \(version): \(settings)")
    report.append("")
    report.append("| rows | Slipway default rows/s | Slipway --workers 2 rows/s | plain UPDATE rows/s | load (1 min, start→end of each) |")
    report.append("|---:|---:|---:|---:|---|")
    for size in sizes {
        var cells: [String] = []
        var loads: [String] = []
        for (index, approach) in [
            Approach(name: "default", kind: .slipway(workers: 1, batchSize: 1000, adaptive: true)),
            Approach(name: "2 workers", kind: .slipway(workers: 2, batchSize: 1000, adaptive: true)),
            Approach(name: "plain", kind: .plainUpdate),
        ].enumerated() {
            FileHandle.standardError.write(Data("running \(approach.name) on \(size) rows…\n".utf8))
            let result = try await run(approach, rows: size, rate: 400, cluster: cluster, admin: admin, index: 10 + index)
            cells.append(String(Int(Double(size) / max(result.duration, 0.001))))
            loads.append(result.load)
            FileHandle.standardError.write(Data("  \(cells.last ?? "") rows/s, wrong \(result.wrong ?? 0), load \(result.load) \(result.note)\n".utf8))
        }
        report.append("| \(size) | " + cells.joined(separator: " | ") + " | " + loads.joined(separator: ", ") + " |")
    }
    try report.joined(separator: "\n").write(toFile: output + "/backfill-scale.md", atomically: true, encoding: .utf8)
}
await admin.close()
await cluster.stop()
print(report.joined(separator: "\n"))
