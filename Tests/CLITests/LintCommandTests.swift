import Foundation
import Testing

@Suite("slipway lint")
struct LintCommandTests {
    @Test func findingsInSQLFilesAndYAMLOperationsPointIntoTheFile() async throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "SELECT 'CREATE INDEX x ON y (z)';\nCREATE INDEX idx_a ON accounts (email);\n".write(
            toFile: directory + "/0001_index.sql", atomically: true, encoding: .utf8)
        try """
            operations:
              - sql:
                  up: |
                    ALTER TABLE accounts ADD CONSTRAINT fk_owner FOREIGN KEY (owner_id) REFERENCES users (id);
                  down: ALTER TABLE accounts DROP CONSTRAINT fk_owner
            """.write(toFile: directory + "/0002_fk.yaml", atomically: true, encoding: .utf8)

        let result = try await CLI.run(["lint", "--migrations-dir", directory])
        #expect(result.status == 5, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("0001_index.sql:2:8: error[require-concurrent-index]"))
        #expect(!result.stdout.contains("0001_index.sql:1:"))  // text inside a string is never flagged
        #expect(result.stdout.contains("0002_fk.yaml:4:"))
        #expect(result.stdout.contains("require-not-valid-foreign-key"))

        let github = try await CLI.run(["lint", "--migrations-dir", directory, "--format", "github"])
        #expect(github.status == 5)
        #expect(github.stdout.contains("::error file=\(directory)/0001_index.sql,line=2,col=8"))

        let lenient = try await CLI.run(["lint", "--migrations-dir", directory, "--disable", "require-concurrent-index", "require-not-valid-foreign-key"])
        #expect(lenient.status == 0, "\(lenient.stdout)")
    }

    @Test func unknownRuleInConfigurationIsInvalidInput() async throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "[lint]\ndisable = [\"no-such-rule\"]\n".write(toFile: directory + "/slipway.toml", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: directory + "/migrations", withIntermediateDirectories: true)
        let result = try await CLI.run(["lint", "--config", directory + "/slipway.toml", "--migrations-dir", directory + "/migrations"])
        #expect(result.status == 3)
        #expect(result.stderr.contains("no-such-rule"))
    }
}
