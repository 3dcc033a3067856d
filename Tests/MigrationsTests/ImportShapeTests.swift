import Foundation
import LocalPostgres
import Migrations
import PostgresClient
import Testing

// Each tool's history table is built here the way that tool creates it (its own DDL, per layout version), then
// imported. The bad-input tests check that a refused import leaves Slipway's history exactly as it was.

/// pgroll's `migrations` table as pgroll's state initialisation creates it; `current` adds what later pgroll
/// releases added (`migration_type`, timestamptz columns, the `pgroll_version` table).
private func pgrollState(current: Bool) -> String {
    """
    CREATE SCHEMA IF NOT EXISTS pgroll;
    CREATE TABLE IF NOT EXISTS pgroll.migrations (
        schema NAME NOT NULL,
        name text NOT NULL,
        migration jsonb NOT NULL,
        created_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
        updated_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
        parent text,
        done boolean NOT NULL DEFAULT FALSE,
        resulting_schema jsonb NOT NULL DEFAULT '{}'::jsonb,
        PRIMARY KEY (schema, name),
        FOREIGN KEY (schema, parent) REFERENCES pgroll.migrations (schema, name)
    );
    CREATE UNIQUE INDEX IF NOT EXISTS only_one_active ON pgroll.migrations (schema, name, done) WHERE done = FALSE;
    CREATE UNIQUE INDEX IF NOT EXISTS only_first_migration_without_parent ON pgroll.migrations (schema) WHERE parent IS NULL;
    CREATE UNIQUE INDEX IF NOT EXISTS history_is_linear ON pgroll.migrations (schema, parent);
    """
        + (current
            ? """

            ALTER TABLE pgroll.migrations
                ADD COLUMN IF NOT EXISTS migration_type varchar(32) DEFAULT 'pgroll' CONSTRAINT migration_type_check CHECK (migration_type IN ('pgroll', 'inferred'));
            ALTER TABLE pgroll.migrations DROP CONSTRAINT migration_type_check;
            ALTER TABLE pgroll.migrations ADD CONSTRAINT migration_type_check CHECK (migration_type IN ('pgroll', 'inferred', 'baseline'));
            ALTER TABLE pgroll.migrations
                ALTER COLUMN created_at SET DATA TYPE timestamptz USING created_at AT TIME ZONE 'UTC',
                ALTER COLUMN updated_at SET DATA TYPE timestamptz USING updated_at AT TIME ZONE 'UTC';
            CREATE TABLE IF NOT EXISTS pgroll.pgroll_version (
                version text NOT NULL,
                initialized_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
                PRIMARY KEY (version)
            );
            INSERT INTO pgroll.pgroll_version (version) VALUES ('v0.14.0');
            """ : "")
        + "\nGRANT USAGE ON SCHEMA pgroll TO slipway_app; GRANT SELECT ON ALL TABLES IN SCHEMA pgroll TO slipway_app;"
}

/// Flyway's history table as Flyway creates it on PostgreSQL (`flyway_schema_history` from Flyway 5,
/// `schema_version` before; Flyway 3 and earlier also had `version_rank`).
private func flywayTable(_ name: String, versionRank: Bool = false) -> String {
    """
    CREATE TABLE "public"."\(name)" (\(versionRank ? "\n    \"version_rank\" INT NOT NULL," : "")
        "installed_rank" INT NOT NULL,
        "version" VARCHAR(50),
        "description" VARCHAR(200) NOT NULL,
        "type" VARCHAR(20) NOT NULL,
        "script" VARCHAR(1000) NOT NULL,
        "checksum" INTEGER,
        "installed_by" VARCHAR(100) NOT NULL,
        "installed_on" TIMESTAMP NOT NULL DEFAULT now(),
        "execution_time" INTEGER NOT NULL,
        "success" BOOLEAN NOT NULL
    );
    ALTER TABLE "public"."\(name)" ADD CONSTRAINT "\(name)_pk" PRIMARY KEY ("installed_rank");
    CREATE INDEX "\(name)_s_idx" ON "public"."\(name)" ("success");
    """
}

/// golang-migrate's postgres driver (v3 and later).
private let golangMigrateTable = "CREATE TABLE IF NOT EXISTS schema_migrations (version bigint not null primary key, dirty boolean not null)"

