import Foundation
import LocalPostgres
import Migrations
import PostgresClient
import Testing

/// The production backfill against a real server: ctid walk, composite and identity keys, parallel workers,
/// throttling, side effects, empty tables, a terminated backend, an orphaned runner and sustained writes.
@Suite("backfill engine")
struct BackfillEngineTests {
    static let kindMigration = """
        operations:
          - add_column:
              table: events
              column:
                name: kind_upper
                type: text
                nullable: true
              up: upper(kind)
        """

    /// A table without any key, and the migration that backfills it.
    static func createKeylessEvents(_ app: PostgresConnection, rows: Int, _ fixture: EngineFixture) async throws {
        try await app.unsafeExecuteRaw(
            """
            CREATE TABLE events (kind text NOT NULL, payload int);
            INSERT INTO events SELECT (ARRAY['click','view','buy'])[1 + g % 3], g FROM generate_series(1, \(rows)) g;
            ANALYZE events;
            """)
        try fixture.write("0001_kind.yaml", Self.kindMigration)
    }

    /// Starts a slow backfill and terminates the runner's backend (`pg_terminate_backend`) once a batch is in.
    static func startThenTerminateTheRunner(_ fixture: EngineFixture, _ app: PostgresConnection) async throws {
        var runner = fixture.runner(batchSize: 100)
        runner.batchPauseMs = 25
        runner.backfill.maxProbeLatencyMs = 0
        let started = runner
        let task = Task { try await started.start() }
        try await waitForProgress(app)
        let admin = try await PostgresConnection.connect(fixture.db.admin)
        try await admin.unsafeExecuteRaw(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'slipway start' AND datname = current_database()")
        await admin.close()
        await #expect(throws: (any Error).self) { try await task.value }
    }

    /// Rows whose new column disagrees with `up`, or that are still marked.
    static func wrongEvents(_ connection: PostgresConnection) async throws -> Int {
        try await connection.query(
            "SELECT count(*)::int8 AS n FROM events WHERE _slipway_needs_backfill OR _slipway_new_kind_upper IS DISTINCT FROM upper(kind)"
        )[0].decode("n", as: Int.self)
    }

    static func wrongOrders(_ connection: PostgresConnection) async throws -> Int {
        try await connection.query(
            """
            SELECT count(*)::int8 AS n FROM orders WHERE _slipway_needs_backfill
               OR _slipway_new_fulfillment_status IS DISTINCT FROM CASE WHEN status = 'delivered' THEN 'completed' ELSE 'pending' END
            """)[0].decode("n", as: Int.self)
    }

    @Test func aTableWithoutAKeyIsWalkedByCtidPageRanges() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await Self.createKeylessEvents(app, rows: 6000, fixture)
        var runner = fixture.runner(batchSize: 400)
        runner.backfill.maxProbeLatencyMs = 0
        let record = try await runner.start()
        #expect(record.phase == "active")
        #expect(record.plan.start.contains { $0.summary.contains("by ctid page ranges") }, "\(record.plan.start.map(\.summary))")
        #expect(try await Self.wrongEvents(app) == 0)
        let state = try await app.query("SELECT rows_done, relfilenode IS NOT NULL AS node, max_page, status FROM slipway.backfills")[0]
        #expect(try state.decode("rows_done", as: Int.self) == 6000)
        #expect(try state.decode("node", as: Bool.self))
        #expect(try state.decode("max_page", as: Int.self) > 1)
        #expect(try state.decode("status", as: String.self) == "done")
        let summary = try #require(fixture.events.all.last { $0.kind == "backfill-summary" })
        #expect(summary.figures["mode"] == "ctid")
        #expect(Int(summary.figures["batches"] ?? "") ?? 0 > 1)
        await app.close()
    }

    @Test func aCtidWalkRestartsFromPageZeroAfterATableRewrite() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await Self.createKeylessEvents(app, rows: 8000, fixture)
        // Kill the runner's backend mid-walk, then rewrite the table (new file node, rows on other pages).
        try await Self.startThenTerminateTheRunner(fixture, app)
        let before = try await app.query("SELECT relfilenode::int8 AS node, rows_done FROM slipway.backfills")[0]
        let doneBefore: Int = try before.decode("rows_done")
        #expect(doneBefore > 0 && doneBefore < 8000, "rows done before the rewrite: \(doneBefore)")
        try await app.unsafeExecuteRaw("VACUUM FULL events")
        let node = try await app.query("SELECT pg_relation_filenode('events')::int8 AS n")[0].decode("n", as: Int.self)
        #expect(try before.decode("node", as: Int.self) != node)

