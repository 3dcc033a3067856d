import LocalPostgres
import PostgresClient
import Slipway
import Testing

@Suite("Server status and error mapping")
struct ServerStatusTests {
    @Test func statusSeesSchemasAppearing() async throws {
        let db = try await ScratchDatabases.shared.make(label: "status")
        let before = try await ServerStatus.read(db.app, schema: "shop", stateSchema: "slipway")
        #expect(before.schemaExists == false)
        #expect(before.stateSchemaExists == false)
        #expect(before.user == db.role)
        #expect(before.database == db.name)
        let app = try await PostgresConnection.connect(db.app)
        try await app.unsafeExecuteRaw("CREATE SCHEMA shop; CREATE SCHEMA slipway")
        let after = try await ServerStatus.read(db.app, schema: "shop", stateSchema: "slipway")
        #expect(after.schemaExists && after.stateSchemaExists)
    }

    @Test func errorsMapToDocumentedExitCodes() {
        let connect = SlipwayError.from(PostgresError(code: .connectionFailed, message: "could not connect"))
        #expect(connect.exitCode == .connectionFailed)
        #expect(connect.exitCode.rawValue == 8)
        let lock = SlipwayError.from(PostgresError(
            code: .server, message: "canceling statement due to lock timeout",
            serverError: ServerErrorFields(severity: "ERROR", sqlState: .lockNotAvailable, message: "lock timeout")))
        #expect(lock.exitCode == .lockTimeout)
        #expect(lock.exitCode.rawValue == 4)
        let missing = SlipwayError.from(LocalPostgresError(code: .binariesMissing, message: "install postgresql"))
        #expect(missing.exitCode == .failure)
        #expect(missing.message == "install postgresql")
        #expect(SlipwayExitCode.allCases.map(\.rawValue) == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 130, 143])
    }
}
