import PostgresClient

/// Live control of a running backfill from another session (`slipway backfill pause|resume|set`): writes
/// to the state table, which the runner reads between batches.
public struct BackfillControl: Sendable {
    public var connection: ConnectionConfiguration
    public var schema: String
    public var stateSchema: String

    public init(connection: ConnectionConfiguration, schema: String = "public", stateSchema: String = "slipway") {
        self.connection = connection
        self.schema = schema
        self.stateSchema = stateSchema
    }

    /// Pauses (or resumes) the unfinished backfills of the current version; returns the tables affected.
    /// - Throws: ``MigrationError`` `.nothingToDo` when no backfill is running.
    @discardableResult
    public func setPaused(_ paused: Bool, table: String? = nil) async throws -> [String] {
        try await update("paused = \(paused)", table: table)
    }

    /// Fixes the batch size of the unfinished backfills (nil returns them to adaptive sizing).
    @discardableResult
    public func setBatchSize(_ size: Int?, table: String? = nil) async throws -> [String] {
        if let size, size < 1 { throw MigrationError(.invalidMigration, "the batch size must be at least 1") }
        return try await update("requested_batch_size = \(size.map(String.init) ?? "NULL")", table: table)
    }

    private func update(_ assignment: String, table: String?) async throws -> [String] {
        let session = try await PostgresConnection.connect(connection.with("application_name", "slipway backfill"))
        defer { Task { await session.close() } }
        let exists = try await session.query(
            "SELECT to_regclass(\(PostgresIdentifier.quote(stateSchema) + ".backfills")) IS NOT NULL AS e")[0].decode("e", as: Bool.self)
        guard exists else { throw MigrationError(.nothingToDo, "no backfill has run in this database yet") }
        let rows = try await session.query(
            """
            UPDATE \(unsafeRaw: PostgresIdentifier.quote(stateSchema)).backfills b SET \(unsafeRaw: assignment), updated_at = now()
            WHERE b.schema = \(schema) AND b.status <> 'done' AND (\(table)::text IS NULL OR b.table_name = \(table))
              AND b.version = (SELECT v.name FROM \(unsafeRaw: PostgresIdentifier.quote(stateSchema)).versions v
                               WHERE v.schema = \(schema) AND v.phase <> 'rolled_back' ORDER BY v.started_at DESC LIMIT 1)
            RETURNING b.table_name
            """)
        let tables = try rows.map { try $0.decode("table_name", as: String.self) }
        if tables.isEmpty {
            throw MigrationError(.nothingToDo, "no unfinished backfill in schema \"\(schema)\"\(table.map { " for table \($0)" } ?? "")")
        }
        return tables
    }
}
