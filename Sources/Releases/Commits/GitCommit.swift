/// A commit as read from `git log`: hash, parents, author, date and the raw message.
public struct GitCommit: Sendable, Hashable, Codable {
    /// The full object name.
    public var hash: String
    /// Parent hashes (two or more for a merge commit).
    public var parents: [String]
    /// Author name.
    public var authorName: String
    /// Author e-mail.
    public var authorEmail: String
    /// Author date, strict ISO 8601 (`%aI`).
    public var date: String
    /// The raw message (`%B`).
    public var message: String

    /// Creates a commit value.
    public init(hash: String, parents: [String] = [], authorName: String = "", authorEmail: String = "", date: String = "", message: String) {
        self.hash = hash
        self.parents = parents
        self.authorName = authorName
        self.authorEmail = authorEmail
        self.date = date
        self.message = message
    }

    /// The first line of the message.
    public var subject: String {
        String(message.prefix(while: { !$0.isNewline }))
    }

    /// The first seven characters of the hash.
    public var shortHash: String { String(hash.prefix(7)) }

    /// True when the commit has more than one parent.
    public var isMerge: Bool { parents.count > 1 }
}
