import Foundation
import MigrationFormat
import PostgresClient

/// Reading each tool's history table, in every layout its users run.
extension HistoryImport {
    /// What was read: where (table and layout), the applied identifiers in apply order, and notes.
    struct ForeignHistory {
        var source: String
        var entries: [(identifier: String, appliedAt: Date?)]
        var notes: [String] = []
    }

    private static let integerTypes: Set<String> = ["integer", "bigint", "smallint"]
    private static let textTypes: Set<String> = ["text", "character varying", "name", "character"]
    private static let timeTypes: Set<String> = ["timestamp with time zone", "timestamp without time zone"]

    func read(_ tool: Tool, _ session: PostgresConnection, files: [MigrationFile]) async throws -> ForeignHistory {
        switch tool {
        case .pgroll: return try await readPgroll(session)
        case .flyway: return try await readFlyway(session, files: files)
        case .sqitch: return try await readSqitch(session)
        case .golangMigrate: return try await readGolangMigrate(session, files: files)
        case .alembic: return try await readAlembic(session)
        }
    }

    /// `table` in `fromSchema` if given, else in `defaultSchema`, else as a bare name (search_path).
    private func relation(_ table: String, defaultSchema: String? = nil) -> String {
        if let schema = fromSchema ?? defaultSchema { return PostgresIdentifier.qualified(schema, table) }
        return PostgresIdentifier.quote(table)
    }

    private func table(_ table: String, defaultSchema: String? = nil, tool: String, _ session: PostgresConnection) async throws -> ForeignTable {
        let name = relation(table, defaultSchema: defaultSchema)
        guard let found = try await ForeignTable.find(name, session) else {
            throw MigrationError(
                .nothingToDo, "no \(tool) history: table \(name) does not exist\(fromSchema == nil && defaultSchema == nil ? " on the search_path" : "")",
                hint: "pass --from-schema when the table is in another schema")
        }
        return found
    }

    // MARK: pgroll

    private func readPgroll(_ session: PostgresConnection) async throws -> ForeignHistory {
        let found = try await table("migrations", defaultSchema: "pgroll", tool: "pgroll", session)
        let base: [(name: String, types: Set<String>)] = [
            ("schema", Self.textTypes), ("name", Self.textTypes), ("migration", ["jsonb"]), ("created_at", Self.timeTypes),
            ("parent", Self.textTypes), ("done", ["boolean"]),
        ]
        let layout = try found.layout(
            [
                .init(label: "pgroll with migration_type", columns: base + [("migration_type", Self.textTypes)]),
                .init(label: "early pgroll, before migration_type", columns: base),
            ], tool: "pgroll")
        let hasType = found.has("migration_type")
        // Early pgroll kept created_at as timestamp without time zone, in UTC.
        let utc = found.columns.first { $0.name == "created_at" }?.type == "timestamp without time zone"
        var label = layout.label
        if let versions = try await ForeignTable.find(PostgresIdentifier.qualified(found.schema, "pgroll_version"), session),
            versions.has("version"),
            let version = try await session.query(
                "SELECT version FROM \(unsafeRaw: versions.qualifiedName) ORDER BY initialized_at DESC LIMIT 1"
            ).first.map({ try $0.decode("version", as: String.self) })
        {
            label += ", pgroll \(version)"
        }
        let rows = try await session.query(
            """
            SELECT name, done, parent, \(unsafeRaw: utc ? "created_at AT TIME ZONE 'UTC'" : "created_at") AS created_at,
                   \(unsafeRaw: hasType ? "coalesce(migration_type, 'pgroll')" : "'pgroll'")::text AS type
            FROM \(unsafeRaw: found.qualifiedName) WHERE schema = \(schema) ORDER BY 4, name
            """)
        struct Row { var name: String, done: Bool, parent: String?, createdAt: Date?, type: String }
        let all = try rows.map {
            Row(
                name: try $0.decode("name"), done: try $0.decode("done"), parent: try $0.decode("parent", as: String?.self),
                createdAt: try $0.decode("created_at", as: Date?.self), type: try $0.decode("type"))
        }
        if let active = all.first(where: { !$0.done }) {
            throw MigrationError(
                .history, "pgroll migration \(active.name) is still in progress in schema \"\(schema)\"",
                hint: "run `pgroll complete` or `pgroll rollback` first, then import; nothing was recorded")
        }
        // pgroll's history is a chain of parent links; follow it (created_at order for anything off the chain).
        var ordered: [Row] = []
        var byParent = Dictionary(all.map { ($0.parent ?? "", $0) }, uniquingKeysWith: { first, _ in first })
        var next = byParent.removeValue(forKey: "")
        while let row = next {
            ordered.append(row)
            next = byParent.removeValue(forKey: row.name)
        }
        ordered += all.filter { row in !ordered.contains { $0.name == row.name } }
        let inferred = ordered.filter { $0.type == "inferred" }
        var history = ForeignHistory(
            source: "\(found.qualifiedName) (\(label))",
            entries: ordered.filter { $0.type != "inferred" }.map { ($0.name, $0.createdAt) })
        if !inferred.isEmpty {
            history.notes.append(
                "skipped \(inferred.count) inferred migration(s) (DDL pgroll captured outside a migration): "
                    + inferred.map(\.name).joined(separator: ", ") + "; `slipway baseline` records the schema as it is")
        }
        return history
    }

