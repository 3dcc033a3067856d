/// A commit as shown in results (`--format json`).
public struct CommitSummary: Sendable, Hashable, Codable {
    /// Full hash.
    public var hash: String
    /// Seven-character hash.
    public var shortHash: String
    /// First line of the message.
    public var subject: String
    /// Conventional type, lower-cased, or `nil` for other commits.
    public var type: String?
    /// Scope, if any.
    public var scope: String?
    /// True for a breaking change.
    public var breaking: Bool
    /// The bump it asks for.
    public var bump: BumpLevel
    /// Changelog section, or `nil` when hidden.
    public var section: String?
    /// Author name.
    public var author: String
    /// Author date (ISO 8601).
    public var date: String

    /// Summarises a classified commit.
    public init(_ commit: ReleaseCommit) {
        hash = commit.commit.hash
        shortHash = commit.commit.shortHash
        subject = commit.commit.subject
        type = commit.conventional?.type
        scope = commit.conventional?.scope
        breaking = commit.isBreaking
        bump = commit.bump
        section = commit.section
        author = commit.commit.authorName
        date = commit.commit.date
    }
}
