import Foundation
import MigrationFormat
import PostgresClient

extension MigrationRunner {
    /// What `start` would do for the pending migrations, read from the live catalog without changing anything:
    /// the session is read-only (`default_transaction_read_only`), takes no advisory lock, creates no state
    /// schema, and reads only catalogs (no lock above ACCESS SHARE).
    ///
    /// - Returns: the plan and the catalog it was made from (row estimates, sizes).
    /// - Throws: ``MigrationError`` (`.invalidMigration`, `.history`, `.nothingToDo`) as `start` would.
    public func plan(files requested: [String] = []) async throws -> (plan: VersionPlan, tables: [String: TableInfo], sizes: [String: Int]) {
        let session = try await PostgresConnection.connect(connection.with("application_name", "slipway plan"))
        defer { Task { await session.close() } }
        try await session.unsafeExecuteRaw("SET default_transaction_read_only = on")
        let (files, diagnostics) = MigrationDirectory.load(migrationsDirectory)
        let errors = diagnostics.filter { $0.severity == .error }
        if !errors.isEmpty {
            throw MigrationError(
                .invalidMigration, "\(errors.count) error(s) in \(migrationsDirectory):\n" + errors.map(\.description).joined(separator: "\n"))
        }
        let stateExists = try await session.query(
            "SELECT to_regclass(\(PostgresIdentifier.quote(stateSchema) + ".migrations")) IS NOT NULL AS e")[0].decode("e", as: Bool.self)
        var applied: [(name: String, checksum: String)] = []
        var previous: StateStore.VersionRecord?
        if stateExists {
            applied = try await store.appliedMigrations(schema: schema, session)
            previous = try await store.currentVersion(schema: schema, session)
            if let previous, previous.phase != "completed" {
                throw MigrationError(
                    .wrongPhase, "version \(previous.name) is \(previous.phase); the plan would start after it",
                    hint: "plan the next files once it is completed (`slipway status`), or now from the files alone: `slipway plan --offline FILE`")
            }
        }
        for record in applied {
            if let file = files.first(where: { $0.name == record.name }), Self.checksum(file.contents) != record.checksum {
                throw MigrationError(.history, "\(file.path) was changed after it was applied (checksum mismatch)")
            }
        }
        let appliedNames = Set(applied.map(\.name))
        var pending = files.filter { !appliedNames.contains($0.name) }
        if !requested.isEmpty {
            let names = Set(requested.map { (($0 as NSString).lastPathComponent as NSString).deletingPathExtension })
            pending = pending.filter { names.contains($0.name) }
        }
        guard let last = pending.last else { throw MigrationError(.nothingToDo, "no pending migrations in \(migrationsDirectory)") }
        let tables = try await TableCatalog.tables(in: schema, connection: session)
        let relations = Set(
            try await session.query(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = \(schema)"
            ).map { try $0.decode("relname", as: String.self) })
        let sizeRows = try await session.query(
            """
            SELECT c.relname, pg_total_relation_size(c.oid)::int8 AS bytes FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = \(schema) AND c.relkind IN ('r', 'p')
            """)
        var sizes: [String: Int] = [:]
        for row in sizeRows { sizes[try row.decode("relname")] = try row.decode("bytes", as: Int.self) }
        let planner = VersionPlanner(
            schema: schema, tables: tables, relations: relations, batchSize: batchSize, pauseMs: batchPauseMs,
            targetBatchMs: targetBatchMs, minBatchSize: minBatchSize, maxBatchSize: maxBatchSize)
        let plan = try planner.plan(
            files: pending, versionSchema: versionSchemaName(last.versionName), previousVersionSchema: previous?.versionSchema)
        return (plan, tables, sizes)
    }
}

