import Foundation
import LocalPostgres
import Migrations
import PostgresClient
import Testing

@Suite("CONCURRENTLY statements on a real server")
struct ConcurrentIndexTests {
    static let emailIndex = RelationName(schema: "public", name: "t_email_key")

    static func invalidIndexCount(_ connection: PostgresConnection) async throws -> String? {
        try await LockFixtures.text(connection, "SELECT count(*)::text FROM pg_index WHERE NOT indisvalid AND indrelid = 'public.t'::regclass")
    }

    @Test func buildsTheIndexAndRestoresSessionSettings() async throws {
        let db = try await LockFixtures.scratch()
        let connection = try await LockFixtures.connectApp(db)
        try await connection.unsafeExecuteRaw("CREATE TABLE t (id int, email text); INSERT INTO t SELECT i, 'u' || i FROM generate_series(1, 500) i")
        let log = LockEventLog()
        let executor = LockSafeExecutor(connection: connection, onEvent: log.handler)

        // A session that never SET the timeouts gets them RESET to their defaults.
        let summary = try await executor.runConcurrently(
            statement: "CREATE UNIQUE INDEX CONCURRENTLY t_email_key ON t (email)", index: Self.emailIndex)
        #expect(summary.attempts == 1)
        #expect(try await executor.indexState(of: Self.emailIndex) == .valid)
        #expect(try await executor.isIndexValid(schema: "public", name: "t_email_key"))
        #expect(try await LockFixtures.text(connection, "SHOW lock_timeout") == "0")
        #expect(try await LockFixtures.text(connection, "SHOW statement_timeout") == "0")
        #expect(try await LockFixtures.text(connection, "SELECT source FROM pg_settings WHERE name = 'lock_timeout'") == "default")

        // A session that had SET its own value gets that value back.
        try await connection.unsafeExecuteRaw("SET lock_timeout = '7s'; SET statement_timeout = '1min'")
        try await executor.runConcurrently(statement: "CREATE INDEX CONCURRENTLY t_id_idx ON t (id)")
        #expect(try await LockFixtures.text(connection, "SHOW lock_timeout") == "7s")
        #expect(try await LockFixtures.text(connection, "SHOW statement_timeout") == "1min")
        #expect(try await executor.isIndexValid(schema: "public", name: "t_id_idx"))

        try await executor.runConcurrently(statement: "DROP INDEX CONCURRENTLY t_id_idx")
        #expect(try await executor.indexState(of: RelationName(schema: "public", name: "t_id_idx")) == .absent)
        #expect(await connection.inTransaction == false)
        await executor.close()
    }

