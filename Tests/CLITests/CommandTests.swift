import Foundation
import LocalPostgres
import PostgresClient
import Testing

@Suite("slipway CLI")
struct CommandTests {
    @Test func helpListsTheCommandTree() async throws {
        let result = try await CLI.run(["--help"])
        #expect(result.status == 0)
        for command in ["status", "demo", "sandbox", "start", "complete", "rollback", "resume", "migrate", "deploy",
            "backfill", "release", "backup", "baseline", "import", "drift", "version-schema", "url", "plan", "lint"]
        {
            #expect(result.stdout.contains("  \(command)"), "missing \(command) in --help")
        }
        #expect(result.stdout.contains("Exit codes"))
    }

    @Test func unknownFlagIsAUsageError() async throws {
        let result = try await CLI.run(["--definitely-not-a-flag"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("Unknown option '--definitely-not-a-flag'"))
    }

    @Test func statusReportsServerAndStateSchema() async throws {
        let db = try await ScratchDatabases.shared.make(label: "cli_status")
        let text = try await CLI.run(["status", "--url", db.appConnectionString])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("PostgreSQL 1"))
        #expect(text.stdout.contains("\(db.name) as \(db.role)"))
        #expect(text.stdout.contains("not created yet"))

        let json = try await CLI.run(["status", "--format", "json"], env: ["DATABASE_URL": db.appConnectionString])
        #expect(json.status == 0, "\(json.stderr)")
        struct Status: Decodable {
            var database: String
            var user: String
            var isSuperuser: Bool
            var stateSchemaExists: Bool
            var serverVersionNumber: Int
        }
        let decoded = try JSONDecoder().decode(Status.self, from: Data(json.stdout.utf8))
        #expect(decoded.database == db.name)
        #expect(decoded.user == db.role)
        #expect(decoded.isSuperuser == false)
        #expect(decoded.stateSchemaExists == false)
        #expect(decoded.serverVersionNumber >= 140000)
    }

    @Test func unreachableServerExits8WithoutPrintingThePassword() async throws {
        let result = try await CLI.run([
            "status", "--url", "postgresql://alice:hunter2-secret@/db?host=/nonexistent-dir&port=1",
        ])
        #expect(result.status == 8)
        #expect(result.stderr.contains("could not connect"))
        #expect(!result.stderr.contains("hunter2-secret"))
        #expect(!result.stdout.contains("hunter2-secret"))

        let viaEnvironment = try await CLI.run(
            ["status", "--verbose", "--format", "json"],
            env: ["DATABASE_URL": "host=/nonexistent-dir user=alice password=hunter2-secret"])
        #expect(viaEnvironment.status == 8)
        #expect(!(viaEnvironment.stdout + viaEnvironment.stderr).contains("hunter2-secret"))
        #expect(viaEnvironment.stdout.contains("\"exitCode\":8"))
    }

    @Test func demoRunsTheWholeStoryAndCleansUp() async throws {
        let result = try await CLI.run(["demo", "--rows", "2000", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        struct Event: Decodable {
            var step: String
            var message: String
            var figures: [String: String]
        }
        let events = try result.stdout.split(separator: "\n").map {
            try JSONDecoder().decode(Event.self, from: Data($0.utf8))
        }
        let steps = events.map(\.step)
        #expect(steps.contains("server-started"))
        #expect(steps.contains("cleanup"))
        let loaded = try #require(events.first { $0.step == "table-loaded" })
        #expect(loaded.figures["rows"] == "2000")
        // The migration ran under live traffic: no row breaks the `up` mapping, no writer saw an error.
        let verified = try #require(events.first { $0.step == "verified" })
        #expect(verified.figures["wrong_rows"] == "0")
        for step in ["start", "both-versions", "complete"] {
            let window = try #require(events.first { $0.step == step }, "missing \(step)")
            #expect(window.figures["errors"] == "0", "writer errors during \(step)")
        }
        #expect(steps.contains("release"))
        // The throwaway directory is gone.
        let started = try #require(events.first { $0.step == "server-started" })
        let directory = try #require(started.message.split(separator: " ").last.map(String.init))
        #expect(!FileManager.default.fileExists(atPath: directory))
    }

    /// `kill -9` of the process that owns a throwaway server still stops the server and removes its directory.
    @Test func sandboxServerDiesWithItsOwnerEvenOnKill9() async throws {
        let directory = try CLI.temporaryDirectory()
        let outPath = directory + "/out"
        let pid = try ChildProcess.spawn(
            [CLI.binary, "sandbox", "--format", "json"], outputPath: outPath)
        var socketDirectory: String?
        for _ in 0..<600 {
            let text = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("{") }),
                let data = line.data(using: .utf8),
                let info = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            {
                socketDirectory = info["socketDirectory"] as? String
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        let socket = try #require(socketDirectory)
        #expect(PostgresConnection.ping(ConnectionConfiguration("host=\(socket) port=5432 dbname=postgres user=postgres")) == .accepting)
        kill(pid, SIGKILL)
        _ = await ChildProcess.waitForExit(pid, timeout: .seconds(10))
        var gone = false
        for _ in 0..<200 {
            if !FileManager.default.fileExists(atPath: socket) {
                gone = true
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(gone, "the server directory \(socket) survived its owner")
        #expect(PostgresConnection.ping(ConnectionConfiguration("host=\(socket) port=5432 dbname=postgres user=postgres")) != .accepting)
        try? FileManager.default.removeItem(atPath: directory)
    }
}
