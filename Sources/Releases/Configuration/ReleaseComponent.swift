/// One independently versioned part of a monorepo (`[[release.components]]`).
public struct ReleaseComponent: Sendable, Hashable, Codable {
    /// A name, used in messages and `{component}` (`api`).
    public var name: String
    /// The directory whose commits count, relative to the repository root (`packages/api`).
    public var path: String
    /// Tag prefix (`api-v` → `api-v1.2.0`).
    public var tagPrefix: String
    /// Changelog path; defaults to `<path>/CHANGELOG.md`.
    public var changelogPath: String?
    /// Version files of this component (paths relative to the repository root).
    public var versionFiles: [VersionFile]

    /// Creates a component. `tagPrefix` defaults to `<name>-v`.
    public init(name: String, path: String, tagPrefix: String? = nil, changelogPath: String? = nil, versionFiles: [VersionFile] = []) {
        self.name = name
        self.path = path
        self.tagPrefix = tagPrefix ?? "\(name)-v"
        self.changelogPath = changelogPath
        self.versionFiles = versionFiles
    }
}