extension MigrationRunner {
    /// For every table a plan backfills, the other row triggers that fire for each backfilled row (audit,
    /// `updated_at`, NOTIFY…), read from the live catalog in a read-only session.
    /// - Throws: ``PostgresError`` when the catalog cannot be read.
    public func backfillRowTriggers(of plan: VersionPlan) async throws -> [String: [BackfillSideEffects.RowTrigger]] {
        let tables = plan.start.compactMap { step -> BackfillSpec? in
            if case .backfill(let spec) = step.action { return spec } else { return nil }
        }
        guard !tables.isEmpty else { return [:] }
        let session = try await PostgresConnection.connect(connection.with("application_name", "slipway plan"))
        defer { Task { await session.close() } }
        try await session.unsafeExecuteRaw("SET default_transaction_read_only = on")
        var result: [String: [BackfillSideEffects.RowTrigger]] = [:]
        for spec in tables {
            result["\(spec.schema).\(spec.table)"] = try await BackfillSideEffects.rowTriggers(
                schema: spec.schema, table: spec.table, on: session)
        }
        return result
    }
}

/// A plan made from the migration files alone (`slipway plan --offline`).
public struct OfflinePlanResult: Sendable {
    public var plan: VersionPlan
    /// The catalog the earlier files build, with placeholders for what they do not create.
    public var tables: [String: TableInfo]
    /// Tables, columns and constraints no earlier file creates (`orders`, `orders.status`): placeholders whose
    /// types, keys and sizes only the live catalog knows.
    public var unknown: [String]
    /// The files taken as applied (those before the first planned one).
    public var applied: [String]
}

extension MigrationRunner {
    /// What `start` would do for `requested` (default: every file, as on an empty database), planned from the
    /// migration files alone: no database, no connection. The files before the first requested one are taken
    /// as applied — each its own completed version, as `slipway migrate --complete` leaves them — and build
    /// the catalog; sizes and row counts stay unknown.
    ///
    /// - Throws: ``MigrationError`` (`.invalidMigration` for file errors, a named file that does not exist, or
    ///   a migration that does not fit the catalog the files build; `.nothingToDo`).
    public func planOffline(files requested: [String] = []) throws -> OfflinePlanResult {
        let (files, diagnostics) = MigrationDirectory.load(migrationsDirectory)
        let errors = diagnostics.filter { $0.severity == .error }
        if !errors.isEmpty {
            throw MigrationError(
                .invalidMigration, "\(errors.count) error(s) in \(migrationsDirectory):\n" + errors.map(\.description).joined(separator: "\n"))
        }
        guard !requested.isEmpty else { return try planOffline(applied: [], pending: files) }
        let names = requested.map { (($0 as NSString).lastPathComponent as NSString).deletingPathExtension }
        for name in names where !files.contains(where: { $0.name == name }) {
            throw MigrationError(.invalidMigration, "no migration file named \(name) in \(migrationsDirectory)")
        }
        let wanted = Set(names)
        let first = files.firstIndex { wanted.contains($0.name) } ?? files.count
        return try planOffline(applied: Array(files[..<first]), pending: files.filter { wanted.contains($0.name) })
    }

    /// Plans `pending` as one version after `applied` (each its own completed version), from the files alone.
    public func planOffline(applied: [MigrationFile], pending: [MigrationFile]) throws -> OfflinePlanResult {
        guard let last = pending.last else { throw MigrationError(.nothingToDo, "no migration files to plan in \(migrationsDirectory)") }
        var catalog = OfflineCatalog(schema: schema)
        for file in applied { catalog.apply(file) }
        catalog.addPlaceholders(for: pending)
        let planner = VersionPlanner(
            schema: schema, tables: catalog.tables, relations: catalog.relations, batchSize: batchSize, pauseMs: batchPauseMs,
            targetBatchMs: targetBatchMs, minBatchSize: minBatchSize, maxBatchSize: maxBatchSize)
        let plan = try planner.plan(
            files: pending, versionSchema: versionSchemaName(last.versionName),
            previousVersionSchema: applied.last.map { versionSchemaName($0.versionName) })
        return OfflinePlanResult(
            plan: plan, tables: catalog.tables, unknown: catalog.unknownTables.sorted(), applied: applied.map(\.name))
    }
}