/// Alembic's version table.
private let alembicTable = "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"

/// Slipway's recorded history (every column but the time), to compare before and after a refused import.
private func recorded(_ fixture: EngineFixture) async throws -> [String] {
    let app = try await fixture.app()
    defer { Task { await app.close() } }
    guard try await app.query("SELECT to_regclass('slipway.migrations') IS NOT NULL AS e")[0].decode("e", as: Bool.self) else { return [] }
    return try await app.query("SELECT concat_ws(' ', schema, name, version, checksum, md5(body)) AS r FROM slipway.migrations ORDER BY name")
        .map { try $0.decode("r", as: String.self) }
}

@Suite("importing each tool's history table layouts")
struct ImportShapeTests {
    @Test func pgrollCurrentLayoutFollowsTheParentChainAndSkipsInferredMigrations() async throws {
        let fixture = try await EngineFixture.make()
        let admin = try await PostgresConnection.connect(fixture.db.admin)
        try await admin.unsafeExecuteRaw(pgrollState(current: true))
        // Created out of name order on purpose: the chain of parents is the order.
        try await admin.unsafeExecuteRaw(
            """
            INSERT INTO pgroll.migrations (schema, name, migration, parent, done, migration_type, created_at) VALUES
              ('public', '02_add_email', '{}', NULL, true, 'pgroll', now() - interval '3 hours'),
              ('public', '01_create_users', '{}', '02_add_email', true, 'pgroll', now() - interval '2 hours'),
              ('public', '01_create_users_20261101120000000000', '{"operations":[{"sql":{"up":"ALTER TABLE users ADD COLUMN x int"}}]}',
               '01_create_users', true, 'inferred', now() - interval '1 hour'),
              ('public', '03_index', '{}', '01_create_users_20261101120000000000', true, 'pgroll', now()),
              ('other', '01_elsewhere', '{}', NULL, true, 'pgroll', now());
            """)
        try fixture.write("02_add_email.yaml", "operations:\n  - sql:\n      up: SELECT 1\n")
        let report = try await HistoryImport(connection: fixture.db.app, migrationsDirectory: fixture.directory).run(.pgroll)
        #expect(report.source == "pgroll.migrations (pgroll with migration_type, pgroll v0.14.0)")
        #expect(report.entries.map(\.name) == ["02_add_email", "01_create_users", "03_index"])
        #expect(report.entries.first?.file?.hasSuffix("02_add_email.yaml") == true)
        #expect(report.notes.count == 1)
        #expect(report.notes.first?.contains("skipped 1 inferred migration(s)") == true)
        #expect(try await recorded(fixture).count == 3)
    }

    @Test func pgrollEarlyLayoutWithoutMigrationType() async throws {
        let fixture = try await EngineFixture.make()
        let admin = try await PostgresConnection.connect(fixture.db.admin)
        try await admin.unsafeExecuteRaw(pgrollState(current: false))
        try await admin.unsafeExecuteRaw(
            """
            SET TIME ZONE 'UTC';
            INSERT INTO pgroll.migrations (schema, name, migration, parent, done, created_at) VALUES
              ('public', '01_create_users', '{}', NULL, true, '2024-01-02 03:04:05'),
              ('public', '02_add_email', '{}', '01_create_users', true, '2024-01-03 03:04:05');
            """)
        let report = try await HistoryImport(connection: fixture.db.app, migrationsDirectory: fixture.directory).run(.pgroll, dryRun: true)
        #expect(report.source == "pgroll.migrations (early pgroll, before migration_type)")
        #expect(report.entries.map(\.name) == ["01_create_users", "02_add_email"])
        // timestamp without time zone is UTC in pgroll's state.
        #expect(report.entries.first?.appliedAt == ISO8601DateFormatter().date(from: "2024-01-02T03:04:05Z"))
        #expect(try await recorded(fixture).isEmpty)
    }