    @Test func aFailedUniqueBuildLeavesNoInvalidIndex() async throws {
        let db = try await LockFixtures.scratch()
        let connection = try await LockFixtures.connectApp(db)
        try await connection.unsafeExecuteRaw("CREATE TABLE t (id int, email text); INSERT INTO t VALUES (1, 'a'), (2, 'a'), (3, 'b')")
        let log = LockEventLog()
        let executor = LockSafeExecutor(connection: connection, onEvent: log.handler)
        let error = try await #require(throws: PostgresError.self) {
            try await executor.runConcurrently(
                statement: "CREATE UNIQUE INDEX CONCURRENTLY t_email_key ON t (email)", index: Self.emailIndex, origin: "0003.yaml:2")
        }
        #expect(error.sqlState == .uniqueViolation)
        #expect(error.serverError?.detail?.contains("(email)=(a)") == true)
        #expect(log.count("attempt_started") == 1)  // not retried: it would fail the same way
        #expect(log.count("invalid_index_dropped") == 1)
        #expect(try await executor.indexState(of: Self.emailIndex) == .absent)
        #expect(try await Self.invalidIndexCount(connection) == "0")
        #expect(try await LockFixtures.text(connection, "SHOW lock_timeout") == "0")
        await executor.close()
    }

    @Test func indexStateTellsValidInvalidAndAbsentApart() async throws {
        let db = try await LockFixtures.scratch()
        let connection = try await LockFixtures.connectApp(db)
        try await connection.unsafeExecuteRaw(
            "CREATE TABLE t (id int, email text); INSERT INTO t VALUES (1, 'a'), (2, 'a'); CREATE INDEX t_id_idx ON t (id)")
        // A deliberately INVALID index: a concurrent unique build over duplicates, without any cleanup.
        await #expect(throws: PostgresError.self) {
            try await connection.unsafeExecuteRaw("CREATE UNIQUE INDEX CONCURRENTLY t_email_key ON t (email)")
        }
        let executor = LockSafeExecutor(connection: connection)
        let valid = RelationName(schema: "public", name: "t_id_idx")
        #expect(try await executor.indexState(of: Self.emailIndex) == .invalid)
        #expect(try await executor.isIndexValid(schema: "public", name: "t_email_key") == false)
        #expect(try await executor.indexState(of: valid) == .valid)
        #expect(try await executor.indexState(of: RelationName(schema: "public", name: "nope")) == .absent)
        #expect(try await executor.isIndexValid(schema: "public", name: "nope") == false)

        #expect(try await executor.dropInvalidIndex(schema: "public", name: "t_id_idx") == false)  // valid: kept
        #expect(try await executor.indexState(of: valid) == .valid)
        #expect(try await executor.dropInvalidIndex(schema: "public", name: "t_email_key"))
        #expect(try await executor.indexState(of: Self.emailIndex) == .absent)
        #expect(try await executor.dropInvalidIndex(schema: "public", name: "t_email_key") == false)
        await executor.close()
    }

    @Test func anInvalidLeftoverIsDroppedBeforeTheBuildIsRetried() async throws {
        let db = try await LockFixtures.scratch()
        let connection = try await LockFixtures.connectApp(db)
        try await connection.unsafeExecuteRaw("CREATE TABLE t (id int, email text); INSERT INTO t VALUES (1, 'a'), (2, 'a')")
        await #expect(throws: PostgresError.self) {
            try await connection.unsafeExecuteRaw("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS t_email_key ON t (email)")
        }
        try await connection.unsafeExecuteRaw("UPDATE t SET email = 'b' WHERE id = 2")
        let log = LockEventLog()
        let executor = LockSafeExecutor(connection: connection, onEvent: log.handler)
        // IF NOT EXISTS alone would silently keep the INVALID leftover.
        try await executor.runConcurrently(
            statement: "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS t_email_key ON t (email)", index: Self.emailIndex)
        #expect(log.kinds.first == "invalid_index_dropped")
        #expect(try await executor.indexState(of: Self.emailIndex) == .valid)
        await executor.close()
    }

    @Test func reportsTheOldSnapshotItWaitsFor() async throws {
        let db = try await LockFixtures.scratch()
        let connection = try await LockFixtures.connectApp(db)
        let holder = try await LockFixtures.connectApp(db, application: "long report")
        try await connection.unsafeExecuteRaw(
            "CREATE TABLE t (id int, email text); CREATE TABLE other (x int); INSERT INTO t SELECT i, 'u' || i FROM generate_series(1, 100) i")
        // A snapshot older than the build, on another table: no lock on t, yet CIC must wait for it.
        try await holder.unsafeExecuteRaw("BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM other")
        let holderPID = holder.backendPID
        let log = LockEventLog()
        let executor = LockSafeExecutor(
            connection: connection, policy: LockPolicy(concurrentPollInterval: .milliseconds(100)), onEvent: log.handler)
        async let build = executor.runConcurrently(statement: "CREATE INDEX CONCURRENTLY t_email_idx ON t (email)")
        try await LockFixtures.waitUntil("a report naming the snapshot holder") {
            log.events.contains { event in
                if case .concurrentWaiting(_, let phase, _, _, let blockers) = event {
                    return phase == "waiting for old snapshots"
                        && blockers.contains { $0.pid == holderPID && $0.applicationName == "long report" }
                }
                return false
            }
        }
        let report = log.events.first { $0.kind == "concurrent_waiting" }?.description ?? ""
        #expect(report.contains("waiting for old snapshots"))
        #expect(report.contains("pid \(holderPID)"))
        try await holder.unsafeExecuteRaw("COMMIT")
        let summary = try await build
        #expect(summary.attempts == 1)
        #expect(try await executor.isIndexValid(schema: "public", name: "t_email_idx"))
        await executor.close()
    }

    @Test func aBuildInterruptedByItsWaitBudgetIsCleanedUpRetriedAndReported() async throws {
        let db = try await LockFixtures.scratch()
        let connection = try await LockFixtures.connectApp(db)
        let holder = try await LockFixtures.connectApp(db, application: "forgotten psql")
        try await connection.unsafeExecuteRaw(
            "CREATE TABLE t (id int, email text); CREATE TABLE other (x int); INSERT INTO t VALUES (1, 'a')")
        try await holder.unsafeExecuteRaw("BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM other")
        let holderPID = holder.backendPID
        let log = LockEventLog()
        let executor = LockSafeExecutor(
            connection: connection,
            policy: LockPolicy(
                // A budget long enough for the watcher to sample the waiting build on a loaded machine.
                backoffInitial: .milliseconds(20), concurrentIndexWait: .seconds(2), concurrentMaxAttempts: 2,
                concurrentPollInterval: .milliseconds(100)), onEvent: log.handler)
        let index = RelationName(schema: "public", name: "t_email_idx")
        let error = try await #require(throws: LockTimeoutError.self) {
            try await executor.runConcurrently(statement: "CREATE INDEX CONCURRENTLY t_email_idx ON t (email)", index: index)
        }
        #expect(error.code == .attemptsExhausted)
        #expect(error.attempts == 2)
        #expect(error.blockers.contains { $0.pid == holderPID && $0.applicationName == "forgotten psql" })
        #expect(error.description.hasPrefix("\"CREATE INDEX CONCURRENTLY t_email_idx ON t (email)\" gave up waiting for older transaction "))
        #expect(log.count("invalid_index_dropped") == 2)
        #expect(try await executor.indexState(of: index) == .absent)
        #expect(try await Self.invalidIndexCount(connection) == "0")
        #expect(try await LockFixtures.text(connection, "SHOW lock_timeout") == "0")
        try await holder.unsafeExecuteRaw("COMMIT")
        await executor.close()
    }

    @Test func refusesToRunInsideATransaction() async throws {
        let db = try await LockFixtures.scratch()
        let connection = try await LockFixtures.connectApp(db)
        try await connection.unsafeExecuteRaw("CREATE TABLE t (id int); BEGIN")
        let executor = LockSafeExecutor(connection: connection)
        let error = try await #require(throws: PostgresError.self) {
            try await executor.runConcurrently(statement: "CREATE INDEX CONCURRENTLY t_id_idx ON t (id)")
        }
        #expect(error.code == .invalidArgument)
        try await connection.unsafeExecuteRaw("ROLLBACK")
        await executor.close()
    }
}
