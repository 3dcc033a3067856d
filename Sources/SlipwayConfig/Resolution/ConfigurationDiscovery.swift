import Foundation

/// Finds `slipway.toml`: `--config PATH`, else `SLIPWAY_CONFIG`, else the current directory or the nearest
/// parent that has one — stopping at the root of the git repository (the directory holding `.git`).
public enum ConfigurationDiscovery {
    /// The file's name.
    public static let fileName = "slipway.toml"

    /// A configuration file that was found.
    public struct Location: Sendable, Hashable {
        /// The path to open.
        public var path: String
        /// The name used in messages: the path as given for `--config`/`SLIPWAY_CONFIG`, `slipway.toml` in the
        /// current directory, else the path.
        public var displayName: String
        /// How it was found: ``ValueSource/flag``, ``ValueSource/environment(_:)`` (`SLIPWAY_CONFIG`) or
        /// ``ValueSource/default`` (searched).
        public var source: ValueSource
    }

    /// Finds the configuration file.
    ///
    /// - Returns: The file, or `nil` when the search finds none (zero-config: not an error).
    /// - Throws: ``ConfigurationErrors`` with ``ConfigurationError/Code/fileNotFound`` when `--config` or
    ///   `SLIPWAY_CONFIG` names a file that does not exist.
    public static func locate(
        flags: ConfigurationFlags, environment: [String: String], currentDirectory: String
    ) throws(ConfigurationErrors) -> Location? {
        let explicit: (path: String, source: ValueSource, origin: String)?
        if let path = flags.configPath, !path.isEmpty {
            explicit = (path, .flag, "--config")
        } else if let path = environment["SLIPWAY_CONFIG"], !path.isEmpty {
            explicit = (path, .environment("SLIPWAY_CONFIG"), "SLIPWAY_CONFIG")
        } else {
            explicit = nil
        }
        if let explicit {
            let absolute = explicit.path.hasPrefix("/") ? explicit.path : (currentDirectory as NSString).appendingPathComponent(explicit.path)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory), !isDirectory.boolValue else {
                throw ConfigurationErrors([ConfigurationError(
                    .fileNotFound, "configuration file not found (from \(explicit.origin))", file: explicit.path)])
            }
            return Location(path: absolute, displayName: explicit.path, source: explicit.source)
        }
        var directory = URL(fileURLWithPath: currentDirectory).standardizedFileURL.path
        while true {
            let candidate = (directory as NSString).appendingPathComponent(fileName)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue {
                let inCurrent = directory == URL(fileURLWithPath: currentDirectory).standardizedFileURL.path
                return Location(path: candidate, displayName: inCurrent ? fileName : candidate, source: .default)
            }
            if FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent(".git")) { return nil }
            let parent = (directory as NSString).deletingLastPathComponent
            if parent == directory || parent.isEmpty { return nil }
            directory = parent
        }
    }
}
