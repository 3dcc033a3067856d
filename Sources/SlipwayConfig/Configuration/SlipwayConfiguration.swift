import Foundation

/// The contents of a `slipway.toml`, decoded strictly (unknown keys and wrong types are errors) and with
/// every default filled in.
///
/// ```swift
/// let configuration = try SlipwayConfiguration.parse(text, file: "slipway.toml")
/// configuration.lock.lockTimeout          // .seconds(2) unless the file says otherwise
/// configuration.environment(named: "production")?.backupRequired   // true
/// ```
public struct SlipwayConfiguration: Sendable, Hashable {
    /// The top-level keys (plain values and sections).
    public static let keys = [
        "migrations_dir", "schema", "state_schema", "application_name", "connection", "lock", "backfill", "lint",
        "release", "backup", "environments", "plan",
    ]

    /// The file as the user knows it (for messages); `nil` for the built-in defaults.
    public var file: String?
    /// The directory of migration files (`migrations_dir`, default `migrations`).
    public var migrationsDirectory: String = "migrations"
    /// The application's schema that migrations change (`schema`, default `public`).
    public var schema: String = "public"
    /// The schema of Slipway's own state tables (`state_schema`, default `slipway`).
    public var stateSchema: String = "slipway"
    /// `application_name` of Slipway's sessions, visible in `pg_stat_activity` (default `slipway`).
    public var applicationName: String = "slipway"
    /// `[connection]`.
    public var connection = ConnectionSection()
    /// `[lock]`.
    public var lock = LockSection()
    /// `[backfill]`.
    public var backfill = BackfillSection()
    /// `[lint]`.
    public var lint = LintSection()
    /// `[plan]`.
    public var plan = PlanSection()
    /// `[release]`.
    public var release = ReleaseSection()
    /// `[backup]`.
    public var backup = BackupSection()
    /// `[environments.NAME]`, in file order.
    public var environments: [EnvironmentSection] = []
    /// Where each key that the file sets is written, by dotted key path (`lock.lock_timeout`,
    /// `environments.production.schema`); used to explain where a value came from.
    public var keyPositions: [String: SourcePosition] = [:]

    /// The built-in defaults (what an empty or missing file means).
    public init() {}

    /// The environment called `name`, if the file defines it.
    public func environment(named name: String) -> EnvironmentSection? {
        environments.first { $0.name == name }
    }

    /// Decodes a configuration file's text.
    ///
    /// - Parameters:
    ///   - text: The TOML text.
    ///   - file: The name to use in messages (`slipway.toml`, or the path given with `--config`).
    /// - Throws: ``ConfigurationErrors`` with every problem found: a TOML syntax error (alone, code
    ///   ``ConfigurationError/Code/invalidTOML``), or all unknown keys, wrong types, invalid values and
    ///   passwords in the file. An empty text is not an error: it means all defaults.
    public static func parse(_ text: String, file: String = "slipway.toml") throws(ConfigurationErrors) -> SlipwayConfiguration {
        try parse(bytes: Array(text.utf8), file: file)
    }

    /// Decodes a configuration file's bytes (UTF-8); see ``parse(_:file:)``.
    public static func parse(bytes: [UInt8], file: String = "slipway.toml") throws(ConfigurationErrors) -> SlipwayConfiguration {
        let table: TOMLTable
        do {
            table = try TOMLParser.parse(bytes: bytes)
        } catch {
            throw ConfigurationErrors([ConfigurationError(.invalidTOML, error.message, file: file, position: error.position)])
        }
        let decoder = ConfigurationDecoder(file: file)
        let configuration = decoder.decode(table)
        guard decoder.errors.isEmpty else { throw ConfigurationErrors(decoder.errors) }
        return configuration
    }

    /// Reads and decodes the file at `path`.
    ///
    /// - Parameter file: The name to use in messages (default: `path` itself).
    /// - Throws: ``ConfigurationErrors`` with ``ConfigurationError/Code/fileNotFound`` or
    ///   ``ConfigurationError/Code/unreadableFile``, or the errors of ``parse(_:file:)``.
    public static func load(path: String, file: String? = nil) throws(ConfigurationErrors) -> SlipwayConfiguration {
        let name = file ?? path
        guard FileManager.default.fileExists(atPath: path) else {
            throw ConfigurationErrors([ConfigurationError(.fileNotFound, "configuration file not found", file: name)])
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationErrors([ConfigurationError(.unreadableFile, "cannot read the configuration file (is it a directory, or unreadable?)", file: name)])
        }
        return try parse(bytes: Array(data), file: name)
    }
}
