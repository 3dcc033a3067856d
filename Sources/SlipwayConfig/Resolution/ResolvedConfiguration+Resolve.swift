import Foundation

extension ResolvedConfiguration {
    /// Applies precedence — flag > environment variable > file > default — to a loaded file (or none).
    ///
    /// - Parameters:
    ///   - file: The decoded `slipway.toml`, or `nil` for zero-config (all defaults).
    ///   - environment: The process environment (`ProcessInfo.processInfo.environment`); empty values count as unset.
    ///   - flags: The values given on the command line.
    /// - Throws: ``ConfigurationErrors`` collecting: ``ConfigurationError/Code/undefinedEnvironment`` (the
    ///   selected environment is not in the file; the message lists the defined ones),
    ///   ``ConfigurationError/Code/missingEnvironmentVariable`` (the selected environment's `url_env` variable
    ///   is unset and it names no other connection), ``ConfigurationError/Code/invalidDuration`` (a bad
    ///   `--lock-timeout` or `SLIPWAY_LOCK_TIMEOUT`). A missing `DATABASE_URL` is not an error: libpq's
    ///   defaults apply.
    public static func resolve(
        file: SlipwayConfiguration?, environment: [String: String], flags: ConfigurationFlags
    ) throws(ConfigurationErrors) -> ResolvedConfiguration {
        var resolver = Resolver(file: file, variables: environment.filter { !$0.value.isEmpty }, flags: flags)
        let resolved = resolver.resolve()
        guard resolver.errors.isEmpty else { throw ConfigurationErrors(resolver.errors) }
        return resolved
    }
}

/// The precedence logic behind ``ResolvedConfiguration/resolve(file:environment:flags:)``.
private struct Resolver {
    let file: SlipwayConfiguration?
    let configuration: SlipwayConfiguration
    let variables: [String: String]
    let flags: ConfigurationFlags
    var errors: [ConfigurationError] = []
    var sources: [ConfigurationSetting: ValueSource] = [:]

    init(file: SlipwayConfiguration?, variables: [String: String], flags: ConfigurationFlags) {
        self.file = file
        self.configuration = file ?? SlipwayConfiguration()
        self.variables = variables
        self.flags = flags
    }

    /// The line of a key path the file sets, if it does.
    func fileSource(_ paths: String...) -> ValueSource? {
        guard file != nil else { return nil }
        for path in paths {
            if let position = configuration.keyPositions[path] { return .file(line: position.line) }
        }
        return nil
    }

    /// flag > variable > file (first of `paths` set) > default, recording the source.
    mutating func pick<Value>(
        _ setting: ConfigurationSetting, flag: Value?, variable: (name: String, value: Value?)?,
        file paths: [String], fileValue: Value, default defaultValue: Value
    ) -> Value {
        if let flag {
            sources[setting] = .flag
            return flag
        }
        if let variable, let value = variable.value {
            sources[setting] = .environment(variable.name)
            return value
        }
        for path in paths {
            if let source = fileSource(path) {
                sources[setting] = source
                return fileValue
            }
        }
        sources[setting] = .default
        return defaultValue
    }

    func envPath(_ environment: EnvironmentSection?, _ key: String) -> [String] {
        guard let environment else { return [] }
        let prefix = ConfigurationDecoder.join("environments", environment.name)
        return [key.split(separator: ".").reduce(prefix) { ConfigurationDecoder.join($0, String($1)) }]
    }

    mutating func resolve() -> ResolvedConfiguration {
        // The environment.
        var environmentName: String?
        if let name = flags.environment {
            environmentName = name
            sources[.environment] = .flag
        } else if let name = variables["SLIPWAY_ENV"] {
            environmentName = name
            sources[.environment] = .environment("SLIPWAY_ENV")
        } else {
            sources[.environment] = .default
        }
        var environment: EnvironmentSection?
        if let environmentName {
            environment = configuration.environment(named: environmentName)
            if environment == nil {
                let defined = configuration.environments.map(\.name)
                let via = flags.environment != nil ? "--env" : "SLIPWAY_ENV"
                let list = defined.isEmpty
                    ? (file == nil ? "no slipway.toml was found" : "\(configuration.file ?? "slipway.toml") defines no environments")
                    : "defined environments: " + defined.joined(separator: ", ")
                errors.append(ConfigurationError(
                    .undefinedEnvironment, "environment '\(environmentName)' (from \(via)) is not defined; \(list)",
                    file: file == nil ? nil : configuration.file, keyPath: ConfigurationDecoder.join("environments", environmentName)))
            }
        }

        let migrationsDirectory = pick(
            .migrationsDirectory, flag: flags.migrationsDirectory,
            variable: ("SLIPWAY_MIGRATIONS_DIR", variables["SLIPWAY_MIGRATIONS_DIR"]),
            file: ["migrations_dir"], fileValue: configuration.migrationsDirectory, default: "migrations")
        let schema = pick(
            .schema, flag: flags.schema, variable: ("SLIPWAY_SCHEMA", variables["SLIPWAY_SCHEMA"]),
            file: envPath(environment, "schema") + ["schema"],
            fileValue: environment?.schema ?? configuration.schema, default: "public")
        let stateSchema = pick(
            .stateSchema, flag: flags.stateSchema, variable: ("SLIPWAY_STATE_SCHEMA", variables["SLIPWAY_STATE_SCHEMA"]),
            file: ["state_schema"], fileValue: configuration.stateSchema, default: "slipway")
        let applicationName = pick(
            .applicationName, flag: flags.applicationName, variable: nil,
            file: ["application_name"], fileValue: configuration.applicationName, default: "slipway")

        var lock = environment?.lock ?? configuration.lock
        let flagTimeout = duration(flags.lockTimeout, from: "--lock-timeout")
        let variableTimeout = duration(variables["SLIPWAY_LOCK_TIMEOUT"], from: "SLIPWAY_LOCK_TIMEOUT")
        lock.lockTimeout = pick(
            .lockTimeout, flag: flagTimeout, variable: ("SLIPWAY_LOCK_TIMEOUT", variableTimeout),
            file: envPath(environment, "lock.lock_timeout") + ["lock.lock_timeout"],
            fileValue: lock.lockTimeout, default: LockSection().lockTimeout)
        lock.statementTimeout = pick(
            .statementTimeout, flag: nil, variable: nil,
            file: envPath(environment, "lock.statement_timeout") + ["lock.statement_timeout"],
            fileValue: lock.statementTimeout, default: LockSection().statementTimeout)

        let connection = resolveConnection(environment)
        sources[.connection] = connection.source

        var resolved = ResolvedConfiguration(
            configurationFile: file == nil ? nil : configuration.file,
            environmentName: environmentName,
            environment: environment,
            connection: connection,
            migrationsDirectory: migrationsDirectory,
            schema: schema,
            stateSchema: stateSchema,
            applicationName: applicationName,
            lock: lock,
            backfill: environment?.backfill ?? configuration.backfill,
            backup: environment?.backup ?? configuration.backup,
            lint: configuration.lint,
            release: configuration.release,
            policy: environment.map(DeployPolicy.init) ?? DeployPolicy(),
            sources: sources)
        resolved.plan = configuration.plan
        return resolved
    }

