/// `[release]`: how `slipway release` computes versions, writes the changelog and manifest, and tags.
///
/// The keys are those of the Releases module's `ReleaseConfiguration` (see `docs/releases.md`); values the
/// Releases module owns the defaults of (the type table, the changelog header) are optional here: `nil`
/// means "the Releases default".
public struct ReleaseSection: Sendable, Hashable {
    /// The keys `[release]` accepts (`other_commits`, `manifest_dir` and a string `changelog` are accepted
    /// spellings of `non_conventional`, `manifest_path` and `changelog_path`).
    public static let keys = [
        "branch", "require_branch", "require_clean", "tag_prefix", "first_version", "zero_major_breaking",
        "non_conventional", "other_commits", "other_section", "breaking_section", "include_merge_commits", "remote",
        "changelog", "changelog_path", "changelog_template", "changelog_header", "migrations_dir", "manifest",
        "manifest_path", "manifest_dir", "commit_message", "sign", "push", "hooks", "check", "git", "types",
        "version_files", "components",
    ]
    /// The keys `[release.check]` accepts.
    public static let checkKeys = ["max_header_length", "strict_types"]

    /// What a breaking change bumps while the major version is 0.
    public enum ZeroMajorBreaking: String, Sendable, Hashable, CaseIterable {
        /// 0.x: a breaking change bumps the minor version (0.3.1 → 0.4.0).
        case minor
        /// A breaking change bumps the major version even from 0.x (0.3.1 → 1.0.0).
        case major
    }

    /// What happens to commits that are not Conventional Commits.
    public enum NonConventional: String, Sendable, Hashable, CaseIterable {
        /// List them under `other_section` (no bump). `other_commits = "show"` means the same.
        case other
        /// Leave them out of notes and changelog.
        case ignore
    }

    /// The branch releases are cut from (`branch`, default `main`).
    public var branch: String = "main"
    /// Refuse to cut from another branch (`require_branch`, default true).
    public var requireBranch: Bool = true
    /// Refuse to cut with uncommitted changes (`require_clean`, default true).
    public var requireClean: Bool = true
    /// The prefix of release tags (`tag_prefix`, default `v`: `v1.4.0`).
    public var tagPrefix: String = "v"
    /// The version of the first release when there is no tag yet (`first_version`, default `0.1.0`).
    public var firstVersion: String = "0.1.0"
    /// What a breaking change bumps in 0.x (`zero_major_breaking`, default `minor`).
    public var zeroMajorBreaking: ZeroMajorBreaking = .minor
    /// Non-conventional commits (`non_conventional`, default `other`).
    public var nonConventional: NonConventional = .other
    /// Section title for non-conventional commits and unknown types (`other_section`, default `Other`).
    public var otherSection: String = "Other"
    /// Section title for breaking changes (`breaking_section`, default `⚠ BREAKING CHANGES`).
    public var breakingSection: String = "⚠ BREAKING CHANGES"
    /// Classify merge commits themselves too (`include_merge_commits`, default false).
    public var includeMergeCommits: Bool = false
    /// The remote for links and pushes (`remote`, default `origin`).
    public var remote: String = "origin"
    /// Write the changelog on a cut (`changelog = false` turns it off; default true).
    public var changelogEnabled: Bool = true
    /// The changelog file (`changelog_path`, default `CHANGELOG.md`).
    public var changelogPath: String = "CHANGELOG.md"
    /// A Mustache template file for changelog sections (`changelog_template`; default: built in).
    public var changelogTemplate: String?
    /// Text above the first release of a new changelog (`changelog_header`; default: the Releases module's).
    public var changelogHeader: String?
    /// The migrations directory the manifest lists (`migrations_dir`; default: the top-level `migrations_dir`).
    public var migrationsDirectory: String?
    /// Write the release manifest on a cut (`manifest = false` turns it off; default true).
    public var manifestEnabled: Bool = true
    /// The manifest path, `{version}`/`{tag}` replaced (`manifest_path`, default `migrations/releases/{version}.json`).
    public var manifestPath: String = "migrations/releases/{version}.json"
    /// The release commit message, `{version}`/`{tag}`/`{component}` replaced (`commit_message`).
    public var commitMessage: String = "chore(release): {version}"
    /// Sign the tag (`git tag -s`) (`sign`, default false).
    public var sign: Bool = false
    /// Push the release commit and tag to `remote` (`push`, default false).
    public var push: Bool = false
    /// Shell commands around a cut (`[release.hooks]`).
    public var hooks = ReleaseHooksSection()
    /// `check`: the longest allowed header, 0 = no limit (`check.max_header_length`, default 100).
    public var maxHeaderLength: Int = 100
    /// `check`: reject types missing from the type table (`check.strict_types`, default true).
    public var strictTypes: Bool = true
    /// The git executable (`git`, default `git`).
    public var git: String = "git"
    /// The commit type table (`[[release.types]]` or `[release.types]`), replacing the built-in one; `nil` =
    /// the Releases module's defaults.
    public var types: [ReleaseTypeRule]?
    /// Files whose version a cut rewrites (`[[release.version_files]]`).
    public var versionFiles: [VersionFileEntry] = []
    /// Independently versioned components of a monorepo (`[[release.components]]`).
    public var components: [ReleaseComponentEntry] = []

    /// The defaults.
    public init() {}
}
