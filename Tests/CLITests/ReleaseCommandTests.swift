import Foundation
import LocalPostgres
import Testing

@Suite("slipway release")
struct ReleaseCommandTests {
    private func git(_ repository: String, _ arguments: [String]) async throws {
        let output = try await ChildProcess.capture(
            ["/usr/bin/env", "git", "-C", repository, "-c", "user.name=Test", "-c", "user.email=test@example.invalid",
             "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"] + arguments)
        #expect(output.status == 0, "git \(arguments) failed: \(output.stderr)")
    }

    @Test func cutComputesTheVersionWritesTheChangelogAndTags() async throws {
        let repository = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: repository) }
        try await git(repository, ["init", "-q", "-b", "main"])
        try "a\n".write(toFile: repository + "/a.txt", atomically: true, encoding: .utf8)
        try await git(repository, ["add", "."])
        try await git(repository, ["commit", "-q", "-m", "feat: first"])
        try await git(repository, ["tag", "-a", "v0.1.0", "-m", "v0.1.0"])
        try "b\n".write(toFile: repository + "/a.txt", atomically: true, encoding: .utf8)
        try await git(repository, ["commit", "-q", "-am", "Feat(api): capitalised type still counts"])

        let next = try await CLI.run(["release", "next", "--repo", repository])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.stdout == "0.2.0\n")

        let dryRun = try await CLI.run(["release", "cut", "--repo", repository, "--dry-run", "--format", "json"])
        #expect(dryRun.status == 0, "\(dryRun.stderr)")
        #expect(dryRun.stdout.contains("\"version\" : \"0.2.0\"") || dryRun.stdout.contains("\"version\":\"0.2.0\""))
        #expect(!FileManager.default.fileExists(atPath: repository + "/CHANGELOG.md"))

        let cut = try await CLI.run(["release", "cut", "--repo", repository])
        #expect(cut.status == 0, "\(cut.stderr)")
        let changelog = try String(contentsOfFile: repository + "/CHANGELOG.md", encoding: .utf8)
        #expect(changelog.contains("0.2.0"))
        #expect(changelog.contains("capitalised type still counts"))
        let tags = try await ChildProcess.capture(["/usr/bin/env", "git", "-C", repository, "tag", "--list"])
        #expect(tags.stdout.split(separator: "\n").contains("v0.2.0"))

        // Nothing new to release: a distinct exit code.
        let nothing = try await CLI.run(["release", "next", "--repo", repository])
        #expect(nothing.status == 6)
    }

    @Test func slipwayTomlConfiguresTheRelease() async throws {
        let repository = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: repository) }
        try await git(repository, ["init", "-q", "-b", "trunk"])
        try #"""
            [release]
            branch = "trunk"
            tag_prefix = "release-"
            first_version = "1.0.0"

            [release.hooks]
            after = ["echo \"$SLIPWAY_RELEASE_VERSION\" > hook-ran.txt"]

            [[release.version_files]]
            path = "VERSION"
            kind = "file"
            """#.write(toFile: repository + "/slipway.toml", atomically: true, encoding: .utf8)
        try "0.0.0\n".write(toFile: repository + "/VERSION", atomically: true, encoding: .utf8)
        try "hook-ran.txt\n".write(toFile: repository + "/.gitignore", atomically: true, encoding: .utf8)
        try await git(repository, ["add", "."])
        try await git(repository, ["commit", "-q", "-m", "feat: initial"])
        let cut = try await CLI.run(["release", "cut", "--repo", repository])
        #expect(cut.status == 0, "\(cut.stdout)\n\(cut.stderr)")
        let tags = try await ChildProcess.capture(["/usr/bin/env", "git", "-C", repository, "tag", "--list"])
        #expect(tags.stdout == "release-1.0.0\n")
        #expect(try String(contentsOfFile: repository + "/VERSION", encoding: .utf8).contains("1.0.0"))
        #expect(try String(contentsOfFile: repository + "/hook-ran.txt", encoding: .utf8) == "1.0.0\n")

        try "[release]\nbrnach = \"x\"\n".write(toFile: repository + "/slipway.toml", atomically: true, encoding: .utf8)
        let invalid = try await CLI.run(["release", "next", "--repo", repository])
        #expect(invalid.status == 3)
        #expect(invalid.stderr.contains("slipway.toml:2:1"))
    }

    @Test func checkRejectsANonConventionalTitle() async throws {
        let good = try await CLI.run(["release", "check", "--message", "fix(cli): handle empty input"])
        #expect(good.status == 0, "\(good.stdout) \(good.stderr)")
        let bad = try await CLI.run(["release", "check", "--message", "Fixed some stuff"])
        #expect(bad.status == 5)
    }
}
