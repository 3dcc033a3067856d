/// The result of `slipway release cut` (also of `--dry-run`, which writes nothing).
public struct CutResult: ReleaseOutput, Hashable {
    /// The new version.
    public var version: SemanticVersion
    /// The new tag.
    public var tag: String
    /// The latest final release before it.
    public var previousVersion: SemanticVersion?
    /// Its tag.
    public var previousTag: String?
    /// The bump from the commits.
    public var bump: BumpLevel
    /// Where the version came from.
    public var source: VersionCalculator.Source
    /// The component, for path-scoped releases.
    public var component: String?
    /// True when nothing was written.
    public var dryRun: Bool
    /// The commits counted, newest first.
    public var commits: [CommitSummary]
    /// Reverts cancelled with the commit they revert (hashes).
    public var cancelledReverts: [String]
    /// Structured release notes.
    public var releaseNotes: ReleaseNotes
    /// Release notes as Markdown (no heading), as in the tag message.
    public var notes: String
    /// The changelog section inserted.
    public var changelogSection: String
    /// Files written (or to be written).
    public var files: [FileChange]
    /// The manifest, when enabled.
    public var manifest: ReleaseManifest?
    /// The release commit, `nil` in a dry run.
    public var commitHash: String?
    /// The full tag message.
    public var tagMessage: String
    /// True when the tag was signed (or would be).
    public var signed: Bool
    /// True when the commit and tag were pushed (or would be).
    public var pushed: Bool
    /// Hooks run.
    public var hooks: [ReleaseHooks.Run]
    /// Non-fatal remarks.
    public var warnings: [String]

    /// A summary for people.
    public func renderText() -> String {
        var lines: [String] = []
        let verb = dryRun ? "Would release" : "Released"
        let from = previousTag.map { " (previous \($0))" } ?? " (first release)"
        lines.append("\(verb) \(tag)\(from): \(bump) bump from \(commits.count) commit\(commits.count == 1 ? "" : "s")")
        for warning in warnings { lines.append("warning: \(warning)") }
        lines.append("")
        lines.append(notes)
        lines.append("")
        if !files.isEmpty {
            lines.append(dryRun ? "Files that would be written:" : "Files written:")
            for file in files { lines.append("  \(file.action.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(file.path)") }
        }
        if let manifest {
            lines.append("Migrations in this release: \(manifest.migrations.count)")
            for migration in manifest.migrations { lines.append("  \(migration.path)  sha256:\(migration.sha256)") }
        }
        if let commitHash { lines.append("Commit: \(commitHash)") }
        if !dryRun { lines.append("Tag: \(tag)\(signed ? " (signed)" : "")\(pushed ? ", pushed" : "")") }
        return lines.joined(separator: "\n") + "\n"
    }

    enum CodingKeys: String, CodingKey {
        case version, tag, previousVersion, previousTag, bump, source, component, dryRun, commits, cancelledReverts, releaseNotes, notes, changelogSection, files, manifest, commitHash, tagMessage, signed, pushed, hooks, warnings
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
        if let component { try container.encode(component, forKey: .component) } else { try container.encodeNil(forKey: .component) }
        try container.encode(dryRun, forKey: .dryRun)
        try container.encode(commits, forKey: .commits)
        try container.encode(cancelledReverts, forKey: .cancelledReverts)
        try container.encode(releaseNotes, forKey: .releaseNotes)
        try container.encode(notes, forKey: .notes)
        try container.encode(changelogSection, forKey: .changelogSection)
        try container.encode(files, forKey: .files)
        if let manifest { try container.encode(manifest, forKey: .manifest) } else { try container.encodeNil(forKey: .manifest) }
        if let commitHash { try container.encode(commitHash, forKey: .commitHash) } else { try container.encodeNil(forKey: .commitHash) }
        try container.encode(tagMessage, forKey: .tagMessage)
        try container.encode(signed, forKey: .signed)
        try container.encode(pushed, forKey: .pushed)
        try container.encode(hooks, forKey: .hooks)
        try container.encode(warnings, forKey: .warnings)
    }
}
