/// The result of `slipway release notes [VERSION]`.
public struct NotesResult: ReleaseOutput, Hashable {
    /// The version (`Unreleased`-free: the next version when none was given).
    public var version: String
    /// The tag.
    public var tag: String
    /// True when the version is not tagged yet (notes of the upcoming release).
    public var unreleased: Bool
    /// The structured notes.
    public var releaseNotes: ReleaseNotes
    /// Markdown notes without heading.
    public var notes: String

    /// The Markdown notes.
    public func renderText() -> String { notes + "\n" }

    enum CodingKeys: String, CodingKey {
        case version, tag, unreleased, releaseNotes, notes
    }

    /// Encodes every field; absent optional values are written as `null` so the JSON shape is stable.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(version, forKey: .version)
        try container.encode(tag, forKey: .tag)
        try container.encode(unreleased, forKey: .unreleased)
        try container.encode(releaseNotes, forKey: .releaseNotes)
        try container.encode(notes, forKey: .notes)
    }
}
