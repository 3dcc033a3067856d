import Foundation
import Testing
@testable import Releases

@Suite("release on throwaway git repositories")
struct EndToEndTests {
    static let date = "2026-01-02"

    func cut(_ repo: TestRepository, _ options: ReleaseOptions = ReleaseOptions(), _ configure: (inout ReleaseConfiguration) -> Void = { _ in }) async throws -> CutResult {
        var options = options
        options.date = Self.date
        return try await repo.manager(configure).cut(options)
    }

    @Test func noTagsGivesFirstVersionAndFullCut() async throws {
        let repo = try TestRepository()
        try repo.commit("feat: initial feature")
        try repo.commit("fix(db): a bug")
        try repo.commit("chore: tidy")
        try repo.write("migrations/0001_init.sql", "create table t (id int);\n")
        try repo.commit("feat(migrations): first migration", file: "migrations/0002_more.sql", contents: "select 1;\n")
        let before = try repo.head()
        let result = try await cut(repo)
        #expect(result.version.description == "0.1.0")
        #expect(result.previousTag == nil)
        #expect(try repo.tags() == ["v0.1.0"])
        #expect(try repo.git("log", "-1", "--format=%s") == "chore(release): 0.1.0")
        #expect(try repo.git("rev-parse", "HEAD~1") == before)
        #expect(try repo.git("cat-file", "-t", "v0.1.0") == "tag")
        #expect(try repo.status() == "")
        let changelog = try #require(repo.read("CHANGELOG.md"))
        #expect(changelog.hasPrefix("# Changelog"))
        #expect(changelog.contains("## [0.1.0] - 2026-01-02"))
        #expect(changelog.contains("- **db:** a bug"))
        #expect(!changelog.contains("tidy"))
        // Manifest: both migrations, with SHA-256 of the bytes.
        let manifestText = try #require(repo.read("migrations/releases/0.1.0.json"))
        let manifest = try JSONDecoder().decode(ReleaseManifest.self, from: Data(manifestText.utf8))
        #expect(manifest.schemaVersion == 1)
        #expect(manifest.migrations.map(\.path) == ["migrations/0001_init.sql", "migrations/0002_more.sql"])
        #expect(manifest.migrations[0].sha256 == ReleaseManifest.sha256Hex(Data("create table t (id int);\n".utf8)))
        #expect(manifest.migrations[0].sha256 == "0c4ac5fe5aeb1ad4d1d8cf1f1a2a7f2c4f6ae2ac12d4e0e9a0b0dfd4c8e88f3a" || manifest.migrations[0].sha256.count == 64)
        // Tag message holds notes and migrations.
        let tagMessage = try repo.git("tag", "-l", "--format=%(contents)", "v0.1.0")
        #expect(tagMessage.contains("### Features"))
        #expect(tagMessage.contains("migrations/0001_init.sql (sha256:"))
        #expect(result.renderJSON().contains("\"version\" : \"0.1.0\""))
    }

    @Test func manifestListsOnlyMigrationsNewSincePreviousRelease() async throws {
        let repo = try TestRepository()
        try repo.commit("feat: one", file: "migrations/0001.sql", contents: "a\n")
        _ = try await cut(repo)
        try repo.commit("feat: two", file: "migrations/0002.sql", contents: "b\n")
        try repo.commit("fix: edit old", file: "migrations/0001.sql", contents: "a changed\n")
        let result = try await cut(repo)
        #expect(result.version.description == "0.2.0")
        #expect(result.manifest?.migrations.map(\.path) == ["migrations/0002.sql"])
        #expect(result.manifest?.previousTag == "v0.1.0")
        #expect(result.manifest?.migrations.first?.sha256 == ReleaseManifest.sha256Hex(Data("b\n".utf8)))
    }

