import Crypto
import Foundation

/// The release manifest: the migration files new in a release with their SHA-256, written as JSON on `cut`
/// (default `migrations/releases/<version>.json`) so a deploy from a container image without git history
/// knows exactly which migrations belong to the release. Schema version 1 (documented in `docs/releases.md`).
public struct ReleaseManifest: Sendable, Hashable, Codable {
    /// One migration file.
    public struct Migration: Sendable, Hashable, Codable {
        /// Path relative to the repository root.
        public var path: String
        /// Lower-case hex SHA-256 of the file bytes.
        public var sha256: String
        /// File size in bytes.
        public var size: Int

        /// Creates an entry.
        public init(path: String, sha256: String, size: Int) {
            self.path = path
            self.sha256 = sha256
            self.size = size
        }
    }

    /// Always 1 for this layout.
    public var schemaVersion: Int
    /// The release version (`1.3.0`).
    public var version: String
    /// The release tag (`v1.3.0`).
    public var tag: String
    /// The previous release's version, if any.
    public var previousVersion: String?
    /// The previous release's tag, if any.
    public var previousTag: String?
    /// The component for path-scoped releases.
    public var component: String?
    /// Release date `YYYY-MM-DD`.
    public var date: String
    /// The migrations directory scanned.
    public var migrationsDirectory: String
    /// The migrations added since the previous release tag, sorted by path.
    public var migrations: [Migration]

    /// Creates a manifest.
    public init(
        version: String, tag: String, previousVersion: String?, previousTag: String?, component: String?, date: String,
        migrationsDirectory: String, migrations: [Migration]
    ) {
        self.schemaVersion = 1
        self.version = version
        self.tag = tag
        self.previousVersion = previousVersion
        self.previousTag = previousTag
        self.component = component
        self.date = date
        self.migrationsDirectory = migrationsDirectory
        self.migrations = migrations
    }

    /// Lower-case hex SHA-256 of `bytes`.
    public static func sha256Hex(_ bytes: Data) -> String {
        SHA256.hash(data: bytes).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Pretty-printed JSON with sorted keys and a trailing newline.
    public func jsonText() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}
