// Lock-wait benchmark: one representative migration — a column added with a backfill and NOT NULL, a column
// with a foreign key, a unique constraint and an index — applied to a table under a concurrent workload, twice
// in one run on identical databases: as plain DDL, and as Slipway's start + complete. A sampler session reads
// pg_stat_activity and pg_blocking_pids every few milliseconds and attributes every workload lock wait to the
// sessions that cause it (transitively: a workload session queued behind another one that waits for the
// migration counts as waiting for the migration). Raw latency is reported too, but the verdict is on lock
// waits, since checkpoints and fsyncs stall statements as well.
//
//   swift run -c release lock-bench [rows] [workload-statements-per-second] [sample-interval-ms]
import Foundation
import LocalPostgres
import Migrations
import PostgresClient

/// Unbuffered, so progress shows when the output is a file.
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

let arguments = CommandLine.arguments
let rows = arguments.count > 1 ? Int(arguments[1]) ?? 1_000_000 : 1_000_000
let rate = arguments.count > 2 ? Int(arguments[2]) ?? 300 : 300
let sampleMs = arguments.count > 3 ? Int(arguments[3]) ?? 5 : 5

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}

/// Point reads, updates and inserts on `orders` at a fixed rate from separate sessions (autocommit).
actor Workload {
    private var latencies: [Double] = []
    private var failures: [String] = []
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
                case 0: try await connection.query("SELECT status FROM orders WHERE id = \(1 + counter % maxID)")
                case 1:
                    try await connection.query(
                        "UPDATE orders SET status = \(counter % 2 == 0 ? "delivered" : "paid") WHERE id = \(1 + (counter * 31) % maxID)")
                default:
                    try await connection.query(
                        "INSERT INTO orders (customer_id, status, ref) VALUES (\(1 + counter % 1000), 'paid', \("w-\(seed)-\(counter)"))")
                }
                latencies.append(milliseconds(ContinuousClock.now - started))
            } catch {
                latencies.append(milliseconds(ContinuousClock.now - started))
                failures.append(String(describing: error))
            }
            try? await Task.sleep(for: interval)
        }
        await connection.close()
    }

    func figures() -> (count: Int, failures: [String], p50: Double, p99: Double, max: Double) {
        let sorted = latencies.sorted()
        func percentile(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[Int(Double(sorted.count - 1) * p)] }
        return (sorted.count, failures, percentile(0.5), percentile(0.99), sorted.last ?? 0)
    }

    func stop() async {
        running = false
        for task in tasks { await task.value }
    }
}

struct LockFigures {
    var samples: Int
    var blamedMax: Double
    /// Longest wait for a table lock (`wait_event` relation): DDL.
    var tableMax: Double
    /// Longest wait for a row (`transactionid`, `tuple`): the rows a backfill batch or an UPDATE is writing.
    var rowMax: Double
    /// Longest wait to extend the table's file (`wait_event` extend): inserts queue while another session
    /// adds pages — here the new row versions a backfill or UPDATE writes.
    var extendMax: Double
    var blamedCount: Int
    var over50: Int
    var otherMax: Double
    var causes: Set<String>
    var worst: [String]
}

