import Foundation
import LocalPostgres
import PostgresClient
import Testing

@Suite("slipway deploy")
struct DeployCommandTests {
    private func project(_ db: ScratchDatabase, healthCheck: String) throws -> String {
        let directory = try CLI.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory + "/migrations", withIntermediateDirectories: true)
        try """
            operations:
              - add_column:
                  table: orders
                  column:
                    name: note
                    type: text
                    nullable: true
                  up: "'imported'"
            """.write(toFile: directory + "/migrations/0001_note.yaml", atomically: true, encoding: .utf8)
        try """
            [backup]
            mode = "none"

            [environments.staging]
            url_env = "STAGING_DATABASE_URL"
            backup_required = false
            plan_gate = "error"
            health_check = "\(healthCheck)"
            """.write(toFile: directory + "/slipway.toml", atomically: true, encoding: .utf8)
        return directory
    }

    @Test func deployRunsEveryStepAndARerunContinuesAfterAFailedHealthGate() async throws {
        let db = try await ScratchDatabases.shared.make(label: "deploy")
        let setup = try await PostgresConnection.connect(db.app)
        try await setup.unsafeExecuteRaw(
            "CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, status text NOT NULL); INSERT INTO orders (status) SELECT 'paid' FROM generate_series(1, 300)")
        let directory = try project(db, healthCheck: "test -f \\\"$SLIPWAY_HEALTH_FILE\\\"")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let env = ["STAGING_DATABASE_URL": db.appConnectionString, "SLIPWAY_HEALTH_FILE": directory + "/healthy"]
        let arguments = ["deploy", "--env", "staging", "--config", directory + "/slipway.toml", "--migrations-dir", directory + "/migrations"]

        // The health gate fails: exit 5, the version stays active (nothing lost, rollback possible).
        let failed = try await CLI.run(arguments, env: env)
        #expect(failed.status == 5, "\(failed.stdout)\n\(failed.stderr)")
        #expect(failed.stdout.contains("plan-gate: ok"))
        #expect(failed.stdout.contains("health-gate: failed"))
        let phase = try await setup.query("SELECT phase FROM slipway.versions")
        #expect(try phase[0].decode("phase", as: String.self) == "active")

        // Fixed: the rerun continues with the health gate and completes.
        _ = FileManager.default.createFile(atPath: directory + "/healthy", contents: nil)
        let rerun = try await CLI.run(arguments + ["--format", "json"], env: env)
        #expect(rerun.status == 0, "\(rerun.stdout)\n\(rerun.stderr)")
        #expect(rerun.stdout.contains("\"name\" : \"complete\""))
        let after = try await setup.query("SELECT phase FROM slipway.versions")
        #expect(try after[0].decode("phase", as: String.self) == "completed")
        let notes = try await setup.query("SELECT count(*)::int8 AS n FROM orders WHERE note = 'imported'")
        #expect(try notes[0].decode("n", as: Int.self) == 300)
        let audit = try await setup.query("SELECT command, outcome FROM slipway.audit_log WHERE command = 'deploy' ORDER BY id")
        #expect(try audit.map { try $0.decode("outcome", as: String.self) } == ["failure", "success"])
    }

    @Test func aReleaseManifestWithAChangedFileIsRefused() async throws {
        let db = try await ScratchDatabases.shared.make(label: "deploy_manifest")
        let directory = try project(db, healthCheck: "true")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/migrations/releases", withIntermediateDirectories: true)
        try """
            {"schemaVersion": 1, "version": "1.4.0", "tag": "v1.4.0", "date": "2026-11-23", "migrationsDirectory": "migrations",
             "migrations": [{"path": "\(directory)/migrations/0001_note.yaml", "sha256": "0000000000000000000000000000000000000000000000000000000000000000", "size": 10}]}
            """.write(toFile: directory + "/migrations/releases/1.4.0.json", atomically: true, encoding: .utf8)
        try "[release]\nmanifest_path = \"\(directory)/migrations/releases/{version}.json\"\n\n".appending(
            try String(contentsOfFile: directory + "/slipway.toml", encoding: .utf8)
        ).write(toFile: directory + "/slipway.toml", atomically: true, encoding: .utf8)
        let result = try await CLI.run(
            ["deploy", "--env", "staging", "--release", "v1.4.0", "--config", directory + "/slipway.toml", "--migrations-dir", directory + "/migrations"],
            env: ["STAGING_DATABASE_URL": db.appConnectionString])
        #expect(result.status == 3, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stderr.contains("differs from the v1.4.0 manifest"))
    }
}
