import Foundation
import LocalPostgres
import Migrations
import PostgresClient
import Testing

extension EngineIntegrationTests {

/// Indexes and unique constraints on partitioned tables: `ON ONLY` the parents, a concurrent build per leaf
/// partition, `ATTACH PARTITION` — with writers running through the parent the whole time, and an end state
/// identical to what plain DDL produces (child index names included).
@Suite("partitioned tables", .serialized)
struct PartitionedTableTests {
    /// A range-partitioned table with a plain partition and a list-partitioned one (two leaves below it).
    static let setup = """
        CREATE TABLE events (
            id bigint NOT NULL,
            tenant int NOT NULL,
            created date NOT NULL,
            kind text NOT NULL,
            ref text NOT NULL,
            PRIMARY KEY (id, created, tenant)
        ) PARTITION BY RANGE (created);
        CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
        CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01') PARTITION BY LIST (tenant);
        CREATE TABLE events_2026_a PARTITION OF events_2026 FOR VALUES IN (1, 2);
        CREATE TABLE events_2026_rest PARTITION OF events_2026 DEFAULT;
        INSERT INTO events SELECT g, g % 5, date '2025-01-01' + (g % 700), 'k' || (g % 7), 'r' || g FROM generate_series(1, 3000) g;
        ANALYZE events;
        """

    static let createIndex = """
        operations:
          - create_index:
              name: idx_events_kind
              table: events
              columns:
                - column: kind
                - column: created
                  sort: DESC
              predicate: kind <> 'k0'
        """

    static let uniqueConstraint = """
        operations:
          - create_constraint:
              name: events_ref_key
              table: events
              type: unique
              columns: [ref, created, tenant]
              up: {ref: ref, created: created, tenant: tenant}
              down: {ref: ref, created: created, tenant: tenant}
        """

    static func prepare(_ fixture: EngineFixture) async throws {
        let app = try await fixture.app()
        try await app.unsafeExecuteRaw(setup)
        await app.close()
    }

    /// `public` as plain DDL would leave it: the same setup and `plain` in another scratch database.
    static func plainDDLDump(_ plain: String) async throws -> String {
        let reference = try await EngineFixture.make("partitioned-reference-\(UUID().uuidString.prefix(8))")
        try await prepare(reference)
        let app = try await reference.app()
        try await app.unsafeExecuteRaw(plain)
        await app.close()
        return try await reference.publicDump()
    }

    /// Writes through the parent (as an old client) until cancelled; returns rows written and failures.
    static func writer(_ fixture: EngineFixture, from start: Int) -> Task<(written: Int, failures: [String], maxMs: Double), Never> {
        Task {
            var written = 0
            var failures: [String] = []
            var maxMs = 0.0
            guard let connection = try? await fixture.client(version: nil) else { return (0, ["no connection"], 0) }
            var id = start
            while !Task.isCancelled {
                id += 1
                let started = ContinuousClock.now
                do {
                    try await connection.unsafeExecuteRaw(
                        "INSERT INTO events VALUES (\(id), \(id % 5), date '2025-01-01' + \(id % 700), 'k\(id % 7)', 'r\(id)')")
                    written += 1
                } catch {
                    if Task.isCancelled { break }
                    failures.append(String(describing: error))
                }
                let elapsed = ContinuousClock.now - started
                maxMs = max(maxMs, Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
                try? await Task.sleep(for: .milliseconds(2))
            }
            await connection.close()
            return (written, failures, maxMs)
        }
    }

    @Test func createIndexBuildsEveryPartitionConcurrentlyAndMatchesPlainDDL() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.prepare(fixture)
        try fixture.write("0001_events_kind.yaml", Self.createIndex)
        let writer = Self.writer(fixture, from: 100_000)
        let record = try await fixture.runner().start()
        writer.cancel()
        let writes = await writer.value
        #expect(record.phase == "active")
        #expect(writes.failures.isEmpty, "writers failed: \(writes.failures.prefix(3))")
        #expect(writes.written > 0)

        // Valid on the parent and on every level below it, every partition attached.
        #expect(try await fixture.lines(
            """
            SELECT c.relname || ':' || c.relkind::text || ':' || i.indisvalid::text || ':' || coalesce(p.relname, '-')
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            LEFT JOIN pg_inherits h ON h.inhrelid = c.oid LEFT JOIN pg_class p ON p.oid = h.inhparent
            WHERE c.relname LIKE '%kind%' ORDER BY 1
            """) == [
                "events_2025_kind_created_idx:i:true:idx_events_kind",
                "events_2026_a_kind_created_idx:i:true:events_2026_kind_created_idx",
                "events_2026_kind_created_idx:I:true:idx_events_kind",
                "events_2026_rest_kind_created_idx:i:true:events_2026_kind_created_idx",
                "idx_events_kind:I:true:-",
            ])
        // Every statement ran as the step plan says: concurrent builds for the leaves, nothing else scanned.
        let summaries = fixture.events.all.filter { $0.kind == "step-done" }.map(\.message)
        #expect(summaries.contains("build index events_2025_kind_created_idx on partition events_2025 concurrently"))
        #expect(summaries.contains("attach index events_2026_kind_created_idx to idx_events_kind"))

