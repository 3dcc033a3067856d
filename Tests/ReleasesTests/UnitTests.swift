import Foundation
import Testing
@testable import Releases

@Suite("Version computation (pure)")
struct VersionCalculatorTests {
    static func tag(_ version: String, prefix: String = "v") -> VersionedTag {
        VersionedTag(
            version: SemanticVersion(version) ?? SemanticVersion(0, 0, 0),
            tag: GitTag(name: prefix + version, commit: "c\(version)", isAnnotated: true))
    }

    static func analysis(_ messages: [String], configuration: ReleaseConfiguration = ReleaseConfiguration()) -> CommitAnalysis {
        let commits = messages.enumerated().map { index, message in
            GitCommit(hash: String(repeating: String(index % 10), count: 40), parents: ["p"], message: message)
        }
        return CommitClassifier(configuration: configuration).analyze(commits)
    }

    static let rows: [(tags: [String], messages: [String], pre: String?, expected: String)] = [
        ([], ["feat: a"], nil, "0.1.0"),
        ([], ["fix: a"], nil, "0.1.0"),
        ([], ["feat!: a"], nil, "0.1.0"),
        ([], ["feat: a"], "rc", "0.1.0-rc.1"),
        (["1.2.3"], ["fix: a"], nil, "1.2.4"),
        (["1.2.3"], ["perf: a"], nil, "1.2.4"),
        (["1.2.3"], ["feat: a", "fix: b"], nil, "1.3.0"),
        (["1.2.3"], ["feat(x)!: a"], nil, "2.0.0"),
        (["1.2.3"], ["fix: a\n\nBREAKING CHANGE: b"], nil, "2.0.0"),
        (["0.4.1"], ["feat!: a"], nil, "0.5.0"),
        (["0.4.1"], ["feat: a"], nil, "0.5.0"),
        (["0.4.1"], ["fix: a"], nil, "0.4.2"),
        (["1.2.3"], ["Feat: capital"], nil, "1.3.0"),
        (["1.2.3"], ["feat: a"], "rc", "1.3.0-rc.1"),
        (["1.2.3", "1.3.0-rc.1"], ["feat: a"], "rc", "1.3.0-rc.2"),
        (["1.2.3", "1.3.0-rc.1", "1.3.0-rc.2"], ["feat: a"], "rc", "1.3.0-rc.3"),
        (["1.2.3", "1.3.0-rc.1", "1.3.0-rc.9", "1.3.0-rc.10"], ["feat: a"], "rc", "1.3.0-rc.11"),
        (["1.2.3", "1.3.0-rc.2"], ["feat: a"], nil, "1.3.0"),
        (["1.2.3", "1.3.0-rc.2"], ["feat: a"], "beta", "1.3.0-beta.1"),
        (["1.2.3", "1.2.4-rc.1"], ["feat: a"], "rc", "1.3.0-rc.1"),
        (["1.0.0", "2.0.0"], ["fix: a"], nil, "2.0.1"),
        (["1.2.3"], ["chore: a\n\nRelease-As: 3.0.0"], nil, "3.0.0"),
        (["1.2.3"], ["fix: a\n\nRelease-As: 1.0.0"], nil, "1.2.4"),
        (["1.2.3"], ["fix: a\n\nRelease-As: nonsense"], nil, "1.2.4"),
    ]

    @Test("computes the next version", arguments: rows)
    func computes(_ row: (tags: [String], messages: [String], pre: String?, expected: String)) throws {
        let outcome = try VersionCalculator(configuration: ReleaseConfiguration()).nextVersion(
            tags: row.tags.map { Self.tag($0) }.sorted { $0.version < $1.version }, analysis: Self.analysis(row.messages),
            prerelease: row.pre)
        #expect(outcome.version.description == row.expected)
    }

    @Test func zeroMajorBreakingCanBumpMajor() throws {
        var configuration = ReleaseConfiguration()
        configuration.breakingBumpsMajorOnZero = true
        let outcome = try VersionCalculator(configuration: configuration).nextVersion(
            tags: [Self.tag("0.4.1")], analysis: Self.analysis(["feat!: a"]))
        #expect(outcome.version.description == "1.0.0")
    }

    @Test func configurableFirstVersionAndTypes() throws {
        var configuration = ReleaseConfiguration()
        configuration.firstVersion = SemanticVersion(1, 0, 0)
        configuration.types.append(CommitTypeRule(type: "deps", section: "Dependencies", bump: .patch))
        let first = try VersionCalculator(configuration: configuration).nextVersion(
            tags: [], analysis: Self.analysis(["deps: bump"], configuration: configuration))
        #expect(first.version.description == "1.0.0")
        let next = try VersionCalculator(configuration: configuration).nextVersion(
            tags: [Self.tag("1.0.0")], analysis: Self.analysis(["deps: bump"], configuration: configuration))
        #expect(next.version.description == "1.0.1")
    }

