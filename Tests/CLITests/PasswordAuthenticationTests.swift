import Foundation
import LocalPostgres
import PostgresClient
import Testing

/// Real password authentication (`scram-sha-256`), which the shared throwaway cluster does not use (it trusts
/// its private socket): a wrong password and a right one, given by URL, key=value string, `PGPASSWORD` and a
/// `PGPASSFILE`, through the connecting commands. A wrong password fails with exit 8 and libpq's
/// "password authentication failed" — and neither password appears in anything printed, in text or JSON.
@Suite("password authentication: wrong and right passwords, never printed")
struct PasswordAuthenticationTests {
    static let right = "R1ght_pw_Sentinel_4kQ"
    static let wrong = "Wr0ng_pw_Sentinel_9zX"

    @Test func wrongAndRightPasswordsInEveryFormNeverAppear() async throws {
        // A cluster of its own: its pg_hba.conf is changed.
        let cluster = try await LocalPostgres.start()
        let admin = try await PostgresConnection.connect(cluster.connection())
        let role = "pw_user"
        try await admin.unsafeExecuteRaw("SET password_encryption = 'scram-sha-256'")
        try await admin.unsafeExecuteRaw("CREATE ROLE \(role) LOGIN PASSWORD '\(Self.right)'")
        try await admin.unsafeExecuteRaw("CREATE DATABASE pwdb OWNER \(role)")
        // Password authentication for this role on the socket, ahead of the cluster's `trust` lines.
        let hba = cluster.dataDirectory + "/pg_hba.conf"
        let original = try String(contentsOfFile: hba, encoding: .utf8)
        try ("local all \(role) scram-sha-256\n" + original).write(toFile: hba, atomically: false, encoding: .utf8)
        try await admin.unsafeExecuteRaw("SELECT pg_reload_conf()")
        await admin.close()

        let directory = try CLI.temporaryDirectory()
        let migrations = directory + "/migrations"
        try FileManager.default.createDirectory(atPath: migrations, withIntermediateDirectories: true)
        let keywords = "host=\(cluster.socketDirectory) port=\(cluster.port) dbname=pwdb user=\(role)"
        func url(_ password: String) -> String {
            "postgresql://\(role):\(password)@/pwdb?host="
                + (cluster.socketDirectory.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") + "&port=\(cluster.port)"
        }
        func passfile(_ password: String) throws -> String {
            let path = directory + "/pgpass-" + (password == Self.right ? "right" : "wrong")
            try "*:*:*:\(role):\(password)\n".write(toFile: path, atomically: true, encoding: .utf8)
            chmod(path, 0o600)
            return path
        }
        func forms(_ password: String) throws -> [(name: String, connection: String, env: [String: String])] {
            [
                ("URL", url(password), [:]),
                ("key=value", keywords + " password='\(password)'", [:]),
                ("PGPASSWORD", keywords, ["PGPASSWORD": password]),
                ("PGPASSFILE", keywords, ["PGPASSFILE": try passfile(password)]),
            ]
        }
        let dir = ["--migrations-dir", migrations]
        let commands: [[String]] = [
            ["status"] + dir, ["status", "--format", "json"] + dir, ["history", "--verbose"] + dir, ["plan", "--format", "json"] + dir,
            ["drift", "--verbose"], ["url"] + dir, ["version-schema", "--format", "json"] + dir, ["start", "--log-format", "json"] + dir,
        ]
        var checked = 0
        for form in try forms(Self.wrong) {
            for command in commands {
                let result = try await CLI.run(
                    command + ["--url", form.connection], env: form.env, directory: directory)
                let text = result.stdout + result.stderr
                #expect(result.status == 8, "\(form.name) \(command): exit \(result.status): \(text)")
                #expect(text.contains("password authentication failed"), "\(form.name) \(command): \(text)")
                #expect(!text.contains(Self.wrong) && !text.contains(Self.right), "\(form.name) \(command) printed a password: \(text)")
                checked += 1
            }
        }
        for form in try forms(Self.right) {
            let result = try await CLI.run(
                ["status", "--verbose", "--url", form.connection, "--migrations-dir", migrations], env: form.env, directory: directory)
            let text = result.stdout + result.stderr
            #expect(result.status == 0, "\(form.name): exit \(result.status): \(text)")
            #expect(!text.contains(Self.right), "\(form.name) printed the password: \(text)")
            checked += 1
        }
        #expect(checked == 36)
        await cluster.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
