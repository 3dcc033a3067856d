import Foundation
import LocalPostgres
import Migrations
import PostgresClient
import Testing

/// The `sqitch` executable on the PATH, if installed (`apt-get install sqitch libdbd-pg-perl`; .ci/run does).
private let sqitchExecutable: String? = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/sqitch" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}()

@Suite("importing history deployed by the real sqitch")
struct SqitchImportTests {
    @Test(
        .enabled(
            if: sqitchExecutable != nil,
            "sqitch is not installed: `apt-get install sqitch libdbd-pg-perl` to run this test (.ci/run installs it)"))
    func changesDeployedBySqitchAreImported() async throws {
        let sqitch = try #require(sqitchExecutable)
        let fixture = try await EngineFixture.make()
        // Where the scratch database is, as libpq's PG* variables for sqitch (DBD::Pg uses libpq).
        let app = try await fixture.app()
        let row = try await app.query(
            "SELECT current_user::text AS usr, current_database()::text AS db, current_setting('port') AS port, host(inet_server_addr()) AS addr"
        )[0]
        var host = try row.decode("addr", as: String?.self)
        if host == nil {
            // A unix socket: its directory is readable by the cluster's superuser (the throwaway cluster's admin).
            let admin = try await PostgresConnection.connect(fixture.db.admin)
            host = try await admin.query("SELECT split_part(current_setting('unix_socket_directories'), ',', 1) AS dir")[0].decode("dir", as: String.self)
            await admin.close()
        }
        let project = NSTemporaryDirectory() + "slipway-sqitch-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: project, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: project) }
        try "[user]\n\tname = Slipway Test\n\temail = test@example.com\n".write(toFile: project + "/user.conf", atomically: true, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") && !$0.key.hasPrefix("SQITCH") }
        environment["SQITCH_USER_CONFIG"] = project + "/user.conf"
        environment["PGHOST"] = host
        environment["PGPASSWORD"] = fixture.db.app.overrides["password"]
        environment["PGPORT"] = try row.decode("port", as: String.self)
        environment["PGUSER"] = try row.decode("usr", as: String.self)
        let database: String = try row.decode("db")

        func run(_ arguments: [String]) async throws {
            let output = try await ChildProcess.capture(
                ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", project, sqitch] + arguments, environment: environment, timeout: .seconds(120))
            try #require(output.status == 0, "sqitch \(arguments.joined(separator: " ")) failed: \(output.stderr)\(output.stdout)")
        }
        try await run(["init", "shop", "--engine", "pg"])
        try await run(["add", "0001_users", "-n", "Add users"])
        try await run(["add", "0002_email", "--requires", "0001_users", "-n", "Add email"])
        try "BEGIN;\nCREATE TABLE users (id bigint PRIMARY KEY);\nCOMMIT;\n".write(toFile: project + "/deploy/0001_users.sql", atomically: true, encoding: .utf8)
        try "BEGIN;\nALTER TABLE users ADD COLUMN email text;\nCOMMIT;\n".write(toFile: project + "/deploy/0002_email.sql", atomically: true, encoding: .utf8)
        try await run(["deploy", "db:pg:\(database)"])

        // The Slipway directory holds the same two changes plus the next migration.
        try fixture.write("0001_users.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n")
        try fixture.write("0002_email.sql", "ALTER TABLE users ADD COLUMN email text;\n")
        try fixture.write("0003_email_idx.yaml", "operations:\n  - create_index:\n      name: users_email_idx\n      table: users\n      columns: [email]\n")
        let report = try await HistoryImport(connection: fixture.db.app, migrationsDirectory: fixture.directory).run(.sqitch)
        #expect(report.source == "sqitch.changes (sqitch registry 1.1, project shop)")
        #expect(report.entries.map(\.identifier) == ["0001_users", "0002_email"])
        #expect(report.entries.allSatisfy { $0.file != nil && $0.appliedAt != nil })
        let status = try await fixture.runner().status()
        #expect(status.applied == ["0001_users", "0002_email"])
        #expect(status.pending == ["0003_email_idx"])
        let record = try await fixture.runner().start()
        #expect(record.migrations == ["0003_email_idx"])
        try await fixture.runner().complete()
        #expect(try await fixture.scalar("SELECT to_regclass('public.users_email_idx') IS NOT NULL", as: Bool.self))
    }
}
