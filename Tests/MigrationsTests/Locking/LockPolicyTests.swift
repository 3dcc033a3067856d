@testable import Migrations
import PostgresClient
import Testing

@Suite("LockPolicy, backoff and messages")
struct LockPolicyTests {
    @Test func defaults() {
        let policy = LockPolicy()
        #expect(policy.lockTimeout == .seconds(2))
        #expect(policy.statementTimeout == .seconds(5))
        #expect(policy.maxAttempts == 10)
        #expect(policy.retryDeadline == .seconds(300))
        #expect(policy.backoffInitial == .milliseconds(200))
        #expect(policy.backoffMax == .seconds(10))
        #expect(policy.jitter == .full)
        #expect(policy.concurrentIndexWait == .seconds(1800))
        #expect(policy.blockerPolicy == .report)
        #expect(policy.blockerGrace == .seconds(30))
        // 10 × 2 s of lock waits + 0.2+0.4+0.8+1.6+3.2+6.4+10+10+10 s of backoff caps.
        #expect(policy.worstCaseRetryDuration == .milliseconds(62_600))
    }

    @Test(arguments: [(1, 200), (2, 400), (3, 800), (4, 1600), (5, 3200), (6, 6400), (7, 10_000), (8, 10_000), (60, 10_000)])
    func backoffCapDoublesUpToTheMaximum(failed: Int, expectedMilliseconds: Int) {
        #expect(LockPolicy().backoffCap(afterFailedAttempts: failed) == .milliseconds(expectedMilliseconds))
    }

    @Test func jitterKinds() {
        var policy = LockPolicy()
        #expect(policy.backoffDelay(afterFailedAttempts: 3, unit: 0) == .zero)
        #expect(policy.backoffDelay(afterFailedAttempts: 3, unit: 0.5) == .milliseconds(400))
        #expect(policy.backoffDelay(afterFailedAttempts: 3, unit: 0.999) <= .milliseconds(800))
        policy.jitter = .equal
        #expect(policy.backoffDelay(afterFailedAttempts: 3, unit: 0) == .milliseconds(400))
        #expect(policy.backoffDelay(afterFailedAttempts: 3, unit: 1) == .milliseconds(800))
        policy.jitter = .none
        #expect(policy.backoffDelay(afterFailedAttempts: 3, unit: 0.1) == .milliseconds(800))
    }

    @Test func timeoutsAreWrittenAsWholeMillisecondsNeverZero() {
        #expect(Duration.seconds(2).postgresSettingLiteral == "'2000ms'")
        #expect(Duration.milliseconds(1500).postgresSettingLiteral == "'1500ms'")
        #expect(Duration.zero.postgresSettingLiteral == "'1ms'")
        #expect(Duration.seconds(1800).postgresSettingLiteral == "'1800000ms'")
    }

    @Test(arguments: [(0.85, "850ms"), (31.2, "31.2s"), (5, "5s"), (312, "5m12s"), (3725, "1h02m"), (59.99, "1m00s")])
    func durationsReadWell(seconds: Double, expected: String) {
        #expect(DurationFormatting.short(seconds: seconds) == expected)
    }

    @Test func lockTimeoutErrorNamesStatementAttemptsAndBlockers() {
        let blocker = BlockingSession(
            pid: 4242, user: "app", applicationName: "worker", client: "10.0.0.7:51234", state: "idle in transaction",
            query: "UPDATE orders SET status = 'shipped', shipped_at = now(), carrier = 'dhl' WHERE id = 42",
            transactionAge: .seconds(312), stateAge: .seconds(312), waitEvent: "Client:ClientRead",
            heldModes: [.rowExclusive])
        let error = LockTimeoutError(
            code: .attemptsExhausted, statement: "ALTER TABLE orders ADD COLUMN note text",
            origin: "migrations/0007_note.yaml:4 operations[0]",
            target: RelationName(schema: "public", name: "orders"), mode: .accessExclusive, attempts: 10,
            elapsed: .milliseconds(31_200), blockers: [blocker])
        #expect(
            error.description
                == "could not lock \"public\".\"orders\" (ACCESS EXCLUSIVE) after 10 attempts in 31.2s: blocked by pid 4242 "
                + "(user app, application \"worker\", idle in transaction for 5m12s: \"UPDATE orders SET status = 'shipped', "
                + "shipped_at = now(), …\") (at migrations/0007_note.yaml:4 operations[0])")
        let details = error.detailedDescription
        #expect(details.contains("statement: ALTER TABLE orders ADD COLUMN note text"))
        #expect(details.contains("client: 10.0.0.7:51234"))
        #expect(details.contains("holds: ROW EXCLUSIVE"))
        #expect(details.contains("transaction open for: 5m12s"))
        #expect(details.contains("blocker_policy"))

        let deadline = LockTimeoutError(
            code: .deadlineReached, statement: "ALTER TABLE t ADD c int", target: RelationName(schema: "public", name: "t"),
            mode: .accessExclusive, attempts: 3, elapsed: .seconds(300), blockers: [BlockingSession(pid: 0)])
        #expect(deadline.description.contains("after 3 attempts in 5m00s (retry deadline reached)"))
        #expect(deadline.description.contains("a prepared transaction"))

        let hidden = BlockingSession(pid: 17, user: "postgres", applicationName: "psql")
        #expect(hidden.description == "pid 17 (user postgres, application \"psql\", state not visible (grant pg_read_all_stats to see its query))")
    }
}
