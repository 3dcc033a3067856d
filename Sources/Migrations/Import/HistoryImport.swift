import Foundation
import MigrationFormat
import PostgresClient

/// `slipway import TOOL`: reads another migration tool's history table and records it as Slipway history, so
/// `start`/`migrate` continue from there instead of replaying what the other tool already applied.
///
/// Supported: pgroll (`pgroll.migrations`, with or without `migration_type`), Flyway (`flyway_schema_history`,
/// or `schema_version` before Flyway 5), sqitch (`sqitch.changes`, any registry release), golang-migrate
/// (`schema_migrations`, with or without the dirty flag; refused while dirty) and Alembic (`alembic_version`,
/// which stores only the head revisions). The table's columns are checked against the layouts each tool has
/// used; a table that only shares the name is refused, and the report says which table and layout were read.
/// Each imported migration is recorded under the name of the matching file in the migrations directory when
/// there is one (its checksum then protects it like any applied file), else under the other tool's identifier.
/// Everything is read and checked before anything is recorded; the recording is one transaction.
public struct HistoryImport: Sendable {
    /// The tools whose history can be imported.
    public enum Tool: String, Sendable, CaseIterable, Codable {
        case pgroll, flyway, sqitch
        case golangMigrate = "golang-migrate"
        case alembic
    }

    /// One migration read from the other tool.
    public struct Entry: Sendable, Codable, Hashable {
        /// The other tool's identifier (`V3__add_email`, `20240101_init`, a revision id…).
        public var identifier: String
        /// The Slipway migration name it is recorded under.
        public var name: String
        /// The matching file in the migrations directory, if any.
        public var file: String?
        public var appliedAt: Date?
    }

    /// What an import read and recorded.
    public struct Report: Sendable, Codable {
        public var tool: Tool
        /// Where the history was read: the table and the layout (tool or registry version) found, e.g.
        /// `public.flyway_schema_history (Flyway 5 or later)`.
        public var source: String
        public var entries: [Entry]
        /// What else was noticed and not imported (pgroll's inferred migrations, a Flyway baseline…).
        public var notes: [String] = []
        /// Entries skipped because Slipway already had them recorded.
        public var alreadyRecorded: [String]
        public var dryRun: Bool
    }

    public var connection: ConnectionConfiguration
    public var schema: String
    public var stateSchema: String
    public var migrationsDirectory: String
    /// The schema holding the other tool's table: default `pgroll` for pgroll, `sqitch` (the registry) for
    /// sqitch, and the search_path for the others.
    public var fromSchema: String?

    public init(
        connection: ConnectionConfiguration, schema: String = "public", stateSchema: String = "slipway",
        migrationsDirectory: String = "migrations", fromSchema: String? = nil
    ) {
        self.connection = connection
        self.schema = schema
        self.stateSchema = stateSchema
        self.migrationsDirectory = migrationsDirectory
        self.fromSchema = fromSchema
    }

    /// Reads `tool`'s history and (unless `dryRun`) records it.
    /// - Throws: ``MigrationError`` `.nothingToDo` when the tool's table is missing, `.history` when the table has
    ///   an unknown layout or its history is in a state that must be fixed first (a pgroll migration in
    ///   progress, a dirty golang-migrate version, a failed Flyway migration). Nothing is recorded then.
    public func run(_ tool: Tool, dryRun: Bool = false) async throws -> Report {
        let session = try await PostgresConnection.connect(connection.with("application_name", "slipway import"))
        defer { Task { await session.close() } }
        let (files, _) = FileManager.default.fileExists(atPath: migrationsDirectory) ? MigrationDirectory.load(migrationsDirectory) : ([], [])
        let history = try await read(tool, session, files: files)
        var entries: [Entry] = []
        for (identifier, appliedAt) in history.entries {
            let match = Self.matchingFile(tool, identifier, files)
            entries.append(Entry(identifier: identifier, name: match?.name ?? identifier, file: match?.path, appliedAt: appliedAt))
        }
        var report = Report(tool: tool, source: history.source, entries: entries, notes: history.notes, alreadyRecorded: [], dryRun: dryRun)
        if dryRun { return report }
        let store = StateStore(stateSchema: stateSchema)
        try await store.prepare(session)
        let recorded = Set(try await store.appliedMigrations(schema: schema, session).map(\.name))
        report.alreadyRecorded = entries.map(\.name).filter { recorded.contains($0) }
        let state = PostgresIdentifier.quote(stateSchema)
        let schema = self.schema
        let toRecord = entries.filter { !recorded.contains($0.name) }
        let contents = Dictionary(uniqueKeysWithValues: files.map { ($0.name, $0.contents) })
        try await session.transaction { tx in
            for entry in toRecord {
                let body = contents[entry.name] ?? ""
                let checksum = contents[entry.name].map(MigrationRunner.checksum) ?? "imported:\(tool.rawValue):\(entry.identifier)"
                try await tx.query(
                    """
                    INSERT INTO \(unsafeRaw: state).migrations (schema, name, version, checksum, body, applied_at)
                    VALUES (\(schema), \(entry.name), \("import:" + tool.rawValue), \(checksum), \(body), coalesce(\(entry.appliedAt), now()))
                    """)
            }
        }
        return report
    }

    private static func matchingFile(_ tool: Tool, _ identifier: String, _ files: [MigrationFile]) -> MigrationFile? {
        if let exact = files.first(where: { $0.name == identifier }) { return exact }
        switch tool {
        case .golangMigrate:
            return files.first { $0.name.hasPrefix(identifier + "_") && $0.name.hasSuffix(".up") }
        default:
            return nil
        }
    }
}
