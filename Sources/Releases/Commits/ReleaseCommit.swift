/// A commit classified for a release: its parsed message, the changelog section it belongs to and its bump.
public struct ReleaseCommit: Sendable, Hashable, Codable {
    /// How the commit was classified.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A Conventional Commit.
        case conventional
        /// A commit whose subject is not conventional, kept under "Other".
        case other
    }

    /// The commit as read from git.
    public var commit: GitCommit
    /// The parsed message, for conventional commits.
    public var conventional: ConventionalCommit?
    /// Conventional or other.
    public var kind: Kind
    /// The bump this commit asks for.
    public var bump: BumpLevel
    /// The changelog section title, or `nil` when the type is hidden from the changelog.
    public var section: String?

    /// Creates a classified commit.
    public init(commit: GitCommit, conventional: ConventionalCommit?, kind: Kind, bump: BumpLevel, section: String?) {
        self.commit = commit
        self.conventional = conventional
        self.kind = kind
        self.bump = bump
        self.section = section
    }

    /// True when the commit is a breaking change.
    public var isBreaking: Bool { conventional?.isBreaking ?? false }

    /// The line shown in the changelog: the description, or the subject for non-conventional commits.
    public var summary: String { conventional?.description ?? commit.subject }
}
