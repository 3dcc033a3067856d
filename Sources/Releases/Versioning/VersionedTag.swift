/// A release tag whose name (after the prefix) is a Semantic Version.
public struct VersionedTag: Sendable, Hashable, Codable {
    /// The version.
    public var version: SemanticVersion
    /// The tag.
    public var tag: GitTag

    /// Creates a versioned tag.
    public init(version: SemanticVersion, tag: GitTag) {
        self.version = version
        self.tag = tag
    }

    /// Keeps the tags named `<prefix><semver>`, sorted by precedence (lowest first). Tags with the prefix
    /// whose remainder starts with a digit but is not SemVer produce a warning (`v1.2`, `v1.2.3.4`).
    public static func select(from tags: [GitTag], prefix: String) -> (tags: [VersionedTag], warnings: [String]) {
        var selected: [VersionedTag] = []
        var warnings: [String] = []
        for tag in tags where tag.name.hasPrefix(prefix) {
            let rest = tag.name.dropFirst(prefix.count)
            if let version = SemanticVersion(String(rest)) {
                selected.append(VersionedTag(version: version, tag: tag))
            } else if let first = rest.first, first.isASCII, first.isNumber {
                warnings.append(
                    "tag '\(tag.name)' has the prefix '\(prefix)' but '\(rest)' is not a Semantic Version; it is ignored")
            }
        }
        selected.sort { $0.version < $1.version }
        return (selected, warnings)
    }
}
