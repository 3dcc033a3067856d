/// One `[[release.version_files]]` entry: a file whose version string a release rewrites.
public struct VersionFileEntry: Sendable, Hashable {
    /// The keys an entry accepts.
    public static let keys = ["path", "kind", "key", "pattern"]

    /// How the version is found in the file.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The whole file is the version (e.g. `VERSION`).
        case file
        /// A JSON file; `key` is the dotted path of the version string (e.g. `version`).
        case json
        /// A TOML file; `key` is the dotted path (e.g. `package.version`).
        case toml
        /// Any text file; `pattern` is a regular expression whose capture group `version` (else group 1) is the version.
        case regex
    }

    /// The file, relative to the repository root (`path`, required).
    public var path: String
    /// How the version is found (`kind`, required).
    public var kind: Kind
    /// For `json`/`toml`: the dotted key path of the version (`key`).
    public var key: String?
    /// For `regex`: the pattern, with one capture group or a group named `version` (`pattern`).
    public var pattern: String?

    /// Creates an entry.
    public init(path: String, kind: Kind, key: String? = nil, pattern: String? = nil) {
        self.path = path
        self.kind = kind
        self.key = key
        self.pattern = pattern
    }
}
