import Foundation
import MigrationFormat
import PostgresClient

/// `slipway repair`: puts Slipway's history back in line with the database after a failure Slipway could not
/// record (a crash outside its control, a migration finished or undone by hand, an applied file that had to be
/// fixed).
///
/// Three actions, each for one migration of the target schema:
/// - ``Action/markApplied``: records a file of the migrations directory as applied without running it (its
///   changes are already in the database);
/// - ``Action/markNotApplied``: forgets an applied migration (its changes are not in the database), so it is
///   pending again; only the last applied one, so history stays linear;
/// - ``Action/acceptChecksum``: records the current contents of an applied file as the applied ones, after a
///   deliberate edit (the checksum mismatch `status`, `start` and `migrate` report goes away).
///
/// A reason is mandatory. Repair refuses while a version is not completed (`slipway resume`, `complete` or
/// `rollback` handle those) and while another runner holds the schema's migration lock; every check runs in
/// the same transaction as the change, under that lock. The library does not write the audit log itself: the
/// `slipway repair` command records each run (arguments including the reason, outcome, migration) in it.
public struct HistoryRepair: Sendable {
    /// What to repair.
    public enum Action: String, Sendable, Codable, CaseIterable {
        case markApplied = "mark-applied"
        case markNotApplied = "mark-not-applied"
        case acceptChecksum = "accept-checksum"
    }

    /// A migration row as recorded in the state schema.
    public struct Recorded: Sendable, Codable, Hashable {
        /// The version it was recorded with (a version name, `import:flyway`, `repair`…).
        public var version: String
        public var checksum: String
        public var appliedAt: Date
    }

    /// What a repair did (or, with `dryRun`, would do).
    public struct Report: Sendable, Codable {
        public var action: Action
        public var schema: String
        /// The migration name.
        public var name: String
        /// The migration file, when the directory has one.
        public var file: String?
        /// The row before the repair (nil: not recorded).
        public var before: Recorded?
        /// The row after the repair (nil: not recorded). With `dryRun`, what it would be.
        public var after: Recorded?
        public var reason: String
        public var dryRun: Bool

        /// One line for people.
        public var text: String {
            let would = dryRun ? "dry run: would " : ""
            let what: String
            switch action {
            case .markApplied:
                what = "\(would)\(dryRun ? "mark" : "marked") \(name) applied in schema \(schema) (checksum \(after?.checksum.prefix(12) ?? "?")…)"
            case .markNotApplied:
                what = "\(would)\(dryRun ? "mark" : "marked") \(name) not applied in schema \(schema): it is pending again"
            case .acceptChecksum:
                what = "\(would)\(dryRun ? "accept" : "accepted") the changed checksum of \(name) in schema \(schema) "
                    + "(\(before?.checksum.prefix(12) ?? "?")… → \(after?.checksum.prefix(12) ?? "?")…)"
            }
            return what + "; reason: \(reason)" + (dryRun ? " (nothing recorded)" : "")
        }
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

    /// The migration name for a file path or name: the base name without a migration file extension.
    public static func migrationName(_ target: String) -> String {
        let base = (target as NSString).lastPathComponent
        let ext = (base as NSString).pathExtension.lowercased()
        return MigrationFile.Format.fileExtensions.contains(ext) ? (base as NSString).deletingPathExtension : base
    }