        var resumer = fixture.runner(batchSize: 500)
        resumer.backfill.maxProbeLatencyMs = 0
        let record = try await resumer.resume()
        #expect(record.phase == "active")
        #expect(fixture.events.all.contains { $0.kind == "backfill-rewrite" })
        #expect(try await Self.wrongEvents(app) == 0)
        // Rows done before the kill are not touched again: the counter is exactly the table.
        let state = try await app.query("SELECT rows_done, relfilenode::int8 AS node FROM slipway.backfills")[0]
        #expect(try state.decode("rows_done", as: Int.self) == 8000)
        #expect(try state.decode("node", as: Int.self) == node)
        await app.close()
    }

    @Test func aCompositeKeyWithParallelWorkers() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await app.unsafeExecuteRaw(
            """
            CREATE TABLE events (tenant text NOT NULL, seq int NOT NULL, kind text NOT NULL, PRIMARY KEY (tenant, seq));
            INSERT INTO events SELECT 'tenant-' || (g % 7), g, (ARRAY['click','view','buy'])[1 + g % 3] FROM generate_series(1, 7000) g;
            ANALYZE events;
            """)
        try fixture.write("0001_kind.yaml", Self.kindMigration)
        var runner = fixture.runner(batchSize: 250)
        runner.backfill.workers = 3
        runner.backfill.maxProbeLatencyMs = 0
        let record = try await runner.start()
        #expect(record.phase == "active")
        #expect(try await Self.wrongEvents(app) == 0)
        let ranges = try await app.query(
            "SELECT count(*)::int8 AS n, sum(rows_done)::int8 AS rows, bool_and(status = 'done') AS done FROM slipway.backfill_ranges")[0]
        #expect(try ranges.decode("n", as: Int.self) == 3)
        #expect(try ranges.decode("rows", as: Int.self) == 7000)
        #expect(try ranges.decode("done", as: Bool.self))
        #expect(try await app.query("SELECT rows_done FROM slipway.backfills")[0].decode("rows_done", as: Int.self) == 7000)
        #expect(fixture.events.all.first { $0.kind == "backfill-summary" }?.figures["workers"] == "3")
        await app.close()
    }

    /// Workers resolve names like the runner's session: a key whose type is an enum in a non-public target
    /// schema is cast there too.
    @Test func anEnumKeyInAnotherSchemaWithParallelWorkers() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await app.unsafeExecuteRaw(
            """
            CREATE SCHEMA shop;
            CREATE TYPE shop.region AS ENUM ('eu', 'us', 'apac');
            CREATE TABLE shop.events (region shop.region NOT NULL, seq int NOT NULL, kind text NOT NULL, PRIMARY KEY (region, seq));
            INSERT INTO shop.events SELECT (ARRAY['eu','us','apac']::shop.region[])[1 + g % 3], g, (ARRAY['click','view'])[1 + g % 2]
              FROM generate_series(1, 3000) g;
            ANALYZE shop.events;
            """)
        try fixture.write("0001_kind.yaml", Self.kindMigration)
        var runner = MigrationRunner(connection: fixture.db.app, schema: "shop", migrationsDirectory: fixture.directory, batchSize: 200)
        runner.backfill.workers = 2
        runner.backfill.maxProbeLatencyMs = 0
        _ = try await runner.start()
        #expect(try await app.query(
            "SELECT count(*)::int8 AS n FROM shop.events WHERE _slipway_needs_backfill OR _slipway_new_kind_upper IS DISTINCT FROM upper(kind)"
        )[0].decode("n", as: Int.self) == 0)
        #expect(try await app.query("SELECT count(*)::int8 AS n FROM slipway.backfill_ranges")[0].decode("n", as: Int.self) == 2)
        await app.close()
    }

    @Test func aTableWithoutAKeyWithParallelWorkers() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await Self.createKeylessEvents(app, rows: 9000, fixture)
        var runner = fixture.runner(batchSize: 300)
        runner.backfill.workers = 2
        runner.backfill.maxProbeLatencyMs = 0
        _ = try await runner.start()
        #expect(try await Self.wrongEvents(app) == 0)
        let ranges = try await app.query("SELECT count(*)::int8 AS n, sum(rows_done)::int8 AS rows FROM slipway.backfill_ranges")[0]
        #expect(try ranges.decode("n", as: Int.self) == 2)
        #expect(try ranges.decode("rows", as: Int.self) == 9000)
        await app.close()
    }

    @Test func anIdentityKeyIsNeverWrittenWithTwoWorkersAndSustainedInserts() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 6000)
        let keysBefore = try await app.query("SELECT sum(id)::int8 AS s FROM orders")[0].decode("s", as: Int.self)
        try fixture.write("0001_fulfillment.yaml", fulfillmentMigration)
        var runner = fixture.runner(batchSize: 200)
        runner.backfill.workers = 2
        runner.backfill.maxProbeLatencyMs = 0
        // An old-version client inserting and updating as fast as it can, until the backfill is done.
        let writer = try await fixture.app()
        let stop = StopFlag()
        let writes = Task { () -> Int in
            var inserted = 0
            var round = 0
            while !stop.isSet {
                round += 1
                try await writer.unsafeExecuteRaw(
                    """
                    INSERT INTO orders (customer_id, status) SELECT g, (ARRAY['pending','delivered'])[1 + g % 2] FROM generate_series(1, 20) g;
                    UPDATE orders SET status = 'delivered' WHERE id = \(1 + (round * 37) % 6000);
                    """)
                inserted += 20
            }
            return inserted
        }
        let record = try await runner.start()
        stop.set()
        let inserted = try await writes.value
        #expect(record.phase == "active")
        #expect(inserted > 0)
        #expect(try await Self.wrongOrders(app) == 0)
        #expect(try await app.query("SELECT count(*)::int8 AS n FROM orders")[0].decode("n", as: Int.self) == 6000 + inserted)
        // The original keys are untouched (GENERATED ALWAYS would refuse a write anyway).
        #expect(try await app.query("SELECT sum(id)::int8 AS s FROM orders WHERE id <= 6000")[0].decode("s", as: Int.self) == keysBefore)
        await writer.close()
        await app.close()
    }

    @Test func throttledByTheLatencyProbeThenFinishes() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 1500)
        try fixture.write("0001_fulfillment.yaml", fulfillmentMigration)
        var runner = fixture.runner(batchSize: 500)
        runner.backfill.probe = ScriptedProbe(latencies: [.milliseconds(900), .milliseconds(900), .milliseconds(900)])
        runner.backfill.maxProbeLatencyMs = 100
        runner.backfill.throttleRecheckMs = 20
        let record = try await runner.start()
        #expect(record.phase == "active")
        #expect(try await Self.wrongOrders(app) == 0)
        #expect(fixture.events.all.contains { $0.kind == "backfill-throttled" && $0.message.contains("probe latency 900 ms > 100 ms") })
        // Three slow answers: three waits of 20 ms, committed with the next batch.
        #expect(try await app.query("SELECT throttled_ms FROM slipway.backfills")[0].decode("throttled_ms", as: Int.self) == 60)
        #expect(fixture.events.all.first { $0.kind == "backfill-summary" }?.figures["throttled_s"] == "0.1")
        await app.close()
    }

    @Test func theRealProbeReadsAnEmptyReplicationViewAndTimesAQuery() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        let probe = PostgresBackfillProbe(connection: app)
        // Without a replica pg_stat_replication is empty: no lag.
        #expect(try await probe.replicaLag() == ReplicaLag(seconds: 0, bytes: 0))
        let latency = try await probe.latency()
        #expect(latency > .zero && latency < .seconds(5))
        // A real server without replicas never holds the lag check back.
        let throttle = BackfillThrottle(maxReplicaLagMs: 1, maxReplicaLagBytes: 1, maxProbeLatencyMs: 0, recheck: .milliseconds(1))
        #expect(try await throttle.waitUntilClear(probe).waits == 0)
        await app.close()
    }

    @Test func throttleWaitsWhileALimitIsExceeded() async throws {
        let throttle = BackfillThrottle(maxReplicaLagMs: 5000, maxReplicaLagBytes: 1_000_000, maxProbeLatencyMs: 200, recheck: .seconds(2))
        #expect(throttle.reason(lag: ReplicaLag(seconds: 6, bytes: 0), latency: .milliseconds(10)) == "replica lag 6.0 s > 5.0 s")
        #expect(throttle.reason(lag: ReplicaLag(seconds: 1, bytes: 2_000_000), latency: .milliseconds(10)) == "replica lag 2000000 bytes > 1000000 bytes")
        #expect(throttle.reason(lag: ReplicaLag(), latency: .milliseconds(350)) == "probe latency 350 ms > 200 ms")
        #expect(throttle.reason(lag: ReplicaLag(seconds: 4.9, bytes: 999_999), latency: .milliseconds(199)) == nil)
        let probe = ScriptedProbe(lags: [ReplicaLag(seconds: 30), ReplicaLag(seconds: 12), ReplicaLag(seconds: 1)])
        let slept = SleepLog()
        let reasons = TextLog()
        let result = try await throttle.waitUntilClear(probe, sleep: { slept.append($0) }, onThrottle: { reasons.append($0) })
        #expect(result.waits == 2)
        #expect(result.throttled == .seconds(4))
        #expect(slept.all == [.seconds(2), .seconds(2)])
        #expect(reasons.all == ["replica lag 30.0 s > 5.0 s", "replica lag 12.0 s > 5.0 s"])
        // Disabled limits never probe.
        let off = BackfillThrottle(maxReplicaLagMs: 0, maxProbeLatencyMs: 0)
        #expect(try await off.waitUntilClear(ScriptedProbe(latencies: [.seconds(9)])).waits == 0)
    }

    @Test func sideEffectsVacuumWalAndTheEmptyTable() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 3000)
        try await app.unsafeExecuteRaw(
            """
            ALTER TABLE orders ADD COLUMN touched_at timestamptz;
            CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.touched_at := now(); RETURN NEW; END $$;
            CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();
            CREATE TRIGGER orders_total_only BEFORE UPDATE OF total_cents ON orders FOR EACH ROW EXECUTE FUNCTION touch();
            CREATE TABLE archive (id bigint PRIMARY KEY, status text NOT NULL);
            """)
        let triggers = try await BackfillSideEffects.rowTriggers(schema: "public", table: "orders", on: app)
        #expect(triggers.map(\.name) == ["orders_touch"], "an UPDATE OF total_cents trigger does not fire for the backfill")
        try fixture.write("0001_fulfillment.yaml", fulfillmentMigration)
        try fixture.write("0002_archive.yaml", """
            operations:
              - add_column:
                  table: archive
                  column:
                    name: label
                    type: text
                    nullable: true
                  up: upper(status)
            """)
        var runner = fixture.runner(batchSize: 300)
        runner.backfill.vacuumEveryBatches = 4
        runner.backfill.maxProbeLatencyMs = 0
        let record = try await runner.start()
        #expect(record.phase == "active")
        #expect(try await Self.wrongOrders(app) == 0)
        let events = fixture.events.all
        let sideEffects = try #require(events.first { $0.kind == "backfill-side-effects" })
        #expect(sideEffects.message.contains("orders_touch"))
        #expect(events.filter { $0.kind == "backfill-vacuum" }.count >= 2)
        let summary = try #require(events.first { $0.kind == "backfill-summary" && $0.figures["table"] == "orders" })
        #expect(summary.figures["triggers"] == "orders_touch")
        #expect(Int(summary.figures["wal_bytes"] ?? "") ?? 0 > 100_000, "\(summary.figures)")
        #expect(Int(summary.figures["vacuums"] ?? "") ?? 0 >= 2)
        // The other trigger really fired for every backfilled row.
        #expect(try await app.query("SELECT count(*)::int8 AS n FROM orders WHERE touched_at IS NULL")[0].decode("n", as: Int.self) == 0)
        // The empty table was skipped without a batch.
        #expect(events.contains { $0.kind == "backfill-skipped" && $0.figures["table"] == "archive" })
        let archive = try await app.query("SELECT batches, status FROM slipway.backfills WHERE table_name = 'archive'")[0]
        #expect(try archive.decode("batches", as: Int.self) == 0)
        #expect(try archive.decode("status", as: String.self) == "done")
        await app.close()
    }

    @Test func resumesAfterPgTerminateBackendAndTerminatesAnOrphanedRunner() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 6000)
        try fixture.write("0001_fulfillment.yaml", fulfillmentMigration)
        try await Self.startThenTerminateTheRunner(fixture, app)
        #expect(try await app.query("SELECT phase FROM slipway.versions")[0].decode("phase", as: String.self) == "starting")

        // A killed runner's backend that lives on holding the migration lock (here: stuck in a long query).
        let orphan = try await PostgresConnection.connect(fixture.db.app.with("application_name", "slipway start"))
        try await orphan.unsafeExecuteRaw("SELECT pg_advisory_lock(hashtextextended('slipway:slipway:public', 0))")
        let stuck = Task { try await orphan.unsafeExecuteRaw("SELECT pg_sleep(60)") }
        try await Task.sleep(for: .milliseconds(200))
        var plain = fixture.runner(batchSize: 1000)
        plain.backfill.maxProbeLatencyMs = 0
        do {
            _ = try await plain.resume()
            Issue.record("resume succeeded while the orphan held the lock")
        } catch let error as MigrationError {
            #expect(error.kind == .busy)
            #expect(error.message.contains("slipway start"), "\(error.message)")
        }
        var terminating = plain
        terminating.terminateOrphan = true
        let record = try await terminating.resume()
        #expect(record.phase == "active")
        #expect(fixture.events.all.contains { $0.kind == "orphan-terminated" })
        await #expect(throws: (any Error).self) { try await stuck.value }
        #expect(try await Self.wrongOrders(app) == 0)
        #expect(try await app.query("SELECT rows_done FROM slipway.backfills")[0].decode("rows_done", as: Int.self) == 6000)
        await app.close()
    }

    @Test func aForeignLockHolderIsNotTerminated() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 10)
        try fixture.write("0001_fulfillment.yaml", fulfillmentMigration)
        let other = try await PostgresConnection.connect(fixture.db.app.with("application_name", "psql"))
        try await other.unsafeExecuteRaw("SELECT pg_advisory_lock(hashtextextended('slipway:slipway:public', 0))")
        var runner = fixture.runner()
        runner.terminateOrphan = true
        await #expect(throws: MigrationError.self) { try await runner.start() }
        // Still alive and still holding it; nothing was started.
        #expect(try await other.query("SELECT 1::int8 AS one")[0].decode("one", as: Int.self) == 1)
        #expect(try await fixture.runner().status().current == nil)
        await other.close()
        await app.close()
    }

    @Test func anOlderStateLayoutIsUpgradedInPlace() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        let store = StateStore()
        try await store.prepare(app)
        // Back to layout 3, as an older Slipway left it.
        try await app.unsafeExecuteRaw(
            """
            DROP TABLE slipway.backfill_ranges;
            ALTER TABLE slipway.backfills DROP COLUMN relfilenode, DROP COLUMN max_page, DROP COLUMN max_key, DROP COLUMN workers,
                DROP COLUMN retries, DROP COLUMN throttled_ms, DROP COLUMN wal_start, DROP COLUMN rate, DROP COLUMN throttle;
            DELETE FROM slipway.state_version WHERE version = 4;
            """)
        try await store.prepare(app)
        #expect(try await app.query("SELECT max(version)::int8 AS v FROM slipway.state_version")[0].decode("v", as: Int.self) == 4)
        #expect(try await app.query("SELECT to_regclass('slipway.backfill_ranges') IS NOT NULL AS e")[0].decode("e", as: Bool.self))
        #expect(try await app.query(
            "SELECT count(*)::int8 AS n FROM information_schema.columns WHERE table_schema = 'slipway' AND table_name = 'backfills' AND column_name IN ('max_key', 'workers', 'throttle')"
        )[0].decode("n", as: Int.self) == 3)
        await app.close()
    }
}

