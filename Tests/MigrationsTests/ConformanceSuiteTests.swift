import Foundation
import LocalPostgres
import MigrationFormat
import Migrations
import PostgresClient
import Testing

/// The conformance suite (`Tests/MigrationsTests/Conformance/`): an ordered directory of migrations that
/// together use every operation kind and every field of the file format, and for each migration
/// `expected/NNN.sql`, the plain, blocking DDL a DBA would have written for it.
///
/// Every migration runs through the real runner (start → complete) on one scratch database per variant, and
/// after each one the target schema must be exactly (`pg_dump --schema-only`) what the plain DDL gives on a
/// second database, with no helper object left. The rollback variant checks that start → rollback restores
/// the schema exactly before moving on.
@Suite("conformance suite")
struct ConformanceSuiteTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Conformance")
    static var migrationsPath: String { root.appendingPathComponent("migrations").path }
    static var expectedPath: String { root.appendingPathComponent("expected").path }

    /// Migrations that use alter_column fields (`type`, `unique`, `check`, `references`, `nullable: false`
    /// with `up`) that are still being implemented. Exactly these are skipped, and only while the planner
    /// refuses them with one of ``notYetSupported``; once the feature lands they run like every other file.
    static let pendingFeatureFiles: Set<String> = [
        "041_alter_type", "042_alter_unique", "043_alter_check", "044_alter_references", "045_alter_not_null_with_up",
    ]
    static let notYetSupported = ["not supported by this build yet", "which this build does not support yet"]

    static func migrationFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: migrationsPath)
            .filter { !$0.hasPrefix(".") && MigrationFile.Format(fileExtension: ($0 as NSString).pathExtension) != nil }
            .sorted()
    }

    /// `001` for `001_create_customers.yaml`.
    static func number(_ file: String) -> String { String(file.prefix { $0 != "_" }) }

    // MARK: The directory itself

    @Test func theDirectoryDecodesAndUsesEveryOperationAndField() throws {
        let (files, diagnostics) = MigrationDirectory.load(Self.migrationsPath)
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.description))")
        #expect(files.count >= 45)
        #expect(Set(files.map(\.format)) == [.yaml, .json, .sql])
        let used = Set(files.flatMap { $0.operations.map(\.operation.kind) })
        #expect(used == Set(OperationKind.allCases), "unused: \(Set(OperationKind.allCases).subtracting(used))")
        for file in files {
            let expected = Self.expectedPath + "/" + Self.number(file.name) + ".sql"
            #expect(FileManager.default.fileExists(atPath: expected), "\(file.name) has no \(expected)")
        }
        // Every key of the format appears somewhere (YAML `key:` or JSON `"key":`).
        let text = try Self.migrationFiles().map { try String(contentsOfFile: Self.migrationsPath + "/" + $0, encoding: .utf8) }
            .joined(separator: "\n")
        let keys = [
            "operations", "version_schema", "backfill", "batch_size",
            "name", "type", "nullable", "pk", "unique", "default", "comment", "check", "constraint", "no_inherit",
            "references", "table", "column", "on_delete", "on_update", "match_type", "deferrable", "initially_deferred",
            "generated", "expression", "identity", "user_specified_values", "sequence_options",
            "constraints", "columns", "nulls_not_distinct", "on_delete_set_columns", "exclude", "index_method", "elements",
            "predicate", "index_parameters", "tablespace", "storage_parameters", "include_columns",
            "up", "down", "from", "to", "method", "collate", "sort", "nulls", "opclass", "params", "index", "onComplete",
        ]
        for key in keys {
            #expect(text.contains("\(key):") || text.contains("\"\(key)\":"), "no migration uses `\(key)`")
        }
        for kind in OperationKind.allCases {
            #expect(text.contains("\(kind.rawValue):") || text.contains("\"\(kind.rawValue)\":") || kind == .sql)
        }
    }

    // MARK: The three runs

    @Test func everyMigrationMatchesPlainDDLInPublic() async throws {
        try await Self.run(schema: "public", rollbackFirst: false)
    }

    @Test func everyMigrationMatchesPlainDDLInAnotherSchema() async throws {
        try await Self.run(schema: "app", rollbackFirst: false)
    }

    @Test func everyRollbackRestoresTheSchemaExactly() async throws {
        try await Self.run(schema: "public", rollbackFirst: true)
    }

    /// Runs the whole directory in `schema`. With `rollbackFirst`, each migration is first started and rolled
    /// back (the full `pg_dump` must not change); otherwise each completed migration is compared with its
    /// plain DDL applied to a second database.
    static func run(schema: String, rollbackFirst: Bool) async throws {
        let label = "conformance-\(schema)\(rollbackFirst ? "-rollback" : "")"
        let fixture = try await EngineFixture.make(label)
        var reference: EngineFixture?
        if !rollbackFirst { reference = try await EngineFixture.make(label + "-plain") }
        if schema != "public" {
            for database in [fixture, reference].compactMap({ $0 }) {
                let app = try await database.app()
                try await app.unsafeExecuteRaw("CREATE SCHEMA \(PostgresIdentifier.quote(schema))")
                await app.close()
            }
        }
        let runner = MigrationRunner(
            connection: fixture.db.app, schema: schema, migrationsDirectory: fixture.directory, batchSize: 10)
        var skipped: [String] = []
        for file in try migrationFiles() {
            let name = (file as NSString).deletingPathExtension
            let copy = fixture.directory + "/" + file
            try FileManager.default.copyItem(atPath: migrationsPath + "/" + file, toPath: copy)
            /// Starts the migration; `nil` when it is one of the pending-feature files and the build refuses it.
            func start() async throws -> StateStore.VersionRecord? {
                do {
                    return try await runner.start()
                } catch let error as MigrationError
                    where pendingFeatureFiles.contains(name) && notYetSupported.contains(where: error.message.contains)
                {
                    try FileManager.default.removeItem(atPath: copy)
                    skipped.append(name)
                    return nil
                }
            }
            if rollbackFirst {
                let before = try await fixture.schemaDump()
                guard try await start() != nil else { continue }
                let rolledBack = try await runner.rollback()
                #expect(rolledBack.phase == "rolled_back")
                let after = try await fixture.schemaDump()
                #expect(after == before, "\(name): rollback did not restore the schema:\n\(lineDiff(before, after))")
            }
            guard let started = try await start() else { continue }
            try await during(Self.number(file), fixture: fixture, schema: schema, versionSchema: started.versionSchema)
            let completed = try await runner.complete()
            #expect(completed.phase == "completed")
            try await after(Self.number(file), fixture: fixture, schema: schema)
            let leftovers = try await helperObjects(fixture, schema: schema, versionSchema: completed.versionSchema)
            #expect(leftovers.isEmpty, "\(name): helper objects left after complete: \(leftovers)")
            if let reference {
                let ddl = try String(contentsOfFile: expectedPath + "/" + Self.number(file) + ".sql", encoding: .utf8)
                let app = try await reference.app()
                try await app.unsafeExecuteRaw("SET search_path = \(PostgresIdentifier.quote(schema))")
                try await app.unsafeExecuteRaw(ddl)
                await app.close()
                async let migratedDump = fixture.dump(["--schema=\(schema)"])
                async let plainDump = reference.dump(["--schema=\(schema)"])
                let (migrated, plain) = try await (migratedDump, plainDump)
                #expect(migrated == plain, "\(name) in \(schema): the migrated schema differs from the plain DDL:\n\(lineDiff(plain, migrated))")
            }
        }
        #expect(Set(skipped).isSubset(of: pendingFeatureFiles))
        #expect(try migrationFiles().count - skipped.count >= 40)
        if !skipped.isEmpty {
            print("conformance (\(label)): skipped until the build supports them: \(skipped.joined(separator: ", "))")
        }
    }

    /// Helper objects Slipway must not leave after complete: `_slipway_*` columns, relations, constraints,
    /// triggers and functions outside the state schema, and any schema besides the target, `public`, the
    /// state schema and the current version schema.
    static func helperObjects(_ fixture: EngineFixture, schema: String, versionSchema: String) async throws -> [String] {
        try await fixture.lines(
            """
            SELECT 'column ' || a.attrelid::regclass || '.' || a.attname FROM pg_attribute a
              JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname <> 'slipway' AND a.attname LIKE '\\_slipway%' AND NOT a.attisdropped
            UNION ALL SELECT 'relation ' || c.oid::regclass FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname <> 'slipway' AND c.relname LIKE '\\_slipway%'
            UNION ALL SELECT 'constraint ' || conname FROM pg_constraint WHERE conname LIKE '\\_slipway%'
            UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger WHERE NOT tgisinternal
            UNION ALL SELECT 'function ' || p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
              WHERE n.nspname <> 'slipway' AND p.proname LIKE '\\_slipway%'
            UNION ALL SELECT 'schema ' || nspname FROM pg_namespace
              WHERE nspname NOT LIKE 'pg\\_%' AND nspname NOT IN ('information_schema', 'public', 'slipway', '\(schema)', '\(versionSchema)')
            """)
    }

    /// Lines only in `expected` (-) and only in `actual` (+).
    static func lineDiff(_ expected: String, _ actual: String) -> String {
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let b = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let diff = b.difference(from: a)
        return diff.map { change in
            switch change {
            case .remove(_, let line, _): "- \(line)"
            case .insert(_, let line, _): "+ \(line)"
            }
        }.joined(separator: "\n")
    }

    // MARK: Data written by clients while a migration is active, and checked after complete

    /// Old clients use the target schema's tables, new clients the version schema first.
    static func during(_ number: String, fixture: EngineFixture, schema: String, versionSchema: String) async throws {
        guard ["010", "012", "032"].contains(number) else { return }
        let old = try await PostgresConnection.connect(fixture.db.app)
        let new = try await PostgresConnection.connect(fixture.db.app)
        defer {
            Task {
                await old.close()
                await new.close()
            }
        }
        try await old.unsafeExecuteRaw("SET search_path = \(PostgresIdentifier.quote(schema))")
        try await new.unsafeExecuteRaw("SET search_path = \(PostgresIdentifier.quote(versionSchema)), \(PostgresIdentifier.quote(schema))")
        switch number {
        case "010":
            // An old client's row gets the new column from `up`; a new client writes it itself.
            try await old.unsafeExecuteRaw("INSERT INTO customers (email, name) VALUES ('old-client@example.fr', 'Old Client')")
            #expect(try await text(new, "SELECT country FROM customers WHERE email = 'old-client@example.fr'") == "FR")
            try await new.unsafeExecuteRaw(
                "INSERT INTO customers (email, name, country, phone) VALUES ('new-client@example.de', 'New Client', 'DE', '+49 1')")
            #expect(try await text(new, "SELECT loyalty_code IS NULL FROM customers WHERE email = 'new-client@example.de'") == "t")
        case "012":
            try await old.unsafeExecuteRaw("INSERT INTO audit_log (actor, action) VALUES ('system', 'vacuum')")
            #expect(try await text(new, "SELECT source FROM audit_log WHERE action = 'vacuum'") == "cron")
        case "032":
            // New clients no longer see nickname; `down` fills it for old clients.
            try await new.unsafeExecuteRaw(
                "INSERT INTO customers (email, name, phone, created_at) VALUES ('third@example.de', 'Third Customer', '+49 2', now())")
            #expect(try await text(old, "SELECT nickname FROM customers WHERE email = 'third@example.de'") == "Third Cust")
            await #expect(throws: PostgresError.self) { try await new.unsafeExecuteRaw("SELECT nickname FROM customers") }
        default: break
        }
    }

    static func after(_ number: String, fixture: EngineFixture, schema: String) async throws {
        guard ["010", "011", "012", "034", "035", "045"].contains(number) else { return }
        let connection = try await PostgresConnection.connect(fixture.db.app)
        defer { Task { await connection.close() } }
        try await connection.unsafeExecuteRaw("SET search_path = \(PostgresIdentifier.quote(schema))")
        func rows(_ sql: String) async throws -> [String] { try await lines(connection, sql) }
        switch number {
        case "010":
            #expect(try await rows(
                "SELECT count(*) FROM customers WHERE country IS DISTINCT FROM CASE WHEN email LIKE '%.fr' THEN 'FR' ELSE 'DE' END") == ["0"])
            #expect(try await rows("SELECT count(*) FROM customers WHERE country = 'FR'") == ["7"])
        case "011":
            #expect(try await rows(
                "SELECT count(*) FROM orders WHERE (shipped_at IS NOT NULL) <> (status IN ('shipped', 'delivered'))") == ["0"])
            #expect(try await rows("SELECT count(*) FROM orders WHERE warehouse_code IS DISTINCT FROM 'BER'") == ["0"])
        case "012":
            // audit_log has no key: the backfill walked it by ctid ranges.
            #expect(try await rows("SELECT source || ':' || count(*) FROM audit_log GROUP BY source ORDER BY source") == ["app:38", "cron:13"])
        case "034":
            #expect(try await rows("SELECT count(*) || ':' || sum(weight_grams) FROM products") == ["6:6000"])
        case "035":
            #expect(try await rows("SELECT count(*) FROM open_orders") == ["24"])
        case "045":
            #expect(try await rows("SELECT count(*) FROM customers WHERE loyalty_code IS NULL") == ["0"])
        default: break
        }
    }
}