    mutating func duration(_ text: String?, from origin: String) -> Duration? {
        guard let text else { return nil }
        guard let value = DurationSyntax.parse(text), value > .zero else {
            errors.append(ConfigurationError(
                .invalidDuration, "\(origin): invalid lock timeout \"\(text)\": expected \(DurationSyntax.expectation), longer than 0ms"))
            return nil
        }
        return value
    }

    /// --url > $SLIPWAY_URL > the environment's connection > [connection] (its url_env variable, url, service) > libpq defaults.
    mutating func resolveConnection(_ environment: EnvironmentSection?) -> ResolvedConnection {
        if let url = flags.url {
            return ResolvedConnection(connectionString: url, source: .flag, summary: "\(ConnectionRedaction.redacted(url)) (from --url)")
        }
        if let url = variables["SLIPWAY_URL"] {
            return ResolvedConnection(connectionString: url, source: .environment("SLIPWAY_URL"), summary: "\(ConnectionRedaction.redacted(url)) (from $SLIPWAY_URL)")
        }
        let fileName = configuration.file ?? "slipway.toml"
        if let environment, environment.hasConnection {
            let prefix = ConfigurationDecoder.join("environments", environment.name)
            let label = "environment '\(environment.name)'"
            if let name = environment.urlEnvironmentVariable, let url = variables[name] {
                return ResolvedConnection(connectionString: url, source: .environment(name),
                                          summary: "\(ConnectionRedaction.redacted(url)) (from $\(name), \(label))")
            }
            if let url = environment.url {
                return ResolvedConnection(connectionString: url, source: fileSource(prefix + ".url") ?? .default,
                                          summary: "\(ConnectionRedaction.redacted(url)) (from \(fileName), \(label))")
            }
            if let service = environment.service {
                return ResolvedConnection(connectionString: Self.serviceString(service), source: fileSource(prefix + ".service") ?? .default,
                                          summary: "libpq service '\(service)' (from \(fileName), \(label))")
            }
            let name = environment.urlEnvironmentVariable ?? "DATABASE_URL"
            errors.append(ConfigurationError(
                .missingEnvironmentVariable,
                "\(label) takes its connection from $\(name), which is not set; set it (e.g. from your CI secrets) or pass --url",
                file: file == nil ? nil : fileName, position: configuration.keyPositions[prefix + ".url_env"],
                keyPath: prefix + ".url_env"))
            return ResolvedConnection(connectionString: "", source: .default, summary: "not resolved ($\(name) is not set)")
        }
        let connection = configuration.connection
        if let url = variables[connection.urlEnvironmentVariable] {
            return ResolvedConnection(connectionString: url, source: .environment(connection.urlEnvironmentVariable),
                                      summary: "\(ConnectionRedaction.redacted(url)) (from $\(connection.urlEnvironmentVariable))")
        }
        if let url = connection.url {
            return ResolvedConnection(connectionString: url, source: fileSource("connection.url") ?? .default,
                                      summary: "\(ConnectionRedaction.redacted(url)) (from \(fileName))")
        }
        if let service = connection.service {
            return ResolvedConnection(connectionString: Self.serviceString(service), source: fileSource("connection.service") ?? .default,
                                      summary: "libpq service '\(service)' (from \(fileName))")
        }
        return ResolvedConnection(
            connectionString: "", source: .default,
            summary: "libpq defaults (PGHOST, PGPORT, PGUSER, PGDATABASE, PGSERVICE…; $\(connection.urlEnvironmentVariable) is not set)")
    }

    /// `service=NAME`, quoted for libpq when needed.
    static func serviceString(_ service: String) -> String {
        let plain = !service.isEmpty && !service.contains(where: { $0.isWhitespace || $0 == "'" || $0 == "\\" })
        if plain { return "service=\(service)" }
        let escaped = service.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
        return "service='\(escaped)'"
    }
}