    static let nothing: [[String]] = [[], ["chore: a"], ["docs: a", "Update README"], ["style: x", "test: y", "ci: z"]]

    @Test("nothing to release is a distinct error", arguments: nothing)
    func nothingToRelease(_ messages: [String]) {
        do {
            _ = try VersionCalculator(configuration: ReleaseConfiguration()).nextVersion(
                tags: [Self.tag("1.0.0")], analysis: Self.analysis(messages))
            Issue.record("expected nothing_to_release")
        } catch let error as ReleaseError {
            #expect(error.code == .nothingToRelease)
            #expect(error.code.suggestedExitCode == 6)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func explicitVersionMustBeGreater() throws {
        let calculator = VersionCalculator(configuration: ReleaseConfiguration())
        let tags = [Self.tag("1.2.3")]
        #expect(try calculator.nextVersion(tags: tags, analysis: Self.analysis([]), explicit: SemanticVersion(2, 0, 0)).version.description == "2.0.0")
        let lower = try? calculator.nextVersion(tags: tags, analysis: Self.analysis([]), explicit: SemanticVersion(1, 0, 0))
        #expect(lower == nil)
        #expect(throws: ReleaseError.self) {
            try calculator.nextVersion(tags: tags, analysis: Self.analysis([]), explicit: SemanticVersion(1, 2, 3))
        }
    }

    @Test func invalidPrereleaseIdentifier() {
        #expect(throws: ReleaseError.self) {
            try VersionCalculator(configuration: ReleaseConfiguration()).nextVersion(
                tags: [], analysis: Self.analysis(["feat: a"]), prerelease: "r_c")
        }
    }

    @Test func revertInRangeCancelsBoth() {
        let feature = GitCommit(hash: String(repeating: "a", count: 40), parents: ["p"], message: "feat: x")
        let revert = GitCommit(
            hash: String(repeating: "b", count: 40), parents: ["p"],
            message: "Revert \"feat: x\"\n\nThis reverts commit \(String(repeating: "a", count: 40)).")
        let analysis = CommitClassifier(configuration: ReleaseConfiguration()).analyze([revert, feature])
        #expect(analysis.commits.isEmpty)
        #expect(analysis.cancelled.count == 1)
        #expect(analysis.bump == .none)
    }

    @Test func revertOfRevertRestoresTheFeature() {
        let a = String(repeating: "a", count: 40)
        let b = String(repeating: "b", count: 40)
        let feature = GitCommit(hash: a, parents: ["p"], message: "feat: x")
        let revert = GitCommit(hash: b, parents: ["p"], message: "Revert \"feat: x\"\n\nThis reverts commit \(a).")
        let again = GitCommit(
            hash: String(repeating: "c", count: 40), parents: ["p"],
            message: "Revert \"Revert \"feat: x\"\"\n\nThis reverts commit \(b).")
        let analysis = CommitClassifier(configuration: ReleaseConfiguration()).analyze([again, revert, feature])
        #expect(analysis.commits.map(\.commit.hash) == [a])
        #expect(analysis.bump == .minor)
    }

    @Test func revertByHeaderWithoutHashAndOutOfRangeRevert() {
        let feature = GitCommit(hash: String(repeating: "a", count: 40), parents: ["p"], message: "feat: x")
        let revert = GitCommit(hash: String(repeating: "b", count: 40), parents: ["p"], message: "revert: feat: x")
        #expect(CommitClassifier(configuration: ReleaseConfiguration()).analyze([revert, feature]).commits.isEmpty)
        let outside = GitCommit(
            hash: String(repeating: "d", count: 40), parents: ["p"],
            message: "Revert \"feat: old\"\n\nThis reverts commit 1234567890123456789012345678901234567890.")
        let analysis = CommitClassifier(configuration: ReleaseConfiguration()).analyze([outside])
        #expect(analysis.commits.count == 1)
        #expect(analysis.bump == .patch)
        #expect(analysis.commits.first?.section == "Reverts")
    }

    @Test func mergesAutosquashAndOtherCommits() {
        let merge = GitCommit(hash: "m", parents: ["a", "b"], message: "Merge branch 'x'")
        let fixup = GitCommit(hash: "f", parents: ["a"], message: "fixup! feat: x")
        let other = GitCommit(hash: "o", parents: ["a"], message: "Update README")
        var configuration = ReleaseConfiguration()
        let kept = CommitClassifier(configuration: configuration).analyze([merge, fixup, other])
        #expect(kept.commits.map(\.commit.hash) == ["o"])
        #expect(kept.commits.first?.section == "Other")
        #expect(kept.ignored.map(\.hash) == ["m", "f"])
        configuration.nonConventional = .ignore
        let ignored = CommitClassifier(configuration: configuration).analyze([merge, fixup, other])
        #expect(ignored.commits.isEmpty)
    }

    @Test func tagSelectionWarnsAboutNonSemVerTags() {
        let tags = ["v1.0.0", "v1.2", "v2.0.0-rc.1", "vnext", "api-v3.0.0", "1.5.0", "v1.0.0.1"].map {
            GitTag(name: $0, commit: $0, isAnnotated: false)
        }
        let (selected, warnings) = VersionedTag.select(from: tags, prefix: "v")
        #expect(selected.map(\.tag.name) == ["v1.0.0", "v2.0.0-rc.1"])
        #expect(warnings.count == 2)
        #expect(warnings.contains(where: { $0.contains("'v1.2'") }))
        let (component, _) = VersionedTag.select(from: tags, prefix: "api-v")
        #expect(component.map(\.tag.name) == ["api-v3.0.0"])
    }
}

