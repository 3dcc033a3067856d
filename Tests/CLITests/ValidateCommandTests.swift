import Foundation
import Testing

@Suite("slipway validate")
struct ValidateCommandTests {
    @Test func theSampleMigrationsAreValid() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let result = try await CLI.run(["validate", "--migrations-dir", root + "/migrations"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("0001_orders_fulfillment_status (yaml) — add_column, create_index"))
    }

    @Test func everyErrorOfEveryFileIsReportedWithItsPositionAndExit3() async throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "operations:\n  - add_colum:\n      table: x\n".write(
            toFile: directory + "/0001_a.yaml", atomically: true, encoding: .utf8)
        try "{\"operations\": [{\"drop_column\": {\"table\": \"t\", \"column\": \"c\", \"colour\": 1}}]}".write(
            toFile: directory + "/0002_b.json", atomically: true, encoding: .utf8)
        let result = try await CLI.run(["validate", "--migrations-dir", directory])
        #expect(result.status == 3)
        #expect(result.stderr.contains("0001_a.yaml:2:5: error: unknown operation `add_colum`"))
        #expect(result.stderr.contains("0002_b.json:1:"))
        #expect(result.stderr.contains("operations[0].drop_column.colour"))

        let json = try await CLI.run(["validate", "--migrations-dir", directory, "--format", "json"])
        #expect(json.status == 3)
        let decoded = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let diagnostics = try #require(decoded?["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.count == 2)
        #expect(diagnostics.first?["line"] as? Int == 2)
    }
}
