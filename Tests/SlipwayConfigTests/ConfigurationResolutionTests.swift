import Testing
@testable import SlipwayConfig

private let fileText = """
    migrations_dir = "db/migrations"
    schema = "app"
    state_schema = "slipway_app"
    application_name = "app-deployer"

    [lock]
    lock_timeout = "3s"
    statement_timeout = "4s"

    [environments.staging]
    url_env = "STAGING_DATABASE_URL"
    schema = "app_staging"

    [environments.production]
    url_env = "PRODUCTION_DATABASE_URL"
    backup_required = true
    plan_gate = "error"
    [environments.production.lock]
    lock_timeout = "1s"

    [environments.reporting]
    service = "reporting"

    [environments.broken]
    url_env = "BROKEN_DATABASE_URL"
    """

private func file() throws -> SlipwayConfiguration {
    try SlipwayConfiguration.parse(fileText)
}

/// One main value's four levels: what each level sets, and what the resolved value must be.
struct PrecedenceCase: Sendable, CustomTestStringConvertible {
    var setting: ConfigurationSetting
    var flags: ConfigurationFlags
    var variable: (name: String, value: String)
    var read: @Sendable (ResolvedConfiguration) -> String
    var flagValue: String
    var variableValue: String
    var fileValue: String
    var fileLine: Int
    var defaultValue: String

    var testDescription: String { setting.rawValue }
}

@Suite("Configuration resolution")
struct ConfigurationResolutionTests {
    static let precedenceCases: [PrecedenceCase] = [
        PrecedenceCase(
            setting: .schema, flags: ConfigurationFlags(schema: "from_flag"), variable: ("SLIPWAY_SCHEMA", "from_env"),
            read: { $0.schema }, flagValue: "from_flag", variableValue: "from_env", fileValue: "app", fileLine: 2, defaultValue: "public"),
        PrecedenceCase(
            setting: .migrationsDirectory, flags: ConfigurationFlags(migrationsDirectory: "flag/dir"),
            variable: ("SLIPWAY_MIGRATIONS_DIR", "env/dir"), read: { $0.migrationsDirectory },
            flagValue: "flag/dir", variableValue: "env/dir", fileValue: "db/migrations", fileLine: 1, defaultValue: "migrations"),
        PrecedenceCase(
            setting: .stateSchema, flags: ConfigurationFlags(stateSchema: "flag_state"),
            variable: ("SLIPWAY_STATE_SCHEMA", "env_state"), read: { $0.stateSchema },
            flagValue: "flag_state", variableValue: "env_state", fileValue: "slipway_app", fileLine: 3, defaultValue: "slipway"),
        PrecedenceCase(
            setting: .lockTimeout, flags: ConfigurationFlags(lockTimeout: "7s"), variable: ("SLIPWAY_LOCK_TIMEOUT", "1m30s"),
            read: { DurationSyntax.format($0.lock.lockTimeout) },
            flagValue: "7s", variableValue: "1m30s", fileValue: "3s", fileLine: 7, defaultValue: "2s"),
        PrecedenceCase(
            setting: .connection, flags: ConfigurationFlags(url: "postgresql://flag@h/db"),
            variable: ("SLIPWAY_URL", "postgresql://env@h/db"), read: { $0.connection.connectionString },
            flagValue: "postgresql://flag@h/db", variableValue: "postgresql://env@h/db", fileValue: "service=main", fileLine: 2,
            defaultValue: ""),
    ]

    /// The file for the connection case sets `[connection] service`; the others use `fileText`.
    static func fileFor(_ setting: ConfigurationSetting) throws -> SlipwayConfiguration {
        setting == .connection ? try SlipwayConfiguration.parse("[connection]\nservice = \"main\"\n") : try file()
    }

