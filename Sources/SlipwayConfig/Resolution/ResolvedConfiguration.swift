/// Every effective configuration value after precedence (flag > environment variable > file > default), with
/// the origin of each main value.
///
/// Build one with ``resolve(file:environment:flags:)`` (from an already loaded file) or
/// ``load(flags:environment:currentDirectory:)`` (discovery, loading and resolution in one step).
public struct ResolvedConfiguration: Sendable, Hashable {
    /// The configuration file used, as the user knows it; `nil` when there is none (zero-config).
    public var configurationFile: String?
    /// The selected environment's name (`--env`/`SLIPWAY_ENV`), if any.
    public var environmentName: String?
    /// The selected environment's section, if any.
    public var environment: EnvironmentSection?
    /// The database connection.
    public var connection: ResolvedConnection
    /// The directory of migration files.
    public var migrationsDirectory: String
    /// The target schema.
    public var schema: String
    /// Slipway's state schema.
    public var stateSchema: String
    /// `application_name` for Slipway's sessions.
    public var applicationName: String
    /// Effective lock settings (environment overrides and `--lock-timeout`/`SLIPWAY_LOCK_TIMEOUT` applied).
    public var lock: LockSection
    /// Effective backfill settings (environment overrides applied).
    public var backfill: BackfillSection
    /// Effective backup settings (environment overrides applied).
    public var backup: BackupSection
    /// Lint settings.
    public var lint: LintSection
    /// `[plan]` settings.
    public var plan = PlanSection()
    /// Release settings.
    public var release: ReleaseSection
    /// The deploy policy of the selected environment (defaults without one).
    public var policy: DeployPolicy
    /// Where each main value came from.
    public var sources: [ConfigurationSetting: ValueSource]

    /// Where `setting` came from (``ValueSource/default`` if not recorded).
    public func source(of setting: ConfigurationSetting) -> ValueSource {
        sources[setting] ?? .default
    }

    /// One line of `slipway config show`.
    public struct Explanation: Sendable, Hashable {
        /// The setting.
        public var setting: ConfigurationSetting
        /// The effective value as text (passwords redacted).
        public var value: String
        /// Where it came from (`flag --schema`, `$SLIPWAY_SCHEMA`, `slipway.toml:3`, `default`).
        public var origin: String
    }

    /// Each main setting's effective value and origin, in a fixed order, passwords redacted.
    public var explanation: [Explanation] {
        ConfigurationSetting.allCases.map { setting in
            let value: String
            switch setting {
            case .configFile: value = configurationFile ?? "(none)"
            case .environment: value = environmentName ?? "(none)"
            case .connection: value = connection.summary
            case .migrationsDirectory: value = migrationsDirectory
            case .schema: value = schema
            case .stateSchema: value = stateSchema
            case .applicationName: value = applicationName
            case .lockTimeout: value = DurationSyntax.format(lock.lockTimeout)
            case .statementTimeout: value = DurationSyntax.format(lock.statementTimeout)
            }
            let origin = source(of: setting).explanation(flag: setting.flag, file: configurationFile)
            return Explanation(setting: setting, value: value, origin: origin)
        }
    }
}