    // MARK: Flyway

    private func readFlyway(_ session: PostgresConnection, files: [MigrationFile]) async throws -> ForeignHistory {
        let common: [(name: String, types: Set<String>)] = [
            ("installed_rank", Self.integerTypes), ("version", Self.textTypes), ("description", Self.textTypes),
            ("type", Self.textTypes), ("script", Self.textTypes), ("installed_on", Self.timeTypes), ("success", ["boolean"]),
        ]
        let found: ForeignTable
        let layout: ForeignTable.Layout
        if let current = try await ForeignTable.find(relation("flyway_schema_history"), session) {
            found = current
            layout = try current.layout([.init(label: "Flyway 5 or later", columns: common)], tool: "Flyway")
        } else if let old = try await ForeignTable.find(relation("schema_version"), session) {
            found = old
            // Flyway 4 dropped version_rank; Flyway 5 renamed the table.
            layout = try old.layout(
                [
                    .init(label: "Flyway 3 or earlier, with version_rank", columns: [("version_rank", Self.integerTypes)] + common),
                    .init(label: "Flyway 4", columns: common),
                ], tool: "Flyway")
        } else {
            throw MigrationError(
                .nothingToDo,
                "no Flyway history: neither flyway_schema_history nor schema_version (Flyway before 5) exists"
                    + (fromSchema.map { " in schema \($0)" } ?? " on the search_path"),
                hint: "pass --from-schema when the table is in another schema")
        }
        let rows = try await session.query(
            """
            SELECT version, type, script, success, installed_on::timestamptz AS installed_on
            FROM \(unsafeRaw: found.qualifiedName) ORDER BY installed_rank
            """)
        var history = ForeignHistory(source: "\(found.qualifiedName) (\(layout.label))", entries: [])
        // Applied migrations keyed by version (or by name for repeatable ones), in rank order.
        var applied: [(key: String, identifier: String, at: Date?)] = []
        for row in rows {
            let type: String = try row.decode("type")
            let version: String? = try row.decode("version", as: String?.self)
            let script: String = try row.decode("script")
            let at: Date? = try row.decode("installed_on", as: Date?.self)
            if try !row.decode("success", as: Bool.self) {
                throw MigrationError(
                    .history, "Flyway recorded a failed migration (\(script), version \(version ?? "repeatable"))",
                    hint: "fix the database, run `flyway repair`, then import; nothing was recorded")
            }
            // JDBC migrations record a class name (`db.migration.V2__Backfill`), SQL ones a file name.
            let identifier = type.contains("JDBC")
                ? String(script.split(separator: ".").last ?? Substring(script))
                : (script.lowercased().hasSuffix(".sql") ? String(script.dropLast(4)) : script)
            let key = version ?? "R:" + identifier
            switch type {
            case "SCHEMA":
                continue
            case "BASELINE":
                // Flyway treats every migration up to the baseline version as applied.
                let baseline = Self.flywayVersion("V\(version ?? "0")__") ?? []
                let covered = files.compactMap { file in Self.flywayVersion(file.name).map { (file, $0) } }
                    .filter { Self.compare($0.1, baseline) <= 0 }.sorted { Self.compare($0.1, $1.1) < 0 }.map(\.0)
                applied += covered.map { file in
                    (Self.flywayVersion(file.name).map { $0.map(String.init).joined(separator: ".") } ?? file.name, file.name, at)
                }
                history.notes.append(
                    "Flyway baseline at version \(version ?? "?"): "
                        + (covered.isEmpty ? "no migration file is at or below it" : "\(covered.count) file(s) at or below it count as applied"))
            case _ where type == "DELETE" || type.hasPrefix("UNDO"):
                applied.removeAll { $0.key == key || Self.sameVersion($0.key, key) }
                history.notes.append("\(type == "DELETE" ? "deleted" : "undone") in Flyway: \(identifier)")
            default:
                applied.removeAll { $0.key == key }
                applied.append((key, identifier, at))
            }
        }
        history.entries = applied.map { ($0.identifier, $0.at) }
        return history
    }

    /// The numeric parts of a Flyway versioned name (`V1_2__x` → [1, 2]), nil for other names.
    static func flywayVersion(_ name: String) -> [Int]? {
        guard name.hasPrefix("V"), let separator = name.range(of: "__") else { return nil }
        let parts = name[name.index(after: name.startIndex)..<separator.lowerBound].split(whereSeparator: { $0 == "." || $0 == "_" })
        let numbers = parts.compactMap { Int($0) }
        return numbers.count == parts.count && !numbers.isEmpty ? numbers : nil
    }

