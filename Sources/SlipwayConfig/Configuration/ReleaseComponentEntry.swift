/// One `[[release.components]]` entry: an independently versioned part of a monorepo.
public struct ReleaseComponentEntry: Sendable, Hashable {
    /// The keys an entry accepts.
    public static let keys = ["name", "path", "tag_prefix", "changelog_path", "version_files"]

    /// The component's name (`name`, required, unique).
    public var name: String
    /// The directory whose commits belong to it (`path`, required).
    public var path: String
    /// Its tag prefix (`tag_prefix`, default `NAME-v`: `api-v1.2.0`).
    public var tagPrefix: String
    /// Its changelog (`changelog_path`; default `PATH/CHANGELOG.md`, decided by the Releases module).
    public var changelogPath: String?
    /// Its version files (`[[release.components.version_files]]`).
    public var versionFiles: [VersionFileEntry]

    /// Creates a component; the tag prefix defaults to `NAME-v`.
    public init(name: String, path: String, tagPrefix: String? = nil, changelogPath: String? = nil, versionFiles: [VersionFileEntry] = []) {
        self.name = name
        self.path = path
        self.tagPrefix = tagPrefix ?? "\(name)-v"
        self.changelogPath = changelogPath
        self.versionFiles = versionFiles
    }
}
