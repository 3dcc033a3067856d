import Foundation
import LocalPostgres
import PostgresClient
import Testing

/// A sentinel password given by URL, key=value string, PGPASSWORD and a PGPASSFILE never appears in what
/// any connecting `slipway` command prints (text and JSON, `--verbose` errors, `--log-format json`), in the
/// `--audit-log` file, the audit log table, the backup records or the backup directory.
@Suite("secrets: no command prints a password")
struct SecretsCLITests {
    static let password = "S3ntinel_pw_7f3Q9x"

    static func encode(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text }

    @Test func noConnectingCommandLeaksThePassword() async throws {
        let db = try await ScratchDatabases.shared.make(label: "secrets_cli")
        guard let cluster = await ScratchDatabases.shared.localCluster else {
            print("skipped: needs the local throwaway cluster (POSTGRES_URL is set)")
            return
        }
        let role = "sec_" + UUID().uuidString.prefix(8).lowercased()
        let admin = try await PostgresConnection.connect(db.admin)
        try await admin.unsafeExecuteRaw(
            """
            CREATE ROLE \(role) LOGIN PASSWORD '\(Self.password)';
            GRANT CONNECT, CREATE, TEMPORARY ON DATABASE \(PostgresIdentifier.quote(db.name)) TO \(role);
            GRANT USAGE, CREATE ON SCHEMA public TO \(role);
            """)
        let owner = try await PostgresConnection.connect(db.admin.with("user", role))
        try await owner.unsafeExecuteRaw(
            "CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, status text NOT NULL); INSERT INTO orders (status) SELECT 'paid' FROM generate_series(1, 500)")
        await owner.close()

        let directory = try CLI.temporaryDirectory()
        let migrations = directory + "/migrations"
        let backups = directory + "/backups"
        let auditFile = directory + "/audit.jsonl"
        try FileManager.default.createDirectory(atPath: migrations, withIntermediateDirectories: true)
        let passfile = directory + "/pgpass"
        try "*:*:*:\(role):\(Self.password)\n".write(toFile: passfile, atomically: true, encoding: .utf8)
        chmod(passfile, 0o600)

        let keywords = "host=\(cluster.socketDirectory) port=\(cluster.port) dbname=\(db.name) user=\(role)"
        let url = "postgresql://\(role):\(Self.encode(Self.password))@/\(db.name)?host="
            + Self.encode(cluster.socketDirectory) + "&port=\(cluster.port)"
        let forms: [(name: String, url: String, env: [String: String])] = [
            ("URL", url, [:]),
            ("key=value", keywords + " password='\(Self.password)'", [:]),
            ("PGPASSWORD", keywords, ["PGPASSWORD": Self.password]),
            ("PGPASSFILE", keywords, ["PGPASSFILE": passfile]),
        ]
        var texts: [(String, String)] = []
        var ran = 0
        for (index, form) in forms.enumerated() {
            try """
                operations:
                  - add_column:
                      table: orders
                      column:
                        name: note_\(index)
                        type: text
                        nullable: true
                """.write(toFile: migrations + "/000\(index + 1)_note_\(index).yaml", atomically: true, encoding: .utf8)
            let common = ["--url", form.url, "--migrations-dir", migrations]
            let connection = ["--url", form.url]
            let log = ["--log-format", "json", "--audit-log", auditFile]
            let commands: [(args: [String], expect: Int32?)] = [
                (["status"] + common, 0), (["status", "--format", "json"] + common, 0), (["plan"] + common, 0),
                (["plan", "--format", "json"] + common, 0), (["start"] + common + log, 0), (["backfill", "pause"] + connection + log, nil),
                (["version-schema"] + common, 0), (["url"] + common, 0), (["history"] + common, 0),
                (["history", "--audit"] + common, 0), (["audit", "--format", "json"] + connection, 0),
                (["complete", "--format", "json"] + common + log, 0), (["resume", "--verbose"] + common + log, 6),
                (["rollback", "--verbose"] + common + log, 1), (["migrate"] + common + log, 6), (["deploy"] + common + log, nil),
                (["drift", "--format", "json"] + connection, nil), (["baseline", "b\(index)", "--force"] + connection + log, nil),
                (["backup", "create", "--release", "v0.\(index).0", "--dir", backups, "--no-drill"] + connection + log, 0),
                (["backup", "list", "--format", "json"] + connection, 0),
                (["backup", "verify", "--release", "v0.\(index).0"] + connection, nil),
                (["repair", "mark-not-applied", "9999_nothing", "--reason", "test"] + common + log, nil),
                (["import", "flyway"] + common + log, nil),
                // Errors that name the connection: a database that does not exist, a host that is not there.
                (["status", "--verbose", "--url", form.url.replacingOccurrences(of: db.name, with: "no_such_db")], 8),
                (["start", "--format", "json", "--verbose", "--migrations-dir", migrations, "--url",
                  form.url.replacingOccurrences(of: cluster.socketDirectory, with: "/nonexistent")
                    .replacingOccurrences(of: Self.encode(cluster.socketDirectory), with: "%2Fnonexistent")], 8),
            ]
            for command in commands {
                let result = try await CLI.run(command.args, env: form.env, directory: directory)
                ran += 1
                let label = "\(form.name): slipway \(command.args.first ?? "") \(command.args.dropFirst().first ?? "")"
                if let expected = command.expect {
                    #expect(result.status == expected, "\(label) exited \(result.status): \(result.stdout.prefix(300))\n\(result.stderr.prefix(600))")
                }
                texts.append((label, result.stdout + "\n" + result.stderr))
            }
        }
        // Everything Slipway stored.
        texts.append(("audit file", (try? String(contentsOfFile: auditFile, encoding: .utf8)) ?? ""))
        for table in ["audit_log", "backups", "versions", "migrations", "backfills"] {
            let rows = try await admin.query(
                "SELECT coalesce(string_agg(row_to_json(t)::text, ' '), '') AS j FROM slipway.\(unsafeRaw: table) t")
            texts.append(("table slipway.\(table)", try rows[0].decode("j", as: String.self)))
        }
        for file in (FileManager.default.enumerator(atPath: backups)?.allObjects as? [String]) ?? [] {
            let path = backups + "/" + file
            if let data = FileManager.default.contents(atPath: path) {
                texts.append(("backup file \(file)", String(decoding: data, as: UTF8.self)))
            }
        }
        #expect(ran == forms.count * 25)
        #expect(texts.first { $0.0 == "table slipway.audit_log" }.map { $0.1.contains("\"command\":\"start\"") } == true)
        #expect(texts.contains { $0.0.hasPrefix("backup file") })
        for (label, text) in texts {
            #expect(!text.contains(Self.password), "the password leaked in \(label): \(text.prefix(1500))")
            #expect(!text.contains("S3ntinel"), "the password leaked in \(label)")
        }
        await admin.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
