import Foundation

/// The entry point of release management: one method per `slipway release` command, each returning a
/// result value that renders as text or JSON.
///
/// ```swift
/// let manager = ReleaseManager(directory: ".", configuration: configuration)
/// let result = try await manager.cut(ReleaseOptions(dryRun: true))
/// print(result.renderText())
/// ```
public struct ReleaseManager: Sendable {
    /// The repository directory (any directory inside the work tree).
    public var directory: String
    /// The configuration.
    public var configuration: ReleaseConfiguration
    /// The environment (`GITHUB_OUTPUT`, passed on to hooks). Defaults to the process environment.
    public var environment: [String: String]

    /// Creates a manager.
    public init(
        directory: String, configuration: ReleaseConfiguration = ReleaseConfiguration(),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.directory = directory
        self.configuration = configuration
        self.environment = environment
    }

    var repository: GitRepository {
        GitRepository(git: Git(directory: directory, executable: configuration.gitExecutable))
    }

    /// Everything computed before anything is written.
    struct Plan: Sendable {
        var root: String
        var repository: GitRepository
        var scope: ReleaseScope
        var tags: [VersionedTag]
        var warnings: [String]
        var analysis: CommitAnalysis
        var outcome: VersionCalculator.Outcome
        var tag: String
        var links: RemoteLinks?
        var branch: String?
        var head: String
    }

    /// Checks and version computation shared by `next`, `notes` and `cut`.
    func plan(_ options: ReleaseOptions, cutChecks: Bool) async throws -> Plan {
        let probe = repository
        let root = try await probe.topLevel()
        let repository = GitRepository(git: Git(directory: root, executable: configuration.gitExecutable))
        if try await repository.isShallow() {
            throw ReleaseError(
                code: .shallowClone,
                message: "the repository is a shallow clone; the version computed from partial history would be wrong",
                hint: "run `git fetch --unshallow --tags` (in CI: actions/checkout with fetch-depth: 0)")
        }
        guard let head = try await repository.head() else {
            throw ReleaseError(
                code: .nothingToRelease, message: "the repository has no commits yet",
                hint: "commit something first")
        }
        let branch = try await repository.currentBranch()
        if cutChecks {
            if configuration.requireReleaseBranch {
                guard let branch else {
                    throw ReleaseError(
                        code: .detachedHead,
                        message: "HEAD is detached; releases are cut from '\(configuration.releaseBranch)'",
                        hint: "git switch \(configuration.releaseBranch)")
                }
                guard branch == configuration.releaseBranch else {
                    throw ReleaseError(
                        code: .wrongBranch,
                        message: "on branch '\(branch)'; releases are cut from '\(configuration.releaseBranch)'",
                        hint: "git switch \(configuration.releaseBranch), or set release.branch in slipway.toml")
                }
            }
            if configuration.requireCleanWorkingTree {
                let changes = try await repository.uncommittedChanges()
                if !changes.isEmpty {
                    let listed = changes.prefix(5).joined(separator: ", ") + (changes.count > 5 ? ", …" : "")
                    throw ReleaseError(
                        code: .dirtyWorkingTree,
                        message: "the working tree has uncommitted changes (\(listed))",
                        hint: "commit or stash them (git stash -u) before cutting a release")
                }
            }
        }
        let scope = ReleaseScope.resolve(path: options.path, configuration: configuration)
        let (tags, warnings) = try await repository.releaseTags(prefix: scope.tagPrefix)
        let previous = tags.last(where: { !$0.version.isPrerelease })
        let range = previous.map { "\($0.tag.commit)..\(head)" } ?? head
        let commits = try await repository.log(range: range, path: scope.path)
        let analysis = CommitClassifier(configuration: configuration).analyze(commits)
        var outcome = try VersionCalculator(configuration: configuration).nextVersion(
            tags: tags, analysis: analysis, prerelease: options.prerelease, explicit: options.explicitVersion)
        outcome.warnings = warnings + outcome.warnings
        let links = try await repository.remoteURL(configuration.remote).flatMap(RemoteLinks.init(remoteURL:))
        return Plan(
            root: root, repository: repository, scope: scope, tags: tags, warnings: outcome.warnings, analysis: analysis,
            outcome: outcome, tag: scope.tagPrefix + outcome.version.description, links: links, branch: branch, head: head)
    }

