import Foundation
import PostgresClient
import Slipway

/// The settings a command runs with, after applying flag > environment > file > default.
struct ResolvedSettings {
    var connection: ConnectionConfiguration
    var connectionSource: String
    var schema: String
    var stateSchema: String

    static func resolve(connection options: ConnectionOptions) throws -> ResolvedSettings {
        let environment = ProcessInfo.processInfo.environment
        var source = "libpq defaults (PG* variables)"
        var url = ""
        if let flag = options.url {
            url = flag
            source = "--url"
        } else if let value = environment["SLIPWAY_URL"], !value.isEmpty {
            url = value
            source = "$SLIPWAY_URL"
        } else if let value = environment["DATABASE_URL"], !value.isEmpty {
            url = value
            source = "$DATABASE_URL"
        }
        let schema = options.schema ?? environment["SLIPWAY_SCHEMA"] ?? "public"
        return ResolvedSettings(
            connection: ConnectionConfiguration(url), connectionSource: source, schema: schema,
            stateSchema: environment["SLIPWAY_STATE_SCHEMA"] ?? "slipway")
    }
}
