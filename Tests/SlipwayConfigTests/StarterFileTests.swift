import Testing
@testable import SlipwayConfig

@Suite("Starter file")
struct StarterFileTests {
    @Test func parsesWithoutErrors() throws {
        let configuration = try SlipwayConfiguration.parse(SlipwayConfiguration.starterFile)
        #expect(configuration.environments.map(\.name) == ["staging", "production"])
        #expect(configuration.environment(named: "staging")?.urlEnvironmentVariable == "STAGING_DATABASE_URL")
        #expect(configuration.environment(named: "production")?.urlEnvironmentVariable == "PRODUCTION_DATABASE_URL")
        #expect(configuration.environment(named: "production")?.backupRequired == true)
    }

    @Test func resolvesToTheDefaults() throws {
        let configuration = try SlipwayConfiguration.parse(SlipwayConfiguration.starterFile)
        let starter = try ResolvedConfiguration.resolve(file: configuration, environment: [:], flags: ConfigurationFlags())
        let defaults = try ResolvedConfiguration.resolve(file: nil, environment: [:], flags: ConfigurationFlags())
        #expect(starter.migrationsDirectory == defaults.migrationsDirectory)
        #expect(starter.schema == defaults.schema)
        #expect(starter.stateSchema == defaults.stateSchema)
        #expect(starter.applicationName == defaults.applicationName)
        #expect(starter.connection == defaults.connection)
        #expect(starter.lock == LockSection())
        #expect(starter.backfill == BackfillSection())
        #expect(starter.lint == LintSection())
        #expect(starter.release == ReleaseSection())
        #expect(starter.backup == BackupSection())
        #expect(starter.policy == DeployPolicy())
        #expect(ConfigurationSetting.allCases.allSatisfy { starter.source(of: $0) == .default })
    }

    /// `# key = value` with a bare key.
    static func isCommentedKey(_ line: String) -> Bool {
        guard line.hasPrefix("# "), let equals = line.range(of: " = ") else { return false }
        let key = line[line.index(line.startIndex, offsetBy: 2)..<equals.lowerBound]
        return !key.isEmpty && key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
    }

    @Test func everyCommentedKeyIsAKnownKey() throws {
        // Uncommenting a key of an active section, or a whole commented-out section, must give a valid file.
        let lines = SlipwayConfiguration.starterFile.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var variants: [(lines: [Int], text: String)] = []
        var block: [Int] = []
        func uncomment(_ indices: [Int]) {
            var copy = lines
            for index in indices { copy[index] = String(lines[index].dropFirst(2)) }
            variants.append((indices, copy.joined(separator: "\n")))
        }
        for (index, line) in lines.enumerated() {
            if line.hasPrefix("# [") {
                block = [index]
            } else if Self.isCommentedKey(line) {
                if block.isEmpty { uncomment([index]) } else { block.append(index) }
            } else if !line.hasPrefix("#") || line == "#" {
                if block.count > 1 { uncomment(block) }
                block = []
            }
        }
        if block.count > 1 { uncomment(block) }
        for variant in variants {
            #expect(throws: Never.self, "lines \(variant.lines.map { $0 + 1 })") {
                _ = try SlipwayConfiguration.parse(variant.text)
            }
        }
        #expect(variants.count > 60)
    }

    @Test func startsWithThePasswordRule() {
        #expect(SlipwayConfiguration.starterFile.contains("NEVER put a password in this file"))
    }
}
