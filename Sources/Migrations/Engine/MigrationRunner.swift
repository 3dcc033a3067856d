import Crypto
import Foundation
import MigrationFormat
import PostgresClient

/// Runs migrations: start (expand + backfill), complete (contract), rollback, resume, migrate, status.
///
/// One pinned session per run, serialised per target schema by a session-level advisory lock; every step
/// and its cursor commit together, so a killed runner resumes exactly where it stopped.
public struct MigrationRunner: Sendable {
    public var connection: ConnectionConfiguration
    /// The target schema (`public`).
    public var schema: String
    public var stateSchema: String
    public var migrationsDirectory: String
    public var lock: LockSettings
    public var batchSize: Int
    public var batchPauseMs: Int
    /// Target duration of one backfill batch in milliseconds; the batch size adapts toward it between
    /// `minBatchSize` and `maxBatchSize`. 0 keeps the batch size fixed.
    public var targetBatchMs: Int = 0
    public var minBatchSize: Int = 100
    public var maxBatchSize: Int = 50_000
    /// Workers, throttling limits and VACUUM cadence of the backfill.
    public var backfill = BackfillTuning()
    /// When the migration lock is held by another Slipway runner's backend (a killed runner's orphan),
    /// terminate that backend instead of failing (`slipway resume --terminate-orphan`).
    public var terminateOrphan = false
    /// Wait for another runner instead of failing.
    public var waitForLock: Bool
    /// Treat a `down` that does not compile as an error.
    public var strict: Bool
    /// The release this run belongs to, if any (recorded with the version).
    public var release: String?
    /// A clean-stop request (SIGINT/SIGTERM in the CLI), checked between steps and backfill batches.
    public var stop: RunnerStop? = nil
    public var events: @Sendable (RunnerEvent) -> Void

    public init(
        connection: ConnectionConfiguration, schema: String = "public", stateSchema: String = "slipway",
        migrationsDirectory: String = "migrations", lock: LockSettings = LockSettings(), batchSize: Int = 1000,
        batchPauseMs: Int = 0, waitForLock: Bool = false, strict: Bool = false, release: String? = nil,
        events: @escaping @Sendable (RunnerEvent) -> Void = { _ in }
    ) {
        self.connection = connection
        self.schema = schema
        self.stateSchema = stateSchema
        self.migrationsDirectory = migrationsDirectory
        self.lock = lock
        self.batchSize = batchSize
        self.batchPauseMs = batchPauseMs
        self.waitForLock = waitForLock
        self.strict = strict
        self.release = release
        self.events = events
    }

    var store: StateStore { StateStore(stateSchema: stateSchema) }

    /// The version schema name for a version.
    public func versionSchemaName(_ version: String) -> String { "\(schema)_\(version)" }

    // MARK: Commands

    /// Starts the pending migrations (or the given files, which must be the next pending ones) as one version.
    /// - Returns: the version record, phase `active`.
    @discardableResult
    public func start(files requested: [String] = []) async throws -> StateStore.VersionRecord {
        try await withSession("start") { session in
            let pending = try await pendingFiles(session)
            let files = try select(requested, from: pending)
            return try await startVersion(files, session: session)
        }
    }

    /// Completes the active version (contract).
    @discardableResult
    public func complete() async throws -> StateStore.VersionRecord {
        try await withSession("complete") { session in
            guard let record = try await store.currentVersion(schema: schema, session), ["active", "completing"].contains(record.phase) else {
                throw MigrationError(.wrongPhase, "no active migration to complete in schema \"\(schema)\"", hint: "run `slipway status`")
            }
            return try await runComplete(record, session: session)
        }
    }

    /// Rolls back the active (or interrupted) version.
    @discardableResult
    public func rollback() async throws -> StateStore.VersionRecord {
        try await withSession("rollback") { session in
            guard let record = try await store.currentVersion(schema: schema, session),
                ["starting", "active", "rolling_back"].contains(record.phase)
            else {
                throw MigrationError(
                    .wrongPhase, "no active migration to roll back in schema \"\(schema)\"",
                    hint: "completed versions cannot be rolled back; write a new migration")
            }
            return try await runRollback(record, session: session)
        }
    }

    /// Continues whatever phase was interrupted.
    @discardableResult
    public func resume() async throws -> StateStore.VersionRecord {
        try await withSession("resume") { session in
            guard let record = try await store.currentVersion(schema: schema, session) else {
                throw MigrationError(.nothingToDo, "nothing to resume in schema \"\(schema)\"")
            }
            switch record.phase {
            case "starting": return try await runStart(record, session: session)
            case "completing": return try await runComplete(record, session: session)
            case "rolling_back": return try await runRollback(record, session: session)
            case "active":
                throw MigrationError(
                    .nothingToDo, "version \(record.name) is active and not interrupted",
                    hint: "run `slipway complete` or `slipway rollback`")
            default:
                throw MigrationError(.nothingToDo, "nothing to resume: the last version (\(record.name)) is \(record.phase)")
            }
        }
    }

    /// pgroll-style batch mode: every pending file becomes its own version; all but the last are completed,
    /// the last only when `completeLast`.
    public func migrate(completeLast: Bool) async throws -> [StateStore.VersionRecord] {
        try await withSession("migrate") { session in
            if let current = try await store.currentVersion(schema: schema, session), current.phase != "completed" {
                throw MigrationError(
                    .wrongPhase, "version \(current.name) is \(current.phase); complete, resume or roll it back first")
            }
            let pending = try await pendingFiles(session)
            guard !pending.isEmpty else { throw MigrationError(.nothingToDo, "no pending migrations") }
            var records: [StateStore.VersionRecord] = []
            for (index, file) in pending.enumerated() {
                var record = try await startVersion([file], session: session)
                if index < pending.count - 1 || completeLast {
                    record = try await runComplete(record, session: session)
                }
                records.append(record)
            }
            return records
        }
    }

