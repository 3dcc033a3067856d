import Foundation
import Testing
@testable import SlipwayConfig

/// A temporary directory tree, removed when the test ends.
private final class TemporaryTree {
    let root: String

    init() throws {
        root = (NSTemporaryDirectory() as NSString).appendingPathComponent("slipway-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    func path(_ relative: String) -> String { (root as NSString).appendingPathComponent(relative) }

    func directory(_ relative: String) throws {
        try FileManager.default.createDirectory(atPath: path(relative), withIntermediateDirectories: true)
    }

    func file(_ relative: String, _ text: String) throws {
        try directory((relative as NSString).deletingLastPathComponent)
        try text.write(toFile: path(relative), atomically: true, encoding: .utf8)
    }
}

@Suite("Configuration discovery")
struct ConfigurationDiscoveryTests {
    @Test func findsTheFileInTheCurrentDirectory() throws {
        let tree = try TemporaryTree()
        try tree.file("repo/slipway.toml", "schema = \"app\"\n")
        let location = try ConfigurationDiscovery.locate(flags: ConfigurationFlags(), environment: [:], currentDirectory: tree.path("repo"))
        #expect(location?.displayName == "slipway.toml")
        #expect(location?.source == .default)
    }

    @Test func findsTheNearestParent() throws {
        let tree = try TemporaryTree()
        try tree.directory("repo/.git")
        try tree.file("repo/slipway.toml", "schema = \"outer\"\n")
        try tree.file("repo/services/api/slipway.toml", "schema = \"api\"\n")
        try tree.directory("repo/services/api/src/deep")
        let nested = try ConfigurationDiscovery.locate(flags: ConfigurationFlags(), environment: [:], currentDirectory: tree.path("repo/services/api/src/deep"))
        #expect(nested?.path.hasSuffix("repo/services/api/slipway.toml") == true)
        let outer = try ConfigurationDiscovery.locate(flags: ConfigurationFlags(), environment: [:], currentDirectory: tree.path("repo/services"))
        #expect(outer?.path.hasSuffix("repo/slipway.toml") == true)
    }

    @Test func stopsAtTheGitRoot() throws {
        let tree = try TemporaryTree()
        try tree.file("slipway.toml", "schema = \"outside\"\n")
        try tree.directory("repo/.git")
        try tree.directory("repo/src")
        #expect(try ConfigurationDiscovery.locate(flags: ConfigurationFlags(), environment: [:], currentDirectory: tree.path("repo/src")) == nil)
        // A worktree's .git is a file; it stops the search too.
        try tree.file("worktree/.git", "gitdir: /elsewhere\n")
        try tree.directory("worktree/src")
        #expect(try ConfigurationDiscovery.locate(flags: ConfigurationFlags(), environment: [:], currentDirectory: tree.path("worktree/src")) == nil)
    }

    @Test func flagBeatsVariableAndMissingExplicitFileIsAnError() throws {
        let tree = try TemporaryTree()
        try tree.file("a.toml", "schema = \"a\"\n")
        try tree.file("b.toml", "schema = \"b\"\n")
        let both = try ConfigurationDiscovery.locate(
            flags: ConfigurationFlags(configPath: "a.toml"), environment: ["SLIPWAY_CONFIG": tree.path("b.toml")], currentDirectory: tree.root)
        #expect(both?.displayName == "a.toml")
        #expect(both?.source == .flag)
        let variable = try ConfigurationDiscovery.locate(flags: ConfigurationFlags(), environment: ["SLIPWAY_CONFIG": "b.toml"], currentDirectory: tree.root)
        #expect(variable?.source == .environment("SLIPWAY_CONFIG"))
        let error = try #require(throws: ConfigurationErrors.self) {
            try ConfigurationDiscovery.locate(flags: ConfigurationFlags(configPath: "missing.toml"), environment: [:], currentDirectory: tree.root)
        }
        #expect(error.description == "missing.toml: configuration file not found (from --config)")
    }

    @Test func loadResolvesTheDiscoveredFile() throws {
        let tree = try TemporaryTree()
        try tree.directory("repo/.git")
        try tree.file("repo/slipway.toml", "schema = \"app\"\n\n[environments.production]\nurl_env = \"PROD_URL\"\n")
        try tree.directory("repo/src")
        let resolved = try ResolvedConfiguration.load(
            flags: ConfigurationFlags(environment: "production"), environment: ["PROD_URL": "postgresql://d:pw@db/app"],
            currentDirectory: tree.path("repo/src"))
        #expect(resolved.schema == "app")
        #expect(resolved.source(of: .schema) == .file(line: 1))
        #expect(resolved.connection.connectionString == "postgresql://d:pw@db/app")
        #expect(resolved.configurationFile?.hasSuffix("repo/slipway.toml") == true)
        #expect(resolved.source(of: .configFile) == .default)
    }

    @Test func loadWithoutAnyFileIsZeroConfig() throws {
        let tree = try TemporaryTree()
        try tree.directory(".git")
        let resolved = try ResolvedConfiguration.load(flags: ConfigurationFlags(), environment: [:], currentDirectory: tree.root)
        #expect(resolved.configurationFile == nil)
        #expect(resolved.schema == "public")
    }

    @Test func loadReportsErrorsWithTheFileName() throws {
        let tree = try TemporaryTree()
        try tree.file("custom.toml", "[lock]\nlock_timeot = \"1s\"\n")
        let error = try #require(throws: ConfigurationErrors.self) {
            try ResolvedConfiguration.load(flags: ConfigurationFlags(configPath: "custom.toml"), environment: [:], currentDirectory: tree.root)
        }
        #expect(error.description == "custom.toml:2:1: unknown key 'lock.lock_timeot' (did you mean 'lock_timeout'?)")
    }

    @Test func invalidUTF8FileIsAnError() throws {
        let tree = try TemporaryTree()
        try Data([0x61, 0x20, 0x3D, 0x20, 0x22, 0xC3, 0x28, 0x22]).write(to: URL(fileURLWithPath: tree.path("slipway.toml")))
        let error = try #require(throws: ConfigurationErrors.self) {
            try SlipwayConfiguration.load(path: tree.path("slipway.toml"), file: "slipway.toml")
        }
        #expect(error.description == "slipway.toml:1:6: the file is not valid UTF-8")
    }
}