    @Test func flywaySchemaHistoryWithBaselineJDBCAndRepeatableMigrations() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await app.unsafeExecuteRaw(
            flywayTable("flyway_schema_history")
                + """

                INSERT INTO flyway_schema_history VALUES
                  (1, '1.1', '<< Flyway Baseline >>', 'BASELINE', '<< Flyway Baseline >>', NULL, 'app', now(), 0, true),
                  (2, '2', 'add email', 'SQL', 'V2__add_email.sql', 123, 'app', now(), 5, true),
                  (3, '3', 'backfill emails', 'JDBC', 'db.migration.V3__backfill_emails', NULL, 'app', now(), 50, true),
                  (4, NULL, 'views', 'SQL', 'R__views.sql', 77, 'app', now(), 3, true),
                  (5, NULL, 'views', 'SQL', 'R__views.sql', 78, 'app', now(), 3, true);
                """)
        try fixture.write("V1__init.sql", "CREATE TABLE accounts (id bigint PRIMARY KEY);\n")
        try fixture.write("V1_1__more.sql", "CREATE TABLE more (id bigint PRIMARY KEY);\n")
        try fixture.write("V2__add_email.sql", "ALTER TABLE accounts ADD COLUMN email text;\n")
        try fixture.write("V4__next.sql", "CREATE TABLE next (id bigint PRIMARY KEY);\n")
        let report = try await HistoryImport(connection: fixture.db.app, migrationsDirectory: fixture.directory).run(.flyway)
        #expect(report.source == "public.flyway_schema_history (Flyway 5 or later)")
        #expect(report.entries.map(\.name) == ["V1__init", "V1_1__more", "V2__add_email", "V3__backfill_emails", "R__views"])
        #expect(report.entries.map { $0.file != nil } == [true, true, true, false, false])
        #expect(report.notes == ["Flyway baseline at version 1.1: 2 file(s) at or below it count as applied"])
        let status = try await fixture.runner().status()
        #expect(status.pending == ["V4__next"])
        #expect(status.checksumMismatches.isEmpty)
    }

    @Test(arguments: [
        (versionRank: false, label: "Flyway 4"),
        (versionRank: true, label: "Flyway 3 or earlier, with version_rank"),
    ])
    func flywayBefore5SchemaVersion(versionRank: Bool, label: String) async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        let rank = versionRank ? "1, " : ""
        try await app.unsafeExecuteRaw(
            flywayTable("schema_version", versionRank: versionRank)
                + """

                INSERT INTO schema_version VALUES (\(rank)1, '1', 'init', 'SQL', 'V1__init.sql', 1, 'app', now(), 5, true);
                """)
        let report = try await HistoryImport(connection: fixture.db.app, migrationsDirectory: fixture.directory).run(.flyway)
        #expect(report.source == "public.schema_version (\(label))")
        #expect(report.entries.map(\.name) == ["V1__init"])
    }

    @Test func flywayDeletedAndUndoneMigrationsAreNotApplied() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await app.unsafeExecuteRaw(
            flywayTable("flyway_schema_history")
                + """

                INSERT INTO flyway_schema_history VALUES
                  (1, '1', 'init', 'SQL', 'V1__init.sql', 1, 'app', now(), 5, true),
                  (2, '2', 'gone', 'SQL', 'V2__gone.sql', 2, 'app', now(), 5, true),
                  (3, '3', 'undone', 'SQL', 'V3__undone.sql', 3, 'app', now(), 5, true),
                  (4, '2', 'gone', 'DELETE', 'V2__gone.sql', 2, 'app', now(), 0, true),
                  (5, '3', 'undone', 'UNDO_SQL', 'U3__undone.sql', 4, 'app', now(), 5, true);
                """)
        let report = try await HistoryImport(connection: fixture.db.app, migrationsDirectory: fixture.directory).run(.flyway, dryRun: true)
        #expect(report.entries.map(\.name) == ["V1__init"])
        #expect(report.notes == ["deleted in Flyway: V2__gone", "undone in Flyway: U3__undone"])
    }

    @Test func golangMigrateLayouts() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try fixture.write("1_create_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n")
        try fixture.write("2_add_email.up.sql", "ALTER TABLE users ADD COLUMN email text;\n")
        try fixture.write("3_index.up.sql", "CREATE INDEX users_email_idx ON users (email);\n")
        let importer = HistoryImport(connection: fixture.db.app, migrationsDirectory: fixture.directory)

        // Before v3 (mattes/migrate): one row per applied version, no dirty flag.
        try await app.unsafeExecuteRaw("CREATE TABLE schema_migrations (version bigint not null primary key); INSERT INTO schema_migrations VALUES (1), (2)")
        let old = try await importer.run(.golangMigrate, dryRun: true)
        #expect(old.source == "public.schema_migrations (golang-migrate before v3, no dirty flag) at version 2")
        #expect(old.entries.map(\.name) == ["1_create_users.up", "2_add_email.up"])
        #expect(old.notes == ["2 rows; the highest version, 2, is the current one"])

        try await app.unsafeExecuteRaw("DROP TABLE schema_migrations; \(golangMigrateTable); INSERT INTO schema_migrations VALUES (2, false)")
        let report = try await importer.run(.golangMigrate)
        #expect(report.source == "public.schema_migrations (golang-migrate v3 or later) at version 2")
        #expect(report.entries.map(\.name) == ["1_create_users.up", "2_add_email.up"])
        #expect(try await fixture.runner().status().pending == ["3_index.up"])
    }

    @Test func sqitchRegistryBefore1_0HasNoReleasesTable() async throws {
        let fixture = try await EngineFixture.make()
        let admin = try await PostgresConnection.connect(fixture.db.admin)
        // The registry as sqitch created it before registry 1.0: no releases table, no script_hash.
        try await admin.unsafeExecuteRaw(
            """
            CREATE SCHEMA sqitch;
            CREATE TABLE sqitch.projects (project TEXT PRIMARY KEY, uri TEXT NULL UNIQUE,
              created_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(), creator_name TEXT NOT NULL, creator_email TEXT NOT NULL);
            CREATE TABLE sqitch.changes (change_id TEXT PRIMARY KEY, change TEXT NOT NULL,
              project TEXT NOT NULL REFERENCES sqitch.projects(project) ON UPDATE CASCADE, note TEXT NOT NULL DEFAULT '',
              committed_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(), committer_name TEXT NOT NULL, committer_email TEXT NOT NULL,
              planned_at TIMESTAMPTZ NOT NULL, planner_name TEXT NOT NULL, planner_email TEXT NOT NULL);
            INSERT INTO sqitch.projects VALUES ('flipr', NULL, now(), 'Ann', 'ann@example.com');
            INSERT INTO sqitch.changes VALUES
              ('a1', 'appschema', 'flipr', '', now() - interval '1 day', 'Ann', 'ann@example.com', now(), 'Ann', 'ann@example.com'),
              ('b2', 'users', 'flipr', '', now(), 'Ann', 'ann@example.com', now(), 'Ann', 'ann@example.com');
            GRANT USAGE ON SCHEMA sqitch TO slipway_app; GRANT SELECT ON ALL TABLES IN SCHEMA sqitch TO slipway_app;
            """)
        let report = try await HistoryImport(connection: fixture.db.app, migrationsDirectory: fixture.directory).run(.sqitch, dryRun: true)
        #expect(report.source == "sqitch.changes (sqitch registry before 1.0, no releases table, project flipr)")
        #expect(report.entries.map(\.name) == ["appschema", "users"])
    }

    @Test func alembicHeadsAndFromSchema() async throws {
        let fixture = try await EngineFixture.make()
        let admin = try await PostgresConnection.connect(fixture.db.admin)
        try await admin.unsafeExecuteRaw(
            """
            CREATE SCHEMA legacy; SET search_path = legacy; \(alembicTable);
            INSERT INTO legacy.alembic_version VALUES ('27c6a30d7c24'), ('ae1027a6acf');
            GRANT USAGE ON SCHEMA legacy TO slipway_app; GRANT SELECT ON legacy.alembic_version TO slipway_app;
            """)
        let importer = HistoryImport(connection: fixture.db.app, migrationsDirectory: fixture.directory, fromSchema: "legacy")
        let report = try await importer.run(.alembic)
        #expect(report.source == "legacy.alembic_version (Alembic, head revisions only)")
        #expect(report.entries.map(\.name) == ["alembic:27c6a30d7c24", "alembic:ae1027a6acf"])
        #expect(report.notes == ["2 heads: the Alembic history has unmerged branches"])
        // Without --from-schema the table is not on the search_path.
        let missing = await #expect(throws: MigrationError.self) {
            try await HistoryImport(connection: fixture.db.app, migrationsDirectory: fixture.directory).run(.alembic)
        }
        #expect(missing?.kind == .nothingToDo)
        #expect(missing?.message.contains("on the search_path") == true)
    }

    @Test func refusedImportsRecordNothing() async throws {
        let fixture = try await EngineFixture.make()
        let admin = try await PostgresConnection.connect(fixture.db.admin)
        let app = try await fixture.app()
        // Some history exists already, so "nothing recorded" is checked against real rows.
        try await app.unsafeExecuteRaw("\(alembicTable); INSERT INTO alembic_version VALUES ('ae1027a6acf')")
        _ = try await HistoryImport(connection: fixture.db.app, migrationsDirectory: fixture.directory).run(.alembic)
        let before = try await recorded(fixture)
        #expect(before.count == 1)
        let importer = HistoryImport(connection: fixture.db.app, migrationsDirectory: fixture.directory)

        func refused(_ tool: HistoryImport.Tool, _ kind: MigrationError.Kind, _ texts: [String]) async throws {
            let error = await #expect(throws: MigrationError.self, "\(tool)") { try await importer.run(tool) }
            #expect(error?.kind == kind, "\(tool): \(String(describing: error))")
            for text in texts { #expect(error?.message.contains(text) == true, "\(tool): \(error?.message ?? "")") }
            #expect(try await recorded(fixture) == before, "\(tool) recorded something")
        }

        // A table with the tool's name but another tool's columns: Rails' schema_migrations.
        try await app.unsafeExecuteRaw("CREATE TABLE schema_migrations (version character varying NOT NULL PRIMARY KEY); INSERT INTO schema_migrations VALUES ('20240101000000')")
        try await refused(.golangMigrate, .history, [
            "public.schema_migrations does not have a golang-migrate layout Slipway knows: it has columns (version character varying)",
            "expected golang-migrate v3 or later (version bigint|integer|smallint, dirty boolean)",
        ])
        // golang-migrate dirty.
        try await app.unsafeExecuteRaw("DROP TABLE schema_migrations; \(golangMigrateTable); INSERT INTO schema_migrations VALUES (3, true)")
        try await refused(.golangMigrate, .history, ["golang-migrate version 3 is dirty"])
        // A flyway_schema_history in an unknown shape.
        try await app.unsafeExecuteRaw("CREATE TABLE flyway_schema_history (id serial PRIMARY KEY, name text)")
        try await refused(.flyway, .history, ["public.flyway_schema_history does not have a Flyway layout", "it has columns (id integer, name text)"])
        // A failed Flyway migration.
        try await app.unsafeExecuteRaw(
            "DROP TABLE flyway_schema_history; " + flywayTable("flyway_schema_history")
                + """

                INSERT INTO flyway_schema_history VALUES
                  (1, '1', 'init', 'SQL', 'V1__init.sql', 1, 'app', now(), 5, true),
                  (2, '2', 'broken', 'SQL', 'V2__broken.sql', 2, 'app', now(), 5, false);
                """)
        try await refused(.flyway, .history, ["Flyway recorded a failed migration (V2__broken.sql, version 2)"])
        // A pgroll migration in progress.
        try await admin.unsafeExecuteRaw(pgrollState(current: true))
        try await admin.unsafeExecuteRaw(
            """
            INSERT INTO pgroll.migrations (schema, name, migration, parent, done) VALUES
              ('public', '01_create', '{}', NULL, true), ('public', '02_alter', '{}', '01_create', false);
            """)
        try await refused(.pgroll, .history, ["pgroll migration 02_alter is still in progress"])
        // A pgroll state table that is not pgroll's.
        try await admin.unsafeExecuteRaw("DROP SCHEMA pgroll CASCADE; CREATE SCHEMA pgroll; CREATE TABLE pgroll.migrations (id int, applied boolean); GRANT USAGE ON SCHEMA pgroll TO slipway_app; GRANT SELECT ON pgroll.migrations TO slipway_app")
        try await refused(.pgroll, .history, ["pgroll.migrations does not have a pgroll layout", "early pgroll, before migration_type"])
    }
}
