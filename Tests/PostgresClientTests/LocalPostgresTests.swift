import Foundation
import LocalPostgres
import PostgresClient
import Testing

@Suite("LocalPostgres throwaway clusters")
struct LocalPostgresTests {
    @Test func stopShutsTheServerDownAndRemovesItsDirectory() async throws {
        let cluster = try await LocalPostgres.start()
        let connection = try await PostgresConnection.connect(cluster.connection())
        let one = try await connection.query("SELECT 1 AS one")
        #expect(try one[0].decode("one", as: Int.self) == 1)
        await connection.close()
        #expect(FileManager.default.fileExists(atPath: cluster.baseDirectory + "/data/PG_VERSION"))
        await cluster.stop()
        #expect(!FileManager.default.fileExists(atPath: cluster.baseDirectory))
        #expect(PostgresConnection.ping(cluster.connection()) != .accepting)
        await cluster.stop()  // idempotent
    }

    @Test func scratchDatabasesUseALeastPrivilegeRole() async throws {
        let db = try await ScratchDatabases.shared.make(label: "privileges")
        let app = try await PostgresConnection.connect(db.app)
        let row = try await app.query(
            "SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = current_user")[0]
        #expect(try row.decode("rolsuper", as: Bool.self) == false)
        #expect(try row.decode("rolcreatedb", as: Bool.self) == false)
        #expect(try row.decode("rolcreaterole", as: Bool.self) == false)
        // What Slipway needs: create schemas and tables.
        try await app.unsafeExecuteRaw("CREATE SCHEMA app_v1; CREATE TABLE public.t (id int); CREATE VIEW app_v1.t AS SELECT * FROM public.t")
        // What it must not be able to do.
        let denied = await #expect(throws: PostgresError.self) { try await app.unsafeExecuteRaw("CREATE DATABASE nope") }
        #expect(denied?.sqlState == .insufficientPrivilege)
    }

    @Test func eachScratchDatabaseIsFreshAndSeparate() async throws {
        let first = try await ScratchDatabases.shared.make(label: "a")
        let second = try await ScratchDatabases.shared.make(label: "b")
        #expect(first.name != second.name)
        let a = try await PostgresConnection.connect(first.app)
        try await a.unsafeExecuteRaw("CREATE TABLE only_in_first (id int)")
        let b = try await PostgresConnection.connect(second.app)
        let count = try await b.query("SELECT count(*)::int8 AS n FROM pg_class WHERE relname = 'only_in_first'")
        #expect(try count[0].decode("n", as: Int.self) == 0)
    }

    @Test func missingServerProgramsSayWhatToInstall() throws {
        let error = try #require(throws: LocalPostgresError.self) {
            try PostgresBinaries.locate(environment: ["SLIPWAY_PG_BINDIR": "/nonexistent/bin"])
        }
        #expect(error.code == .binariesMissing)
        #expect(error.message.contains("/nonexistent/bin"))
        let found = try PostgresBinaries.locate()
        #expect(FileManager.default.isExecutableFile(atPath: found.path("initdb")))
    }
}