/// Samples lock waits of the workload and attributes them.
actor LockSampler {
    struct Episode {
        var waitedMs: Double
        var blamed: Bool
        var causes: Set<String>
        /// What the migration's sessions were running (or waiting to run) while this episode waited.
        var statements: Set<String>
        /// `relation` (a table lock: DDL) or `transactionid`/`tuple` (a row another transaction is writing).
        var waitEvent: String
    }
    private var episodes: [String: Episode] = [:]
    private var running = true
    private var samples = 0
    private var task: Task<Void, Never>?

    /// `isMigration`: whether a session (by application_name) belongs to the change being measured.
    func start(_ configuration: ConnectionConfiguration, interval: Duration, isMigration: @escaping @Sendable (String) -> Bool) async throws {
        let connection = try await PostgresConnection.connect(configuration.with("application_name", "lock sampler"))
        task = Task { await self.loop(connection, interval: interval, isMigration: isMigration) }
    }

    private func loop(_ connection: PostgresConnection, interval: Duration, isMigration: @Sendable (String) -> Bool) async {
        while running {
            if let rows = try? await connection.query(
                """
                SELECT a.pid::int4 AS pid, coalesce(a.application_name, '') AS app, a.query_start::text AS started,
                       left(regexp_replace(a.query, '\\s+', ' ', 'g'), 110) AS query,
                       (a.wait_event_type = 'Lock') AS waiting, coalesce(a.wait_event, '') AS wait_event,
                       (extract(epoch FROM clock_timestamp() - a.query_start) * 1000)::float8 AS ms,
                       CASE WHEN a.wait_event_type = 'Lock' THEN array_to_string(pg_blocking_pids(a.pid), ',') ELSE '' END AS blockers
                FROM pg_stat_activity a
                WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() AND a.backend_type = 'client backend'
                """)
            {
                samples += 1
                var app: [Int32: String] = [:]
                var query: [Int32: String] = [:]
                var blockers: [Int32: [Int32]] = [:]
                var waiting: [(pid: Int32, started: String, ms: Double, event: String)] = []
                for row in rows {
                    guard let pid = try? row.decode("pid", as: Int32.self) else { continue }
                    app[pid] = (try? row.decode("app", as: String.self)) ?? ""
                    query[pid] = (try? row.decode("query", as: String?.self)) ?? ""
                    let list = ((try? row.decode("blockers", as: String.self)) ?? "").split(separator: ",").compactMap { Int32($0) }
                    blockers[pid] = list
                    if (try? row.decode("waiting", as: Bool.self)) == true, app[pid] == "workload" {
                        waiting.append((
                            pid, (try? row.decode("started", as: String?.self)) ?? "", (try? row.decode("ms", as: Double?.self)) ?? 0,
                            (try? row.decode("wait_event", as: String.self)) ?? ""))
                    }
                }
                for waiter in waiting {
                    // Every session the waiter waits for, directly or through a queue of other waiters.
                    var seen: Set<Int32> = []
                    var queue = blockers[waiter.pid] ?? []
                    while let next = queue.popLast() {
                        guard seen.insert(next).inserted else { continue }
                        queue += blockers[next] ?? []
                    }
                    let culprits = seen.filter { app[$0].map(isMigration) ?? false }
                    let causes = Set(culprits.compactMap { app[$0] })
                    let key = "\(waiter.pid)@\(waiter.started)"
                    var episode = episodes[key] ?? Episode(waitedMs: 0, blamed: false, causes: [], statements: [], waitEvent: waiter.event)
                    episode.statements.formUnion(culprits.compactMap { query[$0] })
                    episode.waitedMs = max(episode.waitedMs, waiter.ms)
                    if !causes.isEmpty {
                        episode.blamed = true
                        episode.causes.formUnion(causes)
                    }
                    episodes[key] = episode
                }
            }
            try? await Task.sleep(for: interval)
        }
        await connection.close()
    }

    func stop() async -> LockFigures {
        running = false
        await task?.value
        let blamed = episodes.values.filter(\.blamed)
        let other = episodes.values.filter { !$0.blamed }
        let worst = blamed.sorted { $0.waitedMs > $1.waitedMs }.prefix(3).map {
            "\(String(format: "%.0f", $0.waitedMs)) ms (\($0.waitEvent) lock) behind: \($0.statements.sorted().joined(separator: " | "))"
        }
        return LockFigures(
            samples: samples, blamedMax: blamed.map(\.waitedMs).max() ?? 0,
            tableMax: blamed.filter { $0.waitEvent == "relation" }.map(\.waitedMs).max() ?? 0,
            rowMax: blamed.filter { $0.waitEvent == "transactionid" || $0.waitEvent == "tuple" }.map(\.waitedMs).max() ?? 0,
            extendMax: blamed.filter { $0.waitEvent == "extend" }.map(\.waitedMs).max() ?? 0, blamedCount: blamed.count,
            over50: blamed.filter { $0.waitedMs > 50 }.count, otherMax: other.map(\.waitedMs).max() ?? 0,
            causes: blamed.reduce(into: Set<String>()) { $0.formUnion($1.causes) }, worst: Array(worst))
    }
}

