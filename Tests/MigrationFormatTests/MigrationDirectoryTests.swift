import Foundation
import Testing

@testable import MigrationFormat

@Suite("Loading a migrations directory")
struct MigrationDirectoryTests {
    @Test func loadsMigrationFilesInNameOrderAndIgnoresEverythingElse() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try write("operations:\n  - drop_table: {name: c}\n", to: directory + "/0003_c.yml")
        try write(#"{"operations": [{"drop_table": {"name": "a"}}]}"#, to: directory + "/0001_a.json")
        try write("CREATE TABLE b (id int);\n", to: directory + "/0002_b.sql")
        try write("operations:\n  - drop_table: {name: d}\n", to: directory + "/0010_d.YAML")
        try write("# notes\n", to: directory + "/README.md")
        try write("operations: nonsense", to: directory + "/.0000_hidden.yaml")
        try write("operations: nonsense", to: directory + "/0004_backup.yaml.bak")
        try FileManager.default.createDirectory(atPath: directory + "/releases", withIntermediateDirectories: true)
        try write(#"{"version": "1.0.0", "migrations": []}"#, to: directory + "/releases/v1.0.0.json")
        try FileManager.default.createDirectory(atPath: directory + "/0005_dir.yaml", withIntermediateDirectories: true)

        let result = MigrationDirectory.load(directory)
        #expect(result.diagnostics == [])
        #expect(result.files.map(\.name) == ["0001_a", "0002_b", "0003_c", "0010_d"])
        #expect(result.files.map(\.format) == [.json, .sql, .yaml, .yaml])
        #expect(result.files.first?.path == directory + "/0001_a.json")
        #expect(try MigrationDirectory.loadFiles(directory + "/").map(\.name) == ["0001_a", "0002_b", "0003_c", "0010_d"])
    }

    @Test func twoFilesWithTheSameNameAreAnError() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try write("operations:\n  - drop_table: {name: x}\n", to: directory + "/0001_x.yaml")
        try write(#"{"operations": [{"drop_table": {"name": "x"}}]}"#, to: directory + "/0001_x.json")
        try write("operations:\n  - drop_table: {name: y}\n", to: directory + "/0002_y.yaml")

        let result = MigrationDirectory.load(directory)
        #expect(result.files.map(\.name) == ["0002_y"])
        #expect(result.diagnostics.map(\.code) == [.duplicateMigrationName])
        #expect(
            result.diagnostics.first?.description
                == "\(directory)/0001_x.json: error: 2 files give the migration name `0001_x`: 0001_x.json, 0001_x.yaml")
    }

    @Test func errorsInSeveralFilesAreAllReported() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try write("operations:\n  - drop_table:\n      nam: a\n", to: directory + "/0001_a.yaml")
        try write("operations:\n  - drop_table: {name: b}\n", to: directory + "/0002_b.yaml")
        try write("{\"operations\": [\n  {\"rename_table\": {\"from\": \"c\"}}\n]}\n", to: directory + "/0003_c.json")

        let result = MigrationDirectory.load(directory)
        #expect(result.files.map(\.name) == ["0002_b"])
        #expect(
            result.diagnostics.map(\.description) == [
                "\(directory)/0001_a.yaml:2:5: error: missing required field `name` in `drop_table` (at operations[0].drop_table.name)",
                "\(directory)/0001_a.yaml:3:7: error: unknown key `nam` in `drop_table` (at operations[0].drop_table.nam)",
                "\(directory)/0003_c.json:2:4: error: missing required field `to` in `rename_table` (at operations[0].rename_table.to)",
            ])
        #expect(throws: MigrationFormatError.self) { try MigrationDirectory.loadFiles(directory) }
    }

    @Test func missingDirectoryIsADiagnostic() {
        let result = MigrationDirectory.load("/nonexistent/slipway-migrations")
        #expect(result.files == [])
        #expect(result.diagnostics.map(\.code) == [.unreadable])
        #expect(result.diagnostics.first?.line == nil)
    }

    @Test func nonUTF8FileIsADiagnostic() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data([0x6f, 0x70, 0xff, 0xfe, 0x0a]).write(to: URL(fileURLWithPath: directory + "/0001_bin.yaml"))
        let result = MigrationDirectory.load(directory)
        #expect(result.diagnostics.map(\.code) == [.unreadable])
        #expect(result.diagnostics.first?.file == directory + "/0001_bin.yaml")
    }
}
