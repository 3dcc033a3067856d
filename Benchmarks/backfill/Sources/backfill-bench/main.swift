// Backfill benchmark: a table under a concurrent mixed workload, filled three ways side by side in one run:
// (a) one plain UPDATE of the whole table, (b) a hand-written batched loop, (c) Slipway's backfill.
// For each: rows/s, the workload's p50/p99/max latency and failed transactions (against a no-migration
// baseline), and rows left wrong (workload writes the approach did not cover).
//
//   swift run -c release backfill-bench [rows] [workload-rate-per-second]
import Foundation
import LocalPostgres
import Migrations
import PostgresClient

let arguments = CommandLine.arguments
let rows = arguments.count > 1 ? Int(arguments[1]) ?? 200_000 : 200_000
let rate = arguments.count > 2 ? Int(arguments[2]) ?? 400 : 400

/// A workload: point reads, updates and inserts at a fixed rate on the table, from separate sessions.
actor Workload {
    private var latencies: [Double] = []
    private var failures = 0
    private var running = true
    private var tasks: [Task<Void, Never>] = []

    func start(_ configuration: ConnectionConfiguration, sessions: Int, rate: Int, maxID: Int) async throws {
        let interval = Duration.microseconds(Int64(1_000_000 * sessions / max(rate, 1)))
        for session in 0..<sessions {
            let connection = try await PostgresConnection.connect(configuration.with("application_name", "workload"))
            tasks.append(Task { await self.loop(connection, seed: session, interval: interval, maxID: maxID) })
        }
    }

    private func loop(_ connection: PostgresConnection, seed: Int, interval: Duration, maxID: Int) async {
        var counter = seed
        while running {
            counter += 7
            let started = ContinuousClock.now
            do {
                switch counter % 3 {
                case 0: try await connection.query("SELECT status FROM items WHERE id = \(1 + counter % maxID)")
                case 1: try await connection.query("UPDATE items SET status = \(counter % 2 == 0 ? "delivered" : "paid") WHERE id = \(1 + (counter * 31) % maxID)")
                default: try await connection.query("INSERT INTO items (status) VALUES (\(counter % 2 == 0 ? "delivered" : "paid"))")
                }
                record(ContinuousClock.now - started, failed: false)
            } catch {
                record(ContinuousClock.now - started, failed: true)
            }
            try? await Task.sleep(for: interval)
        }
        await connection.close()
    }

    private func record(_ duration: Duration, failed: Bool) {
        latencies.append(Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15)
        if failed { failures += 1 }
    }

    func window() -> (count: Int, failures: Int, p50: Double, p99: Double, max: Double) {
        let sorted = latencies.sorted()
        func percentile(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[Int(Double(sorted.count - 1) * p)] }
        defer {
            latencies = []
            failures = 0
        }
        return (sorted.count, failures, percentile(0.5), percentile(0.99), sorted.last ?? 0)
    }

    func stop() async {
        running = false
        for task in tasks { await task.value }
    }
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

let cluster = try await LocalPostgres.start()
let admin = try await PostgresConnection.connect(cluster.connection())
var report: [String] = [
    "| approach | rows/s | duration | workload p50 | p99 | max | failed | wrong rows |", "|---|---:|---:|---:|---:|---:|---:|---:|",
]
let directory = NSTemporaryDirectory() + "slipway-backfill-bench-" + UUID().uuidString
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
try """
    operations:
      - add_column:
          table: items
          column:
            name: fulfillment
            type: text
            nullable: true
          up: CASE WHEN status = 'delivered' THEN 'completed' ELSE 'pending' END
    """.write(toFile: directory + "/0001_fulfillment.yaml", atomically: true, encoding: .utf8)

for approach in ["baseline", "plain UPDATE", "hand-written batched loop", "slipway backfill"] {
    let database = "bench_" + approach.filter { $0.isLetter }.lowercased()
    try await admin.unsafeExecuteRaw("CREATE DATABASE \(database)")
    let configuration = cluster.connection(database: database)
    let setup = try await PostgresConnection.connect(configuration)
    try await setup.unsafeExecuteRaw(
        """
        CREATE TABLE items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, status text NOT NULL);
        INSERT INTO items (status) SELECT (ARRAY['paid','delivered'])[1 + g % 2] FROM generate_series(1, \(rows)) g;
        """)
    try await setup.unsafeExecuteRaw("VACUUM ANALYZE items")
    if approach == "plain UPDATE" || approach == "hand-written batched loop" {
        try await setup.unsafeExecuteRaw("ALTER TABLE items ADD COLUMN fulfillment text")
    }
    let workload = Workload()
    try await workload.start(configuration, sessions: 4, rate: rate, maxID: rows)
    try await Task.sleep(for: .seconds(1))
    _ = await workload.window()
    let started = ContinuousClock.now
    switch approach {
    case "plain UPDATE":
        try await setup.unsafeExecuteRaw(
            "UPDATE items SET fulfillment = CASE WHEN status = 'delivered' THEN 'completed' ELSE 'pending' END")
    case "hand-written batched loop":
        var last = 0
        while true {
            let result = try await setup.query(
                """
                WITH batch AS (SELECT id FROM items WHERE id > \(last) ORDER BY id LIMIT 1000)
                UPDATE items SET fulfillment = CASE WHEN status = 'delivered' THEN 'completed' ELSE 'pending' END
                FROM batch WHERE items.id = batch.id RETURNING items.id
                """)
            guard let maxID = try result.map({ try $0.decode("id", as: Int.self) }).max() else { break }
            last = maxID
        }
    case "slipway backfill":
        let runner = MigrationRunner(connection: configuration, migrationsDirectory: directory, batchSize: 1000)
        _ = try await runner.start()
    default:
        try await Task.sleep(for: .seconds(3))
    }
    let duration = ContinuousClock.now - started
    let window = await workload.window()
    await workload.stop()
    var wrong = 0
    if approach != "baseline" {
        let column = approach == "slipway backfill" ? "_slipway_new_fulfillment" : "fulfillment"
        wrong = try await setup.query(
            "SELECT count(*)::int8 AS n FROM items WHERE \(unsafeRaw: column) IS DISTINCT FROM CASE WHEN status = 'delivered' THEN 'completed' ELSE 'pending' END"
        )[0].decode("n", as: Int.self)
    }
    let rowsPerSecond = approach == "baseline" ? "—" : String(Int(Double(rows) / seconds(duration)))
    report.append(
        "| \(approach) | \(rowsPerSecond) | \(String(format: "%.2f s", seconds(duration))) | \(String(format: "%.2f ms", window.p50)) | "
            + "\(String(format: "%.2f ms", window.p99)) | \(String(format: "%.1f ms", window.max)) | \(window.failures) | \(approach == "baseline" ? "—" : String(wrong)) |")
    await setup.close()
}
await admin.close()
await cluster.stop()
try? FileManager.default.removeItem(atPath: directory)
print("Backfill benchmark: \(rows) rows, workload \(rate) statements/s from 4 sessions (1/3 point reads, 1/3 updates, 1/3 inserts)")
print(report.joined(separator: "\n"))