    /// `slipway release next`: the next version.
    /// - Throws: ``ReleaseError`` — ``ReleaseError/Code/nothingToRelease`` (exit 6) when no commit is
    ///   releasable, ``ReleaseError/Code/shallowClone``, ``ReleaseError/Code/gitFailed``, ...
    public func next(_ options: ReleaseOptions = ReleaseOptions()) async throws -> NextVersionResult {
        let plan = try await plan(options, cutChecks: false)
        return NextVersionResult(
            version: plan.outcome.version, tag: plan.tag, previousVersion: plan.outcome.previous?.version,
            previousTag: plan.outcome.previous?.tag.name, bump: plan.outcome.bump, source: plan.outcome.source,
            commitCount: plan.analysis.commits.count, warnings: plan.warnings)
    }

    static func today() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date())
    }

    func notes(for plan: Plan, date: String) -> ReleaseNotes {
        ReleaseNotes.build(
            version: plan.outcome.version.description, tag: plan.tag, previousTag: plan.outcome.previous?.tag.name,
            date: date, analysis: plan.analysis, configuration: configuration, links: plan.links)
    }

    /// `slipway release notes [VERSION]`: the notes of a tagged release, or of the upcoming one.
    /// - Throws: ``ReleaseError/Code/unknownRelease`` when `version` has no reachable tag;
    ///   ``ReleaseError/Code/nothingToRelease`` when `version` is nil and nothing is releasable.
    public func notes(version: SemanticVersion? = nil, options: ReleaseOptions = ReleaseOptions()) async throws -> NotesResult {
        let renderer = try ChangelogRenderer(configuration: configuration)
        guard let version else {
            let plan = try await plan(options, cutChecks: false)
            let notes = notes(for: plan, date: options.date ?? Self.today())
            return NotesResult(
                version: plan.outcome.version.description, tag: plan.tag, unreleased: true, releaseNotes: notes,
                notes: renderer.plainNotes(notes))
        }
        let root = try await repository.topLevel()
        let repository = GitRepository(git: Git(directory: root, executable: configuration.gitExecutable))
        let scope = ReleaseScope.resolve(path: options.path, configuration: configuration)
        let (tags, _) = VersionedTag.select(from: try await repository.reachableTags(), prefix: scope.tagPrefix)
        guard let target = tags.first(where: { $0.version.hasSamePrecedence(as: version) }) else {
            throw ReleaseError(
                code: .unknownRelease, message: "no tag \(scope.tagPrefix)\(version) reachable from HEAD",
                hint: "list releases with `git tag --merged HEAD -l '\(scope.tagPrefix)*'`")
        }
        let previous = tags.last(where: { !$0.version.isPrerelease && $0.version < version.finalVersion })
        let range = previous.map { "\($0.tag.commit)..\(target.tag.commit)" } ?? target.tag.commit
        let commits = try await repository.log(range: range, path: scope.path)
        let analysis = CommitClassifier(configuration: configuration).analyze(commits)
        let links = try await repository.remoteURL(configuration.remote).flatMap(RemoteLinks.init(remoteURL:))
        let date = String(try await repository.commitDate(target.tag.commit))
        let notes = ReleaseNotes.build(
            version: target.version.description, tag: target.tag.name, previousTag: previous?.tag.name, date: date,
            analysis: analysis, configuration: configuration, links: links)
        return NotesResult(
            version: target.version.description, tag: target.tag.name, unreleased: false, releaseNotes: notes,
            notes: renderer.plainNotes(notes))
    }

    /// `slipway release check`: lints the commits in `range` (default: since the latest release tag).
    /// Merge commits are skipped. Returns a result whose ``CheckResult/passed`` is false on problems
    /// (the CLI exits with ``ReleaseError/Code/lintFailed``'s code 5).
    public func check(range: String? = nil, path: String? = nil) async throws -> CheckResult {
        let root = try await repository.topLevel()
        let repository = GitRepository(git: Git(directory: root, executable: configuration.gitExecutable))
        let effectiveRange: String
        if let range {
            effectiveRange = range
        } else {
            let scope = ReleaseScope.resolve(path: path, configuration: configuration)
            let (tags, _) = try await repository.releaseTags(prefix: scope.tagPrefix)
            effectiveRange = tags.last.map { "\($0.tag.commit)..HEAD" } ?? "HEAD"
        }
        let commits = try await repository.log(range: effectiveRange, path: path)
        return CommitLinter(configuration: configuration).check(commits: commits)
    }

    /// `slipway release check --message` / `--title`: lints one message or pull-request title. Pure.
    public func check(message: String) -> CheckResult {
        CommitLinter(configuration: configuration).check(message: message)
    }
}