let setupSQL = """
    CREATE TABLE regions (id int PRIMARY KEY, name text NOT NULL);
    INSERT INTO regions SELECT g, 'region ' || g FROM generate_series(1, 10) g;
    CREATE TABLE orders (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        customer_id bigint NOT NULL,
        status text NOT NULL,
        ref text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
    );
    INSERT INTO orders (customer_id, status, ref)
    SELECT g % 1000 + 1, (ARRAY['pending','paid','delivered'])[1 + g % 3], 'r-' || g FROM generate_series(1, \(rows)) g;
    ANALYZE orders;
    """

/// The change as plain DDL, the way it is usually written.
let plainDDL = [
    "ALTER TABLE orders ADD COLUMN fulfillment_status text DEFAULT 'pending'",
    "UPDATE orders SET fulfillment_status = CASE WHEN status = 'delivered' THEN 'completed' ELSE 'pending' END",
    "ALTER TABLE orders ALTER COLUMN fulfillment_status SET NOT NULL",
    "ALTER TABLE orders ADD CONSTRAINT fulfillment_status_known CHECK (fulfillment_status IN ('pending', 'packed', 'shipped', 'completed'))",
    "ALTER TABLE orders ADD COLUMN region_id int REFERENCES regions (id)",
    "ALTER TABLE orders ADD CONSTRAINT orders_ref_key UNIQUE (ref)",
    "CREATE INDEX idx_orders_fulfillment_status ON orders (fulfillment_status)",
]

/// The same change as a Slipway migration.
let migration = """
    operations:
      - add_column:
          table: orders
          column:
            name: fulfillment_status
            type: text
            nullable: false
            default: "'pending'"
            check:
              name: fulfillment_status_known
              constraint: fulfillment_status IN ('pending', 'packed', 'shipped', 'completed')
          up: CASE WHEN status = 'delivered' THEN 'completed' ELSE 'pending' END
      - add_column:
          table: orders
          column:
            name: region_id
            type: int
            nullable: true
            references:
              name: orders_region_id_fkey
              table: regions
              column: id
      - create_constraint:
          name: orders_ref_key
          table: orders
          type: unique
          columns: [ref]
          up: {ref: ref}
          down: {ref: ref}
      - create_index:
          name: idx_orders_fulfillment_status
          table: orders
          columns:
            - column: fulfillment_status
    """

struct Outcome {
    var name: String
    var seconds: Double
    var workload: (count: Int, failures: [String], p50: Double, p99: Double, max: Double)
    var locks: LockFigures
}

func measure(
    _ name: String, database: ConnectionConfiguration, isMigration: @escaping @Sendable (String) -> Bool,
    change: () async throws -> Void
) async throws -> Outcome {
    let workload = Workload()
    try await workload.start(database, sessions: 6, rate: rate, maxID: rows)
    let sampler = LockSampler()
    try await sampler.start(database, interval: .milliseconds(sampleMs), isMigration: isMigration)
    try await Task.sleep(for: .seconds(2))
    let started = ContinuousClock.now
    try await change()
    let seconds = milliseconds(ContinuousClock.now - started) / 1000
    try await Task.sleep(for: .seconds(1))
    let locks = await sampler.stop()
    await workload.stop()
    return Outcome(name: name, seconds: seconds, workload: await workload.figures(), locks: locks)
}