    /// Runs one repair.
    /// - Parameters:
    ///   - target: a migration file path or migration name.
    ///   - reason: why (mandatory; the CLI records it with the command in the audit log).
    /// - Throws: ``MigrationError``: `.invalidMigration` for an empty reason, an unknown file or a migration that
    ///   is not recorded; `.nothingToDo` when the history already says so; `.history` when the change would make
    ///   history non-linear; `.wrongPhase` while a version is not completed; `.busy` while another runner holds
    ///   the migration lock. Nothing is recorded then.
    public func run(_ action: Action, target: String, reason: String, dryRun: Bool = false) async throws -> Report {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else {
            throw MigrationError(.invalidMigration, "a reason is required for `slipway repair`", hint: "pass --reason \"why\"")
        }
        let name = Self.migrationName(target)
        guard !name.isEmpty else { throw MigrationError(.invalidMigration, "no migration given") }
        var isDirectory: ObjCBool = false
        let hasDirectory = FileManager.default.fileExists(atPath: migrationsDirectory, isDirectory: &isDirectory) && isDirectory.boolValue
        let files = hasDirectory ? MigrationDirectory.load(migrationsDirectory).files : []
        let file = files.first { $0.name == name }
        if action != .markNotApplied, file == nil {
            throw MigrationError(
                .invalidMigration, "no migration file named \(name) in \(migrationsDirectory)",
                hint: hasDirectory
                    ? "pass a file of the migrations directory (`slipway validate` shows files that do not load)"
                    : "the migrations directory does not exist; pass --migrations-dir")
        }

        let session = try await PostgresConnection.connect(connection.with("application_name", "slipway repair"))
        defer { Task { await session.close() } }
        let store = StateStore(stateSchema: stateSchema)
        let stateExists = try await session.query(
            "SELECT to_regclass(\(PostgresIdentifier.quote(stateSchema) + ".migrations")) IS NOT NULL AS e")[0].decode("e", as: Bool.self)
        if !stateExists, action != .markApplied {
            throw MigrationError(
                .invalidMigration, "\(name) is not recorded as applied in schema \"\(schema)\": no Slipway history exists yet")
        }
        if !dryRun { try await store.prepare(session) }
        let q = PostgresIdentifier.quote(stateSchema)
        let schema = self.schema
        let lockKey = "slipway:\(stateSchema):\(schema)"
        let useState = stateExists || !dryRun

        return try await session.transaction { tx in
            // A runner holds this key as a session-level advisory lock; the transaction-level lock shares it.
            let locked = try await tx.query(
                "SELECT pg_try_advisory_xact_lock(hashtextextended(\(lockKey), 0)) AS ok")[0].decode("ok", as: Bool.self)
            if !locked {
                let holder = try await tx.query(
                    """
                    SELECT a.pid, coalesce(a.application_name, '') AS app FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
                      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                      AND ((l.classid::int8 << 32) | l.objid::int8) = hashtextextended(\(lockKey), 0)
                    """
                ).first.map { "pid \(try $0.decode("pid", as: Int32.self)) (application \"\(try $0.decode("app", as: String.self))\")" }
                throw MigrationError(
                    .busy,
                    "another Slipway runner holds the migration lock of schema \"\(schema)\": \(holder ?? "a session that just released it")",
                    hint: "repair when no runner is working on the schema")
            }
            var applied: [String: Recorded] = [:]
            if useState {
                if let current = try await store.currentVersion(schema: schema, tx), current.phase != "completed" {
                    throw MigrationError(
                        .wrongPhase,
                        "version \(current.name) is \(current.phase) in schema \"\(schema)\"; repair refuses while a migration is in progress",
                        hint: current.phase == "active"
                            ? "run `slipway complete` or `slipway rollback` first" : "run `slipway resume` or `slipway rollback` first")
                }
                let rows = try await tx.query(
                    "SELECT name, version, checksum, applied_at FROM \(unsafeRaw: q).migrations WHERE schema = \(schema) FOR UPDATE")
                for row in rows {
                    applied[try row.decode("name")] = Recorded(
                        version: try row.decode("version"), checksum: try row.decode("checksum"), appliedAt: try row.decode("applied_at"))
                }
            }
            let before = applied[name]
            var report = Report(
                action: action, schema: schema, name: name, file: file?.path, before: before, after: nil, reason: reason, dryRun: dryRun)
            switch action {
            case .markApplied:
                guard let file else { throw MigrationError(.invalidMigration, "no migration file named \(name)") }
                if before != nil {
                    throw MigrationError(.nothingToDo, "\(name) is already recorded as applied in schema \"\(schema)\"")
                }
                if let earlier = files.first(where: { $0.name < name && applied[$0.name] == nil }) {
                    throw MigrationError(
                        .history, "\(earlier.name) is pending and sorts before \(name); history is linear",
                        hint: "mark \(earlier.name) applied first, or start it first")
                }
                let checksum = MigrationRunner.checksum(file.contents)
                report.after = Recorded(version: "repair", checksum: checksum, appliedAt: Date())
                if !dryRun {
                    let inserted = try await tx.query(
                        """
                        INSERT INTO \(unsafeRaw: q).migrations (schema, name, version, checksum, body)
                        VALUES (\(schema), \(name), 'repair', \(checksum), \(file.contents)) RETURNING applied_at
                        """)
                    report.after?.appliedAt = try inserted[0].decode("applied_at")
                }
            case .markNotApplied:
                guard before != nil else {
                    let last = applied.keys.sorted().suffix(3)
                    throw MigrationError(
                        .invalidMigration, "\(name) is not recorded as applied in schema \"\(schema)\"",
                        hint: last.isEmpty ? "no migration is recorded" : "the last applied: \(last.joined(separator: ", "))")
                }
                if let later = applied.keys.sorted().last(where: { $0 > name }) {
                    throw MigrationError(
                        .history, "\(later) was applied after \(name); history is linear", hint: "mark \(later) not applied first")
                }
                if !dryRun {
                    try await tx.query("DELETE FROM \(unsafeRaw: q).migrations WHERE schema = \(schema) AND name = \(name)")
                }
            case .acceptChecksum:
                guard let file else { throw MigrationError(.invalidMigration, "no migration file named \(name)") }
                guard var recorded = before else {
                    throw MigrationError(
                        .invalidMigration, "\(name) is not recorded as applied in schema \"\(schema)\"",
                        hint: "a pending file has no checksum to accept")
                }
                let checksum = MigrationRunner.checksum(file.contents)
                if checksum == recorded.checksum {
                    throw MigrationError(.nothingToDo, "the checksum of \(name) already matches the applied one")
                }
                recorded.checksum = checksum
                report.after = recorded
                if !dryRun {
                    try await tx.query(
                        """
                        UPDATE \(unsafeRaw: q).migrations SET checksum = \(checksum), body = \(file.contents)
                        WHERE schema = \(schema) AND name = \(name)
                        """)
                }
            }
            return report
        }
    }
}
