/// The main settings whose origin ``ResolvedConfiguration`` records.
public enum ConfigurationSetting: String, Sendable, Hashable, CaseIterable {
    /// The configuration file itself.
    case configFile = "config"
    /// The selected environment.
    case environment = "env"
    /// The database connection.
    case connection
    /// The migrations directory.
    case migrationsDirectory = "migrations_dir"
    /// The target schema.
    case schema
    /// Slipway's state schema.
    case stateSchema = "state_schema"
    /// `application_name`.
    case applicationName = "application_name"
    /// `lock.lock_timeout`.
    case lockTimeout = "lock_timeout"
    /// `lock.statement_timeout`.
    case statementTimeout = "statement_timeout"

    /// The command-line flag that sets it, if there is one.
    public var flag: String? {
        switch self {
        case .configFile: "--config"
        case .environment: "--env"
        case .connection: "--url"
        case .migrationsDirectory: "--migrations-dir"
        case .schema: "--schema"
        case .stateSchema: "--state-schema"
        case .applicationName: "--application-name"
        case .lockTimeout: "--lock-timeout"
        case .statementTimeout: nil
        }
    }

    /// The environment variable that sets it, if there is one (the connection also reads `DATABASE_URL` or
    /// the selected environment's `url_env` variable).
    public var environmentVariable: String? {
        switch self {
        case .configFile: "SLIPWAY_CONFIG"
        case .environment: "SLIPWAY_ENV"
        case .connection: "SLIPWAY_URL"
        case .migrationsDirectory: "SLIPWAY_MIGRATIONS_DIR"
        case .schema: "SLIPWAY_SCHEMA"
        case .stateSchema: "SLIPWAY_STATE_SCHEMA"
        case .lockTimeout: "SLIPWAY_LOCK_TIMEOUT"
        case .applicationName, .statementTimeout: nil
        }
    }
}
