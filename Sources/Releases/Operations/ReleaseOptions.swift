/// Per-invocation options of `next`, `notes` and `cut` (the command-line flags).
public struct ReleaseOptions: Sendable, Hashable {
    /// `--pre rc`: cut `X.Y.Z-rc.N`.
    public var prerelease: String?
    /// `--as X.Y.Z`: force the version.
    public var explicitVersion: SemanticVersion?
    /// `--path packages/api`: a path-scoped (monorepo component) release.
    public var path: String?
    /// `--dry-run`: compute and render everything, write nothing.
    public var dryRun: Bool
    /// `--sign`: sign the tag (`nil` = configuration).
    public var sign: Bool?
    /// `--push`: push the commit and tag (`nil` = configuration).
    public var push: Bool?
    /// Release date `YYYY-MM-DD` (default: today, UTC).
    public var date: String?

    /// Creates options; all default to off.
    public init(
        prerelease: String? = nil, explicitVersion: SemanticVersion? = nil, path: String? = nil, dryRun: Bool = false,
        sign: Bool? = nil, push: Bool? = nil, date: String? = nil
    ) {
        self.prerelease = prerelease
        self.explicitVersion = explicitVersion
        self.path = path
        self.dryRun = dryRun
        self.sign = sign
        self.push = push
        self.date = date
    }
}
