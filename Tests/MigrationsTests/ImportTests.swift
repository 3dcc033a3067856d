import Foundation
import LocalPostgres
import Migrations
import PostgresClient
import Testing

@Suite("importing other tools' history")
struct ImportTests {
    @Test func flywayHistoryBecomesSlipwayHistoryAndStartContinuesAfterIt() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await app.unsafeExecuteRaw(
            """
            CREATE TABLE accounts (id bigint PRIMARY KEY, email text);
            CREATE TABLE flyway_schema_history (installed_rank int PRIMARY KEY, version text, description text, type text,
              script text, checksum int, installed_by text, installed_on timestamptz DEFAULT now(), execution_time int, success bool);
            INSERT INTO flyway_schema_history VALUES (1, '1', 'init', 'SQL', 'V1__init.sql', 1, 'app', now(), 5, true);
            """)
        try fixture.write("V1__init.sql", "CREATE TABLE accounts (id bigint PRIMARY KEY, email text);\n")
        try fixture.write("V2__index.yaml", "operations:\n  - create_index:\n      name: accounts_email_idx\n      table: accounts\n      columns: [email]\n")
        let importer = HistoryImport(connection: fixture.db.app, migrationsDirectory: fixture.directory)

        let dry = try await importer.run(.flyway, dryRun: true)
        #expect(dry.entries.map(\.name) == ["V1__init"])
        #expect(dry.entries.first?.file != nil)

        let report = try await importer.run(.flyway)
        #expect(report.entries.count == 1)
        let status = try await fixture.runner().status()
        #expect(status.applied == ["V1__init"])
        #expect(status.pending == ["V2__index"])
        #expect(status.checksumMismatches.isEmpty)
        // start continues with the next file only.
        let record = try await fixture.runner().start()
        #expect(record.migrations == ["V2__index"])
        // Importing again records nothing twice.
        let again = try await importer.run(.flyway)
        #expect(again.alreadyRecorded == ["V1__init"])
    }

    @Test func inconsistentForeignHistoryIsRefused() async throws {
        let fixture = try await EngineFixture.make()
        let admin = try await PostgresConnection.connect(fixture.db.admin)
        try await admin.unsafeExecuteRaw(
            """
            CREATE SCHEMA pgroll;
            CREATE TABLE pgroll.migrations (schema text, name text, migration jsonb, created_at timestamptz DEFAULT now(), done bool, parent text);
            INSERT INTO pgroll.migrations VALUES ('public', '01_create', '{}', now(), true, NULL), ('public', '02_alter', '{}', now(), false, '01_create');
            GRANT USAGE ON SCHEMA pgroll TO slipway_app; GRANT SELECT ON pgroll.migrations TO slipway_app;
            CREATE TABLE public.schema_migrations (version bigint, dirty bool);
            INSERT INTO public.schema_migrations VALUES (3, true);
            GRANT SELECT ON public.schema_migrations TO slipway_app;
            CREATE TABLE public.alembic_version (version_num text);
            INSERT INTO public.alembic_version VALUES ('ae1027a6acf');
            GRANT SELECT ON public.alembic_version TO slipway_app;
            """)
        let importer = HistoryImport(connection: fixture.db.app, migrationsDirectory: fixture.directory)
        let pgroll = await #expect(throws: MigrationError.self) { try await importer.run(.pgroll) }
        #expect(pgroll?.kind == .history)
        #expect(pgroll?.message.contains("02_alter is still in progress") == true)
        let golang = await #expect(throws: MigrationError.self) { try await importer.run(.golangMigrate) }
        #expect(golang?.message.contains("dirty") == true)
        let sqitch = await #expect(throws: MigrationError.self) { try await importer.run(.sqitch) }
        #expect(sqitch?.kind == .nothingToDo)
        let alembic = try await importer.run(.alembic)
        #expect(alembic.entries.map(\.name) == ["alembic:ae1027a6acf"])
        // Nothing was recorded by the refused imports.
        let app = try await fixture.app()
        let names = try await app.query("SELECT name FROM slipway.migrations ORDER BY name").map { try $0.decode("name", as: String.self) }
        #expect(names == ["alembic:ae1027a6acf"])
    }
}
