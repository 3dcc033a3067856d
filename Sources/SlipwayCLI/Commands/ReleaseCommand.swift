import ArgumentParser
import Foundation
import Releases
import Slipway
import SlipwayConfig

/// `slipway release …`: versions from Conventional Commits, changelog, version files, manifest, tag.
struct ReleaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Cut releases from Conventional Commits: version, changelog, version files, manifest, tag.",
        discussion: "Full guide: docs/releases.md",
        subcommands: [ReleaseCut.self, ReleaseNext.self, ReleaseNotes.self, ReleaseChangelog.self, ReleaseCheck.self])
}

/// Options shared by the release subcommands.
struct ReleaseSharedOptions: ParsableArguments {
    @Option(name: .customLong("repo"), help: ArgumentHelp("Git repository (default: the current directory).", valueName: "dir"))
    var repository: String = "."

    @Option(help: ArgumentHelp("Path-scoped release of one component of a monorepo.", valueName: "path"))
    var path: String?

    @Option(name: .customLong("tag-prefix"), help: ArgumentHelp("Tag prefix (default v).", valueName: "prefix"))
    var tagPrefix: String?

    @Option(name: .customLong("branch"), help: ArgumentHelp("Release branch (default main).", valueName: "name"))
    var branch: String?

    @Option(name: .long, help: ArgumentHelp("Configuration file (default: slipway.toml in the repository or a parent).", valueName: "path"))
    var config: String?

    /// The `[release]` section of slipway.toml (defaults when there is none), then the flags.
    func manager() throws -> ReleaseManager {
        let flags = ConfigurationFlags(configPath: config)
        let resolved = try ResolvedConfiguration.load(
            flags: flags, environment: ProcessInfo.processInfo.environment,
            currentDirectory: (repository as NSString).standardizingPath == "." ? FileManager.default.currentDirectoryPath : repository)
        var configuration = try resolved.release.releaseConfiguration()
        if let tagPrefix { configuration.tagPrefix = tagPrefix }
        if let branch { configuration.releaseBranch = branch }
        return ReleaseManager(directory: repository, configuration: configuration)
    }
}

/// Runs a release operation and prints its result, mapping release errors to the documented exit codes.
private func runRelease<R: ReleaseOutput>(_ output: OutputOptions, _ body: () async throws -> R) async throws -> R {
    let terminal = output.terminal
    do {
        let result = try await body()
        FileHandleOutput.standardOutput.write(output.format == .json ? result.renderJSON() + "\n" : result.renderText())
        return result
    } catch let error as ReleaseError {
        if output.format == .json {
            terminal.jsonLine(ReleaseJSONError(error: error.message, hint: error.hint, exitCode: error.code.suggestedExitCode))
        }
        printError("error: \(error.description)")
        if output.verbose { printError(error.detailedDescription) }
        throw ExitCode(error.code.suggestedExitCode)
    } catch let exit as ExitCode {
        throw exit
    } catch {
        throw terminal.fail(error)
    }
}

private struct ReleaseJSONError: Encodable {
    var error: String
    var hint: String?
    var exitCode: Int32
}

private func parseVersion(_ text: String?, flag: String) throws -> SemanticVersion? {
    guard let text else { return nil }
    do {
        return try SemanticVersion(parsing: text)
    } catch {
        throw ValidationError("\(flag) \(text) is not a semantic version (e.g. 1.4.0 or 2.0.0-rc.1): \(error)")
    }
}

struct ReleaseCut: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cut",
        abstract: "Compute the next version, update the changelog and version files, write the manifest, commit and tag.",
        discussion: """
            Refuses a dirty tree, a branch other than the release branch and a shallow clone. Atomic: if tagging or
            pushing fails, the release commit is undone.

            Examples:
              slipway release cut --dry-run
              slipway release cut --pre rc
              slipway release cut --as 2.0.0 --push --format json
            """)

    @OptionGroup var shared: ReleaseSharedOptions
    @Flag(name: .customLong("dry-run"), help: "Show everything, write nothing.") var dryRun = false
    @Option(name: .customLong("pre"), help: ArgumentHelp("Cut a pre-release with this label (rc → X.Y.Z-rc.N).", valueName: "label"))
    var prerelease: String?
    @Option(name: .customLong("as"), help: ArgumentHelp("Use this version instead of the computed one.", valueName: "version"))
    var explicitVersion: String?
    @Flag(help: "Sign the tag (git tag -s).") var sign = false
    @Flag(help: "Push the commit and tag to the remote.") var push = false
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let options = ReleaseOptions(
            prerelease: prerelease, explicitVersion: try parseVersion(explicitVersion, flag: "--as"), path: shared.path,
            dryRun: dryRun, sign: sign ? true : nil, push: push ? true : nil)
        _ = try await runRelease(output) { try await shared.manager().cut(options) }
    }
}

struct ReleaseNext: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "next", abstract: "Print only the next version (exit 6 when nothing is releasable).",
        discussion: "Example:\n  VERSION=$(slipway release next)")

    @OptionGroup var shared: ReleaseSharedOptions
    @Option(name: .customLong("pre"), help: ArgumentHelp("Pre-release label.", valueName: "label")) var prerelease: String?
    @OptionGroup var output: OutputOptions

    func run() async throws {
        _ = try await runRelease(output) {
            try await shared.manager().next(ReleaseOptions(prerelease: prerelease, path: shared.path))
        }
    }
}

struct ReleaseNotes: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notes", abstract: "Print the release notes of a version (default: the unreleased changes).",
        discussion: "Examples:\n  slipway release notes\n  slipway release notes 1.4.0")

    @Argument(help: "The version (default: the next, unreleased one).") var version: String?
    @OptionGroup var shared: ReleaseSharedOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let parsed = try parseVersion(version, flag: "VERSION")
        _ = try await runRelease(output) {
            try await shared.manager().notes(version: parsed, options: ReleaseOptions(path: shared.path))
        }
    }
}

struct ReleaseChangelog: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "changelog", abstract: "Regenerate the whole changelog from history.",
        discussion: "Examples:\n  slipway release changelog            # print it\n  slipway release changelog --write    # replace CHANGELOG.md")

    @OptionGroup var shared: ReleaseSharedOptions
    @Flag(help: "Write the file instead of printing it.") var write = false
    @Flag(name: .customLong("include-prereleases"), help: "Give pre-releases their own sections.") var includePrereleases = false
    @OptionGroup var output: OutputOptions

    func run() async throws {
        _ = try await runRelease(output) {
            try await shared.manager().changelog(write: write, includePrereleases: includePrereleases, path: shared.path)
        }
    }
}

struct ReleaseCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Lint commit messages (or one message / PR title) against Conventional Commits.",
        discussion: """
            Examples:
              slipway release check --range origin/main..HEAD
              slipway release check --message "$PR_TITLE"
            """)

    @OptionGroup var shared: ReleaseSharedOptions
    @Option(help: ArgumentHelp("Commit range (default: since the last release).", valueName: "range")) var range: String?
    @Option(help: ArgumentHelp("Check this message instead of commits (e.g. a pull-request title).", valueName: "text"))
    var message: String?
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let result = try await runRelease(output) {
            if let message { return try shared.manager().check(message: message) }
            return try await shared.manager().check(range: range, path: shared.path)
        }
        if !result.passed { throw ExitCode(SlipwayExitCode.findings.rawValue) }
    }
}