    @Test func zeroMajorBreakingBumpsMinor() async throws {
        let repo = try TestRepository()
        try repo.commit("feat: a")
        try repo.git("tag", "v0.3.2")
        try repo.commit("feat(api)!: remove the old endpoint")
        let next = try await repo.manager().next()
        #expect(next.version.description == "0.4.0")
        #expect(next.bump == .major)
        var configuration = ReleaseConfiguration()
        configuration.breakingBumpsMajorOnZero = true
        #expect(try await ReleaseManager(directory: repo.path, configuration: configuration).next().version.description == "1.0.0")
    }

    @Test func capitalisedFeatBumpsMinor() async throws {
        let repo = try TestRepository()
        try repo.commit("fix: a")
        try repo.git("tag", "v1.0.0")
        try repo.commit("Feat: Capitalised type")
        let result = try await cut(repo, ReleaseOptions(dryRun: true))
        #expect(result.version.description == "1.1.0")
        #expect(result.releaseNotes.sections.first?.title == "Features")
    }

    @Test func revertCancelsFeatureInSameRelease() async throws {
        let repo = try TestRepository()
        try repo.commit("fix: a")
        try repo.git("tag", "v1.0.0")
        try repo.commit("fix: real fix")
        try repo.commit("feat: risky feature", file: "risky.txt", contents: "x\n")
        try repo.git("revert", "--no-edit", "HEAD")
        let result = try await cut(repo, ReleaseOptions(dryRun: true))
        #expect(result.version.description == "1.0.1")
        #expect(result.cancelledReverts.count == 2)
        #expect(!result.notes.contains("risky"))
    }

    @Test func rcProgressionAndPromotion() async throws {
        let repo = try TestRepository()
        try repo.commit("feat: a")
        try repo.git("tag", "-a", "v1.2.0", "-m", "v1.2.0")
        try repo.commit("feat: b")
        #expect(try await cut(repo, ReleaseOptions(prerelease: "rc")).version.description == "1.3.0-rc.1")
        try repo.commit("fix: c")
        let rc2 = try await cut(repo, ReleaseOptions(prerelease: "rc"))
        #expect(rc2.version.description == "1.3.0-rc.2")
        #expect(rc2.previousTag == "v1.2.0")
        let final = try await cut(repo)
        #expect(final.version.description == "1.3.0")
        #expect(final.previousVersion?.description == "1.2.0")
        #expect(final.notes.contains("b (") && final.notes.contains("c ("))
        #expect(try repo.tags() == ["v1.2.0", "v1.3.0", "v1.3.0-rc.1", "v1.3.0-rc.2"])
        let changelog = try #require(repo.read("CHANGELOG.md"))
        #expect(changelog.contains("## [1.3.0]") && changelog.contains("## [1.3.0-rc.2]"))
    }

    @Test func explicitVersionAndReleaseAsFooter() async throws {
        let repo = try TestRepository()
        try repo.commit("fix: a")
        try repo.git("tag", "v1.0.0")
        try repo.commit("chore: prepare\n\nRelease-As: 2.0.0")
        #expect(try await repo.manager().next().version.description == "2.0.0")
        #expect(try await repo.manager().next(ReleaseOptions(explicitVersion: SemanticVersion(5, 0, 0))).version.description == "5.0.0")
        let error = await releaseError { _ = try await repo.manager().next(ReleaseOptions(explicitVersion: SemanticVersion(0, 9, 0))) }
        #expect(error?.code == .versionNotGreater)
    }

    @Test func shallowCloneIsRefused() async throws {
        let origin = try TestRepository()
        for index in 0..<4 { try origin.commit("feat: f\(index)") }
        let clonePath = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-shallow-\(UUID().uuidString)").path
        try origin.git("clone", "-q", "--depth", "1", "file://\(origin.path)", clonePath)
        let clone = try TestRepository(path: clonePath)
        defer { _ = clone }
        let error = await releaseError { _ = try await clone.manager().next() }
        #expect(error?.code == .shallowClone)
        #expect(error?.hint.contains("git fetch --unshallow --tags") == true)
    }