    /// The state of the schema: current version, phase, progress, pending files.
    public func status() async throws -> MigrationStatus {
        let session = try await PostgresConnection.connect(connection.with("application_name", "slipway status"))
        defer { Task { await session.close() } }
        let stateExists = try await session.query(
            "SELECT to_regclass(\(PostgresIdentifier.quote(stateSchema) + ".migrations")) IS NOT NULL AS e")[0].decode("e", as: Bool.self)
        // A missing directory is not an error for status (it may run where no files are).
        var isDirectory: ObjCBool = false
        let hasDirectory = FileManager.default.fileExists(atPath: migrationsDirectory, isDirectory: &isDirectory) && isDirectory.boolValue
        let (files, diagnostics) = hasDirectory ? MigrationDirectory.load(migrationsDirectory) : ([], [])
        var status = MigrationStatus(
            schema: schema, stateSchemaExists: stateExists, current: nil, pending: [], applied: [], backfills: [],
            invalidFiles: diagnostics.filter { $0.severity == .error }.map(\.description), checksumMismatches: [])
        guard stateExists else {
            status.pending = files.map(\.name)
            return status
        }
        let applied = try await store.appliedMigrations(schema: schema, session)
        let appliedNames = Set(applied.map(\.name))
        status.applied = applied.map(\.name)
        status.pending = files.map(\.name).filter { !appliedNames.contains($0) }
        for file in files {
            if let record = applied.first(where: { $0.name == file.name }), record.checksum != Self.checksum(file.contents) {
                status.checksumMismatches.append(file.name)
            }
        }
        if let record = try await store.currentVersion(schema: schema, session) {
            let total = ["completing", "completed"].contains(record.phase) ? record.plan.complete.count
                : record.phase == "rolling_back" ? record.plan.rollbackSteps(startCursor: record.rollbackFrom ?? 0).count
                : record.plan.start.count
            status.current = MigrationStatus.Current(
                version: record.name, versionSchema: record.versionSchema, phase: record.phase, step: record.cursor,
                steps: total, migrations: record.migrations, startedAt: record.startedAt, updatedAt: record.updatedAt,
                actor: record.actor, lastError: record.lastError,
                nextStep: record.phase == "starting" && record.cursor < record.plan.start.count
                    ? record.plan.start[record.cursor].summary : nil)
            let rows = try await session.query(
                """
                SELECT b.table_name, b.rows_done, b.rows_estimated, b.batches, b.status, b.batch_size::int8 AS batch_size,
                       b.updated_at, (to_jsonb(b) ->> 'paused')::bool AS paused, (to_jsonb(b) ->> 'workers')::int8 AS workers,
                       (to_jsonb(b) ->> 'rate')::float8 AS rate, to_jsonb(b) ->> 'throttle' AS throttle,
                       (to_jsonb(b) ->> 'throttled_ms')::int8 AS throttled_ms
                FROM \(unsafeRaw: PostgresIdentifier.quote(stateSchema)).backfills b
                WHERE b.schema = \(schema) AND b.version = \(record.name) ORDER BY b.table_name
                """)
            status.backfills = try rows.map {
                var backfill = MigrationStatus.Backfill(
                    table: try $0.decode("table_name"), rowsDone: try $0.decode("rows_done"),
                    rowsEstimated: try $0.decode("rows_estimated", as: Int?.self), batches: try $0.decode("batches"),
                    status: try $0.decode("status"))
                backfill.batchSize = try $0.decode("batch_size", as: Int?.self)
                backfill.paused = try $0.decode("paused", as: Bool?.self)
                backfill.updatedAt = try $0.decode("updated_at", as: Date?.self)
                backfill.workers = try $0.decode("workers", as: Int?.self)
                backfill.rate = try $0.decode("rate", as: Double?.self)
                backfill.throttle = try $0.decode("throttle", as: String?.self)
                backfill.throttledMs = try $0.decode("throttled_ms", as: Int?.self)
                if backfill.status != "done", let rate = backfill.rate, rate > 0, let estimate = backfill.rowsEstimated {
                    backfill.etaSeconds = Int((Double(max(estimate - backfill.rowsDone, 0)) / rate).rounded())
                }
                return backfill
            }
        }
        return status
    }

    /// Every version of the schema, newest first.
    public func history() async throws -> [StateStore.VersionRecord] {
        let session = try await PostgresConnection.connect(connection.with("application_name", "slipway history"))
        defer { Task { await session.close() } }
        let exists = try await session.query(
            "SELECT to_regclass(\(PostgresIdentifier.quote(stateSchema) + ".migrations")) IS NOT NULL AS e")[0].decode("e", as: Bool.self)
        guard exists else { return [] }
        return try await store.versions(schema: schema, session)
    }

