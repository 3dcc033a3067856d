/// The commits of one release range after classification and revert cancellation.
public struct CommitAnalysis: Sendable, Hashable, Codable {
    /// A revert and the commit it reverted, both in the range, so both left out.
    public struct CancelledPair: Sendable, Hashable, Codable {
        /// The revert commit.
        public var revert: GitCommit
        /// The reverted commit.
        public var reverted: GitCommit
    }

    /// Commits that count (newest first): conventional commits and, unless ignored, other commits.
    public var commits: [ReleaseCommit]
    /// Reverts cancelled together with the commit they revert.
    public var cancelled: [CancelledPair]
    /// Commits left out: merge commits, `fixup!`/`squash!`/`amend!`, and ignored non-conventional commits.
    public var ignored: [GitCommit]
    /// The largest bump asked for by ``commits``.
    public var bump: BumpLevel
    /// The newest `Release-As:` footer value in the range, if any.
    public var releaseAs: String?

    /// Creates an analysis.
    public init(commits: [ReleaseCommit], cancelled: [CancelledPair], ignored: [GitCommit], bump: BumpLevel, releaseAs: String?) {
        self.commits = commits
        self.cancelled = cancelled
        self.ignored = ignored
        self.bump = bump
        self.releaseAs = releaseAs
    }
}