    @Test(arguments: precedenceCases)
    func flagBeatsEnvironmentBeatsFileBeatsDefault(_ test: PrecedenceCase) throws {
        let file = try Self.fileFor(test.setting)
        let variables = [test.variable.name: test.variable.value]

        let all = try ResolvedConfiguration.resolve(file: file, environment: variables, flags: test.flags)
        #expect(test.read(all) == test.flagValue)
        #expect(all.source(of: test.setting) == .flag)

        let noFlag = try ResolvedConfiguration.resolve(file: file, environment: variables, flags: ConfigurationFlags())
        #expect(test.read(noFlag) == test.variableValue)
        #expect(noFlag.source(of: test.setting) == .environment(test.variable.name))

        let fileOnly = try ResolvedConfiguration.resolve(file: file, environment: [:], flags: ConfigurationFlags())
        #expect(test.read(fileOnly) == test.fileValue)
        #expect(fileOnly.source(of: test.setting) == .file(line: test.fileLine))

        let nothing = try ResolvedConfiguration.resolve(file: nil, environment: [:], flags: ConfigurationFlags())
        #expect(test.read(nothing) == test.defaultValue)
        #expect(nothing.source(of: test.setting) == .default)
    }

    @Test func emptyVariablesCountAsUnset() throws {
        let resolved = try ResolvedConfiguration.resolve(file: try file(), environment: ["SLIPWAY_SCHEMA": ""], flags: ConfigurationFlags())
        #expect(resolved.schema == "app")
        #expect(resolved.source(of: .schema) == .file(line: 2))
    }

    @Test func zeroConfigResolvesToDefaults() throws {
        let resolved = try ResolvedConfiguration.resolve(file: nil, environment: [:], flags: ConfigurationFlags())
        #expect(resolved.configurationFile == nil)
        #expect(resolved.environmentName == nil)
        #expect(resolved.migrationsDirectory == "migrations")
        #expect(resolved.schema == "public")
        #expect(resolved.stateSchema == "slipway")
        #expect(resolved.applicationName == "slipway")
        #expect(resolved.lock == LockSection())
        #expect(resolved.backfill == BackfillSection())
        #expect(resolved.backup == BackupSection())
        #expect(resolved.lint == LintSection())
        #expect(resolved.release == ReleaseSection())
        #expect(resolved.policy == DeployPolicy())
        #expect(resolved.connection.usesLibpqDefaults)
        #expect(resolved.connection.summary == "libpq defaults (PGHOST, PGPORT, PGUSER, PGDATABASE, PGSERVICE…; $DATABASE_URL is not set)")
        #expect(ConfigurationSetting.allCases.allSatisfy { resolved.source(of: $0) == .default })
    }

    // MARK: Environments

    @Test func environmentSectionBeatsTopLevelFileValues() throws {
        let resolved = try ResolvedConfiguration.resolve(
            file: try file(), environment: ["PRODUCTION_DATABASE_URL": "postgresql://deploy:pw@prod-db/app"],
            flags: ConfigurationFlags(environment: "production"))
        #expect(resolved.environmentName == "production")
        #expect(resolved.source(of: .environment) == .flag)
        #expect(resolved.lock.lockTimeout == .seconds(1))
        #expect(resolved.source(of: .lockTimeout) == .file(line: 19))
        #expect(resolved.lock.statementTimeout == .seconds(4))
        #expect(resolved.source(of: .statementTimeout) == .file(line: 8))
        #expect(resolved.schema == "app")
        #expect(resolved.policy.backupRequired)
        #expect(resolved.policy.planGate == .error)
        #expect(resolved.connection.connectionString == "postgresql://deploy:pw@prod-db/app")
        #expect(resolved.connection.source == .environment("PRODUCTION_DATABASE_URL"))
        #expect(resolved.connection.summary == "postgresql://deploy:***@prod-db/app (from $PRODUCTION_DATABASE_URL, environment 'production')")
    }

    @Test func environmentSelectedByVariable() throws {
        let resolved = try ResolvedConfiguration.resolve(
            file: try file(), environment: ["SLIPWAY_ENV": "staging", "STAGING_DATABASE_URL": "postgresql://s@h/db", "DATABASE_URL": "postgresql://ignored@h/db"],
            flags: ConfigurationFlags())
        #expect(resolved.environmentName == "staging")
        #expect(resolved.source(of: .environment) == .environment("SLIPWAY_ENV"))
        #expect(resolved.schema == "app_staging")
        #expect(resolved.source(of: .schema) == .file(line: 12))
        #expect(resolved.connection.connectionString == "postgresql://s@h/db")
        #expect(!resolved.policy.backupRequired)
    }

