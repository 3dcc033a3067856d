/// The structured notes of one release: sections of entries, breaking changes first. Rendered to Markdown
/// by ``ChangelogRenderer`` (or a custom Mustache template) and to JSON by `Codable`.
public struct ReleaseNotes: Sendable, Hashable, Codable {
    /// One changelog line.
    public struct Entry: Sendable, Hashable, Codable {
        /// The scope, shown in bold (`**api:**`).
        public var scope: String?
        /// The description (or subject for non-conventional commits).
        public var description: String
        /// For breaking entries: the breaking-change text.
        public var breakingNote: String?
        /// True when the commit is breaking.
        public var breaking: Bool
        /// Full hash.
        public var hash: String
        /// Seven-character hash.
        public var shortHash: String
        /// Link to the commit, when the remote is known.
        public var url: String?
        /// Author name.
        public var author: String
    }

    /// A titled group of entries.
    public struct Section: Sendable, Hashable, Codable {
        /// The title (`Features`).
        public var title: String
        /// The entries, newest first.
        public var entries: [Entry]
    }

    /// `1.3.0`, or `Unreleased`.
    public var version: String
    /// The tag (`v1.3.0`), `nil` for unreleased changes.
    public var tag: String?
    /// The previous release's tag.
    public var previousTag: String?
    /// The release date `YYYY-MM-DD`.
    public var date: String
    /// Compare link from the previous tag, when the remote is known.
    public var compareURL: String?
    /// Breaking changes (rendered first).
    public var breaking: [Entry]
    /// Sections in configured order, empty ones left out.
    public var sections: [Section]

    /// Creates notes.
    public init(version: String, tag: String?, previousTag: String?, date: String, compareURL: String?, breaking: [Entry], sections: [Section]) {
        self.version = version
        self.tag = tag
        self.previousTag = previousTag
        self.date = date
        self.compareURL = compareURL
        self.breaking = breaking
        self.sections = sections
    }

    /// True when there is nothing to show.
    public var isEmpty: Bool { breaking.isEmpty && sections.allSatisfy { $0.entries.isEmpty } }

    /// Builds notes from an analysis: entries grouped by section in the configured order, "Other" last.
    public static func build(
        version: String, tag: String?, previousTag: String?, date: String, analysis: CommitAnalysis,
        configuration: ReleaseConfiguration, links: RemoteLinks?
    ) -> ReleaseNotes {
        var breaking: [Entry] = []
        var grouped: [String: [Entry]] = [:]
        for commit in analysis.commits {
            let entry = Entry(
                scope: commit.conventional?.scope, description: commit.summary, breakingNote: nil,
                breaking: commit.isBreaking, hash: commit.commit.hash, shortHash: commit.commit.shortHash,
                url: links?.commitURL(commit.commit.hash), author: commit.commit.authorName)
            if let conventional = commit.conventional, conventional.isBreaking {
                for note in conventional.breakingNotes {
                    var breakingEntry = entry
                    breakingEntry.breakingNote = note
                    breaking.append(breakingEntry)
                }
            }
            if let section = commit.section { grouped[section, default: []].append(entry) }
        }
        var order: [String] = []
        for rule in configuration.types where !rule.hidden && !order.contains(rule.section) { order.append(rule.section) }
        if !order.contains(configuration.otherSection) { order.append(configuration.otherSection) }
        for title in grouped.keys.sorted() where !order.contains(title) { order.append(title) }
        let sections = order.compactMap { title in grouped[title].map { Section(title: title, entries: $0) } }
        let compare: String?
        if let links, let previousTag { compare = links.compareURL(from: previousTag, to: tag ?? "HEAD") } else { compare = nil }
        return ReleaseNotes(
            version: version, tag: tag, previousTag: previousTag, date: date, compareURL: compare,
            breaking: breaking, sections: sections)
    }
}