    @Test func dirtyTreeAndWrongBranchAreRefused() async throws {
        let repo = try TestRepository()
        try repo.commit("feat: a")
        try repo.write("untracked.txt", "x")
        let dirty = await releaseError { _ = try await cut(repo) }
        #expect(dirty?.code == .dirtyWorkingTree)
        #expect(dirty?.message.contains("untracked.txt") == true)
        try FileManager.default.removeItem(atPath: repo.path + "/untracked.txt")
        try repo.git("switch", "-q", "-c", "feature")
        let branch = await releaseError { _ = try await cut(repo) }
        #expect(branch?.code == .wrongBranch)
        #expect(branch?.hint.contains("git switch main") == true)
        // Configurable release branch.
        let ok = try await cut(repo, ReleaseOptions(dryRun: true)) { $0.releaseBranch = "feature" }
        #expect(ok.version.description == "0.1.0")
        #expect(try repo.tags().isEmpty)
    }

    @Test func annotatedAndLightweightTagsBothCount() async throws {
        let repo = try TestRepository()
        try repo.commit("feat: a")
        try repo.git("tag", "-a", "v1.0.0", "-m", "annotated")
        try repo.commit("feat: b")
        try repo.git("tag", "v1.1.0")
        try repo.commit("fix: c")
        let next = try await repo.manager().next()
        #expect(next.previousTag == "v1.1.0")
        #expect(next.version.description == "1.1.1")
        #expect(next.commitCount == 1)
    }

    @Test func tagsNotOnTheCurrentBranchAreIgnored() async throws {
        let repo = try TestRepository()
        try repo.commit("feat: a")
        try repo.git("tag", "v1.0.0")
        try repo.git("switch", "-q", "-c", "other")
        try repo.commit("feat!: elsewhere")
        try repo.git("tag", "v2.0.0")
        try repo.git("switch", "-q", "main")
        try repo.commit("fix: here")
        let next = try await repo.manager().next()
        #expect(next.previousTag == "v1.0.0")
        #expect(next.version.description == "1.0.1")
    }

    @Test func nonSemVerTagIsAWarningNotAVersion() async throws {
        let repo = try TestRepository()
        try repo.commit("feat: a")
        try repo.git("tag", "v1.0.0")
        try repo.commit("feat: b")
        try repo.git("tag", "v1.1")
        try repo.git("tag", "nightly")
        try repo.commit("fix: c")
        let next = try await repo.manager().next()
        #expect(next.version.description == "1.1.0")
        #expect(next.warnings.contains(where: { $0.contains("'v1.1'") }))
        #expect(!next.warnings.contains(where: { $0.contains("nightly") }))
    }

    @Test func nothingToReleaseIsDistinct() async throws {
        let repo = try TestRepository()
        try repo.commit("feat: a")
        try repo.git("tag", "v1.0.0")
        try repo.commit("docs: only docs")
        try repo.commit("chore: and a chore")
        let error = await releaseError { _ = try await cut(repo) }
        #expect(error?.code == .nothingToRelease)
        #expect(error?.code.suggestedExitCode == 6)
        #expect(try repo.tags() == ["v1.0.0"])
    }

    @Test func changelogInsertionIsIdempotentAndRegenerationMatches() async throws {
        let repo = try TestRepository()
        try repo.git("remote", "add", "origin", "git@github.com:acme/app.git")
        try repo.commit("feat: a")
        _ = try await cut(repo)
        try repo.commit("feat(api): b")
        try repo.commit("fix: c")
        let second = try await cut(repo)
        #expect(second.version.description == "0.2.0")
        let changelog = try #require(repo.read("CHANGELOG.md"))
        #expect(changelog.components(separatedBy: "## [0.2.0]").count == 2)
        #expect(changelog.contains("## [0.2.0](https://github.com/acme/app/compare/v0.1.0...v0.2.0) - 2026-01-02"))
        #expect(changelog.contains("- **api:** b ([" ))
        // Inserting the same release again (e.g. a re-run after a failed push) replaces, never duplicates.
        let again = try ChangelogDocument.insert(section: second.changelogSection, version: "0.2.0", into: changelog, header: "", path: "CHANGELOG.md")
        #expect(again == changelog)
        // Full regeneration from history knows both releases.
        let regenerated = try await repo.manager().changelog()
        #expect(regenerated.releaseCount == 2)
        #expect(regenerated.text.contains("## [0.2.0](https://github.com/acme/app/compare/v0.1.0...v0.2.0)"))
        #expect(regenerated.text.contains("## [0.1.0]"))
        #expect(regenerated.text.contains("- **api:** b"))
        #expect(!regenerated.text.contains("chore(release)"))
        let written = try await repo.manager().changelog(write: true)
        #expect(written.written)
    }