@Suite("Remote links")
struct RemoteLinksTests {
    static let rows: [(String, RemoteLinks.Host?, String?)] = [
        ("https://github.com/acme/app.git", .github, "https://github.com/acme/app"),
        ("https://github.com/acme/app", .github, "https://github.com/acme/app"),
        ("git@github.com:acme/app.git", .github, "https://github.com/acme/app"),
        ("ssh://git@github.com/acme/app.git", .github, "https://github.com/acme/app"),
        ("ssh://git@ssh.github.com:443/acme/app.git", .github, "https://github.com/acme/app"),
        ("https://user:token@github.com/acme/app.git", .github, "https://github.com/acme/app"),
        ("https://gitlab.com/group/sub/app.git", .gitlab, "https://gitlab.com/group/sub/app"),
        ("git@gitlab.example.com:group/app.git", .gitlab, "https://gitlab.example.com/group/app"),
        ("https://bitbucket.org/team/app.git", .bitbucket, "https://bitbucket.org/team/app"),
        ("git@bitbucket.org:team/app.git", .bitbucket, "https://bitbucket.org/team/app"),
        ("/srv/git/app.git", nil, nil),
        ("file:///tmp/app", nil, nil),
        ("https://example.com/acme/app.git", nil, nil),
    ]

    @Test("parses remotes", arguments: rows)
    func parses(_ row: (String, RemoteLinks.Host?, String?)) {
        let links = RemoteLinks(remoteURL: row.0)
        #expect(links?.host == row.1)
        #expect(links?.baseURL == row.2)
    }

    @Test func linkShapes() {
        #expect(RemoteLinks(host: .github, baseURL: "https://github.com/a/b").compareURL(from: "v1.0.0", to: "v1.1.0")
            == "https://github.com/a/b/compare/v1.0.0...v1.1.0")
        #expect(RemoteLinks(host: .gitlab, baseURL: "https://gitlab.com/a/b").commitURL("abc") == "https://gitlab.com/a/b/-/commit/abc")
        #expect(RemoteLinks(host: .bitbucket, baseURL: "https://bitbucket.org/a/b").commitURL("abc") == "https://bitbucket.org/a/b/commits/abc")
    }
}

