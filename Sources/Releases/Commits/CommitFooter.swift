/// One Conventional Commits footer: `Token: value` or `Token #value` (git trailer style).
public struct CommitFooter: Sendable, Hashable, Codable {
    /// The token as written (`Refs`, `BREAKING CHANGE`, `Reviewed-by`).
    public var token: String
    /// `": "` or `" #"`.
    public var separator: String
    /// The value; may span several lines (continuation lines are kept, trailing blank lines removed).
    public var value: String

    /// Creates a footer.
    public init(token: String, separator: String, value: String) {
        self.token = token
        self.separator = separator
        self.value = value
    }

    /// True for `BREAKING CHANGE` and its synonym `BREAKING-CHANGE` (both must be upper case).
    public var isBreakingChange: Bool { token == "BREAKING CHANGE" || token == "BREAKING-CHANGE" }

    /// True for `Release-As` (case-insensitive), which overrides the computed version.
    public var isReleaseAs: Bool { token.lowercased() == "release-as" }
}