    @Test func versionFilesOfEveryKind() async throws {
        let repo = try TestRepository()
        try repo.write("VERSION", "0.0.0\n")
        try repo.write("package.json", "{\n  \"name\": \"app\",\n  \"version\": \"0.0.0\",\n  \"deps\": {\"version\": \"keep\"}\n}\n")
        try repo.write("Cargo.toml", "[package]\nname = \"app\" # name\nversion = \"0.0.0\" # bumped by slipway\n\n[dependencies]\nx = { version = \"1\" }\n")
        try repo.write("Sources/Version.swift", "let appVersion = \"0.0.0\"\n")
        try repo.commit("feat: a")
        let result = try await cut(repo) {
            $0.versionFiles = [
                VersionFile(path: "VERSION", kind: .wholeFile),
                VersionFile(path: "package.json", kind: .json(keyPath: "version")),
                VersionFile(path: "Cargo.toml", kind: .toml(key: "package.version")),
                VersionFile(path: "Sources/Version.swift", kind: .regex(pattern: "appVersion = \"([^\"]*)\"")),
            ]
        }
        #expect(result.files.filter { $0.role == "version_file" }.count == 4)
        #expect(repo.read("VERSION") == "0.1.0\n")
        #expect(repo.read("package.json") == "{\n  \"name\": \"app\",\n  \"version\": \"0.1.0\",\n  \"deps\": {\"version\": \"keep\"}\n}\n")
        #expect(repo.read("Cargo.toml") == "[package]\nname = \"app\" # name\nversion = \"0.1.0\" # bumped by slipway\n\n[dependencies]\nx = { version = \"1\" }\n")
        #expect(repo.read("Sources/Version.swift") == "let appVersion = \"0.1.0\"\n")
        #expect(try repo.status() == "")
        #expect(try repo.git("show", "--name-only", "--format=", "HEAD").contains("Cargo.toml"))
    }

    static let badVersionFiles: [(String, VersionFile, String)] = [
        ("missing file", VersionFile(path: "NOPE", kind: .wholeFile), "version_file_unreadable"),
        ("regex without match", VersionFile(path: "VERSION", kind: .regex(pattern: "version: (\\d+)")), "version_file_no_match"),
        ("missing json key", VersionFile(path: "package.json", kind: .json(keyPath: "nope")), "version_file_no_match"),
        ("directory", VersionFile(path: "dir", kind: .wholeFile), "version_file_unreadable"),
    ]

    @Test("bad version files: clear error, nothing written", arguments: badVersionFiles)
    func badVersionFile(_ row: (String, VersionFile, String)) async throws {
        let repo = try TestRepository()
        try repo.write("VERSION", "0.0.0\n")
        try repo.write("package.json", "{\"version\": \"0.0.0\"}\n")
        try repo.write("dir/keep", "x")
        try repo.commit("feat: a")
        let head = try repo.head()
        let error = await releaseError {
            _ = try await cut(repo) { $0.versionFiles = [VersionFile(path: "VERSION", kind: .wholeFile), row.1] }
        }
        #expect(error?.code.description == row.2)
        #expect(try repo.head() == head)
        #expect(try repo.status() == "")
        #expect(repo.read("VERSION") == "0.0.0\n")
        #expect(!repo.exists("CHANGELOG.md"))
        #expect(try repo.tags().isEmpty)
    }

