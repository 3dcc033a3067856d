import PostgresClient

extension LockSafeExecutor {
    /// Runs a statement that cannot run inside a transaction block — `CREATE [UNIQUE] INDEX CONCURRENTLY`,
    /// `DROP INDEX CONCURRENTLY`, `REINDEX … CONCURRENTLY` — with session-level timeouts.
    ///
    /// Sends `SET lock_timeout = '<concurrentIndexWait>ms'; SET statement_timeout = 0`, the statement, then
    /// restores both settings (`RESET`, or the session's own earlier value if it had `SET` one), also when the
    /// statement fails. `SET LOCAL` would do nothing here: there is no transaction block. The session must
    /// hold no snapshot (no open transaction), or the build would wait for itself.
    ///
    /// While the statement runs, the monitor session polls every ``LockPolicy/concurrentPollInterval`` and
    /// reports (``LockEvent/concurrentWaiting(statement:phase:lockersDone:lockersTotal:blockers:)``) the
    /// sessions it waits for — older transactions and snapshots (`pg_stat_progress_create_index` phase
    /// "waiting for old snapshots" and its lockers) or conflicting locks (`pg_blocking_pids`).
    ///
    /// When `index` is given (the index a `CREATE INDEX CONCURRENTLY` builds): an INVALID leftover of an
    /// earlier interrupted build is dropped first; after a failure, the INVALID index the failure left is
    /// dropped with `DROP INDEX CONCURRENTLY IF EXISTS`. Lock timeouts (55P03) and deadlocks (40P01) are then
    /// retried with backoff up to ``LockPolicy/concurrentMaxAttempts``; other errors (a unique violation, …)
    /// are thrown after the cleanup.
    ///
    /// - Throws: ``LockTimeoutError`` when every attempt hit the lock timeout (naming the sessions it waited
    ///   for); ``PostgresError`` for other failures (`.invalidArgument` when the session is inside a
    ///   transaction); `CancellationError` when cancelled between attempts.
    @discardableResult
    public func runConcurrently(statement: String, index: RelationName? = nil, origin: String? = nil) async throws
        -> LockRunSummary
    {
        try await requireNoTransaction(for: statement, origin: origin)
        let ourPID = connection.backendPID
        if let index, case .invalid = try await indexState(of: index) {
            try await dropInvalid(index, origin: origin)
        }
        let clock = ContinuousClock()
        let start = clock.now
        let maxAttempts = max(policy.concurrentMaxAttempts, 1)
        var attempt = 0
        var lastBlockers: [BlockingSession] = []
        var lastWaitingFor: String?
        while true {
            attempt += 1
            onEvent(.attemptStarted(attempt: attempt, maxAttempts: maxAttempts, statement: statement, target: nil, mode: nil))
            let attemptStart = clock.now
            let watcher = startConcurrentWatcher(pid: ourPID, statement: statement)
            let failure: PostgresError?
            do {
                try await runWithSessionTimeouts(statement, origin: origin)
                failure = nil
            } catch let error as PostgresError {
                failure = error
            } catch {
                watcher.cancel()
                _ = await watcher.value
                throw error
            }
            watcher.cancel()
            let sample = await watcher.value
            if let sample, !sample.blockers.isEmpty {
                lastBlockers = sample.blockers
                lastWaitingFor = sample.waitingFor
            }
            guard let failure else {
                let elapsed = clock.now - start
                onEvent(.succeeded(attempts: attempt, elapsed: elapsed))
                return LockRunSummary(attempts: attempt, elapsed: elapsed)
            }
            let transient = failure.isLockTimeout || failure.sqlState == .deadlockDetected
            if failure.isLockTimeout {
                onEvent(.lockTimeout(attempt: attempt, waited: clock.now - attemptStart, message: failure.message))
                onEvent(
                    .blockersReported(attempt: attempt, waitingFor: sample?.waitingFor, blockers: sample?.blockers ?? []))
            }
            if let index {
                do {
                    if case .invalid = try await indexState(of: index) { try await dropInvalid(index, origin: origin) }
                } catch {
                    throw PostgresError(
                        code: failure.code,
                        message: "\(failure.message); then dropping the INVALID index \(index) it left failed too "
                            + "(\(error)) — run DROP INDEX CONCURRENTLY IF EXISTS \(index)",
                        serverError: failure.serverError, statement: statement, origin: origin)
                }
            }
            guard transient else { throw failure }
            if attempt >= maxAttempts {
                guard failure.isLockTimeout else { throw failure }
                throw LockTimeoutError(
                    code: .attemptsExhausted, statement: statement, origin: origin, waitingFor: lastWaitingFor,
                    attempts: attempt, elapsed: clock.now - start, blockers: lastBlockers, underlying: failure)
            }
            let delay = policy.backoffDelay(afterFailedAttempts: attempt, unit: random())
            onEvent(.retrying(nextAttempt: attempt + 1, delay: delay))
            try await Task.sleep(for: delay)
        }
    }

    /// Drops `schema.name` with `DROP INDEX CONCURRENTLY IF EXISTS` if — and only if — it is INVALID and no
    /// build of it is running. For resume and rollback of interrupted concurrent builds.
    ///
    /// - Returns: true when an INVALID index was dropped; false when it was absent, valid or being built.
    /// - Throws: ``PostgresError`` when the drop fails (`.invalidArgument` inside a transaction).
    @discardableResult
    public func dropInvalidIndex(schema: String, name: String) async throws -> Bool {
        let index = RelationName(schema: schema, name: name)
        guard case .invalid = try await indexState(of: index) else { return false }
        try await requireNoTransaction(for: "DROP INDEX CONCURRENTLY IF EXISTS \(index)", origin: nil)
        try await dropInvalid(index, origin: nil)
        return true
    }

