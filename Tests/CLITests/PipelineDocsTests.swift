import Foundation
import LocalPostgres
import Testing

/// docs/pipelines.md is copied into real pipelines: every `slipway …` command in its examples must name
/// existing subcommands and flags (checked against the built binary's `--help`), and its slipway.toml must load.
@Suite("docs/pipelines.md examples")
struct PipelineDocsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The lines inside fenced code blocks, with their fence's language.
    static func codeLines(_ text: String) -> [(language: String, line: String)] {
        var result: [(String, String)] = []
        var language: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") {
                language = language == nil ? String(trimmed.dropFirst(3)) : nil
                continue
            }
            if let language { result.append((language, line)) }
        }
        return result
    }

    /// Every `slipway` command line in a code line, as argument lists (without `slipway`).
    static func commands(in line: String) -> [[String]] {
        // Kubernetes container arguments: args: ["deploy", "--env", …]
        if let range = line.range(of: #"args: (\[.*\])"#, options: .regularExpression) {
            let json = String(line[range].dropFirst("args: ".count))
            if let words = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String] { return [words] }
        }
        var code = line
        if let comment = code.range(of: #"(^|\s)#"#, options: .regularExpression) { code = String(code[..<comment.lowerBound]) }
        var found: [[String]] = []
        let pattern = try! NSRegularExpression(pattern: #"(?:^|[\s"'(|;&:])slipway\s+([a-z][^|;&#)"]*)"#)
        for match in pattern.matches(in: code, range: NSRange(code.startIndex..., in: code)) {
            guard let range = Range(match.range(at: 1), in: code) else { continue }
            let words = code[range].split(whereSeparator: { $0 == " " || $0 == "\t" }).map {
                $0.trimmingCharacters(in: CharacterSet(charactersIn: "'\"`"))
            }.filter { !$0.isEmpty && $0 != ">" && !$0.hasPrefix(">") }
            // Stop at a redirection target or a prose continuation.
            found.append(Array(words.prefix { !$0.hasPrefix("plan.") && !$0.hasSuffix(".md") }))
        }
        return found
    }

    private func help(_ path: [String]) async throws -> String {
        let output = try await CLI.run(path + ["--help"])
        #expect(output.status == 0, "slipway \(path.joined(separator: " ")) --help failed: \(output.stderr)")
        return output.stdout
    }

    /// The subcommand names listed in a help text.
    private func subcommands(_ help: String) -> Set<String> {
        guard let start = help.range(of: "SUBCOMMANDS:") else { return [] }
        var names: Set<String> = []
        for line in help[start.upperBound...].split(separator: "\n") {
            if let match = line.range(of: #"^  [a-z][a-z-]*"#, options: .regularExpression) {
                names.insert(String(line[match]).trimmingCharacters(in: .whitespaces))
            }
        }
        return names
    }

    @Test func everySlipwayCommandInThePipelineGuideExists() async throws {
        let text = try String(contentsOfFile: Self.root + "/docs/pipelines.md", encoding: .utf8)
        let commands = Self.codeLines(text).flatMap { Self.commands(in: $0.line) }
        #expect(commands.count >= 20, "found only \(commands.count) commands")
        var helpCache: [[String]: String] = [:]
        var checked: Set<String> = []
        for words in commands {
            var path: [String] = []
            var rest = words[...]
            // Walk down the subcommands.
            while let next = rest.first, !next.hasPrefix("-") {
                let parentHelp: String
                if let cached = helpCache[path] { parentHelp = cached } else {
                    parentHelp = try await help(path)
                    helpCache[path] = parentHelp
                }
                let names = subcommands(parentHelp)
                if names.isEmpty { break }  // a leaf: the rest are arguments
                #expect(names.contains(next), "`slipway \(words.joined(separator: " "))`: no subcommand \(next) under `slipway \(path.joined(separator: " "))`")
                guard names.contains(next) else { break }
                path.append(next)
                rest = rest.dropFirst()
            }
            #expect(!path.isEmpty, "`slipway \(words.joined(separator: " "))` names no subcommand")
            let leafHelp: String
            if let cached = helpCache[path] { leafHelp = cached } else {
                leafHelp = try await help(path)
                helpCache[path] = leafHelp
            }
            #expect(subcommands(leafHelp).isEmpty, "`slipway \(words.joined(separator: " "))` stops at a command group")
            for word in rest where word.hasPrefix("--") {
                let flag = String(word.split(separator: "=", maxSplits: 1)[0])
                #expect(leafHelp.contains(flag + " ") || leafHelp.contains(flag + "\n") || leafHelp.contains(flag + ","),
                        "`slipway \(words.joined(separator: " "))`: `slipway \(path.joined(separator: " "))` has no \(flag)")
            }
            checked.insert(path.joined(separator: " "))
        }
        // The guide covers the whole path from pull request to production.
        for required in ["plan", "release cut", "release next", "deploy", "complete", "rollback", "backup restore", "history", "version-schema"] {
            #expect(checked.contains(required), "docs/pipelines.md has no `slipway \(required)` example")
        }
    }

    @Test func theGuidesConfigurationLoads() async throws {
        let text = try String(contentsOfFile: Self.root + "/docs/pipelines.md", encoding: .utf8)
        let toml = Self.codeLines(text).filter { $0.language == "toml" }.map(\.line).joined(separator: "\n")
        #expect(toml.contains("[environments.production]") && toml.contains("health_query"))
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try toml.write(toFile: directory + "/slipway.toml", atomically: true, encoding: .utf8)
        let config = try await CLI.run(
            ["config", "--env", "production", "--config", directory + "/slipway.toml"],
            env: ["PRODUCTION_DATABASE_URL": "postgresql://deployer@db.example.com/shop"])
        #expect(config.status == 0, "\(config.stdout)\n\(config.stderr)")
    }

    @Test func theExtractorFindsCommandsInEveryForm() {
        #expect(Self.commands(in: "        run: slipway deploy --env staging --release ${{ x }}") == [["deploy", "--env", "staging", "--release", "${{", "x", "}}"]])
        #expect(Self.commands(in: #"  run: ./rollout.sh "$(slipway version-schema --env production)""#) == [["version-schema", "--env", "production"]])
        #expect(Self.commands(in: #"          args: ["complete", "--env", "production"]"#) == [["complete", "--env", "production"]])
        #expect(Self.commands(in: "      - uses: ./x   # puts slipway on PATH").isEmpty)
        #expect(Self.commands(in: "          if slipway release next; then") == [["release", "next"]])
        #expect(Self.commands(in: "          slipway plan --env staging --format markdown > plan.md") == [["plan", "--env", "staging", "--format", "markdown"]])
    }
}
