import Foundation
import LocalPostgres
import PostgresClient
import Testing

@testable import Backups

@Suite("passwords never leak; connection strings")
struct SecretsTests {
    static let password = "Sw0rdf1sh pass'q"

    /// A role with a password, owning its tables in the fixture's database, and connection strings that
    /// carry the password (key=value and, on the local cluster, URL form).
    static func passwordConnections(_ fixture: BackupFixture) async throws -> (role: String, [ConnectionConfiguration]) {
        let role = "bk_pw_" + UUID().uuidString.prefix(8).lowercased()
        try await fixture.execute(
            """
            CREATE ROLE \(role) LOGIN PASSWORD \(PostgresIdentifier.quoteLiteral(password));
            GRANT CONNECT, CREATE, TEMPORARY ON DATABASE \(PostgresIdentifier.quote(fixture.db.name)) TO \(role);
            GRANT USAGE, CREATE ON SCHEMA public TO \(role);
            GRANT SELECT ON ALL TABLES IN SCHEMA public TO \(role);
            GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO \(role);
            """, on: fixture.db.admin)
        try await fixture.execute(
            "CREATE TABLE secrets_owned (id int); INSERT INTO secrets_owned VALUES (1), (2)",
            on: fixture.db.admin.with("user", role))
        let escaped = password.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
        var configurations = [
            ConnectionConfiguration(
                fixture.db.admin.connectionStringWithOverrides + " user=\(role) password='\(escaped)'")
        ]
        if let cluster = await ScratchDatabases.shared.localCluster {
            let encoded = ConnectionParameters.percentEncode(password)
            let socket = ConnectionParameters.percentEncode(cluster.socketDirectory)
            configurations.append(
                ConnectionConfiguration(
                    "postgresql://\(role):\(encoded)@/\(fixture.db.name)?host=\(socket)&port=\(cluster.port)"))
        }
        return (role, configurations)
    }

    @Test func noPasswordInRecordsResultsOrErrors() async throws {
        let fixture = try await BackupFixture.make()
        let encoder = JSONEncoder()
        var texts: [String] = []
        let (role, configurations) = try await Self.passwordConnections(fixture)
        for (index, configuration) in configurations.enumerated() {
            #expect(try ConnectionParameters(configuration).password == Self.password)
            let lines = Lines()
            let manager = BackupManager(database: configuration, progress: { lines.append($0) })
            let release = "v7.\(index).0"

            let created = try await manager.create(
                BackupRequest(
                    release: release, method: .pgDump(directory: fixture.directory), drill: .localPostgres,
                    restorePoint: .optional))
            #expect(created.drill?.passed == true)
            texts.append(String(decoding: try encoder.encode(created), as: UTF8.self))
            texts.append(String(decoding: try encoder.encode(try await manager.verify(.release(release))), as: UTF8.self))
            let target = try await ScratchDatabases.shared.make(label: "pw_target")
            try await fixture.execute(
                """
                GRANT CONNECT, CREATE ON DATABASE \(PostgresIdentifier.quote(target.name)) TO \(role);
                GRANT USAGE, CREATE ON SCHEMA public TO \(role);
                """, on: target.admin)
            let restored = try await manager.restore(release: release, to: configuration.with("dbname", target.name))
            texts.append(String(decoding: try encoder.encode(restored), as: UTF8.self))
            let count = try await BackupFixture.scalar(
                "SELECT count(*)::int8 FROM secrets_owned", on: target.admin, as: Int64.self)
            #expect(count == 2)

            // A restore onto the source, refused: the message names the target without its password.
            do {
                _ = try await manager.restore(release: release, to: configuration)
                Issue.record("restore onto the source was not refused")
            } catch let error as BackupError {
                #expect(error.code == .sameDatabase)
                texts += [error.description, error.detailedDescription]
            }

            // A command that prints everything it was given, then fails.
            let command = """
                echo "url=$SLIPWAY_BACKUP_DATABASE_URL pw=$PGPASSWORD" > "$SLIPWAY_BACKUP_DIR/seen-\(index).txt"
                echo "url=$SLIPWAY_BACKUP_DATABASE_URL pw=$PGPASSWORD"; echo "failing with $PGPASSWORD" >&2; exit 1
                """
            do {
                _ = try await manager.create(
                    BackupRequest(release: release, method: .command(command, directory: fixture.directory)))
                Issue.record("the failing command did not fail")
            } catch let error as BackupError {
                #expect(error.code == .commandFailed)
                texts += [error.description, error.detailedDescription]
            }
            // The command did receive the password, in PGPASSWORD only.
            let seen = try String(contentsOfFile: "\(fixture.directory)/seen-\(index).txt", encoding: .utf8)
            #expect(seen.contains("pw=\(Self.password)"))
            #expect(!(seen.components(separatedBy: " pw=").first ?? "").contains(Self.password))

            // A pg_dump failure: its command line and stderr are in the error.
            do {
                _ = try await manager.create(
                    BackupRequest(release: release, method: .pgDump(directory: fixture.directory), pgDumpPath: "/nonexistent/pg_dump"))
            } catch let error as BackupError {
                texts += [error.description, error.detailedDescription]
            }

            let records = try await manager.list()
            texts.append(String(decoding: try encoder.encode(records), as: UTF8.self))
            texts += lines.all
        }
        // Everything also as the table stores it.
        let raw = try await BackupFixture.scalar(
            "SELECT coalesce(string_agg(row_to_json(b)::text, ' '), '') FROM slipway.backups b", on: fixture.db.admin,
            as: String.self)
        texts.append(raw)

        #expect(texts.count > 10)
        #expect(raw.contains("failed"))
        for text in texts {
            #expect(!text.contains(Self.password), "password leaked in: \(text.prefix(400))")
            #expect(!text.contains("Sw0rdf1sh"), "password leaked in: \(text.prefix(400))")
        }
    }