@Suite("Version files (pure)")
struct VersionFileUpdaterTests {
    static let rows: [(String, VersionFile.Kind, String)] = [
        ("1.0.0\n", .wholeFile, "2.0.0\n"),
        ("1.0.0", .wholeFile, "2.0.0"),
        ("{\n  \"name\": \"x\",\n  \"version\": \"1.0.0\"\n}\n", .json(keyPath: "version"), "{\n  \"name\": \"x\",\n  \"version\": \"2.0.0\"\n}\n"),
        ("{\"a\":{\"version\":\"1\"},\"version\":\"0\"}", .json(keyPath: "a.version"), "{\"a\":{\"version\":\"2.0.0\"},\"version\":\"0\"}"),
        ("{\"p\":[{\"v\":\"1\"},{\"v\":\"1\"}]}", .json(keyPath: "p.1.v"), "{\"p\":[{\"v\":\"1\"},{\"v\":\"2.0.0\"}]}"),
        ("[package]\nname = \"x\"\nversion = \"1.0.0\" # keep\n", .toml(key: "package.version"), "[package]\nname = \"x\"\nversion = \"2.0.0\" # keep\n"),
        ("version = '1.0.0'\n[other]\nversion = \"9\"\n", .toml(key: "version"), "version = '2.0.0'\n[other]\nversion = \"9\"\n"),
        ("[tool.app]\nversion=\"1\"\n", .toml(key: "tool.app.version"), "[tool.app]\nversion=\"2.0.0\"\n"),
        ("package.version = \"1\"\n", .toml(key: "package.version"), "package.version = \"2.0.0\"\n"),
        ("[a]\nversion = \"1\"\n[b]\nversion = \"1\"\n", .toml(key: "b.version"), "[a]\nversion = \"1\"\n[b]\nversion = \"2.0.0\"\n"),
        ("let version = \"1.0.0\"\n", .regex(pattern: "version = \"([^\"]+)\""), "let version = \"2.0.0\"\n"),
        ("v=1.0.0 v=1.0.0", .regex(pattern: "v=(?<version>[0-9.]+)"), "v=2.0.0 v=2.0.0"),
    ]

    @Test("updates", arguments: rows)
    func updates(_ row: (String, VersionFile.Kind, String)) throws {
        #expect(try VersionFileUpdater.update(row.0, file: VersionFile(path: "f", kind: row.1), version: "2.0.0") == row.2)
    }

    static let failures: [(String, VersionFile.Kind, String)] = [
        ("{\"name\": \"x\"}", .json(keyPath: "version"), "version_file_no_match"),
        ("{\"version\": 1}", .json(keyPath: "version"), "version_file_invalid"),
        ("{\"version\": \"1\"", .json(keyPath: "version"), "version_file_invalid"),
        ("not json", .json(keyPath: "version"), "version_file_invalid"),
        ("[package]\nname = \"x\"\n", .toml(key: "package.version"), "version_file_no_match"),
        ("[package]\nversion = 1\n", .toml(key: "package.version"), "version_file_invalid"),
        ("[[bin]]\nversion = \"1\"\n", .toml(key: "bin.version"), "version_file_no_match"),
        ("nothing here", .regex(pattern: "version: (\\d+)"), "version_file_no_match"),
        ("version: 1", .regex(pattern: "version: \\d+"), "version_file_invalid"),
        ("version: 1", .regex(pattern: "version: (\\d+"), "version_file_invalid"),
    ]