    private static func compare(_ lhs: [Int], _ rhs: [Int]) -> Int {
        for index in 0..<max(lhs.count, rhs.count) {
            let left = index < lhs.count ? lhs[index] : 0
            let right = index < rhs.count ? rhs[index] : 0
            if left != right { return left < right ? -1 : 1 }
        }
        return 0
    }

    private static func sameVersion(_ lhs: String, _ rhs: String) -> Bool {
        guard let left = flywayVersion("V\(lhs)__"), let right = flywayVersion("V\(rhs)__") else { return false }
        return compare(left, right) == 0
    }

    // MARK: sqitch

    private func readSqitch(_ session: PostgresConnection) async throws -> ForeignHistory {
        let found = try await table("changes", defaultSchema: "sqitch", tool: "sqitch", session)
        _ = try found.layout(
            [
                .init(label: "sqitch registry", columns: [
                    ("change_id", Self.textTypes), ("change", Self.textTypes), ("project", Self.textTypes), ("committed_at", Self.timeTypes),
                ])
            ], tool: "sqitch")
        // The registry release: the releases table exists from registry 1.0 on.
        let registry: String
        if let releases = try await ForeignTable.find(PostgresIdentifier.qualified(found.schema, "releases"), session), releases.has("version") {
            let version = try await session.query(
                "SELECT max(version)::numeric(4,1)::text AS v FROM \(unsafeRaw: releases.qualifiedName)")[0].decode("v", as: String?.self)
            registry = "sqitch registry \(version ?? "?")"
        } else {
            registry = "sqitch registry before 1.0, no releases table"
        }
        let rows = try await session.query(
            "SELECT change, project, committed_at FROM \(unsafeRaw: found.qualifiedName) ORDER BY committed_at, change_id")
        let projects = Set(try rows.map { try $0.decode("project", as: String.self) }).sorted()
        let project = projects.isEmpty ? "" : ", project\(projects.count > 1 ? "s" : "") " + projects.joined(separator: ", ")
        return ForeignHistory(
            source: "\(found.qualifiedName) (\(registry)\(project))",
            entries: try rows.map { (try $0.decode("change"), try $0.decode("committed_at", as: Date?.self)) })
    }

    // MARK: golang-migrate

    private func readGolangMigrate(_ session: PostgresConnection, files: [MigrationFile]) async throws -> ForeignHistory {
        let found = try await table("schema_migrations", tool: "golang-migrate", session)
        let layout = try found.layout(
            [
                .init(label: "golang-migrate v3 or later", columns: [("version", Self.integerTypes), ("dirty", ["boolean"])]),
                .init(label: "golang-migrate before v3, no dirty flag", columns: [("version", Self.integerTypes)]),
            ], tool: "golang-migrate")
        let rows = try await session.query(
            """
            SELECT version::text AS version, \(unsafeRaw: found.has("dirty") ? "dirty" : "false") AS dirty
            FROM \(unsafeRaw: found.qualifiedName) ORDER BY version DESC
            """)
        var history = ForeignHistory(source: "\(found.qualifiedName) (\(layout.label))", entries: [])
        guard let row = rows.first else {
            history.notes.append("no version recorded: golang-migrate has applied nothing (or everything was migrated down)")
            return history
        }
        let version: String = try row.decode("version")
        if rows.count > 1 { history.notes.append("\(rows.count) rows; the highest version, \(version), is the current one") }
        if try row.decode("dirty", as: Bool.self) {
            throw MigrationError(
                .history, "golang-migrate version \(version) is dirty (it failed half-way)",
                hint: "fix the database by hand, then `migrate force \(version)`, then import; nothing was recorded")
        }
        history.source += " at version \(version)"
        // golang-migrate keeps only the current version: every file up to it was applied.
        let current = Int(version) ?? 0
        let applied = files.compactMap { file -> String? in
            guard let number = Int(file.name.prefix { $0.isNumber }), number <= current, !file.name.hasSuffix(".down") else { return nil }
            return file.name
        }
        history.entries = applied.isEmpty ? [(version, nil)] : applied.map { ($0, nil) }
        return history
    }

    // MARK: Alembic

    private func readAlembic(_ session: PostgresConnection) async throws -> ForeignHistory {
        let found = try await table("alembic_version", tool: "Alembic", session)
        _ = try found.layout([.init(label: "Alembic", columns: [("version_num", Self.textTypes)])], tool: "Alembic")
        let rows = try await session.query("SELECT version_num FROM \(unsafeRaw: found.qualifiedName) ORDER BY version_num")
        var history = ForeignHistory(
            source: "\(found.qualifiedName) (Alembic, head revision\(rows.count == 1 ? "" : "s") only)",
            entries: try rows.map { ("alembic:" + (try $0.decode("version_num", as: String.self)), nil) })
        if rows.count > 1 { history.notes.append("\(rows.count) heads: the Alembic history has unmerged branches") }
        return history
    }
}
