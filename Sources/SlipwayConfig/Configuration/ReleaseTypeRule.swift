/// What one Conventional Commits type does on a release: the version bump and the changelog section.
///
/// Written either as an array of tables —
/// `[[release.types]]` with `type = "feat"`, `bump = "minor"`, `section = "Features"`, `hidden = false` —
/// or as a table keyed by type: `[release.types]` with `feat = "minor"` or
/// `feat = { bump = "minor", section = "Features" }`.
public struct ReleaseTypeRule: Sendable, Hashable {
    /// The keys an element of `[[release.types]]` accepts.
    public static let keys = ["type", "bump", "section", "hidden"]
    /// The keys the inline-table form in `[release.types]` accepts.
    public static let tableKeys = ["bump", "section", "hidden"]

    /// A semantic-version bump.
    public enum Bump: String, Sendable, Hashable, CaseIterable {
        /// No release for this type alone.
        case none
        /// `1.2.3` → `1.2.4`.
        case patch
        /// `1.2.3` → `1.3.0`.
        case minor
        /// `1.2.3` → `2.0.0`.
        case major
    }

    /// The commit type (`feat`), lower-cased.
    public var type: String
    /// The bump a commit of this type causes (a `!` or `BREAKING CHANGE` footer always means major).
    public var bump: Bump
    /// The changelog section title; `nil` = the Releases module's title for a known type, else the type.
    public var section: String?
    /// Never list this type in the changelog (it may still bump).
    public var hidden: Bool

    /// Creates a rule.
    public init(type: String, bump: Bump, section: String? = nil, hidden: Bool = false) {
        self.type = type.lowercased()
        self.bump = bump
        self.section = section
        self.hidden = hidden
    }
}