let cluster = try await LocalPostgres.start()
let admin = try await PostgresConnection.connect(cluster.connection())
let version = try await admin.unsafeExecuteRaw("SHOW server_version").last?.first?.values.first.flatMap { $0 } ?? "?"
say("lock-bench: PostgreSQL \(version), \(rows) rows, workload \(rate) statements/s, sampling every \(sampleMs) ms")
var outcomes: [Outcome] = []

/// Slipway with the CLI's default backfill pacing (batches adapt toward 200 ms), and with short batches.
let slipwayTargets = ["Slipway (default: batches of ~200 ms)": 200, "Slipway (target_batch_time 25ms)": 25]
for approach in ["baseline", "plain DDL"] + slipwayTargets.keys.sorted() {
    let database = "bench_\(outcomes.count)"
    try await admin.unsafeExecuteRaw("CREATE DATABASE \(database)")
    let configuration = cluster.connection(database: database)
    let setup = try await PostgresConnection.connect(configuration)
    let setupStarted = ContinuousClock.now
    try await setup.unsafeExecuteRaw(setupSQL)
    say("  \(approach): table ready in \(String(format: "%.1f", milliseconds(ContinuousClock.now - setupStarted) / 1000)) s")
    try await setup.unsafeExecuteRaw("CHECKPOINT")
    await setup.close()
    let outcome: Outcome
    switch approach {
    case "baseline":
        outcome = try await measure(approach, database: configuration, isMigration: { _ in false }) {
            try await Task.sleep(for: .seconds(10))
        }
    case "plain DDL":
        outcome = try await measure(approach, database: configuration, isMigration: { $0 == "plain ddl" }) {
            let session = try await PostgresConnection.connect(configuration.with("application_name", "plain ddl"))
            for statement in plainDDL { try await session.unsafeExecuteRaw(statement) }
            await session.close()
        }
    default:
        let directory = NSTemporaryDirectory() + "lock-bench-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try migration.write(toFile: directory + "/0001_fulfillment.yaml", atomically: true, encoding: .utf8)
        outcome = try await measure(approach, database: configuration, isMigration: { $0.hasPrefix("slipway") }) {
            var runner = MigrationRunner(
                connection: configuration.with("application_name", "slipway bench"), migrationsDirectory: directory,
                batchSize: 1000)
            runner.targetBatchMs = slipwayTargets[approach] ?? 200
            _ = try await runner.start()
            _ = try await runner.complete()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
    outcomes.append(outcome)
}
await admin.close()
await cluster.stop()

say("")
say("| approach | duration | workload statements | p50 ms | p99 ms | max ms | failed | lock waits caused by the change | longest: on a table lock | on a row | on extending the table | waits > 50 ms | longest other lock wait |")
say("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for outcome in outcomes {
    let w = outcome.workload
    let l = outcome.locks
    say(
        "| \(outcome.name) | \(String(format: "%.1f", outcome.seconds)) s | \(w.count) | \(String(format: "%.1f", w.p50)) | \(String(format: "%.1f", w.p99)) | \(String(format: "%.0f", w.max)) | \(w.failures.count) | \(l.blamedCount) | \(String(format: "%.0f", l.tableMax)) ms | \(String(format: "%.0f", l.rowMax)) ms | \(String(format: "%.0f", l.extendMax)) ms | \(l.over50) | \(String(format: "%.0f", l.otherMax)) ms |"
    )
}
for outcome in outcomes where !outcome.workload.failures.isEmpty {
    say("\(outcome.name): first failure: \(outcome.workload.failures[0])")
}
for outcome in outcomes where !outcome.locks.causes.isEmpty {
    say("\(outcome.name): waits caused by sessions \(outcome.locks.causes.sorted().joined(separator: ", ")); \(outcome.locks.samples) samples; longest:")
    for line in outcome.locks.worst { say("  - \(line)") }
}
