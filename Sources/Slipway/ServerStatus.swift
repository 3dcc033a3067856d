import PostgresClient

/// What `slipway status` reports about a server before any migration state exists.
public struct ServerStatus: Sendable, Codable, Hashable {
    /// `server_version` as the server reports it (e.g. `15.18 (Debian 15.18-0+deb12u1)`).
    public var serverVersion: String
    /// The numeric version (`150018`).
    public var serverVersionNumber: Int
    /// The database connected to.
    public var database: String
    /// The role connected as.
    public var user: String
    /// Whether the role is a superuser (Slipway does not need one).
    public var isSuperuser: Bool
    /// The target schema and whether it exists.
    public var schema: String
    public var schemaExists: Bool
    /// The state schema (`slipway` by default) and whether it exists.
    public var stateSchema: String
    public var stateSchemaExists: Bool
    /// The connection, with any password removed.
    public var connection: String

    /// Connects and reads the status.
    /// - Throws: ``PostgresError`` (`.connectionFailed` when the server cannot be reached).
    public static func read(
        _ configuration: ConnectionConfiguration, schema: String = "public", stateSchema: String = "slipway"
    ) async throws -> ServerStatus {
        let connection = try await PostgresConnection.connect(configuration.with("application_name", "slipway status"))
        defer { Task { await connection.close() } }
        let row = try await connection.query(
            """
            SELECT current_setting('server_version') AS version,
                   current_setting('server_version_num')::int8 AS version_num,
                   current_database() AS db, current_user AS usr,
                   (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
                   EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = \(schema)) AS schema_exists,
                   EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = \(stateSchema)) AS state_exists
            """)[0]
        return ServerStatus(
            serverVersion: try row.decode("version"), serverVersionNumber: try row.decode("version_num"),
            database: try row.decode("db"), user: try row.decode("usr"), isSuperuser: try row.decode("superuser"),
            schema: schema, schemaExists: try row.decode("schema_exists"), stateSchema: stateSchema,
            stateSchemaExists: try row.decode("state_exists"), connection: configuration.description)
    }
}