        _ = try await fixture.runner().complete()
        let expected = try await Self.plainDDLDump(
            "CREATE INDEX idx_events_kind ON events (kind, created DESC) WHERE kind <> 'k0'")
        #expect(try await fixture.publicDump() == expected)
        #expect(try await fixture.lines("SELECT count(*) FROM events") == ["\(3000 + writes.written)"])
    }

    @Test func createIndexRollsBackToTheSchemaBefore() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.prepare(fixture)
        try await fixture.startThenRollback(file: "0001_events_kind.yaml", migration: Self.createIndex) { fixture in
            let old = try await fixture.client(version: nil)
            try await old.unsafeExecuteRaw("INSERT INTO events VALUES (9000001, 1, '2026-03-01', 'k1', 'x1')")
            await old.close()
        }
        #expect(try await fixture.lines("SELECT count(*) FROM pg_class WHERE relname LIKE '%kind%'") == ["0"])
        #expect(try await fixture.lines("SELECT count(*) FROM events") == ["3001"])
    }

    @Test func aBlockedLeafBuildStopsStartAndResumeFinishesTheIndex() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.prepare(fixture)
        try fixture.write("0001_events_kind.yaml", Self.createIndex)
        // A session holding SHARE on one leaf: its concurrent build cannot start.
        let blocker = try await fixture.app()
        try await blocker.unsafeExecuteRaw("BEGIN; LOCK TABLE events_2026_rest IN SHARE MODE")
        var lock = LockSettings()
        lock.concurrentIndexWaitMs = 300
        lock.concurrentMaxAttempts = 1
        lock.lockTimeoutMs = 300
        lock.maxAttempts = 1
        let error = await #expect(throws: MigrationError.self) { try await fixture.runner(lock: lock).start() }
        #expect(error?.kind == .lockTimeout, "\(String(describing: error))")
        // The leaves built before the blocked one are there, the blocked one left nothing INVALID behind.
        #expect(try await fixture.lines("SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname LIKE '%kind%' AND NOT i.indisvalid AND c.relkind = 'i'") == ["0"])
        #expect(try await fixture.relationExists("public.events_2026_rest_kind_created_idx") == false)
        let status = try await fixture.runner().status()
        #expect(status.current?.phase == "starting")

        try await blocker.unsafeExecuteRaw("ROLLBACK")
        await blocker.close()
        let resumed = try await fixture.runner().resume()
        #expect(resumed.phase == "active")
        #expect(try await fixture.lines("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'idx_events_kind'::regclass") == ["true"])
        #expect(try await fixture.lines("SELECT count(*) FROM pg_inherits WHERE inhparent IN ('idx_events_kind'::regclass, 'events_2026_kind_created_idx'::regclass)") == ["4"])
    }

    @Test func uniqueConstraintUsesPerPartitionIndexesAndMatchesPlainDDL() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.prepare(fixture)
        try fixture.write("0001_events_ref.yaml", Self.uniqueConstraint)
        let writer = Self.writer(fixture, from: 200_000)
        _ = try await fixture.runner().start()
        writer.cancel()
        let writes = await writer.value
        #expect(writes.failures.isEmpty, "writers failed: \(writes.failures.prefix(3))")

        // Uniqueness holds for every writer from start on (per leaf, which contains the partition key).
        let old = try await fixture.client(version: nil)
        await #expect(throws: PostgresError.self) {
            try await old.unsafeExecuteRaw("INSERT INTO events VALUES (7777777, 1, date '2025-01-01' + 1, 'k', 'r1')")
        }
        await old.close()

        _ = try await fixture.runner().complete()
        let expected = try await Self.plainDDLDump("ALTER TABLE events ADD CONSTRAINT events_ref_key UNIQUE (ref, created, tenant)")
        #expect(try await fixture.publicDump() == expected)
    }

    @Test func uniqueConstraintRollsBack() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.prepare(fixture)
        try await fixture.startThenRollback(file: "0001_events_ref.yaml", migration: Self.uniqueConstraint) { _ in }
    }

    @Test func dropIndexOfAPartitionedTable() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.prepare(fixture)
        let app = try await fixture.app()
        try await app.unsafeExecuteRaw("CREATE INDEX idx_events_ref ON events (ref)")
        await app.close()
        try fixture.write("0001_drop_ref.yaml", "operations:\n  - drop_index:\n      name: idx_events_ref\n")
        _ = try await fixture.runner().start()
        // Old clients keep the index until complete.
        #expect(try await fixture.lines("SELECT count(*) FROM pg_class WHERE relname LIKE '%ref_idx' OR relname = 'idx_events_ref'") == ["5"])
        _ = try await fixture.runner().complete()
        #expect(try await fixture.lines("SELECT count(*) FROM pg_class WHERE relname LIKE '%ref_idx' OR relname = 'idx_events_ref'") == ["0"])
    }

    @Test func refusalsBeforeDDL() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.prepare(fixture)
        let app = try await fixture.app()
        try await app.unsafeExecuteRaw("CREATE INDEX idx_events_ref ON events (ref)")
        await app.close()
        try await fixture.expectRefusedBeforeDDL(
            file: "0001_bad_unique.yaml",
            migration: """
                operations:
                  - create_index:
                      name: idx_events_ref_unique
                      table: events
                      unique: true
                      columns:
                        - column: ref
                """,
            messageContains: "must contain the partition key column(s) \"created\", \"tenant\"")
        try await fixture.expectRefusedBeforeDDL(
            file: "0001_bad_constraint.yaml",
            migration: """
                operations:
                  - create_constraint:
                      name: events_ref_only
                      table: events
                      type: unique
                      columns: [ref, created]
                      up: {ref: ref, created: created}
                      down: {ref: ref, created: created}
                """,
            messageContains: "must contain the partition key column(s) \"tenant\"")
        try await fixture.expectRefusedBeforeDDL(
            file: "0001_bad_add_column.yaml",
            migration: """
                operations:
                  - add_column:
                      table: events
                      column:
                        name: code
                        type: text
                        nullable: true
                        unique: true
                """,
            messageContains: "must contain the partition key")
        try await fixture.expectRefusedBeforeDDL(
            file: "0001_drop_child.yaml",
            migration: "operations:\n  - drop_index:\n      name: events_2025_ref_idx\n",
            messageContains: "is a partition of an index of a partitioned table")
    }
}
}
