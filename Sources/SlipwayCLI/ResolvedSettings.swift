import Foundation
import Migrations
import PostgresClient
import Slipway
import SlipwayConfig

/// The settings a command runs with, after applying flag > environment variable > slipway.toml > default
/// (SlipwayConfig does the resolution; this adapts it to the libraries' types).
struct ResolvedSettings {
    var configuration: ResolvedConfiguration
    var connection: ConnectionConfiguration { ConnectionConfiguration(configuration.connection.connectionString) }
    var connectionSource: String { configuration.connection.summary }
    var schema: String { configuration.schema }
    var stateSchema: String { configuration.stateSchema }
    var migrationsDirectory: String { configuration.migrationsDirectory }

    var lock: LockSettings {
        var settings = LockSettings()
        let section = configuration.lock
        settings.lockTimeoutMs = Self.milliseconds(section.lockTimeout)
        settings.statementTimeoutMs = Self.milliseconds(section.statementTimeout)
        settings.maxAttempts = section.maxAttempts
        settings.retryDeadlineMs = Self.milliseconds(section.retryDeadline)
        settings.backoffInitialMs = Self.milliseconds(section.backoffInitial)
        settings.backoffMaxMs = Self.milliseconds(section.backoffMax)
        settings.concurrentIndexWaitMs = Self.milliseconds(section.concurrentIndexWait)
        settings.concurrentMaxAttempts = section.concurrentMaxAttempts
        settings.blockerPolicy = section.blockerPolicy.rawValue
        settings.blockerGraceMs = Self.milliseconds(section.blockerGrace)
        return settings
    }

    static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds) * 1000 + Int(duration.components.attoseconds / 1_000_000_000_000_000)
    }

    static func resolve(connection options: ConnectionOptions, migrations: MigrationsOptions? = nil) throws -> ResolvedSettings {
        try resolve(
            config: options.config, url: options.url, env: options.env, schema: options.schema,
            migrationsDir: migrations?.migrationsDir)
    }

    static func resolve(
        config: String?, url: String? = nil, env: String? = nil, schema: String? = nil, migrationsDir: String?
    ) throws -> ResolvedSettings {
        let flags = ConfigurationFlags(
            configPath: config, url: url, environment: env, schema: schema, migrationsDirectory: migrationsDir)
        let resolved = try ResolvedConfiguration.load(
            flags: flags, environment: ProcessInfo.processInfo.environment,
            currentDirectory: FileManager.default.currentDirectoryPath)
        return ResolvedSettings(configuration: resolved)
    }
}
