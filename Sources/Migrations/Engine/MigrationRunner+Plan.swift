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
                throw MigrationError(.wrongPhase, "version \(previous.name) is \(previous.phase); the plan would start after it")
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
