/// The configuration values given on the command line; `nil` means "not given".
///
/// The CLI fills this from its shared option groups and passes it to ``ResolvedConfiguration/resolve(file:environment:flags:)``.
public struct ConfigurationFlags: Sendable, Hashable {
    /// `--config PATH`.
    public var configPath: String?
    /// `--url URL` (a URL or libpq keyword string; a password here is the user's choice and is never printed).
    public var url: String?
    /// `--env NAME`.
    public var environment: String?
    /// `--schema NAME`.
    public var schema: String?
    /// `--migrations-dir PATH`.
    public var migrationsDirectory: String?
    /// `--state-schema NAME`.
    public var stateSchema: String?
    /// `--lock-timeout DURATION`, as typed (`"3s"`); validated by the resolver.
    public var lockTimeout: String?
    /// `--application-name NAME`.
    public var applicationName: String?

    /// Creates flags; every value defaults to "not given".
    public init(
        configPath: String? = nil, url: String? = nil, environment: String? = nil, schema: String? = nil,
        migrationsDirectory: String? = nil, stateSchema: String? = nil, lockTimeout: String? = nil,
        applicationName: String? = nil
    ) {
        self.configPath = configPath
        self.url = url
        self.environment = environment
        self.schema = schema
        self.migrationsDirectory = migrationsDirectory
        self.stateSchema = stateSchema
        self.lockTimeout = lockTimeout
        self.applicationName = applicationName
    }
}