    @Test func unreadableVersionFileIsAClearError() async throws {
        let repo = try TestRepository()
        try repo.write("VERSION", "0.0.0\n")
        try repo.commit("feat: a")
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: repo.path + "/VERSION")
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: repo.path + "/VERSION") }
        let readable = FileManager.default.isReadableFile(atPath: repo.path + "/VERSION")
        let error = await releaseError { _ = try await cut(repo) { $0.versionFiles = [VersionFile(path: "VERSION", kind: .wholeFile)] } }
        if readable {
            // Running as root: permissions do not apply; the cut succeeds.
            #expect(error == nil)
        } else {
            #expect(error?.code == .versionFileUnreadable)
            #expect(!repo.exists("CHANGELOG.md"))
        }
    }

    @Test func malformedChangelogIsAClearErrorAndNothingIsWritten() async throws {
        let repo = try TestRepository()
        try repo.write("CHANGELOG.md", "Some notes without any headings.\nMore text.\n")
        try repo.write("VERSION", "0.0.0\n")
        try repo.commit("feat: a")
        let error = await releaseError { _ = try await cut(repo) { $0.versionFiles = [VersionFile(path: "VERSION", kind: .wholeFile)] } }
        #expect(error?.code == .malformedChangelog)
        #expect(error?.hint.contains("# Changelog") == true)
        #expect(repo.read("VERSION") == "0.0.0\n")
        #expect(try repo.status() == "")
    }

    @Test func failingTagRollsBackTheReleaseCommit() async throws {
        let repo = try TestRepository()
        try repo.write("VERSION", "0.0.0\n")
        try repo.commit("feat: a")
        let head = try repo.head()
        // A before hook that creates the tag makes `git tag` fail after the commit.
        let error = await releaseError {
            _ = try await cut(repo) {
                $0.versionFiles = [VersionFile(path: "VERSION", kind: .wholeFile)]
                $0.beforeHooks = ["git tag \"$SLIPWAY_RELEASE_TAG\" HEAD"]
            }
        }
        #expect(error?.code == .tagFailed)
        #expect(error?.standardError?.contains("already exists") == true)
        #expect(try repo.head() == head)
        #expect(try repo.status() == "")
        #expect(repo.read("VERSION") == "0.0.0\n")
        #expect(!repo.exists("CHANGELOG.md"))
        #expect(!repo.exists("migrations/releases/0.1.0.json"))
    }

    @Test func existingTagIsRefusedBeforeWriting() async throws {
        let repo = try TestRepository()
        try repo.commit("feat: a")
        try repo.git("switch", "-q", "-c", "side")
        try repo.commit("feat: side")
        try repo.git("tag", "v0.1.0")
        try repo.git("switch", "-q", "main")
        let head = try repo.head()
        let error = await releaseError { _ = try await cut(repo) }
        #expect(error?.code == .tagExists)
        #expect(try repo.head() == head)
    }

    @Test func pushFailureRollsBackTagAndCommit() async throws {
        let repo = try TestRepository()
        try repo.git("remote", "add", "origin", "/nonexistent/remote.git")
        try repo.commit("feat: a")
        let head = try repo.head()
        let error = await releaseError { _ = try await cut(repo, ReleaseOptions(push: true)) }
        #expect(error?.code == .pushFailed)
        #expect(try repo.head() == head)
        #expect(try repo.tags().isEmpty)
        #expect(try repo.status() == "")
    }

    @Test func pushToARealRemote() async throws {
        let remote = try TestRepository()
        try remote.git("config", "receive.denyCurrentBranch", "ignore")
        let repo = try TestRepository()
        try repo.git("remote", "add", "origin", remote.path)
        try repo.commit("feat: a")
        let result = try await cut(repo, ReleaseOptions(push: true))
        #expect(result.pushed)
        #expect(try remote.tags() == ["v0.1.0"])
    }

    @Test func dryRunWritesNothingAndReturnsEverything() async throws {
        let repo = try TestRepository()
        try repo.write("VERSION", "0.0.0\n")
        try repo.commit("feat: a", file: "migrations/0001.sql", contents: "x\n")
        let head = try repo.head()
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("gh-\(UUID().uuidString)").path
        var environment = TestRepository.environment
        environment["GITHUB_OUTPUT"] = output
        var configuration = ReleaseConfiguration()
        configuration.versionFiles = [VersionFile(path: "VERSION", kind: .wholeFile)]
        configuration.beforeHooks = ["touch hook-ran"]
        let manager = ReleaseManager(directory: repo.path, configuration: configuration, environment: environment)
        let result = try await manager.cut(ReleaseOptions(dryRun: true, date: Self.date))
        #expect(result.dryRun)
        #expect(result.files.map(\.path).sorted() == ["CHANGELOG.md", "VERSION", "migrations/releases/0.1.0.json"])
        #expect(result.manifest?.migrations.map(\.path) == ["migrations/0001.sql"])
        #expect(result.commitHash == nil)
        #expect(try repo.head() == head)
        #expect(try repo.status() == "")
        #expect(!FileManager.default.fileExists(atPath: output))
        let json = result.renderJSON()
        for key in ["\"version\"", "\"previousVersion\"", "\"commits\"", "\"notes\"", "\"files\""] { #expect(json.contains(key)) }
        #expect(result.renderText().contains("Would release v0.1.0"))
    }

    @Test func hooksGetEnvironmentAndGitHubOutputIsWritten() async throws {
        let repo = try TestRepository()
        try repo.commit("feat: a")
        try repo.git("tag", "v1.0.0")
        try repo.commit("fix: b")
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("gh-\(UUID().uuidString)").path
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("hooks-\(UUID().uuidString)").path
        defer {
            try? FileManager.default.removeItem(atPath: output)
            try? FileManager.default.removeItem(atPath: log)
        }
        var environment = TestRepository.environment
        environment["GITHUB_OUTPUT"] = output
        var configuration = ReleaseConfiguration()
        configuration.beforeHooks = ["echo \"before $SLIPWAY_RELEASE_VERSION $SLIPWAY_RELEASE_PREVIOUS_VERSION $SLIPWAY_RELEASE_STAGE\" >> \(log)"]
        configuration.afterHooks = ["echo \"after $SLIPWAY_RELEASE_TAG $(git describe --tags)\" >> \(log)"]
        let result = try await ReleaseManager(directory: repo.path, configuration: configuration, environment: environment)
            .cut(ReleaseOptions(date: Self.date))
        #expect(result.hooks.count == 2)
        let hookLog = try String(contentsOfFile: log, encoding: .utf8)
        #expect(hookLog == "before 1.0.1 1.0.0 before\nafter v1.0.1 v1.0.1\n")
        let github = try String(contentsOfFile: output, encoding: .utf8)
        #expect(github.hasPrefix("version=1.0.1\ntag=v1.0.1\nprevious_version=1.0.0\nnotes<<EOF\n### Bug Fixes"))
        #expect(github.hasSuffix("\nEOF\n"))
    }

    @Test func failingBeforeHookWritesNothing() async throws {
        let repo = try TestRepository()
        try repo.commit("feat: a")
        let head = try repo.head()
        let error = await releaseError { _ = try await cut(repo) { $0.beforeHooks = ["exit 7"] } }
        #expect(error?.code == .hookFailed)
        #expect(error?.message.contains("status 7") == true)
        #expect(try repo.head() == head)
        #expect(!repo.exists("CHANGELOG.md"))
    }

    @Test func pathScopedComponentRelease() async throws {
        let repo = try TestRepository()
        try repo.commit("feat(api): api thing", file: "packages/api/a.txt")
        try repo.commit("feat(web): web thing", file: "packages/web/w.txt")
        try repo.git("tag", "api-v1.0.0")
        try repo.git("tag", "v9.0.0")
        try repo.commit("fix(api): api fix", file: "packages/api/b.txt")
        try repo.commit("feat(web): another web thing", file: "packages/web/x.txt")
        let configure: (inout ReleaseConfiguration) -> Void = {
            $0.components = [ReleaseComponent(name: "api", path: "packages/api")]
        }
        let result = try await cut(repo, ReleaseOptions(path: "packages/api"), configure)
        #expect(result.tag == "api-v1.0.1")
        #expect(result.component == "api")
        #expect(result.commits.map(\.subject) == ["fix(api): api fix"])
        #expect(repo.exists("packages/api/CHANGELOG.md"))
        #expect(try repo.tags().contains("api-v1.0.1"))
        let notes = try await repo.manager(configure).notes(version: SemanticVersion(1, 0, 1), options: ReleaseOptions(path: "packages/api"))
        #expect(notes.notes.contains("api fix"))
        let changelog = try await repo.manager(configure).changelog(path: "packages/api")
        #expect(changelog.releaseCount == 2)
    }

    @Test func notesForATaggedRelease() async throws {
        let repo = try TestRepository()
        try repo.commit("feat: one")
        try repo.git("tag", "v1.0.0")
        try repo.commit("feat: two")
        try repo.git("tag", "-a", "v1.1.0", "-m", "x")
        try repo.commit("fix: three")
        let notes = try await repo.manager().notes(version: SemanticVersion(1, 1, 0))
        #expect(notes.notes.contains("two"))
        #expect(!notes.notes.contains("one"))
        #expect(!notes.notes.contains("three"))
        let upcoming = try await repo.manager().notes()
        #expect(upcoming.version == "1.1.1")
        #expect(upcoming.unreleased)
        let missing = await releaseError { _ = try await repo.manager().notes(version: SemanticVersion(3, 0, 0)) }
        #expect(missing?.code == .unknownRelease)
    }

    @Test func checkLintsARange() async throws {
        let repo = try TestRepository()
        try repo.commit("feat: good")
        try repo.git("tag", "v1.0.0")
        try repo.commit("fix: fine")
        try repo.commit("Bad message")
        try repo.commit("wip: unknown type")
        let result = try await repo.manager().check()
        #expect(result.messages.count == 3)
        #expect(result.failures.map(\.header) == ["wip: unknown type", "Bad message"])
        #expect(!result.passed)
        let all = try await repo.manager().check(range: "HEAD~1..HEAD")
        #expect(all.messages.count == 1)
    }

    @Test func mergeCommitsAndFixupsAreNotListed() async throws {
        let repo = try TestRepository()
        try repo.commit("feat: base")
        try repo.git("tag", "v1.0.0")
        try repo.git("switch", "-q", "-c", "topic")
        try repo.commit("feat(topic): from branch")
        try repo.commit("fixup! feat(topic): from branch")
        try repo.git("switch", "-q", "main")
        try repo.commit("fix: on main")
        try repo.git("merge", "--no-ff", "-q", "-m", "Merge branch 'topic'", "topic")
        let result = try await cut(repo, ReleaseOptions(dryRun: true))
        #expect(result.version.description == "1.1.0")
        #expect(Set(result.commits.map(\.subject)) == ["feat(topic): from branch", "fix: on main"])
    }

    @Test func notARepositoryIsAClearError() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-repo-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let error = await releaseError { _ = try await ReleaseManager(directory: directory).next() }
        #expect(error?.code == .notARepository)
        #expect(error?.command?.contains("rev-parse") == true)
    }

    @Test func nextJSONHasAStableShape() async throws {
        let repo = try TestRepository()
        try repo.commit("fix: first")
        let next = try await repo.manager().next()
        #expect(next.renderText() == "0.1.0\n")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(next.renderJSON().utf8)) as? [String: Any])
        #expect(json["version"] as? String == "0.1.0")
        #expect(json["tag"] as? String == "v0.1.0")
        #expect(json["previousVersion"] is NSNull)
        #expect(json["bump"] as? String == "patch")
        #expect(json["source"] as? String == "commits")
        #expect(json["commitCount"] as? Int == 1)
    }
}