    @Test("fails clearly", arguments: failures)
    func fails(_ row: (String, VersionFile.Kind, String)) {
        do {
            _ = try VersionFileUpdater.update(row.0, file: VersionFile(path: "f", kind: row.1), version: "2.0.0")
            Issue.record("expected \(row.2)")
        } catch let error as ReleaseError {
            #expect(error.code.description == row.2)
            #expect(error.path == "f")
            #expect(!error.hint.isEmpty)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}

@Suite("Changelog document")
struct ChangelogDocumentTests {
    let section = "## [1.1.0] - 2026-01-02\n\n### Features\n\n- new (abc1234)\n"

    @Test func createsWithHeader() throws {
        let text = try ChangelogDocument.insert(section: section, version: "1.1.0", into: nil, header: "# Changelog", path: "CHANGELOG.md")
        #expect(text == "# Changelog\n\n## [1.1.0] - 2026-01-02\n\n### Features\n\n- new (abc1234)\n")
    }

    @Test func insertsAboveNewestReleaseBelowUnreleased() throws {
        let existing = "# Changelog\n\nIntro.\n\n## [Unreleased]\n\n- wip\n\n## [1.0.0] - 2025-01-01\n\n- old\n"
        let text = try ChangelogDocument.insert(section: section, version: "1.1.0", into: existing, header: "", path: "C")
        #expect(text.components(separatedBy: "## [1.1.0]").count == 2)
        let unreleased = try #require(text.range(of: "## [Unreleased]"))
        let new = try #require(text.range(of: "## [1.1.0]"))
        let old = try #require(text.range(of: "## [1.0.0]"))
        #expect(unreleased.lowerBound < new.lowerBound && new.lowerBound < old.lowerBound)
    }

    @Test func isIdempotent() throws {
        let existing = "# Changelog\n\n## [1.0.0] - 2025-01-01\n\n- old\n"
        let once = try ChangelogDocument.insert(section: section, version: "1.1.0", into: existing, header: "", path: "C")
        let twice = try ChangelogDocument.insert(section: section, version: "1.1.0", into: once, header: "", path: "C")
        #expect(once == twice)
    }

    static let malformed = [
        "Just some text\nwithout any structure\n",
        "# Changelog\n<<<<<<< HEAD\n## [1.0.0]\n=======\n## [0.9.0]\n>>>>>>> other\n",
        "# Changelog\n```\nunterminated\n",
    ]

    @Test("refuses malformed changelogs", arguments: malformed)
    func refusesMalformed(_ existing: String) {
        #expect(throws: ReleaseError.self) {
            try ChangelogDocument.insert(section: section, version: "1.1.0", into: existing, header: "", path: "C")
        }
    }

    @Test func rendererShowsBreakingFirstScopesAndLinks() throws {
        let commits = [
            GitCommit(hash: String(repeating: "a", count: 40), parents: ["p"], authorName: "A", message: "feat(api)!: drop v1"),
            GitCommit(hash: String(repeating: "b", count: 40), parents: ["p"], authorName: "B", message: "fix: crash"),
            GitCommit(hash: String(repeating: "c", count: 40), parents: ["p"], authorName: "C", message: "Update README"),
        ]
        let configuration = ReleaseConfiguration()
        let analysis = CommitClassifier(configuration: configuration).analyze(commits)
        let notes = ReleaseNotes.build(
            version: "2.0.0", tag: "v2.0.0", previousTag: "v1.0.0", date: "2026-01-02", analysis: analysis,
            configuration: configuration, links: RemoteLinks(host: .github, baseURL: "https://github.com/a/b"))
        let text = try ChangelogRenderer(configuration: configuration).section(notes)
        #expect(text.hasPrefix("## [2.0.0](https://github.com/a/b/compare/v1.0.0...v2.0.0) - 2026-01-02\n"))
        let breaking = try #require(text.range(of: "### ⚠ BREAKING CHANGES"))
        let features = try #require(text.range(of: "### Features"))
        let fixes = try #require(text.range(of: "### Bug Fixes"))
        let other = try #require(text.range(of: "### Other"))
        #expect(breaking.lowerBound < features.lowerBound && features.lowerBound < fixes.lowerBound && fixes.lowerBound < other.lowerBound)
        #expect(text.contains("- **api:** drop v1 ([aaaaaaa](https://github.com/a/b/commit/\(String(repeating: "a", count: 40))))"))
    }

    @Test func customMustacheTemplate() throws {
        var configuration = ReleaseConfiguration()
        configuration.changelogTemplate = "## {{version}} ({{date}})\n{{#sections}}\n### {{title}}\n{{#entries}}\n* {{#scope}}{{scope}}: {{/scope}}{{description}} <{{shortHash}}>\n{{/entries}}\n{{/sections}}\n"
        let commits = [GitCommit(hash: String(repeating: "a", count: 40), parents: ["p"], message: "feat(db): x & <y>")]
        let notes = ReleaseNotes.build(
            version: "1.0.0", tag: "v1.0.0", previousTag: nil, date: "2026-01-02",
            analysis: CommitClassifier(configuration: configuration).analyze(commits), configuration: configuration, links: nil)
        let text = try ChangelogRenderer(configuration: configuration).section(notes)
        #expect(text == "## 1.0.0 (2026-01-02)\n### Features\n* db: x & <y> <aaaaaaa>\n")
    }

    @Test func invalidTemplateIsAClearError() {
        var configuration = ReleaseConfiguration()
        configuration.changelogTemplate = "{{#sections}} never closed"
        #expect(throws: ReleaseError.self) { try ChangelogRenderer(configuration: configuration) }
    }

    @Test func githubOutputUsesHeredoc() {
        let text = GitHubActionsOutput.render(version: "1.2.0", tag: "v1.2.0", previousVersion: "1.1.0", notes: "a\nEOF\nb")
        #expect(text.hasPrefix("version=1.2.0\ntag=v1.2.0\nprevious_version=1.1.0\nnotes<<EOF_1\na\nEOF\nb\nEOF_1\n"))
    }

    @Test func errorDescriptions() {
        let error = ReleaseError(
            code: .gitFailed, message: "`git log` failed: bad revision", hint: "check the range", command: "git log x",
            standardError: "fatal: bad revision 'x'")
        #expect(error.description == "error[git_failed]: `git log` failed: bad revision")
        #expect(error.detailedDescription.contains("command: git log x"))
        #expect(error.detailedDescription.contains("fatal: bad revision 'x'"))
        #expect(error.detailedDescription.contains("hint: check the range"))
    }
}
