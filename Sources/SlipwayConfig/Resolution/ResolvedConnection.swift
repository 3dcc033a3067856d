/// The effective database connection: a libpq connection string and a password-free account of where it came from.
///
/// Printing it (``description``, ``debugDescription``, string interpolation) never shows a password.
public struct ResolvedConnection: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What to hand to libpq: a URL, `service=NAME`, a keyword string, or `""` for libpq's defaults
    /// (`PGHOST`, `PGPORT`, `PGUSER`, `PGDATABASE`, `PGSERVICE`, …). May contain a password when it came from
    /// a flag or an environment variable — never print it; print ``summary``.
    public var connectionString: String
    /// Where it came from.
    public var source: ValueSource
    /// One human-readable, password-free line, e.g. `postgresql://app:***@db.internal/app (from $PRODUCTION_DATABASE_URL)`.
    public var summary: String

    /// Creates a resolved connection.
    public init(connectionString: String, source: ValueSource, summary: String) {
        self.connectionString = connectionString
        self.source = source
        self.summary = summary
    }

    /// Whether libpq's own defaults apply (the connection string is empty).
    public var usesLibpqDefaults: Bool { connectionString.isEmpty }

    /// The connection string with any password replaced by `***`.
    public var redactedConnectionString: String { ConnectionRedaction.redacted(connectionString) }

    /// ``summary``.
    public var description: String { summary }
    /// ``summary`` (never the raw connection string).
    public var debugDescription: String { "ResolvedConnection(\(summary))" }
}
