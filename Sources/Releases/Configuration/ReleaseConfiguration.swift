/// Everything that shapes a release. Every property has a default, so `ReleaseConfiguration()` works in any
/// git repository; the CLI maps the `[release]` section of `slipway.toml` onto it (keys in `docs/releases.md`).
public struct ReleaseConfiguration: Sendable, Hashable {
    /// What to do with commits whose subject is not a Conventional Commits header.
    public enum NonConventionalPolicy: String, Sendable, Hashable, Codable {
        /// List them under the ``ReleaseConfiguration/otherSection`` heading (no bump).
        case other
        /// Leave them out of notes and changelog.
        case ignore
    }

    /// The branch releases are cut from (`release.branch`, default `main`).
    public var releaseBranch: String = "main"
    /// When false, cutting from any branch is allowed (`release.require_branch`).
    public var requireReleaseBranch: Bool = true
    /// When false, uncommitted changes do not stop a cut (`release.require_clean`).
    public var requireCleanWorkingTree: Bool = true
    /// Prefix of release tags (`release.tag_prefix`, default `v` → `v1.2.3`).
    public var tagPrefix: String = "v"
    /// The version of the first release when no release tag exists (`release.first_version`, default 0.1.0).
    public var firstVersion: SemanticVersion = SemanticVersion(0, 1, 0)
    /// When true a breaking change on 0.x bumps the major version to 1.0.0; by default it bumps minor
    /// (`release.zero_major_breaking = "major"`).
    public var breakingBumpsMajorOnZero: Bool = false
    /// Per-type bump and changelog section (`[[release.types]]`).
    public var types: [CommitTypeRule] = CommitTypeRule.defaults
    /// Non-conventional commits: `other` or `ignore` (`release.non_conventional`).
    public var nonConventional: NonConventionalPolicy = .other
    /// Section title for non-conventional commits and unknown types (`release.other_section`).
    public var otherSection: String = "Other"
    /// Section title for breaking changes, always first (`release.breaking_section`).
    public var breakingSection: String = "⚠ BREAKING CHANGES"
    /// When true, merge commits themselves are classified too; by default only the commits they bring in
    /// count (`release.include_merge_commits`).
    public var includeMergeCommits: Bool = false
    /// The remote whose URL gives commit and compare links (`release.remote`, default `origin`).
    public var remote: String = "origin"
    /// Write the changelog on `cut` (`release.changelog = false` turns it off).
    public var changelogEnabled: Bool = true
    /// Changelog path relative to the repository root (`release.changelog_path`).
    public var changelogPath: String = "CHANGELOG.md"
    /// A Mustache template for one release section (`release.changelog_template`: the CLI reads the file and
    /// passes its text). Context keys are listed in `docs/releases.md`.
    public var changelogTemplate: String?
    /// The text written above the first release when the changelog is created (`release.changelog_header`).
    public var changelogHeader: String = ChangelogDocument.defaultHeader
    /// Files whose version string is updated on `cut` (`[[release.version_files]]`).
    public var versionFiles: [VersionFile] = []
    /// Directory holding migration files (`release.migrations_dir`, default `migrations`).
    public var migrationsDirectory: String = "migrations"
    /// Write the release manifest on `cut` (`release.manifest = false` turns it off).
    public var manifestEnabled: Bool = true
    /// Manifest path; `{version}` and `{tag}` are replaced (`release.manifest_path`).
    public var manifestPath: String = "migrations/releases/{version}.json"
    /// Release commit message; `{version}`, `{tag}` and `{component}` are replaced (`release.commit_message`).
    public var commitMessage: String = "chore(release): {version}"
    /// Sign the tag (`git tag -s`) (`release.sign`).
    public var signTag: Bool = false
    /// Push the commit and tag after the cut (`release.push`).
    public var push: Bool = false
    /// Shell commands run before anything is written (`release.hooks.before`).
    public var beforeHooks: [String] = []
    /// Shell commands run after the tag (and push) (`release.hooks.after`).
    public var afterHooks: [String] = []
    /// Monorepo components (`[[release.components]]`), selected with `--path`.
    public var components: [ReleaseComponent] = []
    /// Maximum header length for `check` (`release.check.max_header_length`, 0 = no limit).
    public var maxHeaderLength: Int = 100
    /// When true, `check` rejects types missing from ``types`` (`release.check.strict_types`).
    public var rejectUnknownTypes: Bool = true
    /// The git executable (name looked up in `PATH`, or a path).
    public var gitExecutable: String = "git"

    /// The defaults.
    public init() {}

    /// The rule for `type` (case-insensitive), if configured.
    public func rule(for type: String) -> CommitTypeRule? {
        let lowered = type.lowercased()
        return types.first(where: { $0.type == lowered })
    }
}