    /// Whether `schema.name` exists and is valid (`pg_index.indisvalid`).
    /// - Throws: ``PostgresError`` when the catalog query fails.
    public func isIndexValid(schema: String, name: String) async throws -> Bool {
        try await indexState(of: RelationName(schema: schema, name: name)) == .valid
    }

    /// The state of an index: absent, valid, INVALID, or being built right now (`pg_index`,
    /// `pg_stat_progress_create_index`). Read on the pinned session.
    /// - Throws: ``PostgresError`` when the catalog query fails.
    public func indexState(of index: RelationName) async throws -> IndexState {
        try await Self.indexState(of: index, on: connection)
    }

    /// ``indexState(of:)`` by schema and name.
    /// - Throws: ``PostgresError`` when the catalog query fails.
    public func indexState(schema: String, name: String) async throws -> IndexState {
        try await indexState(of: RelationName(schema: schema, name: name))
    }

    /// ``indexState(of:)`` on any session.
    /// - Throws: ``PostgresError`` when the catalog query fails.
    public static func indexState(of index: RelationName, on connection: PostgresConnection) async throws -> IndexState {
        let result = try await connection.query(
            """
            SELECT i.indisvalid,
                   (SELECT p.pid FROM pg_stat_progress_create_index p WHERE p.index_relid = c.oid LIMIT 1) AS builder
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_index i ON i.indexrelid = c.oid
            WHERE n.nspname = \(index.schema) AND c.relname = \(index.name)
            """, origin: "index state of \(index)")
        guard let row = result.first else { return .absent }
        if try row.decode("indisvalid", as: Bool.self) { return .valid }
        if let builder = try row.decode("builder", as: Int32?.self) { return .building(pid: builder) }
        return .invalid
    }

    // MARK: Internals

    private func dropInvalid(_ index: RelationName, origin: String?) async throws {
        try await runWithSessionTimeouts("DROP INDEX CONCURRENTLY IF EXISTS \(index)", origin: origin)
        onEvent(.invalidIndexDropped(index))
    }

    /// `SET lock_timeout`/`SET statement_timeout = 0`, the statement, then the settings restored — also
    /// when the statement fails or the task is cancelled.
    private func runWithSessionTimeouts(_ statement: String, origin: String?) async throws {
        let connection = self.connection
        let saved = try await connection.query(
            """
            SELECT current_setting('lock_timeout') AS lock_timeout,
                   current_setting('statement_timeout') AS statement_timeout,
                   (SELECT source FROM pg_settings WHERE name = 'lock_timeout') AS lock_timeout_source,
                   (SELECT source FROM pg_settings WHERE name = 'statement_timeout') AS statement_timeout_source
            """, origin: origin)
        try await connection.unsafeExecuteRaw(
            "SET lock_timeout = \(policy.concurrentIndexWait.postgresSettingLiteral); SET statement_timeout = 0",
            origin: origin)
        let result: Result<Void, any Error>
        do {
            try await connection.unsafeExecuteRaw(statement, origin: origin)
            result = .success(())
        } catch {
            result = .failure(error)
        }
        // Restored from an unstructured task so a cancelled caller still restores the session.
        let restored = await Task { () -> (any Error)? in
            do {
                for name in ["lock_timeout", "statement_timeout"] {
                    let row = saved.first
                    if (try row?.decode("\(name)_source", as: String?.self)) == "session",
                        let value = try row?.decode(name, as: String.self)
                    {
                        try await connection.query("SELECT set_config(\(name), \(value), false)", origin: origin)
                    } else {
                        try await connection.unsafeExecuteRaw("RESET \(name)", origin: origin)
                    }
                }
                return nil
            } catch {
                return error
            }
        }.value
        try result.get()
        if let restored { throw restored }
    }

    /// Polls `pg_stat_progress_create_index` and `pg_blocking_pids` for `pid` every
    /// ``LockPolicy/concurrentPollInterval`` and reports waits (when the phase or the blockers change, and
    /// every 10 s while they do not). Returns the last sample that named blockers.
    private func startConcurrentWatcher(pid: Int32, statement: String) -> Task<BlockerSample?, Never> {
        let monitor = self.monitor
        let onEvent = self.onEvent
        let interval = max(policy.concurrentPollInterval, .milliseconds(50))
        return Task.detached {
            let clock = ContinuousClock()
            var latest: BlockerSample?
            var lastKey: String?
            var lastReport = clock.now
            while !Task.isCancelled {
                do { try await Task.sleep(for: interval) } catch { break }
                let polled = await Task.detached { await monitor.sample(pid: pid, includeIndexProgress: true) }.value
                guard let sample = polled else { continue }
                let waiting = !sample.blockers.isEmpty || (sample.phase?.hasPrefix("waiting") ?? false)
                guard waiting else { continue }
                if !sample.blockers.isEmpty { latest = sample }
                let key = "\(sample.phase ?? "")|\(sample.blockers.map(\.pid))"
                if key != lastKey || clock.now - lastReport >= .seconds(10) {
                    lastKey = key
                    lastReport = clock.now
                    onEvent(
                        .concurrentWaiting(
                            statement: statement, phase: sample.phase, lockersDone: sample.lockersDone,
                            lockersTotal: sample.lockersTotal, blockers: sample.blockers))
                }
            }
            return latest
        }
    }
}
