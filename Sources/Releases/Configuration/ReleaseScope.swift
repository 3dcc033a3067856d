/// The part of the repository a release covers: the whole repository, or one component's path.
/// Resolved from the configuration and the `--path` option.
public struct ReleaseScope: Sendable, Hashable, Codable {
    /// The component name, or `nil` for the whole repository.
    public var component: String?
    /// Path limiting `git log` (`nil` for the whole repository).
    public var path: String?
    /// The tag prefix in effect.
    public var tagPrefix: String
    /// The changelog path in effect.
    public var changelogPath: String
    /// The version files in effect.
    public var versionFiles: [VersionFile]

    /// Resolves the scope for `path` (the `--path` option). A path not configured as a component gets the
    /// tag prefix `<last path component>-v` and `<path>/CHANGELOG.md`.
    public static func resolve(path: String?, configuration: ReleaseConfiguration) -> ReleaseScope {
        guard let raw = path, !raw.isEmpty, raw != "." else {
            return ReleaseScope(
                component: nil, path: nil, tagPrefix: configuration.tagPrefix,
                changelogPath: configuration.changelogPath, versionFiles: configuration.versionFiles)
        }
        let normalized = raw.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
        if let component = configuration.components.first(where: {
            $0.path.split(separator: "/").joined(separator: "/") == normalized || $0.name == raw
        }) {
            return ReleaseScope(
                component: component.name, path: component.path, tagPrefix: component.tagPrefix,
                changelogPath: component.changelogPath ?? "\(component.path)/CHANGELOG.md",
                versionFiles: component.versionFiles)
        }
        let name = String(normalized.split(separator: "/").last ?? Substring(normalized))
        return ReleaseScope(
            component: name, path: normalized, tagPrefix: "\(name)-v", changelogPath: "\(normalized)/CHANGELOG.md",
            versionFiles: [])
    }
}