/// Waits until a backfill has committed at least one batch.
func waitForProgress(_ connection: PostgresConnection) async throws {
    for _ in 0..<400 {
        let done = try? await connection.query(
            "SELECT coalesce(max(rows_done), 0)::int8 AS n FROM pg_namespace n LEFT JOIN slipway.backfills b ON true WHERE n.nspname = 'slipway'"
        ).first?.decode("n", as: Int.self)
        if (done ?? 0) > 0 { return }
        try await Task.sleep(for: .milliseconds(25))
    }
    Issue.record("the backfill made no progress")
}

/// A probe answering from a script; once a script is used up: no lag, 1 ms latency.
final class ScriptedProbe: BackfillProbe, @unchecked Sendable {
    private let lock = NSLock()
    private var lags: [ReplicaLag]
    private var latencies: [Duration]

    init(lags: [ReplicaLag] = [], latencies: [Duration] = []) {
        self.lags = lags
        self.latencies = latencies
    }

    func replicaLag() async throws -> ReplicaLag {
        lock.withLock { lags.isEmpty ? ReplicaLag() : lags.removeFirst() }
    }

    func latency() async throws -> Duration {
        lock.withLock { latencies.isEmpty ? .milliseconds(1) : latencies.removeFirst() }
    }
}

final class SleepLog: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [Duration] = []
    func append(_ duration: Duration) { lock.withLock { entries.append(duration) } }
    var all: [Duration] { lock.withLock { entries } }
}

final class TextLog: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String] = []
    func append(_ text: String) { lock.withLock { entries.append(text) } }
    var all: [String] { lock.withLock { entries } }
}

final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
