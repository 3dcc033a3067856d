/// A file holding the version, updated on `cut` (`[[release.version_files]]`).
public struct VersionFile: Sendable, Hashable, Codable {
    /// How the version is located in the file.
    public enum Kind: Sendable, Hashable, Codable {
        /// The whole file is the version (a trailing newline is kept). TOML: `kind = "file"`.
        case wholeFile
        /// A string value at a dotted key path (`version`, `package.version`, `packages.0.version`).
        /// TOML: `kind = "json", key = "…"`.
        case json(keyPath: String)
        /// A string value at a dotted TOML key (`package.version`), replaced line-wise keeping formatting.
        /// TOML: `kind = "toml", key = "…"`.
        case toml(key: String)
        /// Every match of a regular expression; the capture group named `version`, else group 1, is
        /// replaced. TOML: `kind = "regex", pattern = "…"`.
        case regex(pattern: String)
    }

    /// Path relative to the repository root.
    public var path: String
    /// How the version is located.
    public var kind: Kind

    /// Creates a version file entry.
    public init(path: String, kind: Kind) {
        self.path = path
        self.kind = kind
    }
}
