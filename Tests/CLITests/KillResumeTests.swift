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

    @Test func killedStartResumesWithEveryRowRight() async throws {
        let db = try await ScratchDatabases.shared.make(label: "kill_resume")
        let app = try await PostgresConnection.connect(db.app)
        try await app.unsafeExecuteRaw(
            """
            CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id bigint NOT NULL, status text NOT NULL);
            INSERT INTO orders (customer_id, status) SELECT g % 97, (ARRAY['pending','paid','delivered','cancelled'])[1 + g % 4]
            FROM generate_series(1, 20000) g;
            ANALYZE orders;
            """)
        let directory = try CLI.temporaryDirectory()
        let migrations = directory + "/migrations"
        try FileManager.default.createDirectory(atPath: migrations, withIntermediateDirectories: true)
        try """
            operations:
              - add_column:
                  table: orders
                  column:
                    name: fulfillment_status
                    type: text
                    default: "'pending'"
                  up: CASE WHEN status = 'delivered' THEN 'completed' ELSE 'pending' END
            """.write(toFile: migrations + "/0001_fulfillment.yaml", atomically: true, encoding: .utf8)
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
        #expect(try await app.query(
            """
            SELECT count(*)::int8 AS n FROM orders WHERE _slipway_needs_backfill
               OR _slipway_new_fulfillment_status IS DISTINCT FROM CASE WHEN status = 'delivered' THEN 'completed' ELSE 'pending' END
            """)[0].decode("n", as: Int.self) == 0)

        let completed = try await CLI.run(["complete", "--url", url, "--migrations-dir", migrations])
        #expect(completed.status == 0, "\(completed.stdout)\n\(completed.stderr)")
        #expect(try await app.query(
            "SELECT count(*)::int8 AS n FROM orders WHERE fulfillment_status = 'completed'")[0].decode("n", as: Int.self) == 5000)
        let history = try await CLI.run(["history", "--format", "json", "--url", url, "--migrations-dir", migrations])
        #expect(history.stdout.contains("\"completed\""), "\(history.stdout)")
        await app.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