    @Test func flagEnvironmentBeatsVariableEnvironment() throws {
        let resolved = try ResolvedConfiguration.resolve(
            file: try file(), environment: ["SLIPWAY_ENV": "production"], flags: ConfigurationFlags(environment: "reporting"))
        #expect(resolved.environmentName == "reporting")
        #expect(resolved.connection.connectionString == "service=reporting")
        #expect(resolved.connection.source == .file(line: 22))
        #expect(resolved.connection.summary == "libpq service 'reporting' (from slipway.toml, environment 'reporting')")
    }

    @Test func slipwayURLBeatsTheEnvironmentsConnection() throws {
        let resolved = try ResolvedConfiguration.resolve(
            file: try file(), environment: ["SLIPWAY_URL": "postgresql://override@h/db", "PRODUCTION_DATABASE_URL": "postgresql://p@h/db"],
            flags: ConfigurationFlags(environment: "production"))
        #expect(resolved.connection.connectionString == "postgresql://override@h/db")
        #expect(resolved.connection.source == .environment("SLIPWAY_URL"))
    }

    @Test func undefinedEnvironmentListsTheDefinedOnes() throws {
        let error = try #require(throws: ConfigurationErrors.self) {
            try ResolvedConfiguration.resolve(file: try file(), environment: [:], flags: ConfigurationFlags(environment: "prodution"))
        }
        #expect(error.errors.map(\.code) == [.undefinedEnvironment])
        #expect(error.description == "slipway.toml: environment 'prodution' (from --env) is not defined; defined environments: staging, production, reporting, broken")
    }

    @Test func undefinedEnvironmentWithoutAFile() throws {
        let error = try #require(throws: ConfigurationErrors.self) {
            try ResolvedConfiguration.resolve(file: nil, environment: ["SLIPWAY_ENV": "production"], flags: ConfigurationFlags())
        }
        #expect(error.description == "environment 'production' (from SLIPWAY_ENV) is not defined; no slipway.toml was found")
    }

    @Test func missingURLVariableOfTheSelectedEnvironmentIsAnError() throws {
        let error = try #require(throws: ConfigurationErrors.self) {
            try ResolvedConfiguration.resolve(file: try file(), environment: ["DATABASE_URL": "postgresql://local@h/db"], flags: ConfigurationFlags(environment: "broken"))
        }
        #expect(error.errors.map(\.code) == [.missingEnvironmentVariable])
        #expect(error.description == "slipway.toml:25:1: environment 'broken' takes its connection from $BROKEN_DATABASE_URL, which is not set; set it (e.g. from your CI secrets) or pass --url")
    }

    @Test(arguments: [
        (ConfigurationFlags(lockTimeout: "2"), [String: String](), "--lock-timeout: invalid lock timeout \"2\": expected a number with a unit: \"500ms\", \"2s\", \"1m30s\", \"1h\" (units h, m, s, ms), longer than 0ms"),
        (ConfigurationFlags(), ["SLIPWAY_LOCK_TIMEOUT": "0s"], "SLIPWAY_LOCK_TIMEOUT: invalid lock timeout \"0s\": expected a number with a unit: \"500ms\", \"2s\", \"1m30s\", \"1h\" (units h, m, s, ms), longer than 0ms"),
    ])
    func badLockTimeoutOverride(flags: ConfigurationFlags, variables: [String: String], expected: String) throws {
        let error = try #require(throws: ConfigurationErrors.self) {
            try ResolvedConfiguration.resolve(file: nil, environment: variables, flags: flags)
        }
        #expect(error.errors.map(\.code) == [.invalidDuration])
        #expect(error.description == expected)
    }

    @Test func errorsAreCollectedTogether() throws {
        let error = try #require(throws: ConfigurationErrors.self) {
            try ResolvedConfiguration.resolve(file: nil, environment: ["SLIPWAY_LOCK_TIMEOUT": "soon"], flags: ConfigurationFlags(environment: "qa"))
        }
        #expect(error.errors.map(\.code) == [.undefinedEnvironment, .invalidDuration])
    }

    // MARK: Connection

    @Test func topLevelConnectionOrder() throws {
        let file = try SlipwayConfiguration.parse("[connection]\nurl_env = \"APP_DB\"\nurl = \"postgresql://app@file-host/app\"\nservice = \"svc\"\n")
        let fromVariable = try ResolvedConfiguration.resolve(file: file, environment: ["APP_DB": "postgresql://u:pw@var-host/app", "DATABASE_URL": "postgresql://other@h/db"], flags: ConfigurationFlags())
        #expect(fromVariable.connection.connectionString == "postgresql://u:pw@var-host/app")
        #expect(fromVariable.connection.source == .environment("APP_DB"))
        #expect(fromVariable.connection.summary == "postgresql://u:***@var-host/app (from $APP_DB)")
        let fromFile = try ResolvedConfiguration.resolve(file: file, environment: ["DATABASE_URL": "postgresql://other@h/db"], flags: ConfigurationFlags())
        #expect(fromFile.connection.connectionString == "postgresql://app@file-host/app")
        #expect(fromFile.connection.source == .file(line: 3))
        let serviceOnly = try ResolvedConfiguration.resolve(file: try SlipwayConfiguration.parse("[connection]\nservice = \"my svc\""), environment: [:], flags: ConfigurationFlags())
        #expect(serviceOnly.connection.connectionString == "service='my svc'")
    }

    @Test func databaseURLIsTheZeroConfigConnection() throws {
        let resolved = try ResolvedConfiguration.resolve(file: nil, environment: ["DATABASE_URL": "postgres://app:hunter2@db:5432/app?sslmode=require"], flags: ConfigurationFlags())
        #expect(resolved.connection.connectionString == "postgres://app:hunter2@db:5432/app?sslmode=require")
        #expect(resolved.connection.source == .environment("DATABASE_URL"))
        #expect(resolved.connection.summary == "postgres://app:***@db:5432/app?sslmode=require (from $DATABASE_URL)")
    }

    @Test func passwordsNeverAppearInDescriptions() throws {
        let secret = "hunter2"
        for (flags, variables) in [
            (ConfigurationFlags(url: "postgresql://app:\(secret)@db/app"), [String: String]()),
            (ConfigurationFlags(url: "host=db user=app password=\(secret)"), [:]),
            (ConfigurationFlags(), ["SLIPWAY_URL": "postgresql://db/app?password=\(secret)&sslmode=require"]),
            (ConfigurationFlags(), ["DATABASE_URL": "dbname=app password='\(secret) x'"]),
            (ConfigurationFlags(environment: "production"), ["PRODUCTION_DATABASE_URL": "postgresql://app:\(secret)@db/app"]),
        ] {
            let resolved = try ResolvedConfiguration.resolve(file: try file(), environment: variables, flags: flags)
            #expect(resolved.connection.connectionString.contains(secret))
            #expect(!resolved.connection.summary.contains(secret))
            #expect(!"\(resolved.connection)".contains(secret))
            #expect(!String(reflecting: resolved.connection).contains(secret))
            #expect(!resolved.connection.redactedConnectionString.contains(secret))
            #expect(!resolved.explanation.map(\.value).joined().contains(secret))
        }
    }

    @Test func explanationSaysWhereEachValueCameFrom() throws {
        let resolved = try ResolvedConfiguration.resolve(
            file: try file(), environment: ["SLIPWAY_SCHEMA": "tenant_a", "PRODUCTION_DATABASE_URL": "postgresql://d:pw@db/app"],
            flags: ConfigurationFlags(environment: "production", lockTimeout: "750ms"))
        let lines = Dictionary(uniqueKeysWithValues: resolved.explanation.map { ($0.setting, "\($0.value) ← \($0.origin)") })
        #expect(lines[.environment] == "production ← flag --env")
        #expect(lines[.schema] == "tenant_a ← $SLIPWAY_SCHEMA")
        #expect(lines[.lockTimeout] == "750ms ← flag --lock-timeout")
        #expect(lines[.statementTimeout] == "4s ← slipway.toml:8")
        #expect(lines[.migrationsDirectory] == "db/migrations ← slipway.toml:1")
        #expect(lines[.connection] == "postgresql://d:***@db/app (from $PRODUCTION_DATABASE_URL, environment 'production') ← $PRODUCTION_DATABASE_URL")
        #expect(lines[.configFile] == "slipway.toml ← default")
    }
}
