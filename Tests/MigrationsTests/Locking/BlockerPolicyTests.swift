import Foundation
import LocalPostgres
import Migrations
import PostgresClient
import Testing

@Suite("Blocker policy on a real server")
struct BlockerPolicyTests {
    static let fast = LockPolicy(
        lockTimeout: .milliseconds(200), maxAttempts: 10, backoffInitial: .milliseconds(50),
        backoffMax: .milliseconds(100), blockerPolicy: .cancel, blockerGrace: .zero)

    @Test func cancelPolicyCancelsARunningBlockerAndTheChangeGoesThrough() async throws {
        let db = try await LockFixtures.scratch()
        let admin = try await LockFixtures.connectAdmin(db)
        let observer = try await LockFixtures.connectAdmin(db)
        let blocker = try await LockFixtures.connectApp(db, application: "slow report")
        try await admin.unsafeExecuteRaw("CREATE TABLE t (id int); GRANT SELECT ON t TO \(db.role)")
        let blockerPID = blocker.backendPID
        let blocking = Task {
            try await blocker.unsafeExecuteRaw("BEGIN; LOCK TABLE t IN ACCESS SHARE MODE; SELECT pg_sleep(60)")
        }
        try await LockFixtures.waitUntil("the blocker to sleep") { try await LockFixtures.sessionState(observer, pid: blockerPID) == "active" }
        let log = LockEventLog()
        let executor = LockSafeExecutor(connection: admin, policy: Self.fast, onEvent: log.handler)
        let summary = try await executor.runInShortTransaction(
            statements: ["ALTER TABLE t ADD COLUMN c int"], lockMode: .accessExclusive, target: LockFixtures.publicT)
        #expect(summary.attempts >= 2)
        let signals = log.events.compactMap { event -> BlockerSignal? in
            if case .blockerSignalled(let signal) = event { return signal }
            return nil
        }
        #expect(signals.contains { $0.pid == blockerPID && $0.action == .cancel && $0.delivered })
        #expect(log.events.contains { $0.description.contains("cancelled the query of blocking session pid \(blockerPID)") })
        let blockerError = await #expect(throws: PostgresError.self) { try await blocking.value }
        #expect(blockerError?.sqlState == .queryCanceled)
        #expect(try await LockFixtures.columnExists(admin, table: "t", column: "c"))
        try await blocker.unsafeExecuteRaw("ROLLBACK")
        await executor.close()
    }

    @Test func terminatePolicyEndsAnIdleInTransactionBlocker() async throws {
        let db = try await LockFixtures.scratch()
        let admin = try await LockFixtures.connectAdmin(db)
        let blocker = try await LockFixtures.connectApp(db, application: "idle worker")
        try await admin.unsafeExecuteRaw("CREATE TABLE t (id int); GRANT SELECT ON t TO \(db.role)")
        try await blocker.unsafeExecuteRaw("BEGIN; SELECT count(*) FROM t")
        let blockerPID = blocker.backendPID
        var policy = Self.fast
        policy.blockerPolicy = .terminate
        let log = LockEventLog()
        let executor = LockSafeExecutor(connection: admin, policy: policy, onEvent: log.handler)
        try await executor.runInShortTransaction(
            statements: ["ALTER TABLE t ADD COLUMN c int"], lockMode: .accessExclusive, target: LockFixtures.publicT)
        #expect(log.events.contains {
            if case .blockerSignalled(let signal) = $0 { return signal.pid == blockerPID && signal.action == .terminate }
            return false
        })
        #expect(try await LockFixtures.text(admin, "SELECT count(*)::text FROM pg_stat_activity WHERE pid = \(blockerPID)") == "0")
        await #expect(throws: PostgresError.self) { try await blocker.unsafeExecuteRaw("SELECT 1") }
        await executor.close()
    }

    @Test func withoutThePrivilegeItSaysSoAndKeepsRetrying() async throws {
        let db = try await LockFixtures.scratch()
        let connection = try await LockFixtures.connectApp(db)
        let superBlocker = try await LockFixtures.connectAdmin(db, application: "admin console")
        try await connection.unsafeExecuteRaw("CREATE TABLE t (id int)")
        try await superBlocker.unsafeExecuteRaw("BEGIN; LOCK TABLE t IN ACCESS SHARE MODE")
        let blockerPID = superBlocker.backendPID
        var policy = Self.fast
        policy.maxAttempts = 3
        let log = LockEventLog()
        let executor = LockSafeExecutor(connection: connection, policy: policy, onEvent: log.handler)
        let error = try await #require(throws: LockTimeoutError.self) {
            try await executor.runInShortTransaction(
                statements: ["ALTER TABLE t ADD COLUMN c int"], lockMode: .accessExclusive, target: LockFixtures.publicT)
        }
        #expect(error.attempts == 3)
        #expect(error.signals.isEmpty)
        let refusals = log.events.compactMap { event -> (BlockerSignal, String)? in
            if case .blockerSignalNotPermitted(let signal, let reason) = event { return (signal, reason) }
            return nil
        }
        #expect(refusals.count == 1)  // said once, not on every attempt
        #expect(refusals.first?.0.pid == blockerPID)
        // PG 15: "must be a superuser to cancel superuser query"; PG 16+: "permission denied to cancel query".
        #expect(refusals.first?.1.contains("superuser") == true || refusals.first?.1.contains("permission denied") == true)
        #expect(log.events.contains { $0.description.contains("not permitted to cancel pid \(blockerPID)") })
        // The least-privilege role sees who, but not what, without pg_read_all_stats.
        let named = try #require(error.blockers.first)
        #expect(named.pid == blockerPID)
        #expect(named.applicationName == "admin console")
        #expect(named.query == nil)
        #expect(error.description.contains("grant pg_read_all_stats"))
        // The blocker was left alone.
        #expect(await superBlocker.inTransaction)
        try await superBlocker.unsafeExecuteRaw("ROLLBACK")
        await executor.close()
    }
}
