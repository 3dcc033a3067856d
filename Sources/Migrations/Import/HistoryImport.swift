import Foundation
import MigrationFormat
import PostgresClient

/// `slipway import TOOL`: reads another migration tool's history table and records it as Slipway history, so
/// `start`/`migrate` continue from there instead of replaying what the other tool already applied.
///
/// Supported: pgroll (`pgroll.migrations`), Flyway (`flyway_schema_history`), sqitch (`sqitch.changes`),
/// golang-migrate (`schema_migrations`, refused while dirty) and Alembic (`alembic_version`, which stores only
/// the head revision). Each imported migration is recorded under the name of the matching file in the
/// migrations directory when there is one (its checksum then protects it like any applied file), else under
/// the other tool's identifier.
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
        /// Where the history was read (table and, where it matters, the table layout version).
        public var source: String
        public var entries: [Entry]
        /// Entries skipped because Slipway already had them recorded.
        public var alreadyRecorded: [String]
        public var dryRun: Bool
    }

    public var connection: ConnectionConfiguration
    public var schema: String
    public var stateSchema: String
    public var migrationsDirectory: String

    public init(connection: ConnectionConfiguration, schema: String = "public", stateSchema: String = "slipway", migrationsDirectory: String = "migrations") {
        self.connection = connection
        self.schema = schema
        self.stateSchema = stateSchema
        self.migrationsDirectory = migrationsDirectory
    }

    /// Reads `tool`'s history and (unless `dryRun`) records it.
    /// - Throws: ``MigrationError`` `.nothingToDo` when the tool's table is missing, `.history` when its history
    ///   is in a state that must be fixed first (a pgroll migration in progress, a dirty golang-migrate version,
    ///   a failed Flyway migration).
    public func run(_ tool: Tool, dryRun: Bool = false) async throws -> Report {
        let session = try await PostgresConnection.connect(connection.with("application_name", "slipway import"))
        defer { Task { await session.close() } }
        let (files, _) = FileManager.default.fileExists(atPath: migrationsDirectory) ? MigrationDirectory.load(migrationsDirectory) : ([], [])
        let (source, raw) = try await read(tool, session)
        var entries: [Entry] = []
        for (identifier, appliedAt) in raw {
            let match = Self.matchingFile(tool, identifier, files)
            entries.append(Entry(identifier: identifier, name: match?.name ?? identifier, file: match?.path, appliedAt: appliedAt))
        }
        var report = Report(tool: tool, source: source, entries: entries, alreadyRecorded: [], dryRun: dryRun)
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

    private func read(_ tool: Tool, _ session: PostgresConnection) async throws -> (String, [(String, Date?)]) {
        func exists(_ relation: String) async throws -> Bool {
            try await session.query("SELECT to_regclass(\(relation)) IS NOT NULL AS e")[0].decode("e", as: Bool.self)
        }
        switch tool {
        case .pgroll:
            guard try await exists("pgroll.migrations") else {
                throw MigrationError(.nothingToDo, "no pgroll history: table pgroll.migrations does not exist")
            }
            let rows = try await session.query(
                "SELECT name, done, created_at FROM pgroll.migrations WHERE schema = \(schema) ORDER BY created_at, name")
            if let active = try rows.first(where: { try !$0.decode("done", as: Bool.self) }) {
                let name: String = try active.decode("name")
                throw MigrationError(
                    .history, "pgroll migration \(name) is still in progress",
                    hint: "run `pgroll complete` or `pgroll rollback` first, then import")
            }
            return ("pgroll.migrations", try rows.map { (try $0.decode("name"), try $0.decode("created_at", as: Date?.self)) })
        case .flyway:
            guard try await exists("flyway_schema_history") else {
                throw MigrationError(.nothingToDo, "no Flyway history: table flyway_schema_history does not exist on the search_path")
            }
            let rows = try await session.query(
                """
                SELECT coalesce(script, description) AS script, version, success, installed_on
                FROM flyway_schema_history WHERE type <> 'SCHEMA' AND type <> 'BASELINE' ORDER BY installed_rank
                """)
            if let failed = try rows.first(where: { try !$0.decode("success", as: Bool.self) }) {
                let script: String = try failed.decode("script")
                throw MigrationError(.history, "Flyway recorded a failed migration (\(script))", hint: "run `flyway repair` first")
            }
            return ("flyway_schema_history", try rows.map { row in
                let script: String = try row.decode("script")
                return ((script as NSString).deletingPathExtension, try row.decode("installed_on", as: Date?.self))
            })
        case .sqitch:
            guard try await exists("sqitch.changes") else {
                throw MigrationError(.nothingToDo, "no sqitch registry: table sqitch.changes does not exist")
            }
            let rows = try await session.query("SELECT change, committed_at FROM sqitch.changes ORDER BY committed_at")
            return ("sqitch.changes", try rows.map { (try $0.decode("change"), try $0.decode("committed_at", as: Date?.self)) })
        case .golangMigrate:
            guard try await exists("schema_migrations") else {
                throw MigrationError(.nothingToDo, "no golang-migrate history: table schema_migrations does not exist")
            }
            let rows = try await session.query("SELECT version::text AS version, dirty FROM schema_migrations")
            guard let row = rows.first else { return ("schema_migrations", []) }
            let version: String = try row.decode("version")
            if try row.decode("dirty", as: Bool.self) {
                throw MigrationError(
                    .history, "golang-migrate version \(version) is dirty (it failed half-way)",
                    hint: "fix the database by hand, then `migrate force \(version)`, then import")
            }
            // golang-migrate keeps only the current version: every file up to it was applied.
            let (files, _) = FileManager.default.fileExists(atPath: migrationsDirectory) ? MigrationDirectory.load(migrationsDirectory) : ([], [])
            let current = Int(version) ?? 0
            let applied = files.compactMap { file -> String? in
                guard let number = Int(file.name.prefix { $0.isNumber }), number <= current, !file.name.hasSuffix(".down") else { return nil }
                return file.name
            }
            return ("schema_migrations (version \(version))", applied.isEmpty ? [(version, nil)] : applied.map { ($0, nil) })
        case .alembic:
            guard try await exists("alembic_version") else {
                throw MigrationError(.nothingToDo, "no Alembic history: table alembic_version does not exist")
            }
            let rows = try await session.query("SELECT version_num FROM alembic_version")
            return ("alembic_version (head revision only)", try rows.map { ("alembic:" + (try $0.decode("version_num", as: String.self)), nil) })
        }
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
