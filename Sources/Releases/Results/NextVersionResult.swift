/// The result of `slipway release next`: the version only (text), everything else in JSON.
public struct NextVersionResult: ReleaseOutput, Hashable {
    /// The next version.
    public var version: SemanticVersion
    /// Its tag.
    public var tag: String
    /// The latest final release, if any.
    public var previousVersion: SemanticVersion?
    /// Its tag.
    public var previousTag: String?
    /// The bump from the commits.
    public var bump: BumpLevel
    /// Where the version came from.
    public var source: VersionCalculator.Source
    /// Number of commits counted.
    public var commitCount: Int
    /// Non-fatal remarks (non-SemVer tags, ignored footers).
    public var warnings: [String]

    /// Just the version and a newline.
    public func renderText() -> String { "\(version)\n" }

    enum CodingKeys: String, CodingKey {
        case version, tag, previousVersion, previousTag, bump, source, commitCount, warnings
    }

    /// Encodes every field; absent optional values are written as `null` so the JSON shape is stable.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(version, forKey: .version)
        try container.encode(tag, forKey: .tag)
        if let previousVersion { try container.encode(previousVersion, forKey: .previousVersion) } else { try container.encodeNil(forKey: .previousVersion) }
        if let previousTag { try container.encode(previousTag, forKey: .previousTag) } else { try container.encodeNil(forKey: .previousTag) }
        try container.encode(bump, forKey: .bump)
        try container.encode(source, forKey: .source)
        try container.encode(commitCount, forKey: .commitCount)
        try container.encode(warnings, forKey: .warnings)
    }
}