    /// SHA-256 (hex) of a file's contents, as recorded in the state schema and release manifests.
    public static func checksum(_ contents: String) -> String {
        SHA256.hash(data: Data(contents.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    // MARK: Session and lock

    private func withSession<T: Sendable>(
        _ command: String, _ body: @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let session = try await PostgresConnection.connect(connection.with("application_name", "slipway \(command)"))
        stop?.register(session)
        defer { stop?.unregister(session) }
        do {
            if session.serverVersion >= 140000 {
                try await session.unsafeExecuteRaw("SET client_connection_check_interval = '2s'")
            }
            // The target schema first: unqualified names in raw SQL, column types, defaults and expressions
            // resolve there, as they do for the target schema's own clients (an enum made by a `sql` migration
            // in schema `app` is found by a later create_table's `type`).
            try await session.query(
                "SELECT set_config('search_path', quote_ident(\(schema)) || ', ' || current_setting('search_path'), false) AS path")
            try await store.prepare(session)
            try await acquireLock(session, command: command)
        } catch {
            await session.close()
            throw error
        }
        // The lock is released explicitly before closing: a closed connection's backend may live on for a
        // moment, and a runner started right after this one returned would find the lock still held.
        do {
            let result = try await body(session)
            await releaseLockAndClose(session)
            return result
        } catch {
            await releaseLockAndClose(session)
            throw error
        }
    }

    private var lockKey: String { "slipway:\(stateSchema):\(schema)" }

    private func releaseLockAndClose(_ session: PostgresConnection) async {
        if await !session.inTransaction {
            _ = try? await session.query("SELECT pg_advisory_unlock(hashtextextended(\(lockKey), 0)) AS released")
        }
        await session.close()
    }

    private func acquireLock(_ session: PostgresConnection, command: String) async throws {
        let started = ContinuousClock.now
        var reported = false
        while true {
            let acquired = try await session.query(
                "SELECT pg_try_advisory_lock(hashtextextended(\(lockKey), 0)) AS ok")[0].decode("ok", as: Bool.self)
            if acquired {
                events(RunnerEvent("lock-acquired", "holding the migration lock of schema \(schema)"))
                return
            }
            if terminateOrphan, let orphan = try await OrphanedRunner.terminate(key: lockKey, on: session) {
                events(RunnerEvent(
                    "orphan-terminated",
                    "terminated pid \(orphan.pid) (application \"\(orphan.applicationName)\", \(orphan.state)), an orphaned runner backend holding the migration lock"))
                continue
            }
            let holder = try await lockHolder(session)
            if !waitForLock {
                throw MigrationError(
                    .busy, "another Slipway runner holds the migration lock of schema \"\(schema)\": \(holder)",
                    hint: "wait for it to finish, or pass --wait; if that runner was killed, `slipway resume --terminate-orphan` ends its backend")
            }
            if !reported {
                events(RunnerEvent("lock-wait", "waiting for the migration lock held by \(holder)"))
                reported = true
            }
            try stop?.check("while waiting for the migration lock, before any change")
            if ContinuousClock.now - started > .milliseconds(lock.retryDeadlineMs) {
                throw MigrationError(.busy, "gave up waiting for the migration lock held by \(holder)")
            }
            try await Task.sleep(for: .milliseconds(500))
        }
    }

    private func lockHolder(_ session: PostgresConnection) async throws -> String {
        let rows = try await session.query(
            """
            SELECT a.pid, coalesce(a.application_name, '') AS app, coalesce(a.usename::text, '') AS usr,
                   coalesce(a.client_addr::text, 'local socket') AS client,
                   coalesce(to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS TZ'), '?') AS since
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND ((l.classid::int8 << 32) | l.objid::int8) = hashtextextended(\(lockKey), 0)
            """)
        guard let row = rows.first else { return "a session that just released it" }
        let pid: Int32 = try row.decode("pid")
        return "pid \(pid) (application \"\(try row.decode("app", as: String.self))\", user \(try row.decode("usr", as: String.self)), "
            + "client \(try row.decode("client", as: String.self)), since \(try row.decode("since", as: String.self)))"
    }

    // MARK: Files and history

    private func pendingFiles(_ session: PostgresConnection) async throws -> [MigrationFile] {
        let (files, diagnostics) = MigrationDirectory.load(migrationsDirectory)
        let errors = diagnostics.filter { $0.severity == .error }
        if !errors.isEmpty {
            throw MigrationError(
                .invalidMigration, "\(errors.count) error(s) in \(migrationsDirectory):\n" + errors.map(\.description).joined(separator: "\n"),
                hint: "run `slipway validate` for details")
        }
        let applied = try await store.appliedMigrations(schema: schema, session)
        var appliedNames = Set<String>()
        for record in applied {
            appliedNames.insert(record.name)
            guard let file = files.first(where: { $0.name == record.name }) else { continue }
            let checksum = Self.checksum(file.contents)
            if checksum != record.checksum {
                throw MigrationError(
                    .history,
                    "\(file.path) was changed after it was applied (checksum \(checksum.prefix(12))… differs from the recorded \(record.checksum.prefix(12))…)",
                    hint: "restore the applied file and put the change in a new migration")
            }
        }
        let pending = files.filter { !appliedNames.contains($0.name) }
        if let lastApplied = applied.map(\.name).max(), let early = pending.first(where: { $0.name < lastApplied }) {
            throw MigrationError(
                .history, "\(early.path) sorts before the already applied \(lastApplied); history is linear",
                hint: "rename the file so it sorts after \(lastApplied)")
        }
        return pending
    }

    private func select(_ requested: [String], from pending: [MigrationFile]) throws -> [MigrationFile] {
        guard !pending.isEmpty else { throw MigrationError(.nothingToDo, "no pending migrations in \(migrationsDirectory)") }
        if requested.isEmpty { return pending }
        let names = requested.map { path -> String in
            let base = (path as NSString).lastPathComponent
            return (base as NSString).deletingPathExtension
        }
        for (index, name) in names.enumerated() {
            guard index < pending.count, pending[index].name == name else {
                if !pending.contains(where: { $0.name == name }) {
                    throw MigrationError(.nothingToDo, "\(name) is not a pending migration")
                }
                throw MigrationError(
                    .history, "\(name) is not next: pending migrations start with \(pending[index < pending.count ? index : 0].name)",
                    hint: "start pending files in order")
            }
        }
        return Array(pending.prefix(names.count))
    }

    // MARK: Start

    private func startVersion(_ files: [MigrationFile], session: PostgresConnection) async throws -> StateStore.VersionRecord {
        if let current = try await store.currentVersion(schema: schema, session), current.phase != "completed" {
            let hint = current.phase == "active" ? "run `slipway complete` or `slipway rollback` first"
                : "run `slipway resume` or `slipway rollback`"
            throw MigrationError(.wrongPhase, "version \(current.name) is \(current.phase) in schema \"\(schema)\"", hint: hint)
        }
        let previous = try await store.currentVersion(schema: schema, session)
        let tables = try await TableCatalog.tables(in: schema, connection: session)
        let relations = Set(
            try await session.query(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = \(schema)"
            ).map { try $0.decode("relname", as: String.self) })
        guard let last = files.last else { throw MigrationError(.nothingToDo, "no pending migrations") }
        let planner = VersionPlanner(
            schema: schema, tables: tables, relations: relations, batchSize: batchSize, pauseMs: batchPauseMs,
            targetBatchMs: targetBatchMs, minBatchSize: minBatchSize, maxBatchSize: maxBatchSize)
        let plan = try planner.plan(
            files: files, versionSchema: versionSchemaName(last.versionName), previousVersionSchema: previous?.versionSchema)
        try await checkExpressions(files, tables: tables, session: session)
        for warning in plan.warnings { events(RunnerEvent("warning", warning)) }
        try stop?.check("before version \(plan.version) was recorded: nothing was changed")
        _ = try await store.recordStart(
            plan: plan, checksums: files.map { ($0.name, Self.checksum($0.contents), $0.contents) }, session)
        guard let record = try await store.currentVersion(schema: schema, session) else {
            throw MigrationError(.execution, "the new version was not recorded")
        }
        events(RunnerEvent(
            "phase", "starting version \(plan.version) (\(files.map(\.name).joined(separator: ", "))): \(plan.start.count) steps",
            figures: ["version": plan.version, "version_schema": plan.versionSchema]))
        return try await runStart(record, session: session)
    }

    /// Runs `existsQuery` (a `SELECT EXISTS (…)::text`) in a read-only transaction under `lock_timeout` and
    /// rolls it back: the pre-DDL probes for rows that would fail a validation or a build. Reads take ACCESS
    /// SHARE, so writes continue.
    private func rowExists(_ existsQuery: String, origin: String, session: PostgresConnection) async throws -> Bool {
        do {
            try await session.unsafeExecuteRaw("BEGIN")
            let rows = try await session.unsafeExecuteRaw(
                "SET LOCAL lock_timeout = '\(lock.lockTimeoutMs)ms'; \(existsQuery)", origin: origin)
            try await session.unsafeExecuteRaw("ROLLBACK")
            return (rows.last?.first?.values.first ?? nil) == "true"
        } catch {
            _ = try? await session.unsafeExecuteRaw("ROLLBACK")
            throw error
        }
    }

    /// Checks every `up` against the current schema before any DDL (errors), and every `down` (warnings,
    /// errors with `strict`).
    private func checkExpressions(_ files: [MigrationFile], tables: [String: TableInfo], session: PostgresConnection) async throws {
        // Raw SQL earlier in the version may create types or sequences the later operations use: then the
        // types and defaults are left to the DDL itself.
        var afterRawSQL = false
        /// table → logical name → physical name of the columns renamed earlier in the version: `up`/`down` name
        /// them by their logical names, as the triggers do.
        var renamed: [String: [String: String]] = [:]
        for file in files {
            for located in file.operations {
                let origin = "\(located.location.file):\(located.location.line) \(located.keyPath)"
                if case .sql = located.operation { afterRawSQL = true }
                if case .renameColumn(let op) = located.operation {
                    let physical = renamed[op.table]?.removeValue(forKey: op.from) ?? op.from
                    if tables[op.table]?.column(physical) != nil, tables[op.table]?.column(op.to) == nil {
                        renamed[op.table, default: [:]][op.to] = physical
                    }
                }
                var checks: [(expression: String, table: String, column: String, type: String?, isUp: Bool, source: String?)] = []
                // Column types and defaults, parsed before any DDL (`SELECT NULL::type`, `SELECT (default)::type`).
                var columns: [(name: String, type: String, defaultValue: String?)] = []
                switch located.operation {
                case .createTable(let op): columns = op.columns.map { ($0.name, $0.type, $0.default) }
                case .addColumn(let op): columns = [(op.column.name, op.column.type, op.column.default)]
                case .alterColumn(let op):
                    if let current = tables[op.table]?.column(op.column) {
                        // The new type, and the default it gets: the file's, or the existing one carried over.
                        let defaultValue = op.default.map { $0.value } ?? (op.type != nil ? current.defaultExpression : nil)
                        if op.type != nil || defaultValue != nil { columns = [(op.column, op.type ?? current.type, defaultValue)] }
                    }
                default: break
                }
                let serialTypes: Set<String> = ["serial", "serial4", "bigserial", "serial8", "smallserial", "serial2"]
                for column in columns where !afterRawSQL && !serialTypes.contains(column.type.lowercased().trimmingCharacters(in: .whitespaces)) {
                    do {
                        try await session.unsafeExecuteRaw("BEGIN")
                        try await session.unsafeExecuteRaw("SELECT NULL::\(column.type)", origin: origin)
                        if let defaultValue = column.defaultValue {
                            try await session.unsafeExecuteRaw("SELECT (\(defaultValue))::\(column.type)", origin: origin)
                        }
                        try await session.unsafeExecuteRaw("ROLLBACK")
                    } catch let error as PostgresError {
                        _ = try? await session.unsafeExecuteRaw("ROLLBACK")
                        throw MigrationError(
                            .invalidMigration, "column \"\(column.name)\": type or default does not work: \(error.message)",
                            origin: origin, hint: error.serverError?.hint, underlying: error.detailedDescription)
                    }
                }
                // alter_column `nullable: false` without `up`: existing NULLs would only fail the validation after
                // DDL, so look for one now (reads the table under ACCESS SHARE; writes continue).
                if case .alterColumn(let op) = located.operation, op.nullable == false, op.up == nil,
                    let column = tables[op.table]?.column(op.column), !column.notNull, !afterRawSQL
                {
                    let source = PostgresIdentifier.qualified(schema, op.table)
                    if try await rowExists("SELECT EXISTS (SELECT 1 FROM \(source) WHERE \(PostgresIdentifier.quote(op.column)) IS NULL)::text", origin: origin, session: session) {
                        throw MigrationError(
                            .invalidMigration, "column \"\(op.column)\" of \"\(op.table)\" has NULL values, so it cannot become NOT NULL",
                            origin: origin,
                            hint: "fix them first (a raw `sql` migration), or give `up` to compute a value (the column is then copied)")
                    }
                }
                // create_constraint of type check: existing rows that violate it would only fail the validation
                // after DDL, so look for one now (ACCESS SHARE; writes continue).
                if case .createConstraint(let op) = located.operation, op.type == .check, let check = op.check,
                    let info = tables[op.table], op.columns.allSatisfy({ info.column($0) != nil }), !afterRawSQL
                {
                    let source = PostgresIdentifier.qualified(schema, op.table)
                    let violates: Bool
                    do {
                        violates = try await rowExists(
                            "SELECT EXISTS (SELECT 1 FROM \(source) WHERE NOT (\(check)))::text", origin: origin, session: session)
                    } catch let error as PostgresError {
                        throw MigrationError(
                            .invalidMigration, "check \"\(op.name)\" does not work on \(op.table): \(error.message)", origin: origin,
                            hint: error.serverError?.hint, underlying: error.detailedDescription)
                    }
                    if violates {
                        throw MigrationError(
                            .invalidMigration, "rows of \"\(op.table)\" violate check \"\(op.name)\"", origin: origin,
                            hint: "fix them first (a raw `sql` migration); `up` that rewrites values is not supported by this build yet")
                    }
                }
                // create_constraint of type primary_key: NULLs would only fail the validation after DDL.
                if case .createConstraint(let op) = located.operation, op.type == .primaryKey, !op.columns.isEmpty,
                    let info = tables[op.table], op.columns.allSatisfy({ info.column($0) != nil }), !afterRawSQL
                {
                    let anyNull = op.columns.map { "\(PostgresIdentifier.quote($0)) IS NULL" }.joined(separator: " OR ")
                    let sql = "SELECT EXISTS (SELECT 1 FROM \(PostgresIdentifier.qualified(schema, op.table)) WHERE \(anyNull))::text"
                    if try await rowExists(sql, origin: origin, session: session) {
                        throw MigrationError(
                            .invalidMigration, "rows of \"\(op.table)\" have NULL in (\(op.columns.joined(separator: ", "))), so \"\(op.name)\" cannot be their primary key",
                            origin: origin, hint: "fix them first (a raw `sql` migration)")
                    }
                }
                // create_constraint of type unique or primary_key: duplicates would only fail the concurrent build
                // after DDL.
                if case .createConstraint(let op) = located.operation, op.type == .unique || op.type == .primaryKey, !op.columns.isEmpty,
                    let info = tables[op.table], op.columns.allSatisfy({ info.column($0) != nil }), !afterRawSQL
                {
                    let columns = op.columns.map(PostgresIdentifier.quote).joined(separator: ", ")
                    let notNull = op.columns.map { "\(PostgresIdentifier.quote($0)) IS NOT NULL" }.joined(separator: " AND ")
                    let sql = "SELECT EXISTS (SELECT 1 FROM \(PostgresIdentifier.qualified(schema, op.table)) WHERE \(notNull) GROUP BY \(columns) HAVING count(*) > 1)::text"
                    if try await rowExists(sql, origin: origin, session: session) {
                        throw MigrationError(
                            .invalidMigration, "rows of \"\(op.table)\" have duplicate (\(op.columns.joined(separator: ", "))), so \"\(op.name)\" cannot be unique",
                            origin: origin, hint: "fix them first (a raw `sql` migration)")
                    }
                }
                // create_constraint of type foreign_key (MATCH SIMPLE): rows whose key has no referenced row.
                if case .createConstraint(let op) = located.operation, op.type == .foreignKey, let references = op.references,
                    references.matchType != .full, references.columns.count == op.columns.count, !op.columns.isEmpty,
                    let info = tables[op.table], op.columns.allSatisfy({ info.column($0) != nil }),
                    let target = tables[references.table], references.columns.allSatisfy({ target.column($0) != nil }), !afterRawSQL
                {
                    let notNull = op.columns.map { "t.\(PostgresIdentifier.quote($0)) IS NOT NULL" }.joined(separator: " AND ")
                    let match = zip(op.columns, references.columns)
                        .map { "r.\(PostgresIdentifier.quote($1)) = t.\(PostgresIdentifier.quote($0))" }.joined(separator: " AND ")
                    let sql = "SELECT EXISTS (SELECT 1 FROM \(PostgresIdentifier.qualified(schema, op.table)) t WHERE \(notNull) AND NOT EXISTS (SELECT 1 FROM \(PostgresIdentifier.qualified(schema, references.table)) r WHERE \(match)))::text"
                    if try await rowExists(sql, origin: origin, session: session) {
                        throw MigrationError(
                            .invalidMigration,
                            "rows of \"\(op.table)\" reference no row of \"\(references.table)\", so foreign key \"\(op.name)\" cannot be validated",
                            origin: origin, hint: "fix them first (a raw `sql` migration)")
                    }
                }
                if case .alterColumn(let op) = located.operation, let info = tables[op.table], let current = info.column(op.column),
                    VersionPlanner.alterColumnNeedsCopy(op, current: current), !afterRawSQL
                {
                    checks += try await checkAlterColumnCopy(op, info: info, current: current, origin: origin, session: session)
                }
                switch located.operation {
                case .addColumn(let op):
                    if let up = op.up, tables[op.table] != nil { checks.append((up, op.table, op.column.name, op.column.type, true, nil)) }
                case .dropColumn(let op):
                    if let down = op.down, let type = tables[op.table]?.column(op.column)?.type {
                        checks.append((down, op.table, op.column, type, false, nil))
                    }
                default: break
                }
                for check in checks {
                    let cast = check.type.map { "::\($0)" } ?? ""
                    var source = check.source ?? PostgresIdentifier.qualified(schema, check.table)
                    if check.source == nil, let logical = renamed[check.table], !logical.isEmpty {
                        let aliases = logical.sorted { $0.key < $1.key }
                            .map { "\(PostgresIdentifier.quote($0.value)) AS \(PostgresIdentifier.quote($0.key))" }
                        source = "(SELECT *, \(aliases.joined(separator: ", ")) FROM \(source)) AS \(PostgresIdentifier.quote(check.table))"
                    }
                    do {
                        // Parsed and planned (so names and types are checked), never executed, always rolled back.
                        try await session.unsafeExecuteRaw("BEGIN")
                        try await session.unsafeExecuteRaw(
                            "SET LOCAL lock_timeout = '\(lock.lockTimeoutMs)ms'; SELECT (\(check.expression))\(cast) FROM \(source) LIMIT 0",
                            origin: origin)
                        // An explicit cast accepts any text (`'paid'::integer` only fails per row, in the backfill,
                        // after DDL), so also check the type the way the trigger assigns it: an INSERT into a
                        // throwaway temp column of the target type applies assignment coercion.
                        if let type = check.type, try await session.query(
                            "SELECT has_database_privilege(current_database(), 'TEMPORARY') AS ok")[0].decode("ok", as: Bool.self)
                        {
                            let column = PostgresIdentifier.quote(check.column)
                            try await session.unsafeExecuteRaw(
                                "CREATE TEMP TABLE _slipway_expression_check (\(column) \(type)); INSERT INTO pg_temp._slipway_expression_check (\(column)) SELECT (\(check.expression)) FROM \(source) LIMIT 0",
                                origin: origin)
                        }
                        try await session.unsafeExecuteRaw("ROLLBACK")
                    } catch let error as PostgresError {
                        _ = try? await session.unsafeExecuteRaw("ROLLBACK")
                        let message = "`\(check.isUp ? "up" : "down")` expression does not work on \(check.table): \(error.message)"
                        if check.isUp || strict {
                            throw MigrationError(
                                .invalidMigration, message, origin: origin,
                                hint: error.sqlState?.description == "42804" ? "cast the expression to \(check.type ?? "the column's type") explicitly if the conversion is intended" : error.serverError?.hint,
                                underlying: error.detailedDescription)
                        }
                        events(RunnerEvent("warning", "\(origin): \(message) (rows written by new-version clients will fail)"))
                    }
                }
            }
        }
    }

    /// alter_column with a copy: every existing row must convert through `up` and satisfy what the copy gets
    /// (NOT NULL, check, unique, foreign key), or the validation or index build would fail only after DDL.
    /// Reads the table under ACCESS SHARE (writes continue). Returns the `up`/`down` compile checks.
    private func checkAlterColumnCopy(
        _ op: AlterColumnOperation, info: TableInfo, current: TableInfo.ColumnInfo, origin: String, session: PostgresConnection
    ) async throws -> [(expression: String, table: String, column: String, type: String?, isUp: Bool, source: String?)] {
        let quoted = PostgresIdentifier.quote(op.column)
        let typeChanged = op.type.map { !VersionPlanner.sameType(current.type, $0) } ?? false
        let newType = typeChanged ? op.type ?? current.type : current.type
        let up = op.up ?? (typeChanged ? "CAST(\(quoted) AS \(newType))" : quoted)
        let table = PostgresIdentifier.qualified(schema, op.table)
        /// The table as the new version sees it: the column holds its `up` value (or NULL of the new type).
        func projected(_ value: String) -> String {
            let columns = info.columns.filter { !$0.name.hasPrefix("_slipway_") }.map {
                $0.name == op.column ? "(\(value))::\(newType) AS \(quoted)" : PostgresIdentifier.quote($0.name)
            }
            return "(SELECT \(columns.joined(separator: ", ")) FROM \(table)) AS \(PostgresIdentifier.quote(op.table))"
        }
        var checks: [(expression: String, table: String, column: String, type: String?, isUp: Bool, source: String?)] = [
            (up, op.table, op.column, newType, true, nil),
            (op.down ?? (typeChanged ? "CAST(\(quoted) AS \(current.type))" : quoted), op.table, op.column, current.type, false,
             projected("NULL")),
        ]
        // Compile `up` first (a clear error for a broken expression), then run it over the rows.
        let compile = checks.removeFirst()
        do {
            try await session.unsafeExecuteRaw("BEGIN")
            try await session.unsafeExecuteRaw(
                "SET LOCAL lock_timeout = '\(lock.lockTimeoutMs)ms'; SELECT (\(compile.expression))::\(newType) FROM \(table) LIMIT 0", origin: origin)
            try await session.unsafeExecuteRaw("ROLLBACK")
        } catch let error as PostgresError {
            _ = try? await session.unsafeExecuteRaw("ROLLBACK")
            throw MigrationError(
                .invalidMigration, "`up` expression does not work on \(op.table): \(error.message)", origin: origin,
                hint: error.serverError?.hint, underlying: error.detailedDescription)
        }
        let rows = projected(up)
        let value = "\(PostgresIdentifier.quote(op.table)).\(quoted)"
        var probes: [(sql: String, message: String)] = [
            ("SELECT (count(\(value)) < 0)::text FROM \(rows)", "")
        ]
        if op.nullable.map({ !$0 }) ?? current.notNull {
            probes.append((
                "SELECT EXISTS (SELECT 1 FROM \(rows) WHERE \(value) IS NULL)::text",
                "`up` gives NULL for existing rows of \"\(op.table)\", so \"\(op.column)\" cannot be NOT NULL"))
        }
        if let check = op.check {
            probes.append((
                "SELECT EXISTS (SELECT 1 FROM \(rows) WHERE NOT (\(check.constraint)))::text",
                "existing rows of \"\(op.table)\" violate check \"\(check.name)\" (after `up`)"))
        }
        if let unique = op.unique {
            probes.append((
                "SELECT EXISTS (SELECT 1 FROM \(rows) WHERE \(value) IS NOT NULL GROUP BY \(value) HAVING count(*) > 1)::text",
                "existing rows of \"\(op.table)\" have duplicate \"\(op.column)\" values (after `up`), so \"\(unique.name)\" cannot be unique"))
        }
        if let references = op.references {
            let target = PostgresIdentifier.qualified(schema, references.table)
            probes.append((
                "SELECT EXISTS (SELECT 1 FROM \(rows) WHERE \(value) IS NOT NULL AND NOT EXISTS (SELECT 1 FROM \(target) r WHERE r.\(PostgresIdentifier.quote(references.column)) = \(value)))::text",
                "existing rows of \"\(op.table)\" reference no row of \"\(references.table)\" (after `up`), so foreign key \"\(references.name)\" cannot be validated"))
        }
        for probe in probes {
            let found: Bool
            do {
                found = try await rowExists(probe.sql, origin: origin, session: session)
            } catch let error as PostgresError {
                throw MigrationError(
                    .invalidMigration, "alter_column \(op.table).\(op.column) does not work on the existing rows: \(error.message)",
                    origin: origin, hint: error.serverError?.hint ?? "fix `up` (it runs for every existing row) or the data first",
                    underlying: error.detailedDescription)
            }
            if found {
                throw MigrationError(.invalidMigration, probe.message, origin: origin, hint: "fix the data first (a raw `sql` migration), or map the values with `up`")
            }
        }
        return [compile] + checks
    }

    private func runStart(_ initial: StateStore.VersionRecord, session: PostgresConnection) async throws -> StateStore.VersionRecord {
        var record = initial
        let steps = record.plan.start
        while record.cursor < steps.count {
            let step = steps[record.cursor]
            try checkStop(record, steps: steps)
            try await execute(step, record: record, phase: "starting", nextCursor: record.cursor + 1, session: session)
            record.cursor += 1
        }
        try await store.setPhase(record, phase: "active", cursor: record.cursor, session)
        record.phase = "active"
        events(RunnerEvent(
            "phase",
            "version \(record.name) is active: new clients use search_path \(record.versionSchema); old clients keep working",
            figures: ["version_schema": record.versionSchema]))
        return record
    }

    private func runComplete(_ initial: StateStore.VersionRecord, session: PostgresConnection) async throws -> StateStore.VersionRecord {
        var record = initial
        if record.phase == "active" {
            try stop?.check("before completing version \(record.name): it stays active")
            try await store.setPhase(record, phase: "completing", cursor: 0, session)
            record.phase = "completing"
            record.cursor = 0
        }
        let steps = record.plan.complete
        while record.cursor < steps.count {
            try checkStop(record, steps: steps)
            try await execute(steps[record.cursor], record: record, phase: "completing", nextCursor: record.cursor + 1, session: session)
            record.cursor += 1
        }
        try await store.setPhase(record, phase: "completed", cursor: record.cursor, completed: true, session)
        record.phase = "completed"
        events(RunnerEvent("phase", "version \(record.name) is complete"))
        // The schema as this version left it: `slipway drift` compares the live catalog with it.
        do {
            _ = try await SnapshotStore.recordAfterComplete(
                schema: schema, version: record.name, connection: session, stateSchema: stateSchema)
        } catch {
            events(RunnerEvent("warning", "could not record the schema snapshot for drift detection: \(error)"))
        }
        return record
    }

    private func runRollback(_ initial: StateStore.VersionRecord, session: PostgresConnection) async throws -> StateStore.VersionRecord {
        var record = initial
        if record.phase != "rolling_back" {
            try stop?.check("before rolling back version \(record.name): nothing was undone")
            try await store.beginRollback(record, from: record.cursor, session)
            record.rollbackFrom = record.cursor
            record.phase = "rolling_back"
            record.cursor = 0
        }
        let steps = record.plan.rollbackSteps(startCursor: record.rollbackFrom ?? record.plan.start.count)
        while record.cursor < steps.count {
            try checkStop(record, steps: steps)
            try await execute(steps[record.cursor], record: record, phase: "rolling_back", nextCursor: record.cursor + 1, session: session)
            record.cursor += 1
        }
        try await store.forgetMigrations(record, session)
        try await store.setPhase(record, phase: "rolled_back", cursor: record.cursor, session)
        record.phase = "rolled_back"
        events(RunnerEvent("phase", "version \(record.name) is rolled back; its files are pending again"))
        return record
    }

    // MARK: Steps

    /// Throws ``RunnerInterrupted`` at a step boundary once a stop was requested.
    private func checkStop(_ record: StateStore.VersionRecord, steps: [MigrationStep]) throws {
        try stop?.check(
            "before step \(record.cursor + 1)/\(steps.count) of \(record.phase) version \(record.name) (\(steps[record.cursor].summary))")
    }

    private func execute(
        _ step: MigrationStep, record: StateStore.VersionRecord, phase: String, nextCursor: Int, session: PostgresConnection
    ) async throws {
        let started = ContinuousClock.now
        events(RunnerEvent("step-started", step.summary, figures: ["origin": step.origin ?? ""]))
        let advance = store.advanceSQL(record, phase: phase, cursor: nextCursor)
        let executor = makeExecutor(session)
        let target = StepImpact.of(step, schema: schema).locks.first.flatMap { lock -> RelationName? in
            let parts = lock.relation.split(separator: ".", maxSplits: 1).map(String.init)
            return parts.count == 2 ? RelationName(schema: parts[0], name: parts[1]) : nil
        }
        do {
            defer { Task { await executor.close() } }
            switch step.action {
            case .transaction(let statements, let accessExclusive):
                try await runLockedTransaction(
                    executor, summary: step.summary, statements: statements, accessExclusive: accessExclusive,
                    advance: advance, origin: step.origin, target: target)
            case .userSQL(let sql):
                try await runLockedTransaction(
                    executor, summary: step.summary, statements: [sql], accessExclusive: false, advance: advance,
                    origin: step.origin, target: target)
            case .concurrent(let statement, let index):
                try await runLockedConcurrently(executor, statement: statement, index: index, origin: step.origin)
                try await session.query(advance)
            case .createVersionSchema(let spec):
                let statements = try await RuntimeSQL.versionSchema(spec, connection: session)
                try await runLockedTransaction(
                    executor, summary: step.summary, statements: statements, accessExclusive: false, advance: advance,
                    origin: step.origin, target: target)
            case .installTrigger(let spec):
                let statements = try await RuntimeSQL.trigger(spec, connection: session)
                try await runLockedTransaction(
                    executor, summary: step.summary, statements: statements, accessExclusive: false, advance: advance,
                    origin: step.origin, target: target)
            case .backfill(let spec):
                // A hanging connection fails the batch instead of blocking the run forever. Only for the backfill
                // (the pinned session also runs long statements, such as index builds); after a failure it stays
                // on, so recording the error and releasing the lock on a hanging session cannot hang either.
                await session.setReplyTimeout(.milliseconds(backfill.replyTimeoutMs))
                try await Backfill(
                    spec: spec, version: record.name, stateSchema: stateSchema, lock: lock, connection: connection,
                    tuning: backfill, events: events, stop: stop
                ).run(session)
                await session.setReplyTimeout(nil)
                try await session.query(advance)
            }
        } catch {
            let text = "\(step.summary) failed: \(String(describing: error))"
            await store.recordError(record, text, session)
            if let migrationError = error as? MigrationError { throw migrationError }
            if let postgresError = error as? PostgresError {
                if postgresError.isLockTimeout {
                    throw MigrationError(.lockTimeout, "\(step.summary): \(postgresError.description)", origin: step.origin,
                        hint: "a long transaction holds a conflicting lock; `slipway resume` retries", underlying: postgresError.detailedDescription)
                }
                throw MigrationError(
                    .execution, "\(step.summary): \(postgresError.description)", origin: step.origin,
                    hint: "the database is in a known state: `slipway status` shows it; fix the cause and `slipway resume`, or `slipway rollback`",
                    underlying: postgresError.detailedDescription)
            }
            throw error
        }
        let elapsed = ContinuousClock.now - started
        events(RunnerEvent(
            "step-done", step.summary,
            durationMs: Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15))
    }

}

/// What `slipway status` shows about migrations.
public struct MigrationStatus: Sendable, Codable {
    public struct Current: Sendable, Codable {
        public var version: String
        public var versionSchema: String
        public var phase: String
        public var step: Int
        public var steps: Int
        public var migrations: [String]
        public var startedAt: Date
        public var updatedAt: Date
        public var actor: String
        public var lastError: String?
        public var nextStep: String?
    }
    public struct Backfill: Sendable, Codable {
        public var table: String
        public var rowsDone: Int
        public var rowsEstimated: Int?
        public var batches: Int
        public var status: String
        /// Live progress (state layout 4): current batch size, paused, last batch commit, workers, rows/s of
        /// the running (or last) run, the current throttle reason, throttled time, estimated seconds left.
        public var batchSize: Int? = nil
        public var paused: Bool? = nil
        public var updatedAt: Date? = nil
        public var workers: Int? = nil
        public var rate: Double? = nil
        public var throttle: String? = nil
        public var throttledMs: Int? = nil
        public var etaSeconds: Int? = nil
    }
    public var schema: String
    public var stateSchemaExists: Bool
    public var current: Current?
    public var pending: [String]
    public var applied: [String]
    public var backfills: [Backfill]
    public var invalidFiles: [String]
    public var checksumMismatches: [String]
}