    @Test(arguments: [
        ("host=/tmp port=5433 dbname=app user=alice password=secret", ["host": "/tmp", "port": "5433", "dbname": "app", "user": "alice", "password": "secret"]),
        ("host = db.example.com password = 'it\\'s a \\\\ secret' dbname=x", ["host": "db.example.com", "password": "it's a \\ secret", "dbname": "x"]),
        ("postgresql://bob:p%40ss%3Aword@db.example.com:6543/my%20db?sslmode=require&application_name=x", ["user": "bob", "password": "p@ss:word", "host": "db.example.com", "port": "6543", "dbname": "my db", "sslmode": "require", "application_name": "x"]),
        ("postgres://u@[::1]:5432,h2:5433/d", ["user": "u", "host": "::1,h2", "port": "5432,5433", "dbname": "d"]),
        ("postgresql:///app?host=%2Fvar%2Frun%2Fpostgresql&password=pw", ["dbname": "app", "host": "/var/run/postgresql", "password": "pw"]),
        ("dbname=postgresql://x:y@h/d port=1", ["user": "x", "password": "y", "host": "h", "dbname": "d", "port": "1"]),
        ("appdb", ["dbname": "appdb"]),
    ])
    func connectionStringsParseLikeLibpq(_ text: String, _ expected: [String: String]) throws {
        let parameters = try ConnectionParameters(ConnectionConfiguration(text))
        #expect(parameters.values == expected)
        // The rendered forms drop the password and parse back to the same keywords.
        var withoutPassword = expected
        withoutPassword["password"] = nil
        #expect(try ConnectionParameters(ConnectionConfiguration(parameters.keywordString)).values == withoutPassword)
        #expect(try ConnectionParameters(ConnectionConfiguration(parameters.url)).values == withoutPassword)
        if let password = expected["password"] {
            #expect(!parameters.keywordString.contains(password))
            #expect(!parameters.url.contains(ConnectionParameters.percentEncode(password)))
        }
    }

    @Test func overridesWinAndMalformedStringsAreRejectedWithoutEcho() throws {
        let parameters = try ConnectionParameters(
            ConnectionConfiguration("host=a dbname=b password=one", overrides: ["password": "two", "dbname": "c"]))
        #expect(parameters.password == "two")
        #expect(parameters["dbname"] == "c")
        let error = #expect(throws: BackupError.self) {
            try ConnectionParameters(ConnectionConfiguration("host=a password='unterminated"))
        }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains("unterminated") == true)
        #expect(error?.message.contains("password='") == false)
    }

    @Test func dumpVersionsParse() {
        #expect(DumpTools.parseVersion("pg_dump (PostgreSQL) 15.18 (Ubuntu 15.18-0ubuntu0.22.04.1)")?.1 == 150018)
        #expect(DumpTools.parseVersion("pg_dump (PostgreSQL) 17.2")?.1 == 170002)
        #expect(DumpTools.parseVersion("pg_dump (PostgreSQL) 9.6.24")?.1 == 90624)
        #expect(DumpTools.parseVersion("pg_dump (PostgreSQL) 18beta1")?.1 == 180000)
        #expect(DumpTools.major(of: 90624) == 906)
        #expect(DumpTools.major(of: 150018) == 15)
    }

    @Test func aPgDumpOlderThanTheServerIsRefused() async throws {
        let error = await #expect(throws: BackupError.self) { try await DumpTools.select(atLeast: 990000) }
        #expect(error?.code == .toolTooOld)
        #expect(error?.hint.contains("postgresql-client-99") == true)
    }
}
