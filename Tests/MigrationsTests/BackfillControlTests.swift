import Foundation
import LocalPostgres
import Migrations
import PostgresClient
import Testing

@Suite("live backfill control")
struct BackfillControlTests {
    @Test func pauseResumeAndBatchSizeTakeEffectBetweenBatches() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 4000)
        try fixture.write("0001_fulfillment.yaml", fulfillmentMigration)
        var runner = fixture.runner(batchSize: 50)
        runner.batchPauseMs = 10
        let started = runner
        let task = Task { try await started.start() }

        let monitor = try await fixture.app()
        func rowsDone() async throws -> Int {
            let rows = try await monitor.query(
                "SELECT coalesce(max(rows_done), 0)::int8 AS n FROM pg_namespace n LEFT JOIN slipway.backfills b ON true WHERE n.nspname = 'slipway'")
            return try rows.first?.decode("n", as: Int.self) ?? 0
        }
        // Wait until the backfill has made progress.
        for _ in 0..<400 {
            if (try? await rowsDone()) ?? 0 > 0 { break }
            try await Task.sleep(for: .milliseconds(25))
        }
        let control = BackfillControl(connection: fixture.db.app)
        let paused = try await control.setPaused(true)
        #expect(paused == ["orders"])
        // The runner pauses after the batch in flight: wait until it says so (a busy machine can take a while).
        for _ in 0..<400 where !fixture.events.all.contains(where: { $0.kind == "backfill-paused" }) {
            try await Task.sleep(for: .milliseconds(25))
        }
        #expect(fixture.events.all.contains { $0.kind == "backfill-paused" })
        try await Task.sleep(for: .milliseconds(100))
        let atPause = try await rowsDone()
        try await Task.sleep(for: .milliseconds(600))
        #expect(try await rowsDone() == atPause, "the backfill kept going while paused")
        #expect(atPause < 4000)

        try await control.setBatchSize(37)
        try await control.setPaused(false)
        let record = try await task.value
        #expect(record.phase == "active")
        #expect(try await rowsDone() == 4000)
        let kinds = fixture.events.all.map(\.kind)
        #expect(kinds.contains("backfill-paused"))
        #expect(kinds.contains("backfill-batch-size"))
        #expect(kinds.contains("backfill-summary"))
        let size = try await monitor.query("SELECT batch_size FROM slipway.backfills")
        #expect(try size[0].decode("batch_size", as: Int.self) == 37)
        // Nothing is left to control once it is done.
        await #expect(throws: MigrationError.self) { try await control.setPaused(true) }
    }

    @Test func batchSizeAdaptsTowardTheTargetTime() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 6000)
        try fixture.write("0001_fulfillment.yaml", fulfillmentMigration)
        var runner = fixture.runner(batchSize: 10)
        runner.targetBatchMs = 200  // tiny batches finish far faster than this: the size must grow
        runner.minBatchSize = 10
        runner.maxBatchSize = 4000
        _ = try await runner.start()
        let rows = try await app.query("SELECT batches, batch_size, rows_done FROM slipway.backfills")
        #expect(try rows[0].decode("rows_done", as: Int.self) == 6000)
        #expect(try rows[0].decode("batches", as: Int.self) < 100, "a fixed size of 10 would take 600 batches")
        #expect(try rows[0].decode("batch_size", as: Int.self) > 10)
    }

    @Test func theFilesBackfillSettingsWin() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createOrders(app, rows: 100)
        try fixture.write("0001_fulfillment.yaml", "backfill:\n  batch_size: 7\n" + fulfillmentMigration)
        _ = try await fixture.runner(batchSize: 1000).start()
        let rows = try await app.query("SELECT batches, batch_size FROM slipway.backfills")
        #expect(try rows[0].decode("batch_size", as: Int.self) == 7)
        #expect(try rows[0].decode("batches", as: Int.self) == 15)  // 14 full batches of 7, then the last 2 rows
    }
}
