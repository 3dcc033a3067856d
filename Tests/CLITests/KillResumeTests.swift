import Foundation
import LocalPostgres
import PostgresClient
import Testing

@Suite("kill -9 during start, then status and resume")
struct KillResumeTests {
    struct StatusJSON: Decodable {
        struct Migrations: Decodable {
            struct Current: Decodable {
                var phase: String
                var step: Int
                var steps: Int
                var nextStep: String?
            }
            struct Backfill: Decodable {
                var table: String
                var rowsDone: Int
                var status: String
            }
            var current: Current?
            var backfills: [Backfill]
            var pending: [String]
        }
        var migrations: Migrations
    }

    static func environment() -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("SLIPWAY_") && $0.key != "DATABASE_URL" && !$0.key.hasPrefix("PG")
        }
        environment["NO_COLOR"] = "1"
        return environment
    }

    static func status(_ url: String, _ directory: String) async throws -> StatusJSON {
        let result = try await CLI.run(["status", "--format", "json", "--url", url, "--migrations-dir", directory])
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONDecoder().decode(StatusJSON.self, from: Data(result.stdout.utf8))
    }

    /// Adds `fulfillment_status` (nullable, with a default) computed by `up` from `status`.
    static let fulfillmentMigration = """
        operations:
          - add_column:
              table: orders
              column:
                name: fulfillment_status
                type: text
                default: "'pending'"
              up: CASE WHEN status = 'delivered' THEN 'completed' ELSE 'pending' END
        """

    /// A scratch database with `orders` (identity key) and a migrations directory with `migration` as
    /// `0001_fulfillment.yaml`.
    static func ordersWithMigration(
        label: String, rows: Int, migration: String = fulfillmentMigration
    ) async throws -> (db: ScratchDatabase, app: PostgresConnection, directory: String, migrations: String) {
        let db = try await ScratchDatabases.shared.make(label: label)
        let app = try await PostgresConnection.connect(db.app)
        try await app.unsafeExecuteRaw(
            """
            CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id bigint NOT NULL, status text NOT NULL);
            INSERT INTO orders (customer_id, status) SELECT g % 97, (ARRAY['pending','paid','delivered','cancelled'])[1 + g % 4]
            FROM generate_series(1, \(rows)) g;
            ANALYZE orders;
            """)
        let directory = try CLI.temporaryDirectory()
        let migrations = directory + "/migrations"
        try FileManager.default.createDirectory(atPath: migrations, withIntermediateDirectories: true)
        try migration.write(toFile: migrations + "/0001_fulfillment.yaml", atomically: true, encoding: .utf8)
        return (db, app, directory, migrations)
    }

    /// Rows whose new column disagrees with `up`, or that are still marked.
    static func wrongRows(_ app: PostgresConnection) async throws -> Int {
        try await app.query(
            """
            SELECT count(*)::int8 AS n FROM orders WHERE _slipway_needs_backfill
               OR _slipway_new_fulfillment_status IS DISTINCT FROM CASE WHEN status = 'delivered' THEN 'completed' ELSE 'pending' END
            """)[0].decode("n", as: Int.self)
    }

    @Test func killedStartResumesWithEveryRowRight() async throws {
        let (db, app, directory, migrations) = try await Self.ordersWithMigration(label: "kill_resume", rows: 20000)
        let url = db.appConnectionString

        let pid = try ChildProcess.spawn(
            [CLI.binary, "start", "--url", url, "--migrations-dir", migrations, "--batch-size", "200", "--batch-pause", "50"],
            outputPath: directory + "/start.out", environment: Self.environment())
        var progressed = false
        for _ in 0..<300 {
            if let status = try? await Self.status(url, migrations), let done = status.migrations.backfills.first?.rowsDone, done > 0 {
                progressed = true
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        kill(pid, SIGKILL)
        _ = await ChildProcess.waitForExit(pid, timeout: .seconds(10))
        let output = (try? String(contentsOfFile: directory + "/start.out", encoding: .utf8)) ?? ""
        try #require(progressed, "the backfill never showed progress; start printed:\n\(output)")

        // status (another process) shows the interrupted start and its progress.
        let interrupted = try await Self.status(url, migrations)
        #expect(interrupted.migrations.current?.phase == "starting")
        let backfill = try #require(interrupted.migrations.backfills.first)
        #expect(backfill.table == "orders")
        #expect(backfill.rowsDone > 0 && backfill.rowsDone < 20000, "rows done: \(backfill.rowsDone)")
        #expect(backfill.status == "running")
        let text = try await CLI.run(["status", "--url", url, "--migrations-dir", migrations])
        #expect(text.stdout.contains("starting"), "\(text.stdout)")

        // resume (waiting for the dead session's lock to go away) finishes.
        let resumed = try await CLI.run(["resume", "--wait", "--url", url, "--migrations-dir", migrations])
        #expect(resumed.status == 0, "\(resumed.stdout)\n\(resumed.stderr)")
        let active = try await Self.status(url, migrations)
        #expect(active.migrations.current?.phase == "active")
        #expect(active.migrations.backfills.first?.status == "done")
        #expect(try await Self.wrongRows(app) == 0)

        let completed = try await CLI.run(["complete", "--url", url, "--migrations-dir", migrations])
        #expect(completed.status == 0, "\(completed.stdout)\n\(completed.stderr)")
        #expect(try await app.query(
            "SELECT count(*)::int8 AS n FROM orders WHERE fulfillment_status = 'completed'")[0].decode("n", as: Int.self) == 5000)
        let history = try await CLI.run(["history", "--format", "json", "--url", url, "--migrations-dir", migrations])
        #expect(history.stdout.contains("\"completed\""), "\(history.stdout)")
        await app.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// `kill -9` at random points of a two-worker backfill while an old-version client keeps inserting and
    /// updating; every run resumes from the cursors, and afterwards every row is right and none is lost.
    /// Three trials by default, ten with SLIPWAY_LONG_TESTS=1.
    @Test func killedAtRandomPointsWithAConcurrentWriterEveryRowRight() async throws {
        let (db, app, directory, migrations) = try await Self.ordersWithMigration(label: "kill_random", rows: 30000)
        let url = db.appConnectionString

        // The old-version writer: inserts and updates until told to stop.
        let writer = try await PostgresConnection.connect(db.app)
        let stop = KillTestFlag()
        let writes = Task { () -> Int in
            var inserted = 0
            var round = 0
            while !stop.isSet {
                round += 1
                try await writer.unsafeExecuteRaw(
                    """
                    INSERT INTO orders (customer_id, status) VALUES (\(round % 97), '\(round % 2 == 0 ? "delivered" : "paid")');
                    UPDATE orders SET status = '\(round % 3 == 0 ? "delivered" : "cancelled")' WHERE id = \(1 + (round * 7919) % 30000);
                    """)
                inserted += 1
                try await Task.sleep(for: .milliseconds(2))
            }
            return inserted
        }

        let trials = ProcessInfo.processInfo.environment["SLIPWAY_LONG_TESTS"] == "1" ? 10 : 3
        var killedMidBackfill = 0
        for trial in 0..<trials {
            let command = trial == 0 ? "start" : "resume"
            let pid = try ChildProcess.spawn(
                [CLI.binary, command, "--wait", "--url", url, "--migrations-dir", migrations, "--batch-size", "150",
                 "--batch-pause", "20", "--workers", "2"],
                outputPath: directory + "/run\(trial).out", environment: Self.environment())
            // Kill at a random point once this run has committed a batch of its own.
            let before = (try? await Self.status(url, migrations))?.migrations.backfills.first?.rowsDone ?? 0
            for _ in 0..<150 {
                let now = try? await Self.status(url, migrations)
                if let done = now?.migrations.backfills.first?.rowsDone, done > before { break }
                if now?.migrations.current?.phase == "active" { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...400)))
            kill(pid, SIGKILL)
            _ = await ChildProcess.waitForExit(pid, timeout: .seconds(10))
            let status = try await Self.status(url, migrations)
            if status.migrations.current?.phase == "starting" { killedMidBackfill += 1 } else { break }
            if trial == 0, status.migrations.backfills.first.map({ $0.rowsDone > 0 }) == true {
                // Another terminal sees live progress (rate, batch size, workers, last batch).
                let text = try await CLI.run(["status", "--url", url, "--migrations-dir", migrations])
                #expect(text.stdout.contains("rows/s") && text.stdout.contains("workers"), "\(text.stdout)")
            }
        }
        #expect(killedMidBackfill > 0, "no kill landed during the start")

        // The last resume runs to the end, with JSON progress events.
        let resumed = try await CLI.run(["resume", "--wait", "--format", "json", "--url", url, "--migrations-dir", migrations, "--workers", "2"])
        stop.set()
        let inserted = try await writes.value
        if resumed.status != 0 {
            #expect(resumed.stderr.contains("active and not interrupted"), "\(resumed.stdout)\n\(resumed.stderr)")
        } else {
            #expect(resumed.stdout.contains("\"backfill-summary\""), "\(resumed.stdout)")
        }
        let active = try await Self.status(url, migrations)
        #expect(active.migrations.current?.phase == "active")
        #expect(active.migrations.backfills.first?.status == "done")
        #expect(try await Self.wrongRows(app) == 0)
        #expect(try await app.query("SELECT count(*)::int8 AS n FROM orders")[0].decode("n", as: Int.self) == 30000 + inserted)
        // The ranges cover the whole table: the counters add up to at most the original rows.
        let done = try await app.query("SELECT rows_done FROM slipway.backfills")[0].decode("rows_done", as: Int.self)
        #expect(done > 0 && done <= 30000, "rows done: \(done)")
        await writer.close()
        await app.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

final class KillTestFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
