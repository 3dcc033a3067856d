/// `[connection]`: where the database connection comes from when no environment is selected.
///
/// The file never holds a password: a `url` with one is refused. Put the URL in an environment variable
/// (`url_env`), or use a libpq service (`service`, from `pg_service.conf`) with `~/.pgpass` or `PGPASSWORD`.
public struct ConnectionSection: Sendable, Hashable {
    /// The keys `[connection]` accepts.
    public static let keys = ["url_env", "service", "url"]

    /// The name of the environment variable holding the connection URL (`url_env`, default `DATABASE_URL`).
    public var urlEnvironmentVariable: String = "DATABASE_URL"
    /// A libpq service name from `pg_service.conf` (`service`).
    public var service: String?
    /// A connection URL or keyword string without a password (`url`).
    public var url: String?

    /// The defaults: the URL from `$DATABASE_URL`, else libpq's defaults.
    public init() {}
}
