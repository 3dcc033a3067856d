import PostgresClient

extension LockSettings {
    /// The lock-safe executor's policy for these settings.
    public var policy: LockPolicy {
        LockPolicy(
            lockTimeout: .milliseconds(lockTimeoutMs), statementTimeout: .milliseconds(statementTimeoutMs),
            maxAttempts: maxAttempts, retryDeadline: .milliseconds(retryDeadlineMs),
            backoffInitial: .milliseconds(backoffInitialMs), backoffMax: .milliseconds(backoffMaxMs),
            concurrentIndexWait: .milliseconds(concurrentIndexWaitMs), concurrentMaxAttempts: concurrentMaxAttempts,
            blockerPolicy: LockPolicy.BlockerPolicy(rawValue: blockerPolicy) ?? .report,
            blockerGrace: .milliseconds(blockerGraceMs))
    }
}

extension MigrationRunner {
    /// A lock-safe executor over the run's pinned session, reporting through the runner's events.
    func makeExecutor(_ session: PostgresConnection) -> LockSafeExecutor {
        let events = self.events
        return LockSafeExecutor(
            connection: session, policy: lock.policy, monitorConfiguration: connection.with("application_name", "slipway lock monitor"),
            onEvent: { event in
                switch event.kind {
                case "attemptStarted", "succeeded": return
                default: events(RunnerEvent("lock-\(event.kind)", event.description))
                }
            })
    }

    /// Runs statements (and the cursor update) in one short lock-safe transaction.
    func runLockedTransaction(
        _ executor: LockSafeExecutor, summary: String, statements: [String], accessExclusive: Bool,
        advance: PostgresQuery?, origin: String?, target: RelationName?
    ) async throws {
        do {
            try await executor.runInShortTransaction(
                summary: summary, lockMode: accessExclusive ? .accessExclusive : .shareUpdateExclusive, target: target,
                origin: origin
            ) { tx in
                for statement in statements { try await tx.unsafeExecuteRaw(statement, origin: origin) }
                if let advance { try await tx.query(advance) }
            }
        } catch let error as LockTimeoutError {
            throw MigrationError(
                .lockTimeout, error.description, origin: origin,
                hint: "end the blocking transactions (or set [lock] blocker_policy), then `slipway resume`",
                underlying: error.detailedDescription)
        }
    }

    /// Runs a statement that cannot run in a transaction block; an index that already exists and is valid
    /// (a resumed run) is left alone, an INVALID leftover is dropped and rebuilt.
    func runLockedConcurrently(
        _ executor: LockSafeExecutor, statement: String, index: QualifiedName?, origin: String?
    ) async throws {
        if let index {
            let state = try await executor.indexState(schema: index.schema, name: index.name)
            if state == .valid {
                events(RunnerEvent("step-skipped", "index \(index.name) already exists and is valid"))
                return
            }
        }
        do {
            try await executor.runConcurrently(
                statement: statement, index: index.map { RelationName(schema: $0.schema, name: $0.name) }, origin: origin)
        } catch let error as LockTimeoutError {
            throw MigrationError(
                .lockTimeout, error.description, origin: origin,
                hint: "long transactions keep the build waiting; end them, then `slipway resume`",
                underlying: error.detailedDescription)
        }
    }
}
