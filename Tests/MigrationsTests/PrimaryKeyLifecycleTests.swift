import Foundation
import LocalPostgres
import Migrations
import PostgresClient
import Testing

extension EngineIntegrationTests {

/// `create_constraint` of type `primary_key`: NOT NULL through validated checks, the index built concurrently,
/// attached at complete — with writers running, and an end state identical to plain DDL.
@Suite("create_constraint primary_key lifecycle", .serialized)
struct PrimaryKeyLifecycleTests {
    static let setup = """
        CREATE TABLE accounts (id bigint, region int NOT NULL, email text);
        INSERT INTO accounts SELECT g, g % 3, 'user' || g || '@example.com' FROM generate_series(1, 2000) g;
        ANALYZE accounts;
        """

    static let migration = """
        operations:
          - create_constraint:
              name: accounts_pkey
              table: accounts
              type: primary_key
              columns: [id, region]
              up: {id: id, region: region}
              down: {id: id, region: region}
        """

    static func prepare(_ fixture: EngineFixture) async throws {
        let app = try await fixture.app()
        try await app.unsafeExecuteRaw(setup)
        await app.close()
    }

    @Test func startThenCompleteMatchesPlainDDL() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.prepare(fixture)
        try fixture.write("0001_accounts_pkey.yaml", Self.migration)
        let writer = Task { () -> (Int, [String]) in
            var written = 0
            var failures: [String] = []
            guard let connection = try? await fixture.client(version: nil) else { return (0, ["no connection"]) }
            var id = 10_000
            while !Task.isCancelled {
                id += 1
                do {
                    try await connection.unsafeExecuteRaw("INSERT INTO accounts VALUES (\(id), \(id % 3), 'w\(id)')")
                    written += 1
                    try await connection.unsafeExecuteRaw("UPDATE accounts SET email = 'u\(id)' WHERE id = \(id % 2000 + 1)")
                } catch {
                    if Task.isCancelled { break }
                    failures.append(String(describing: error))
                }
                try? await Task.sleep(for: .milliseconds(2))
            }
            await connection.close()
            return (written, failures)
        }
        _ = try await fixture.runner().start()
        // From start on, uniqueness and NOT NULL hold for every writer.
        let old = try await fixture.client(version: nil)
        await #expect(throws: PostgresError.self) { try await old.unsafeExecuteRaw("INSERT INTO accounts VALUES (1, 1, 'dup')") }
        await #expect(throws: PostgresError.self) { try await old.unsafeExecuteRaw("INSERT INTO accounts VALUES (NULL, 1, 'null')") }
        await old.close()
        writer.cancel()
        let (written, failures) = await writer.value
        #expect(failures.isEmpty, "writers failed: \(failures.prefix(3))")
        #expect(written > 0)

        _ = try await fixture.runner().complete()
        let reference = try await EngineFixture.make("pkey-reference-\(UUID().uuidString.prefix(8))")
        try await Self.prepare(reference)
        let app = try await reference.app()
        try await app.unsafeExecuteRaw("ALTER TABLE accounts ADD CONSTRAINT accounts_pkey PRIMARY KEY (id, region)")
        await app.close()
        #expect(try await fixture.publicDump() == reference.publicDump())
        #expect(try await fixture.lines("SELECT count(*) FROM accounts") == ["\(2000 + written)"])
        // No helper check is left.
        #expect(try await fixture.lines("SELECT count(*) FROM pg_constraint WHERE conname LIKE '_slipway%'") == ["0"])
    }

