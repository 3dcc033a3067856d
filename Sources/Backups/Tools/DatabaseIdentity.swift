import Foundation
import PostgresClient

/// Which database a connection reached — to tell whether a restore target is the backup's own source.
///
/// The strongest evidence is the cluster's system identifier (`pg_control_system()`, which needs EXECUTE:
/// superusers and `pg_monitor` members by default) together with the database name. Without it, the
/// server's start time (`pg_postmaster_start_time()`, the same for every session of one running server and
/// practically never equal for two servers), its port and the database name decide.
public struct DatabaseIdentity: Sendable, Codable, Hashable {
    /// `pg_control_system().system_identifier`, when the role may read it.
    public var systemIdentifier: String?
    /// `current_database()`.
    public var database: String
    /// `pg_postmaster_start_time()` as text.
    public var serverStartTime: String
    /// `current_setting('port')`.
    public var port: String
    /// `inet_server_addr()` (nil over a unix socket).
    public var serverAddress: String?
    /// `current_setting('server_version')`, first word (`15.18`).
    public var serverVersion: String
    /// `current_setting('server_version_num')`.
    public var serverVersionNumber: Int

    /// Reads the identity of the connection's database.
    public static func read(_ connection: PostgresConnection) async throws -> DatabaseIdentity {
        let row = try await connection.query(
            """
            SELECT current_database() AS database,
                   pg_postmaster_start_time()::text AS started,
                   current_setting('port') AS port,
                   inet_server_addr()::text AS address,
                   split_part(current_setting('server_version'), ' ', 1) AS version,
                   current_setting('server_version_num')::int8 AS version_num,
                   CASE WHEN has_function_privilege('pg_catalog.pg_control_system()', 'EXECUTE')
                        THEN (SELECT system_identifier::text FROM pg_catalog.pg_control_system()) END AS system_identifier
            """)[0]
        return DatabaseIdentity(
            systemIdentifier: try row.decode("system_identifier", as: String?.self), database: try row.decode("database"),
            serverStartTime: try row.decode("started"), port: try row.decode("port"),
            serverAddress: try row.decode("address", as: String?.self), serverVersion: try row.decode("version"),
            serverVersionNumber: try row.decode("version_num"))
    }

    /// Whether `other` is the same database, and on what evidence.
    public func sameDatabase(as other: DatabaseIdentity) -> (same: Bool, basis: String) {
        if let mine = systemIdentifier, let theirs = other.systemIdentifier {
            return (mine == theirs && database == other.database, "system identifier and database name")
        }
        return (
            serverStartTime == other.serverStartTime && port == other.port && database == other.database,
            "server start time, port and database name (pg_control_system() not permitted)"
        )
    }
}
