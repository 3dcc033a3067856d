/// A commit message parsed according to Conventional Commits 1.0.0.
///
/// `type(scope)!: description`, an optional multi-paragraph body, and footers. Types are case-insensitive
/// (stored lower-cased, so `Feat:` is `feat`). Git's `Revert "…"` subjects and `revert:` commits are parsed
/// as type `revert`, with ``revertedHash`` taken from the body line `This reverts commit <sha>.`.
public struct ConventionalCommit: Sendable, Hashable, Codable {
    /// The type, lower-cased (`feat`, `fix`, ...).
    public var type: String
    /// The scope without parentheses, if any.
    public var scope: String?
    /// True when the header carries `!` before the colon.
    public var hasBreakingMarker: Bool
    /// The description after `: `.
    public var description: String
    /// The body (paragraphs between the header and the footers), or `nil`.
    public var body: String?
    /// The footers, in order.
    public var footers: [CommitFooter]
    /// The hash named in `This reverts commit <sha>.`, for reverts.
    public var revertedHash: String?
    /// The header of the reverted commit (`feat: x` for `Revert "feat: x"`), for reverts.
    public var revertedHeader: String?

    /// Creates a parsed commit from its parts.
    public init(
        type: String, scope: String? = nil, hasBreakingMarker: Bool = false, description: String,
        body: String? = nil, footers: [CommitFooter] = [], revertedHash: String? = nil, revertedHeader: String? = nil
    ) {
        self.type = type
        self.scope = scope
        self.hasBreakingMarker = hasBreakingMarker
        self.description = description
        self.body = body
        self.footers = footers
        self.revertedHash = revertedHash
        self.revertedHeader = revertedHeader
    }

    /// True when the commit is breaking (`!` or a `BREAKING CHANGE:`/`BREAKING-CHANGE:` footer).
    public var isBreaking: Bool { hasBreakingMarker || footers.contains(where: \.isBreakingChange) }

    /// Texts describing the breaking change: the footer values, or the description when only `!` is used.
    public var breakingNotes: [String] {
        let notes = footers.filter(\.isBreakingChange).map(\.value)
        if notes.isEmpty && hasBreakingMarker { return [description] }
        return notes
    }

    /// The value of the last `Release-As:` footer, if any.
    public var releaseAs: String? { footers.last(where: \.isReleaseAs)?.value.trimmingWhitespace() }

    /// True for a revert commit (`revert:` type or git's `Revert "…"`).
    public var isRevert: Bool { type == "revert" }

    /// Parses `message`, returning `nil` when its header is not a Conventional Commits header
    /// (and is not a git `Revert "…"` subject).
    public static func parse(_ message: String) -> ConventionalCommit? {
        CommitMessageParser.parse(message)
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        guard let start = firstIndex(where: { !$0.isWhitespace }), let end = lastIndex(where: { !$0.isWhitespace }) else {
            return ""
        }
        return String(self[start...end])
    }
}