    @Test func startThenRollback() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.prepare(fixture)
        try await fixture.startThenRollback(file: "0001_accounts_pkey.yaml", migration: Self.migration) { fixture in
            let old = try await fixture.client(version: nil)
            try await old.unsafeExecuteRaw("INSERT INTO accounts VALUES (5000, 1, 'x')")
            await old.close()
        }
        #expect(try await fixture.lines("SELECT count(*) FROM accounts") == ["2001"])
    }

    @Test func nullsOrDuplicatesAreRefusedBeforeDDL() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.prepare(fixture)
        let app = try await fixture.app()
        try await app.unsafeExecuteRaw("INSERT INTO accounts VALUES (NULL, 1, 'no id')")
        try await fixture.expectRefusedBeforeDDL(
            file: "0001_accounts_pkey.yaml", migration: Self.migration,
            messageContains: "have NULL in (id, region), so \"accounts_pkey\" cannot be their primary key")
        try await app.unsafeExecuteRaw("DELETE FROM accounts WHERE id IS NULL; INSERT INTO accounts VALUES (7, 1, 'twin')")
        await app.close()
        try await fixture.expectRefusedBeforeDDL(
            file: "0001_accounts_pkey.yaml", migration: Self.migration,
            messageContains: "have duplicate (id, region)")
    }

    @Test func nullsWrittenAfterThePreCheckStopStartAtValidationAndRollBackCleanly() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.prepare(fixture)
        let before = try await fixture.schemaDump()
        // Writes NULL ids (as an old client that does not know the new key) between the pre-check and validation.
        try fixture.write("0001_accounts_pkey.yaml", Self.migration)
        var runner = fixture.runner()
        let app = try await fixture.app()
        runner.events = { event in
            if event.kind == "step-started", event.message.hasPrefix("add check id IS NOT NULL") {
                Task { try? await app.unsafeExecuteRaw("INSERT INTO accounts VALUES (NULL, 2, 'late')") }
                Thread.sleep(forTimeInterval: 0.5)
            }
        }
        let error = await #expect(throws: MigrationError.self) { try await runner.start() }
        #expect(error?.message.contains("_slipway_nn_accounts_id") == true, "\(String(describing: error))")
        await app.close()
        _ = try await fixture.runner().rollback()
        #expect(try await fixture.schemaDump() == before)
    }

    @Test func partitionedTableAdoptsThePartitionsPrimaryKeys() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        let setup = """
            CREATE TABLE readings (id bigint, taken date NOT NULL, value int) PARTITION BY RANGE (taken);
            CREATE TABLE readings_2025 PARTITION OF readings FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
            CREATE TABLE readings_2026 PARTITION OF readings FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
            INSERT INTO readings SELECT g, date '2025-01-01' + (g % 700), g FROM generate_series(1, 1500) g;
            """
        try await app.unsafeExecuteRaw(setup)
        await app.close()
        try fixture.write("0001_readings_pkey.yaml", """
            operations:
              - create_constraint:
                  name: readings_pkey
                  table: readings
                  type: primary_key
                  columns: [id, taken]
                  up: {id: id, taken: taken}
                  down: {id: id, taken: taken}
            """)
        _ = try await fixture.runner().start()
        _ = try await fixture.runner().complete()
        let reference = try await EngineFixture.make("pkey-part-reference-\(UUID().uuidString.prefix(8))")
        let referenceApp = try await reference.app()
        try await referenceApp.unsafeExecuteRaw(setup + "ALTER TABLE readings ADD CONSTRAINT readings_pkey PRIMARY KEY (id, taken);")
        await referenceApp.close()
        #expect(try await fixture.publicDump() == reference.publicDump())
    }

    @Test func refusals() async throws {
        let fixture = try await EngineFixture.make()
        try await Self.prepare(fixture)
        let app = try await fixture.app()
        try await app.unsafeExecuteRaw("CREATE TABLE keyed (id int PRIMARY KEY, code text)")
        await app.close()
        try await fixture.expectRefusedBeforeDDL(
            file: "0001_second_pkey.yaml",
            migration: """
                operations:
                  - create_constraint:
                      name: keyed_code_pkey
                      table: keyed
                      type: primary_key
                      columns: [code]
                      up: {code: code}
                      down: {code: code}
                """,
            messageContains: "already has a primary key (\"keyed_pkey\")")
        try await fixture.expectRefusedBeforeDDL(
            file: "0001_missing_column.yaml",
            migration: """
                operations:
                  - create_constraint:
                      name: accounts_pkey
                      table: accounts
                      type: primary_key
                      columns: [nope]
                      up: {nope: nope}
                      down: {nope: nope}
                """,
            messageContains: "column \"nope\" does not exist")
    }
}
}
