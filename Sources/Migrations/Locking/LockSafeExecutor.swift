import PostgresClient

/// Runs Slipway's lock-taking statements so that they can never stall a live database for long.
///
/// Works over one pinned ``PostgresConnection`` (the migration runner's session) and opens a second,
/// short-lived *monitor* session lazily to see who blocks it. Every statement goes through one of:
///
/// - ``runInShortTransaction(statements:lockMode:target:origin:)`` (and the closure form): each attempt is
///   `BEGIN; SET LOCAL lock_timeout = …; [SET LOCAL statement_timeout = … for ACCESS EXCLUSIVE]; …; COMMIT`,
///   retried on SQLSTATE 55P03 with capped exponential backoff and jitter, bounded by
///   ``LockPolicy/maxAttempts`` and ``LockPolicy/retryDeadline``. Other errors are not retried.
/// - ``runConcurrently(statement:index:origin:)`` for `CREATE/DROP INDEX CONCURRENTLY` and `REINDEX … CONCURRENTLY`:
///   outside any transaction, with session-level `SET` and a restore afterwards, the longer
///   ``LockPolicy/concurrentIndexWait`` budget, reports of the older transactions it waits for, and cleanup
///   of the INVALID index a failed build leaves.
///
/// Progress is reported through the event handler (``LockEvent``). See `docs/lock-safety.md`.
///
/// Use one executor per pinned session and one operation at a time (like the session itself). Call
/// ``close()`` when done to close the monitor session.
public actor LockSafeExecutor {
    /// The pinned session every statement runs on.
    public nonisolated let connection: PostgresConnection
    /// The limits in force.
    public nonisolated let policy: LockPolicy
    let onEvent: @Sendable (LockEvent) -> Void
    let monitor: LockMonitor
    let random: @Sendable () -> Double

    /// - Parameters:
    ///   - connection: the pinned session; it must not be inside a transaction when an operation starts.
    ///   - policy: timeouts, attempts, backoff and blocker policy.
    ///   - monitorConfiguration: how to open the monitor session (default: the pinned session's configuration
    ///     with `application_name` `slipway lock monitor`).
    ///   - onEvent: called for every ``LockEvent``, from any thread; keep it quick.
    ///   - random: a source of numbers in `0..<1` for the jitter (replaceable in tests).
    public init(
        connection: PostgresConnection, policy: LockPolicy = LockPolicy(),
        monitorConfiguration: ConnectionConfiguration? = nil,
        onEvent: @escaping @Sendable (LockEvent) -> Void = { _ in },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.connection = connection
        self.policy = policy
        self.onEvent = onEvent
        self.random = random
        let configuration =
            monitorConfiguration ?? connection.configuration.with("application_name", "slipway lock monitor")
        self.monitor = LockMonitor(configuration: configuration, onEvent: onEvent)
    }

    /// Closes the monitor session (the pinned session stays open: it belongs to the caller).
    public func close() async {
        await monitor.close()
    }

    // MARK: Short transactions

    /// Runs `statements` (SQL text, each sent as written with the simple query protocol) in one short
    /// transaction with bounded lock waits, retrying on lock timeouts.
    ///
    /// Each attempt sends `BEGIN; SET LOCAL lock_timeout = '<lockTimeout>ms'` — plus
    /// `SET LOCAL statement_timeout = '<statementTimeout>ms'` when `lockMode` is `ACCESS EXCLUSIVE` — then
    /// the statements one by one, then `COMMIT`. All statements commit together or not at all.
    ///
    /// - Parameters:
    ///   - lockMode: the strongest table lock the statements take (decides `statement_timeout`, and is used
    ///     to find conflicting holders and to word the error).
    ///   - target: the table the statements lock, for messages and for finding blockers.
    ///   - origin: where the statements come from (a migration file and operation), kept in errors.
    /// - Returns: the attempts made and the time taken.
    /// - Throws: ``LockTimeoutError`` when every attempt hit `lock_timeout` (SQLSTATE 55P03) or the retry
    ///   deadline passed — nothing was applied. ``PostgresError`` for any other failure, unretried (a
    ///   `statement_timeout` under `ACCESS EXCLUSIVE` is SQLSTATE 57014 and is *not* retried: the statement
    ///   itself is too slow to run under that lock); `.invalidArgument` when the session is already inside a
    ///   transaction. `CancellationError` when the task is cancelled between attempts.
    @discardableResult
    public func runInShortTransaction(
        statements: [String], lockMode: PostgresLockMode, target: RelationName? = nil, origin: String? = nil
    ) async throws -> LockRunSummary {
        let summary = statements.joined(separator: "; ")
        let (_, result) = try await retrying(summary: summary, lockMode: lockMode, target: target, origin: origin) {
            connection in
            for statement in statements {
                try await connection.unsafeExecuteRaw(statement, origin: origin)
            }
            return true
        }
        return result
    }

    /// Runs `body` in one short transaction with bounded lock waits, retrying the whole transaction on lock
    /// timeouts — for multi-step changes that need values from earlier steps.
    ///
    /// `body` runs after `BEGIN` and the `SET LOCAL` timeouts and before `COMMIT`; it may run several times,
    /// so it must not have effects outside the transaction. It must let errors propagate (an error it
    /// swallows would leave the transaction aborted: the executor then throws instead of committing).
    ///
    /// - Parameters:
    ///   - summary: the statement to name in events and errors (usually the lock-taking one).
    /// - Throws: as ``runInShortTransaction(statements:lockMode:target:origin:)``, plus whatever `body` throws.
    public func runInShortTransaction<T: Sendable>(
        summary: String, lockMode: PostgresLockMode, target: RelationName? = nil, origin: String? = nil,
        _ body: @Sendable (isolated PostgresConnection) async throws -> T
    ) async throws -> T {
        try await retrying(summary: summary, lockMode: lockMode, target: target, origin: origin, body).0
    }

    private func retrying<T: Sendable>(
        summary: String, lockMode: PostgresLockMode, target: RelationName?, origin: String?,
        _ body: @Sendable (isolated PostgresConnection) async throws -> T
    ) async throws -> (T, LockRunSummary) {
        try await requireNoTransaction(for: summary, origin: origin)
        let ourPID = connection.backendPID
        let clock = ContinuousClock()
        let start = clock.now
        let maxAttempts = max(policy.maxAttempts, 1)
        var attempt = 0
        var lastBlockers: [BlockingSession] = []
        var lastWaitingFor: String?
        var signals: [BlockerSignal] = []
        var refusedPIDs: Set<Int32> = []
        while true {
            attempt += 1
            onEvent(.attemptStarted(attempt: attempt, maxAttempts: maxAttempts, statement: summary, target: target, mode: lockMode))
            let attemptStart = clock.now
            let sampler = startSampler(pid: ourPID)
            do {
                let value = try await attemptOnce(lockMode: lockMode, origin: origin, body)
                sampler.cancel()
                _ = await sampler.value
                let result = LockRunSummary(attempts: attempt, elapsed: clock.now - start)
                onEvent(.succeeded(attempts: attempt, elapsed: result.elapsed))
                return (value, result)
            } catch let error as PostgresError where error.isLockTimeout {
                sampler.cancel()
                var sample = await sampler.value
                if sample?.blockers.isEmpty ?? true, let target {
                    let holders = await monitor.conflictingHolders(target: target, mode: lockMode, excluding: ourPID)
                    if !holders.isEmpty {
                        sample = BlockerSample(waitingFor: sample?.waitingFor ?? "\(target) (\(lockMode))", blockers: holders)
                    }
                }
                onEvent(.lockTimeout(attempt: attempt, waited: clock.now - attemptStart, message: error.message))
                onEvent(.blockersReported(attempt: attempt, waitingFor: sample?.waitingFor, blockers: sample?.blockers ?? []))
                if let sample, !sample.blockers.isEmpty {
                    lastBlockers = sample.blockers
                    lastWaitingFor = sample.waitingFor
                }
                let elapsed = clock.now - start
                func failure(_ code: LockTimeoutError.Code) -> LockTimeoutError {
                    LockTimeoutError(
                        code: code, statement: error.statement ?? summary, origin: origin, target: target, mode: lockMode,
                        waitingFor: lastWaitingFor, attempts: attempt, elapsed: elapsed, blockers: lastBlockers,
                        signals: signals, underlying: error)
                }
                if attempt >= maxAttempts { throw failure(.attemptsExhausted) }
                if policy.blockerPolicy != .report, elapsed >= policy.blockerGrace, let sample {
                    signals += await signalBlockers(sample.blockers, ourPID: ourPID, refused: &refusedPIDs)
                }
                let delay = policy.backoffDelay(afterFailedAttempts: attempt, unit: random())
                if elapsed + delay >= policy.retryDeadline { throw failure(.deadlineReached) }
                onEvent(.retrying(nextAttempt: attempt + 1, delay: delay))
                try await Task.sleep(for: delay)
            } catch {
                sampler.cancel()
                _ = await sampler.value
                throw error
            }
        }
    }

    /// One attempt: `BEGIN` + `SET LOCAL`s, `body`, `COMMIT`; rolled back on any error.
    private func attemptOnce<T: Sendable>(
        lockMode: PostgresLockMode, origin: String?, _ body: @Sendable (isolated PostgresConnection) async throws -> T
    ) async throws -> T {
        var setup = "BEGIN; SET LOCAL lock_timeout = \(policy.lockTimeout.postgresSettingLiteral)"
        if lockMode == .accessExclusive {
            setup += "; SET LOCAL statement_timeout = \(policy.statementTimeout.postgresSettingLiteral)"
        }
        do {
            try await connection.unsafeExecuteRaw(setup, origin: origin)
            let value = try await body(connection)
            let committed = try await connection.unsafeExecuteRaw("COMMIT", origin: origin)
            if committed.last?.commandTag == "ROLLBACK" {
                throw PostgresError(
                    code: .invalidArgument,
                    message: "the transaction was aborted by an error the statements caught; it was rolled back",
                    statement: "COMMIT", origin: origin)
            }
            return value
        } catch {
            await rollbackIfNeeded()
            throw error
        }
    }

    /// Rolls back an open transaction even when the task is being cancelled (an unstructured task does not
    /// inherit cancellation, so the ROLLBACK is really sent).
    func rollbackIfNeeded() async {
        let connection = self.connection
        await Task {
            if await connection.inTransaction { _ = try? await connection.unsafeExecuteRaw("ROLLBACK") }
        }.value
    }

    func requireNoTransaction(for statement: String, origin: String?) async throws {
        if await connection.inTransaction {
            throw PostgresError(
                code: .invalidArgument,
                message: "the session is inside a transaction; lock-safe statements run in their own short "
                    + "transactions (or, for CONCURRENTLY, outside any) — commit or roll back first",
                statement: statement, origin: origin)
        }
    }

    /// Watches `pid` from the monitor session while an attempt runs: first after 40% of the lock timeout
    /// (at most 1 s) so quick statements cost nothing, then every quarter of the lock timeout (25–500 ms).
    /// Returns the last sample that named blockers (or the last sample at all).
    private func startSampler(pid: Int32) -> Task<BlockerSample?, Never> {
        let monitor = self.monitor
        let initial = min(policy.lockTimeout * 0.4, .seconds(1))
        let interval = min(max(policy.lockTimeout / 4, .milliseconds(25)), .milliseconds(500))
        return Task.detached {
            var latest: BlockerSample?
            do { try await Task.sleep(for: initial) } catch { return latest }
            while !Task.isCancelled {
                // Not cancellable mid-query: a PQcancel racing with the next monitor query would hit it.
                let sample = await Task.detached { await monitor.sample(pid: pid) }.value
                if let sample, !sample.blockers.isEmpty || (latest?.blockers.isEmpty ?? true) { latest = sample }
                do { try await Task.sleep(for: interval) } catch { break }
            }
            return latest
        }
    }

    /// Applies the blocker policy to `blockers` (never to ourselves, the monitor or a prepared transaction).
    private func signalBlockers(_ blockers: [BlockingSession], ourPID: Int32, refused: inout Set<Int32>) async
        -> [BlockerSignal]
    {
        let action: BlockerSignal.Action = policy.blockerPolicy == .terminate ? .terminate : .cancel
        var sent: [BlockerSignal] = []
        for blocker in blockers where blocker.pid != 0 && blocker.pid != ourPID && !refused.contains(blocker.pid) {
            switch await monitor.signal(pid: blocker.pid, action: action) {
            case .delivered(let delivered):
                let signal = BlockerSignal(pid: blocker.pid, action: action, delivered: delivered, session: blocker)
                sent.append(signal)
                onEvent(.blockerSignalled(signal))
            case .notPermitted(let reason):
                refused.insert(blocker.pid)
                let signal = BlockerSignal(pid: blocker.pid, action: action, delivered: false, session: blocker)
                onEvent(.blockerSignalNotPermitted(signal, reason: reason))
            case .failed(let reason):
                let signal = BlockerSignal(pid: blocker.pid, action: action, delivered: false, session: blocker)
                onEvent(.blockerSignalNotPermitted(signal, reason: reason))
            }
        }
        return sent
    }
}
