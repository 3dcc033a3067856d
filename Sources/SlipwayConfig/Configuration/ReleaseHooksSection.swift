/// `[release.hooks]`: shell commands run around a release cut (each must exit 0).
public struct ReleaseHooksSection: Sendable, Hashable {
    /// The keys `[release.hooks]` accepts.
    public static let keys = ["before", "after"]

    /// Run before anything is written; a failure stops the cut (`before`).
    public var before: [String] = []
    /// Run after the tag is created (and pushed, with `push = true`) (`after`).
    public var after: [String] = []

    /// No hooks.
    public init() {}
}
