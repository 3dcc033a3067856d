/// The result of `slipway release changelog` (full regeneration from history).
public struct ChangelogResult: ReleaseOutput, Hashable {
    /// The changelog path.
    public var path: String
    /// Number of release sections (excluding Unreleased).
    public var releaseCount: Int
    /// True when the file was written.
    public var written: Bool
    /// The whole changelog.
    public var text: String
    /// Non-fatal remarks.
    public var warnings: [String]

    /// The changelog text.
    public func renderText() -> String { text }
}
